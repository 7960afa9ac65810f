"""Where a report's data comes from: a store, or a scenario run in memory.

Why a neutral form: the KPIs, the 通报 and the 台账 are computed over plain inputs — a
list of ``(Policy, ItemState)``, the penalty ledger and an instant ``as_of`` — so that the
same code serves an operator's database and ``duban report --scenario``. This module
turns either source into that form, doing three things on the way:

* **as of**: an item whose history goes past ``as_of`` is replayed from its events up to
  ``as_of`` (the engine is deterministic, so a 通报 for September reads the same whenever
  it is printed, if ``as_of`` is fixed); ledger lines after ``as_of`` are dropped;
* **visibility**: a viewer (``--as ROLE --dept D``) sees a confidential (保密) item only
  if :func:`duban.engine.access.visible_to` says so; its ledger lines go with it;
* **counters**: yearly counters (e.g. the third 通报批评 of a year) are folded over the
  ledger per policy, as the runner does, because a store keeps only the item lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from duban.engine import penalties as penalty_rules
from duban.engine.access import visible_to
from duban.engine.core import replay
from duban.engine.model import Actor, Event, ItemState, PenaltyEntry
from duban.engine.notice import notice_of
from duban.errors import DubanError
from duban.policy.model import Policy


@dataclass(frozen=True)
class Viewer:
    """Who the report is for: a role word (the policy's or canonical), a department, and
    optionally a person of the policy's ``people``. None of them: the supervising office."""

    role: str
    department: str | None = None
    person: str | None = None

    def actor(self, policy: Policy) -> Actor:
        roles: set[str] = set()
        written = [self.role]
        dept = self.department
        if self.person and self.person in policy.people:
            entry = policy.people[self.person]
            dept = dept or entry.get("department")
            written += [str(w) for w in entry.get("roles") or ()]
        roles |= {c for w in written if (c := policy.canonical_role(w))}
        return Actor(self.person, dept, frozenset(roles), policy.own_words(written))

    def check(self, policies: Iterable[Policy]) -> None:
        """A role no policy knows is a user mistake, not an empty report."""
        known = [p for p in policies if p.canonical_role(self.role)]
        if not known:
            words = sorted({r.word for p in policies for r in p.roles.values()})
            raise DubanError(f"没有角色 '{self.role}'；可用：{'、'.join(words[:30])} / unknown "
                             "role for --as", "validation_error")

    @property
    def label(self) -> str:
        return f"{self.department or ''}{self.role}".strip()


@dataclass(frozen=True)
class Entry:
    """One item as of the report's instant, with its events up to then."""

    policy: Policy
    item: ItemState
    events: tuple[Event, ...] = ()


@dataclass(frozen=True)
class Dataset:
    """What every report is computed from."""

    entries: tuple[Entry, ...]
    ledger: tuple[PenaltyEntry, ...]  # item lines and counter lines, up to as_of
    as_of: dt.datetime
    viewer: Viewer | None = None
    policies: tuple[Policy, ...] = field(default=())

    @property
    def pairs(self) -> list[tuple[Policy, ItemState]]:
        return [(e.policy, e.item) for e in self.entries]


def state_at(policy: Policy, item: ItemState, events: Sequence[Event],
             as_of: dt.datetime) -> tuple[ItemState | None, tuple[Event, ...]]:
    """The item as it stood at ``as_of`` (None if it did not exist yet)."""
    if item.last_at is None or item.last_at <= as_of:
        return item, tuple(events)
    prefix: list[Event] = []
    for e in events:
        if e.at > as_of:
            break
        prefix.append(e)
    if not prefix:
        return None, ()
    return replay(policy, item.id, prefix), tuple(prefix)


def build_dataset(records: Iterable[tuple[Policy, ItemState, Sequence[Event]]],
                  as_of: dt.datetime, *, viewer: Viewer | None = None,
                  ledger: Iterable[PenaltyEntry] | None = None) -> Dataset:
    """Entries as of ``as_of``, filtered for ``viewer``, with the ledger and its counters.

    ``ledger`` is the store's penalty ledger (item lines); without it the lines are read
    from the items themselves (the same lines: the service writes each item's new
    penalties to the ledger in the transaction that adds them to the item).
    """
    entries: list[Entry] = []
    hidden: set[str] = set()
    policies: dict[str, Policy] = {}
    for policy, item, events in records:
        policies.setdefault(policy.id, policy)
        state, prefix = state_at(policy, item, events, as_of)
        if state is None:
            continue
        if viewer is not None and not visible_to(policy, state, viewer.actor(policy)):
            hidden.add(state.id)
            continue
        entries.append(Entry(policy, state, prefix))
    if viewer is not None and policies:
        viewer.check(policies.values())
    by_item = {e.item.id: e.policy for e in entries}
    if ledger is None:
        raw = [p for e in entries for p in e.item.penalties]
    else:
        raw = [p for p in ledger if p.at <= as_of and p.item not in hidden]
    lines = [p for p in raw if p.item in by_item]
    grouped: dict[str, list[PenaltyEntry]] = {}
    for p in lines:
        grouped.setdefault(by_item[p.item].id, []).append(p)
    for pid, group in grouped.items():
        lines.extend(penalty_rules.apply_counters(policies[pid], group))
    lines.sort(key=lambda p: (p.at, p.item, p.rule, p.target))
    entries.sort(key=lambda e: (e.item.opened_at or e.item.created_at or as_of, e.item.id))
    return Dataset(tuple(entries), tuple(lines), as_of, viewer, tuple(policies.values()))


def notice_members(items: Iterable[ItemState], item: ItemState, as_of: dt.datetime,
                   may_see: Callable[[ItemState], bool]) -> list[ItemState]:
    """一单多事: the other items on ``item``'s notice, numbered by ``as_of``, that the
    reader may see (an item the reader may not see is left out, never hinted at by its
    title), in their order on the notice."""
    if not item.notice_item:
        return []
    notice = notice_of(item)
    return sorted((i for i in items if i.id != item.id and i.notice_item and
                   notice_of(i) == notice and (i.opened_at or i.created_at or as_of) <= as_of
                   and may_see(i)), key=lambda i: i.notice_item)


def latest_instant(items: Iterable[ItemState], now: dt.datetime) -> dt.datetime:
    """The default ``as_of``: now, or the last event if a store holds later (simulated)
    events — a demo database of next month should not read as empty."""
    last = max((it.last_at for it in items if it.last_at is not None), default=None)
    return last if last is not None and last > now else now


def from_store(service: object, *, as_of: dt.datetime | None = None,
               viewer: Viewer | None = None, policy_id: str | None = None,
               now: dt.datetime | None = None) -> Dataset:
    """A dataset from a :class:`duban.runtime.service.Service` (its store and policies)."""
    from duban.runtime.service import Service

    assert isinstance(service, Service)
    if policy_id is not None and policy_id not in service.policies:
        raise DubanError(f"没有策略 '{policy_id}'；已加载：{'、'.join(service.policies)} / "
                         "unknown policy", "validation_error")
    items = list(service.store.items(policy_id=policy_id))
    moment = as_of or latest_instant(items, now or dt.datetime.now(dt.UTC))
    records = [(service.policy_for(it), it, service.store.events(it.id)) for it in items]
    return build_dataset(records, moment, viewer=viewer, ledger=service.store.ledger())


def from_run(result: object, *, as_of: dt.datetime | None = None,
             viewer: Viewer | None = None) -> Dataset:
    """A dataset from a :class:`duban.simulation.runner.RunResult` (a scenario run)."""
    from duban.simulation.runner import RunResult

    assert isinstance(result, RunResult)
    moment = as_of or result.end or dt.datetime.now(dt.UTC)
    records = [(result.policy, it, result.events.get(key, ()))
               for key, it in result.items.items()]
    return build_dataset(records, moment, viewer=viewer)


def policy_map(dataset: Dataset) -> Mapping[str, Policy]:
    return {e.item.id: e.policy for e in dataset.entries}
