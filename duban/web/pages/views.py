"""What each page shows, gathered from the runtime and reports layers (the engine decides;
a page adds no rule of its own).

* :func:`ledger` — the 督办台账: visible items with their 红/黄/绿 light
  (:func:`duban.reports.taizhang.light`), filtered, searched and paged;
* :func:`todo` — 我的待办: the items on which the policy gives the viewer the next move
  (a pending approval step in their role word, or a transition from the item's state that
  moves the work and is fired by one of their roles on an item of their department);
  the item page then asks the engine itself (:func:`duban.runtime.offers.offers`);
* :func:`deadline_why` — the deadline in force, the rule and cite that set it, the
  working days counted and the rest days skipped, from the item's calendar;
* :func:`timeline` — the history in the policy's words (:func:`duban.reports.history.trail`)
  (the actor names the clerk when it was 代录: ``张总（代录：总经理工作部 秘书）``) and
  its attachments.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

from duban.calendar.days import describe_day
from duban.engine.access import visible_to
from duban.engine.model import Actor, Event, ItemState
from duban.errors import DubanError
from duban.policy.model import Policy
from duban.reports.history import decision_word, trail
from duban.reports.period import Period, parse_period
from duban.runtime.offers import Offer
from duban.store.identity import AttachmentRecord
from duban.web.identity import User
from duban.web.items_view import actors_of
from duban.web.pages.index import Indexed, Snapshot

#: Canonical actions that move an item's work on (what "waiting for you" means); the
#: office's discretionary moves (催办, 通报批评, 归档) wait for nobody.
MOVING = frozenset({"approve", "reject", "assign", "confirm", "reassign", "report", "resume",
                    "close", "verify"})
LIGHTS = ("红", "黄", "绿", "")
LIGHT_ORDER = {lamp: n for n, lamp in enumerate(LIGHTS)}
PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """The 台账's filters, as the query string gives them."""

    department: str = ""
    category: str = ""
    state: str = ""
    period: str = ""
    overdue: str = ""  # "" | "1" (overdue only) | "0" (not overdue)
    q: str = ""
    page: int = 1

    def period_value(self) -> Period | None:
        text = self.period.strip()
        if not text:
            return None
        if "Q" in text.upper():
            return parse_period(None, text.upper(), None)
        return parse_period(text, None, None) if "-" in text else parse_period(None, None, text)

    def query(self, **change: Any) -> dict[str, str]:
        """The query string of these filters with ``change`` applied (for links)."""
        values = {k: str(v) for k, v in self.__dict__.items() if v not in ("", None)}
        values.update({k: str(v) for k, v in change.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}


@dataclass(frozen=True)
class Row:
    """One item in a listing."""

    id: str
    title: str
    number: str
    category: str
    state: str
    lead: str
    assist: str
    due: dt.datetime | None
    light: str
    overdue: bool
    confidential: bool
    policy: str
    reason: str = ""  # 我的待办: what waits for the viewer


def local(moment: dt.datetime | None, policy: Policy) -> str:
    return moment.astimezone(policy.timezone).strftime("%Y-%m-%d %H:%M") if moment else ""


def row_of(entry: Indexed, lamp: str, reason: str = "") -> Row:
    p, it = entry.policy, entry.item
    return Row(it.id, it.title or it.id, it.number or "", it.category, it.state,
               it.department or "", "、".join(it.assist), it.due, lamp, lamp == "红",
               it.confidential, p.id, reason)


class Seer:
    """Who may see what, for one user during one request: the engine's rule
    (:func:`duban.web.items_view.can_see`), with the user's actors built once per policy
    rather than once per item — a listing asks it for every kept item."""

    def __init__(self, user: User) -> None:
        self.user = user
        self._actors: dict[str, tuple[Actor, ...]] = {}

    def __call__(self, e: Indexed) -> bool:
        actors = self._actors.get(e.policy.id)
        if actors is None:
            actors = self._actors[e.policy.id] = actors_of(self.user, e.policy)
        return any(visible_to(e.policy, e.item, actor) for actor in actors)


def visible(user: User, entries: Iterable[Indexed]) -> list[Indexed]:
    """The entries ``user`` may see (保密 items only for those entitled)."""
    seer = Seer(user)
    return [e for e in entries if e.public or seer(e)]


class _Match:
    """The 台账's filters for one request as a list of tests, one per filter that is set,
    with what they compare against computed once (a period's bounds per policy) rather
    than per item; and where to look: a department's or a state's group of the snapshot
    instead of every item, when that filter is set (its test is then the group)."""

    def __init__(self, f: Filters, now: float, snapshot: Snapshot) -> None:
        self.f, self.now = f, now
        self.tests: list[Callable[[Indexed], bool]] = []
        self.source = self._source(snapshot)
        if f.category:
            self.tests.append(lambda e: e.item.category == f.category)
        period = f.period_value()
        if period is not None:
            bounds = {pid: tuple(b.timestamp() for b in period.bounds(p.timezone))
                      for pid, p in snapshot.policies.items()}
            self.tests.append(lambda e: bounds[e.policy.id][0] <= e.due < bounds[e.policy.id][1])
        if f.overdue:
            late = f.overdue == "1"
            self.tests.append(lambda e: (e.lamp.at(now) == "红") == late)
        q = f.q.strip()
        if q:
            self.tests.append(lambda e: q in (e.item.title or "") or q == e.item.id or
                              q == (e.item.number or ""))

    def _source(self, snapshot: Snapshot) -> Iterable[Indexed]:
        f = self.f
        state = f.state
        if f.department:
            if state:
                self.tests.append(lambda e: state in (e.item.state,
                                                      e.policy.states[e.item.state].canonical))
            return snapshot.by_department.get(f.department, [])
        if state:
            groups = [entries for (pid, word), entries in snapshot.by_state.items()
                      if state in (word, snapshot.policies[pid].states[word].canonical)]
            return groups[0] if len(groups) == 1 else heapq.merge(
                *groups, key=lambda e: (e.due, e.item.id))
        return snapshot.entries


@dataclass
class Ledger:
    rows: list[Row]
    total: int
    page: int
    pages: int
    counts: dict[str, int]
    choices: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Lit:
    """Entries in listing order: one list per light (红, 黄, 绿, none), each in the
    index's order (deadline, none last, then id) — so listing order needs no sort."""

    lists: tuple[list[Indexed], ...] = field(default_factory=lambda: ([], [], [], []))

    def add(self, e: Indexed, now: float) -> None:
        self.lists[LIGHT_ORDER[e.lamp.at(now)]].append(e)

    def __len__(self) -> int:
        return sum(len(x) for x in self.lists)

    def __iter__(self) -> Iterator[tuple[Indexed, str]]:
        for lamp, entries in zip(LIGHTS, self.lists, strict=True):
            for e in entries:
                yield e, lamp


def _select(user: User, snapshot: Snapshot, f: Filters, now: float) -> _Lit:
    """The entries ``user`` may see that the filters select, by light."""
    seer = Seer(user)
    match = _Match(f, now, snapshot)
    tests = match.tests
    out = _Lit()
    lists, order = out.lists, LIGHT_ORDER
    for e in match.source:
        if not e.public and not seer(e):
            continue
        for test in tests:
            if not test(e):
                break
        else:
            lists[order[e.lamp.at(now)]].append(e)
    return out


def matching(user: User, snapshot: Snapshot, f: Filters, now: dt.datetime) -> list[Indexed]:
    """The visible entries the filters select, by light then deadline then id."""
    return [e for e, _ in _select(user, snapshot, f, now.timestamp())]


def ledger(user: User, snapshot: Snapshot, f: Filters, now: dt.datetime) -> Ledger:
    lit = _select(user, snapshot, f, now.timestamp())
    total = len(lit)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, f.page), pages)
    rows = [row_of(e, lamp) for e, lamp in
            islice(lit, (page - 1) * PAGE_SIZE, page * PAGE_SIZE)]
    counts = {lamp: len(x) for lamp, x in zip(LIGHTS[:3], lit.lists, strict=False)}
    seer = Seer(user)
    return Ledger(rows, total, page, pages, counts,
                  snapshot.choices(e for e in snapshot.private if seer(e)))


