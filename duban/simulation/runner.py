"""Run a scenario under a policy, in memory, and build the outcome of the contract.

The runner is a tiny shell around the pure core: it turns steps into events (choosing
the actor the policy requires when the step names none), fires timers at ``tick`` steps
in the order they fall due across items, allocates document numbers per year, rolls
sub-items up to their parents, and folds the penalty ledger through the counters.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from duban.engine import inform
from duban.engine import penalties as penalty_rules
from duban.engine.core import ActionRefused, Engine, engine_for
from duban.engine.model import Actor, Effect, Event, ItemState, PenaltyEntry
from duban.engine.notice import NoticeNumber, joining, number_event
from duban.errors import DubanError
from duban.policy.model import Policy
from duban.simulation.planner import Planned, Planner, department_for, role_preference
from duban.simulation.scenario import Scenario, Step, parse_instant


@dataclass
class Rejected:
    step: int
    code: str
    message: str
    cite: str | None = None  # the clause the refusal rests on, when the engine named one


@dataclass(frozen=True)
class Act:
    """One action taken in a run: written in the scenario, or planned for an intent step."""

    step: int
    item: str
    taken: Planned
    planned: bool


@dataclass
class RunResult:
    policy: Policy
    scenario: Scenario
    items: dict[str, ItemState]
    events: dict[str, list[Event]]
    rejected: list[Rejected]
    counters: list[PenaltyEntry]
    end: dt.datetime | None
    numbers: dict[int, int] = field(default_factory=dict)
    acts: list[Act] = field(default_factory=list)
    #: notify-only notices (分送/知会) per item: {"by": transition, "to": [...], "at": iso}
    informed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def ledger(self) -> list[PenaltyEntry]:
        entries = [e for it in self.items.values() for e in it.penalties] + self.counters
        return sorted(entries, key=lambda e: (e.at, e.item))


class Runner:
    """Runs one scenario under one policy. ``ticks="auto"`` (or the scenario's own
    ``ticks: auto``) fires every timer at its scheduled instant: before each step, and
    after the last up to the scenario's ``end``."""

    def __init__(self, policy: Policy, scenario: Scenario, ticks: str | None = None) -> None:
        self.policy = policy
        self.scenario = scenario
        self.auto = (ticks or scenario.ticks) == "auto"
        self.acts: list[Act] = []
        self.engine: Engine = engine_for(policy)
        self.items: dict[str, ItemState] = {}
        self.events: dict[str, list[Event]] = {}
        self.rejected: list[Rejected] = []
        self.numbers: dict[int, int] = {}
        self.notices: dict[str, NoticeNumber] = {}  # 一单多事: each notice's number and places
        self.order = {k: i for i, k in enumerate(scenario.items)}
        self.end: dt.datetime | None = None
        self.informed: dict[str, list[dict[str, Any]]] = {}

    # -- actors ----------------------------------------------------------------------------
    def actor(self, step: Step, item: ItemState, canonical: str,
              data: Mapping[str, Any] | None = None) -> Actor:
        p = self.policy
        if step.actor is not None:
            person = self.scenario.people.get(step.actor) or p.people.get(step.actor)
            if person is None:
                raise ActionRefused("validation_error", f"未知人员 '{step.actor}' / unknown actor",
                                    item=item.id, action=step.action or "")
            written = [str(w) for w in person.get("roles") or ()]
            roles = frozenset(r for w in written if (r := p.canonical_role(w)))
            return Actor(step.actor, person.get("department"), roles, p.own_words(written),
                         frozenset(str(u) for u in person.get("oversees") or ()))
        if step.role is not None:
            role = p.canonical_role(step.role)
            if role is None:
                raise ActionRefused("validation_error",
                                    f"本策略没有角色 '{step.role}' / unknown role",
                                    item=item.id, action=step.action or "")
        else:
            role = self.required_role(item, canonical, step.action or "")
        subject = item
        if canonical == "create":  # a department opening its own item acts for its lead
            spec = self.scenario.items[item.id]
            subject = replace(item, lead=spec.lead, assist=spec.assist, handoff=spec.departments)
            if step.role is None:
                role = self.creator_role(item, subject, step, data or {}) or role
        words = p.own_words((step.role,)) if step.role is not None else frozenset()
        # a role word written `as:` is the holder for this item: its departments, and the
        # unit it oversees for a word judged against one (督办单位分管局领导: the item's
        # supervising unit; 主办部门的分管领导: its lead department; 党政办分管领导: the
        # unit that word fixes — only that word's, the plain 分管领导 is not said to oversee
        # it). Without a word it is the canonical stand-in: no units of its own, it stands
        # for whoever holds the role.
        as_role = p.roles.get(step.role) if step.role is not None else None
        fixed = (as_role.unit,) if as_role is not None else ()
        oversees = frozenset(u for u in (subject.supervisor, subject.lead, *fixed) if u and words)
        return Actor(None, department_for(role, subject), frozenset({role}), words, oversees)

    def creator_role(self, item: ItemState, subject: ItemState, step: Step,
                     data: Mapping[str, Any]) -> str | None:
        """Who may open this item: the first role, office first, whose ``create``
        transition (its roles and its condition) accepts it — tried on the pure core."""
        _, specific = self.engine.resolve(step.action or "")
        at = parse_instant(step.at, self.policy.timezone)
        for t in self.policy.transitions_by_action.get("create", ()):
            if item.state not in t.sources or (specific and t.name != specific):
                continue
            for role in sorted(t.roles, key=lambda r: (r != "supervisor_office",
                                                       role_preference(r))):
                actor = Actor(None, department_for(role, subject), frozenset({role}))
                try:
                    self.engine.apply(item, Event(t.name, at, actor, data))
                except DubanError:
                    continue
                return role
        return None

    def required_role(self, item: ItemState, canonical: str, written: str) -> str:
        """The role the policy requires for this action now (the runner's default actor)."""
        p = self.policy
        if item.pending is not None and canonical in ("approve", "reject"):
            chain = p.chains[item.pending.chain]
            if item.pending.step < len(chain.steps):
                return chain.steps[item.pending.step].role
        _, specific = self.engine.resolve(written)
        for t in p.transitions_by_action.get(canonical, ()):
            if item.state in t.sources and (specific is None or t.name == specific) and t.roles:
                if canonical == "create" and "supervisor_office" in t.roles:
                    return "supervisor_office"  # the office opens items unless told otherwise
                return sorted(t.roles, key=role_preference)[0]
        return "supervisor_office"

    # -- running ---------------------------------------------------------------------------
    def run(self) -> RunResult:
        for step in self.scenario.steps:
            at = parse_instant(step.at, self.policy.timezone)
            self.end = at if self.end is None or at > self.end else self.end
            if self.auto:
                self.fire_timers(at, step.index)
            if step.tick:
                self.fire_timers(at, step.index)
            elif step.intent is not None:
                self.plan(step, at)
            else:
                self.act(step, at)
        if self.auto:
            self.run_out()
        ledger = [e for it in self.items.values() for e in it.penalties]
        counters = penalty_rules.apply_counters(self.policy, ledger)
        return RunResult(self.policy, self.scenario, self.items, self.events, self.rejected,
                         counters, self.end, self.numbers, self.acts, self.informed)

    def run_out(self) -> None:
        """Automatic ticks after the last step: every timer up to the scenario's end."""
        end = self.scenario.end
        if end is not None:
            at = parse_instant(end, self.policy.timezone)
            self.end = at if self.end is None or at > self.end else self.end
        if self.end is not None:
            self.fire_timers(self.end, self.scenario.steps[-1].index if self.scenario.steps
                             else 0)

    def act(self, step: Step, at: dt.datetime) -> None:
        key = step.item or ""
        spec = self.scenario.items[key]
        item = self.items.get(key) or self.engine.new_item(key)
        canonical, _ = self.engine.resolve(step.action or "")
        try:
            data: dict[str, Any] = dict(step.data)
            if canonical == "create":
                data = {**spec.create_data(self.policy.id), **data}
            actor = self.actor(step, item, canonical, data)
            event = Event(step.action or "", at, actor, data, step.key)
            self.commit(key, item, event)
            self.acts.append(Act(step.index, key, self.written(item, event, canonical), False))
        except ActionRefused as err:
            self.rejected.append(Rejected(step.index, err.code, str(err), err.cite))
        except DubanError as err:  # e.g. a date beyond the calendar
            self.rejected.append(Rejected(step.index, err.code, str(err)))

    def joining(self, key: str, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """一单多事: the create data of an item joining a notice of this run, or the refusal."""
        notice = str(data["notice"])
        head = self.items.get(notice)
        return joining(self.policy, key, data, head if head and head.created_at else None,
                       [i for i in self.items.values() if i.notice == notice])

    def plan(self, step: Step, at: dt.datetime) -> None:
        """An intent step: the planned actions, taken one by one (or the policy's refusal)."""
        key = step.item or ""
        item = self.items.get(key) or self.engine.new_item(key)
        try:
            planned = Planner(self.engine, self.scenario.items[key]).plan(step, item, at)
            for taken in planned:
                self.commit(key, self.items.get(key) or item, taken.event)
                self.acts.append(Act(step.index, key, taken, True))
        except ActionRefused as err:
            self.rejected.append(Rejected(step.index, err.code, str(err), err.cite))
        except DubanError as err:
            self.rejected.append(Rejected(step.index, err.code, str(err)))

    def written(self, item: ItemState, event: Event, canonical: str) -> Planned:
        """A written step as an :class:`Act` records it: who signed, for approvals."""
        role = sorted(event.actor.roles)[0] if event.actor and event.actor.roles else ""
        pending = item.pending if canonical in ("approve", "reject") else None
        word, sign, cite = self.policy.word(role), None, None
        if pending is not None:
            chain = self.policy.chains[pending.chain]
            move = next((m for m in self.engine.moves(item) if m.action == canonical), None)
            if move is not None:
                sign, word, cite = chain.steps[pending.step].name, move.words[0], move.cite
        return Planned(event, canonical, role, word, pending.purpose if pending else None, sign,
                       cite)

    def commit(self, key: str, item: ItemState, event: Event) -> ItemState:
        create = event.action != "timer" and self.engine.resolve(event.action)[0] == "create"
        if create and event.data.get("notice") is not None:  # written or planned
            event = replace(event, data=dict(self.joining(key, event.data)))
        new, effects = self.engine.apply(item, event, event.at)
        self.items[key] = new
        self.events.setdefault(key, []).append(event)
        if create and new.parent and new.parent in self.items:
            self.internal(new.parent, "subitem_added", {"child": key}, event.at)
        self.after(key, effects, event.at)
        return self.items[key]

    def internal(self, key: str, action: str, data: Mapping[str, Any], at: dt.datetime) -> None:
        item = self.items[key]
        self.commit(key, item, Event(action, max(at, item.last_at or at), None, dict(data)))

    def after(self, key: str, effects: list[Effect], at: dt.datetime) -> None:
        for eff in effects:
            if eff.kind == "notify" and eff.data.get("kind") == inform.KIND:
                self.informed.setdefault(key, []).append(
                    {"by": eff.data["name"], "to": list(eff.data["to"]), "at": eff.data["at"]})
            if eff.kind == "number_needed":
                self.number(key, at)
            elif eff.kind == "subitem_closed" and eff.data["parent"] in self.items:
                self.internal(eff.data["parent"], "subitem_closed", {"child": key}, at)
        if any(e.kind == "state_changed" for e in effects):
            item = self.items[key]
            if self.policy.numbering and item.number is None and \
                    self.policy.numbering_on == "create" and item.created_at is not None:
                self.number(key, at)

    def number(self, key: str, at: dt.datetime) -> None:
        """Give the item its 文号 (its notice's, when the policy numbers notices)."""
        item = self.items[key]
        event = number_event(self.policy, item, max(at, item.last_at or at), self)
        self.commit(key, item, event)

    def next_number(self, policy_id: str, year: int) -> int:  # noqa: ARG002 (Numbers)
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return self.numbers[year]

    def notice_number(self, policy_id: str, notice: str, at: dt.datetime) -> NoticeNumber:
        """The run's own books of notices (the store keeps them in one transaction)."""
        held = self.notices.get(notice)
        if held is None:
            held = NoticeNumber(at.year, self.next_number(policy_id, at.year), 0, at)
        self.notices[notice] = held = replace(held, place=held.place + 1)
        return held

    def fire_timers(self, until: dt.datetime, index: int) -> None:
        """Fire every timer due up to ``until``, across items, in scheduled order."""
        heap: list[tuple[dt.datetime, int, str, Event]] = []
        for key, item in self.items.items():
            self._push(heap, key, item, until, index)
        while heap:
            _, _, key, event = heapq.heappop(heap)
            item = self.items[key]
            try:
                self.commit(key, item, event)
            except ActionRefused as err:  # a stale entry: the schedule moved
                if err.code != "invalid_transition":
                    self.rejected.append(Rejected(index, err.code, str(err)))
            except DubanError as err:
                self.rejected.append(Rejected(index, err.code, str(err)))
                continue
            heap = [h for h in heap if h[2] != key]
            heapq.heapify(heap)
            self._push(heap, key, self.items[key], until, index)

    def _push(self, heap: list[Any], key: str, item: ItemState, until: dt.datetime,
              index: int) -> None:
        try:
            due = self.engine.tick(item, until)
        except DubanError as err:  # e.g. a reminder date beyond the calendar's data
            self.rejected.append(Rejected(index, err.code, f"事项 {key}：{err}"))
            return
        if due:
            heapq.heappush(heap, (due[0].at, self.order.get(key, 0), key, due[0]))


def run_scenario(policy: Policy, scenario: Scenario, ticks: str | None = None) -> RunResult:
    return Runner(policy, scenario, ticks).run()