# -- 我的待办 ------------------------------------------------------------------------------------
class _Waiting:
    """What waits for one user, per policy and state (or pending step), worked out once per
    request from the policy's data rather than once per item."""

    def __init__(self, user: User) -> None:
        self.user = user
        self._steps: dict[tuple[str, str, int], str] = {}
        self._moves: dict[tuple[str, str], tuple[tuple[str, bool], ...]] = {}
        self._mine = set(user.departments)

    def __call__(self, e: Indexed) -> str:
        return self._pending_for(e) or self._move_for(e)

    def _pending_for(self, e: Indexed) -> str:
        """"待您审批：<step>" when the pending approval's current step is in one of the
        user's role words (the policy's own word, so two words of one canonical role stay
        different approvers)."""
        p, policy = e.item.pending, e.policy
        if p is None:
            return ""
        key = (policy.id, p.chain, p.step)
        if key not in self._steps:
            chain = policy.chains.get(p.chain)
            step = chain.steps[p.step] if chain and p.step < len(chain.steps) else None
            mine = step is not None and (
                step.word in self.user.roles if step.word else
                step.role in self.user.canonical_roles(policy))
            self._steps[key] = f"待您审批：{step.name}" if mine and step else ""
        return self._steps[key]

    def moves(self, policy: Policy, state: str) -> tuple[tuple[str, bool], ...]:
        """The transitions from ``state`` that move the work on and that one of the user's
        roles fires: (what to show, whether the role is the supervising office's)."""
        key = (policy.id, state)
        moves = self._moves.get(key)
        if moves is None:
            roles = self.user.canonical_roles(policy)
            words = {c: w for w, c in policy.actions.items()}
            moves = self._moves[key] = tuple(
                (f"待您办理：{t.name or words.get(t.action, t.action)}",
                 "supervisor_office" in t.roles & roles)
                for t in policy.transitions
                if state in t.sources and t.action in MOVING and t.roles & roles)
        return moves

    def _move_for(self, e: Indexed) -> str:
        """"待您办理：<transition>" for the first transition from the item's state that
        moves the work on and is fired by one of the user's roles — on an item of one of
        their departments, or any item for the supervising office."""
        it = e.item
        moves = self.moves(e.policy, it.state)
        if not moves:
            return ""
        related = not self._mine or it.department in self._mine or bool(
            self._mine.intersection(it.assist)) or bool(self._mine.intersection(it.handoff))
        return next((word for word, office in moves if related or office), "")


def _candidates(user: User, snapshot: Snapshot, waiting: _Waiting) -> list[Indexed]:
    """The items on which something can wait for ``user`` — a superset of what
    :class:`_Waiting` selects, found through the snapshot's groups rather than by asking
    of every item: approvals waiting on one of their roles, and the items of their
    departments (or, for the supervising office and people without a department, the
    items in states where one of their roles moves the work on)."""
    groups = [snapshot.awaiting.get(("word", w), []) for w in user.roles]
    office = False
    for pid, policy in snapshot.policies.items():
        roles = user.canonical_roles(policy)
        office = office or "supervisor_office" in roles
        groups += [snapshot.awaiting.get(("role", pid, c), []) for c in roles]
    if user.departments and not office:
        groups += [snapshot.by_department.get(d, []) for d in user.departments]
    else:
        groups += [entries for (pid, state), entries in snapshot.by_state.items()
                   if waiting.moves(snapshot.policies[pid], state)]
    unique = {e.item.id: e for group in groups for e in group}
    return sorted(unique.values(), key=lambda e: (e.due, e.item.id))


def todo(user: User, snapshot: Snapshot, now: dt.datetime) -> tuple[list[Row],
                                                                 dict[str, int]]:
    """我的待办: rows by urgency (红, 黄, 绿) then deadline, and the counts shown on top."""
    t = now.timestamp()
    seer, waiting = Seer(user), _Waiting(user)
    reasons: dict[str, str] = {}
    lit = _Lit()
    for e in _candidates(user, snapshot, waiting):
        if e.item.closed_at is not None and e.item.pending is None:
            continue
        reason = waiting(e)
        if reason and (e.public or seer(e)):
            reasons[e.item.id] = reason
            lit.add(e, t)
    out = [row_of(e, lamp, reasons[e.item.id]) for e, lamp in lit]
    counts = {"total": len(out), "红": len(lit.lists[0]), "黄": len(lit.lists[1]),
              "approvals": sum(r.reason.startswith("待您审批") for r in out)}
    return out, counts


# -- the item page -------------------------------------------------------------------------
@dataclass(frozen=True)
class DeadlineWhy:
    due: str
    original_due: str
    rule: str
    cite: str
    start: str  # the instant the count ran from (the event that set it)
    workdays: int | None  # working days from the start's date to the deadline's
    rest_days: tuple[str, ...]  # each with the calendar's reason
    provisional: bool
    calendar_version: str


def deadline_why(policy: Policy, item: ItemState, events: Sequence[Event]) -> DeadlineWhy | None:
    info = item.due_info
    if item.due is None:
        return None
    setter = events[info.event_seq - 1] if info and 0 < info.event_seq <= len(events) else None
    start_day = setter.at.astimezone(policy.timezone).date() if setter else None
    due_day = item.due.astimezone(policy.timezone).date()
    workdays: int | None = None
    rest: tuple[str, ...] = ()
    if start_day is not None and start_day <= due_day:
        cal = policy.calendar
        try:
            workdays = cal.workdays_between(start_day, due_day)
            rest = tuple(f"{d:%m-%d} {describe_day(cal, d).label_zh()}"
                         for d in cal.rest_days_between(start_day, due_day))
        except DubanError:  # beyond the calendar's data: show the rule without the count
            workdays = None
    return DeadlineWhy(local(item.due, policy), local(item.original_due, policy),
                       info.rule if info else "", (info.cite or "") if info else "",
                       local(setter.at, policy) if setter else "", workdays, rest,
                       bool(info and info.provisional), info.calendar_version if info else "")


@dataclass(frozen=True)
class Moment:
    """One line of the timeline."""

    at: str
    word: str
    actor: str
    details: tuple[tuple[str, str], ...]
    attachments: tuple[AttachmentRecord, ...]


def named(policy: Policy, item: ItemState, moves: Iterable[Offer]) -> list[Offer]:
    """The actions as their buttons say them: approve/reject by the pending step they
    decide (督办领导批准：同意 / 不同意, 总经理工作部审核：退办), the others in the policy's word."""
    p = item.pending
    return [replace(o, word=decision_word(policy, p, o.action))
            if p is not None and o.action in ("approve", "reject") else o for o in moves]


DETAIL_WORDS = {"reason": "理由/说明", "until": "延期至", "due": "期限", "lead": "主办部门",
                "defect": "问题类型", "title": "事项", "urgency": "紧急程度"}


def timeline(policy: Policy, item: ItemState, events: Sequence[Event],
             attachments: Sequence[AttachmentRecord]) -> list[Moment]:
    by_id = {a.id: a for a in attachments}
    out = []
    for step in trail(policy, item.id, events):
        data = step.data
        details = tuple((DETAIL_WORDS[k], str(data[k])) for k in DETAIL_WORDS
                        if k != "title" and data.get(k) not in (None, ""))
        files = tuple(by_id[a] for a in data.get("attachments") or () if a in by_id)
        out.append(Moment(local(step.at, policy), step.word, step.actor, details, files))
    return out


__all__ = ["Filters", "Ledger", "Row", "deadline_why", "ledger", "matching", "named",
           "timeline", "todo", "visible"]
