"""Intent steps: the concrete actions that reach a milestone under one policy.

A scenario may say what happens in business terms (``reach: closed``, ``approve: all``,
an extension asked and decided, a report accepted or returned) instead of naming each
action. The planner finds, under each policy, the actions that tell that story from the
item's current state — every required approval by the role the policy's chain names, in
the chain's order — and the shell (the in-memory runner, or the real service) then takes
them one by one.

Why a search over the engine instead of reading the policy: the engine is the only judge
of what is allowed (roles, departments, conditions, limits, chains). The planner asks it
what may be done now (:meth:`Engine.moves`) and tries each candidate on the pure
:meth:`Engine.apply`; it never repeats a rule. Planning is all or nothing: if the policy
cannot reach the milestone, nothing is taken and the step is refused with the engine's
own reason and cite.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from duban.engine.core import ActionRefused, Engine
from duban.engine.model import Actor, Event, ItemState, Move
from duban.errors import DubanError
from duban.policy.model import DEPARTMENT_ROLES
from duban.simulation.scenario import MAIN_LINE, ItemSpec, Step

#: Actions that move an item forward; refusals, returns, pauses and extensions are never
#: taken on the author's behalf.
FORWARD = frozenset({"create", "approve", "assign", "confirm", "report", "close", "verify",
                     "archive", "resume"})
#: Before the action an intent names (an extension, a report): only the opening of the item.
LEAD_IN = frozenset({"create", "approve", "assign", "confirm", "resume"})
#: Approvals the planner may take while searching: the opening, the completion review and
#: a resumption. An extension or a pause is decided only where the step says (``decided``).
SEARCH_APPROVALS = frozenset({"opening", "review", "resume"})
MAX_DEPTH = 16
MAX_CHAIN = 20
#: Codes that say "not here, not now" — a search goes on past them; any other refusal is
#: the policy's answer to the intent itself (no extensions at all, a limit, a missing date).
TRANSIENT = frozenset({"invalid_transition", "permission_denied"})

ROLE_ORDER = ("lead_department", "supervisor_office", "department_head", "leader_in_charge",
              "general_manager", "leadership_group", "handler", "liaison",
              "assisting_department")


def role_preference(role: str) -> int:
    """Which of several permitted roles acts when a scenario does not say."""
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)


def department_for(role: str, item: ItemState) -> str | None:
    """The department an actor in ``role`` acts for on ``item``."""
    if role == "assisting_department":
        return item.assist[0] if item.assist else None
    if role in DEPARTMENT_ROLES:
        return item.department
    return None


@dataclass(frozen=True)
class Planned:
    """One concrete action of a plan, with who takes it (canonical role and the
    organisation's word) and, for an approval, which approval and step it signs."""

    event: Event
    canonical: str
    role: str
    word: str
    purpose: str | None = None  # opening | extension | pause | review, for approvals
    sign: str | None = None  # the chain step's name, for approvals
    cite: str | None = None  # the clause naming who takes it (transition or chain step)

    def to_json(self, step: int, item: str) -> dict[str, Any]:
        out: dict[str, Any] = {"step": step, "item": item, "action": self.event.action,
                               "canonical": self.canonical, "role": self.role,
                               "role_word": self.word, "at": self.event.at.isoformat()}
        if self.purpose is not None:
            out["approval"] = self.purpose
            out["approval_step"] = self.sign
        return out


class _Refusals:
    """The most telling refusal met while planning (the policy's own reason): a refusal of
    the intent's own action by a rule beats one met on the way, which beats a mere
    "not in this state" or "not this role"."""

    def __init__(self) -> None:
        self.best: ActionRefused | None = None
        self.rank = -1

    def note(self, err: ActionRefused, *, target: bool = False) -> None:
        rank = 0 if err.code in TRANSIENT else 2 if target else 1
        if rank > self.rank:
            self.best, self.rank = err, rank


class Planner:
    """Plans intent steps for one item spec under one engine."""

    def __init__(self, engine: Engine, spec: ItemSpec) -> None:
        self.engine = engine
        self.policy = engine.policy
        self.spec = spec

    # -- public ------------------------------------------------------------------------------
    def plan(self, step: Step, item: ItemState, at: dt.datetime) -> list[Planned]:
        """The actions that carry out ``step`` on ``item`` at ``at``; raises
        :class:`ActionRefused` (nothing taken) when the policy cannot tell the story."""
        self.refusals = _Refusals()
        intent, goal = step.intent or "", step.goal or ""
        if intent == "reach":
            path = self._search(item, at, FORWARD, lambda it: self._reached(it, goal))
        elif intent == "approve":
            path = self._approve_all(item, at)
        elif intent in ("request_extension", "pause"):
            path = self._search(item, at, LEAD_IN, lambda it: self._request(it, at, step))
        elif intent == "report":
            path = self._search(item, at, LEAD_IN, lambda it: self._report(it, at, step))
        else:  # the parser admits no other intent
            raise ValueError(intent)
        if path is None:
            raise self._refusal(item, step)
        return path

    # -- the search --------------------------------------------------------------------------
    def _search(self, start: ItemState, at: dt.datetime, allowed: frozenset[str],
                finish: Callable[[ItemState], list[Planned] | None]) -> list[Planned] | None:
        """Breadth first from ``start`` over the moves in ``allowed``, until ``finish``
        (given a state) returns the closing actions: the shortest plan wins, ties going to
        the policy's own order of transitions."""
        queue: deque[tuple[ItemState, list[Planned]]] = deque([(start, [])])
        seen = {_key(start)}
        while queue:
            item, path = queue.popleft()
            tail = finish(item)
            if tail is not None:
                return path + tail
            if len(path) >= MAX_DEPTH:
                continue
            for move in self.engine.moves(item):
                if move.canonical not in allowed or (
                        move.canonical == "approve" and item.pending is not None
                        and item.pending.purpose not in SEARCH_APPROVALS):
                    continue
                taken = self._take(item, move, at, self._data(move.canonical))
                if taken is None:
                    continue
                planned, new = taken
                if _key(new) not in seen:
                    seen.add(_key(new))
                    queue.append((new, [*path, planned]))
        return None

    def _take(self, item: ItemState, move: Move, at: dt.datetime, data: Mapping[str, Any],
              *, target: bool = False) -> tuple[Planned, ItemState] | None:
        """Take ``move`` by the first of its roles the engine accepts, or None."""
        subject = self._subject(item, move.canonical)
        pending = item.pending if move.action in ("approve", "reject") else None
        pairs = sorted(zip(move.roles, move.words, strict=True),
                       key=lambda rw: self._preference(rw[0], move.canonical))
        for role, word in pairs:
            actor = Actor(None, department_for(role, subject), frozenset({role}))
            event = Event(move.action, at, actor, data)
            try:
                new, _ = self.engine.apply(item, event, at)
            except ActionRefused as err:
                self.refusals.note(err, target=target)
                continue
            except DubanError as err:  # e.g. a date beyond the calendar
                self.refusals.note(ActionRefused(err.code, str(err), item=item.id),
                                   target=target)
                continue
            sign = None
            if pending is not None:
                steps = self.policy.chains[pending.chain].steps
                sign = steps[pending.step].name if pending.step < len(steps) else None
            return Planned(event, move.canonical, role, word,
                           pending.purpose if pending else None, sign, move.cite), new
        return None

    # -- what each intent closes with ----------------------------------------------------------
    def _reached(self, item: ItemState, goal: str) -> list[Planned] | None:
        canonical = self.policy.states[item.state].canonical
        if item.created_at is None or canonical not in MAIN_LINE:
            return None
        return [] if MAIN_LINE.index(canonical) >= MAIN_LINE.index(goal) else None

    def _approve_all(self, item: ItemState, at: dt.datetime) -> list[Planned] | None:
        """Every pending approval step, in the chain's order, until nothing is pending."""
        path: list[Planned] = []
        if item.pending is None:  # the engine's own answer: nothing is pending
            self._take(item, Move("approve", "approve", ("supervisor_office",),
                                  (self.policy.word("supervisor_office"),)), at, {},
                       target=True)
            return None
        while item.pending is not None and len(path) < MAX_CHAIN:
            taken = self._decide(item, at, "approve", {})
            if taken is None:
                return None
            path.append(taken[0])
            item = taken[1]
        return path

    def _decide(self, item: ItemState, at: dt.datetime, canonical: str,
                data: Mapping[str, Any]) -> tuple[Planned, ItemState] | None:
        """The pending approval step approved or refused by its approver."""
        for move in self.engine.moves(item):
            if move.action == canonical:
                return self._take(item, move, at, data, target=True)
        return None

    def _request(self, item: ItemState, at: dt.datetime, step: Step) -> list[Planned] | None:
        """An extension or a pause asked, then decided through its whole chain (approved)
        or by its first approver (refused), as the step says."""
        intent = step.intent or ""
        data = {k: v for k, v in step.data.items() if k in ("until", "reason")}
        asked = self._target(item, at, intent, data)
        if asked is None:
            return None
        path, item = [asked[0]], asked[1]
        if step.decided is None:
            return path
        purpose = "extension" if intent == "request_extension" else "pause"
        while item.pending is not None and item.pending.purpose == purpose and \
                len(path) < MAX_CHAIN:
            decision = self._decide(item, at, "approve" if step.decided == "approved"
                                    else "reject", {})
            if decision is None:
                return None
            path.append(decision[0])
            item = decision[1]
            if step.decided == "refused":
                return path
        if step.decided == "refused":  # granted without an approval: nobody could refuse
            self.refusals.note(ActionRefused(
                "invalid_transition", "本制度的此项申请不经审批，无从驳回 / no approval to refuse",
                item=item.id, action="reject"), target=True)
            return None
        return path

    def _report(self, item: ItemState, at: dt.datetime, step: Step) -> list[Planned] | None:
        reported = self._target(item, at, "report", {})
        if reported is None:
            return None
        path, item = [reported[0]], reported[1]
        if step.goal == "accepted":
            rest = self._search(item, at, FORWARD - {"report"},
                                lambda it: self._reached(it, "closed"))
            return None if rest is None else path + rest
        returned = self._target(item, at, "reject",
                                {k: v for k, v in step.data.items() if k == "due"})
        return None if returned is None else [*path, returned[0]]

    def _target(self, item: ItemState, at: dt.datetime, canonical: str,
                data: Mapping[str, Any]) -> tuple[Planned, ItemState] | None:
        """The intent's own action, if the engine accepts it in this state."""
        for move in self.engine.moves(item):
            if move.canonical == canonical:
                taken = self._take(item, move, at, data, target=True)
                if taken is not None:
                    return taken
        return None

    # -- details -----------------------------------------------------------------------------
    def _data(self, canonical: str) -> Mapping[str, Any]:
        """What a planned action carries, from the item's own data: the opening data for
        立项, the deadline on a 确认单 (a confirmation that must state it)."""
        if canonical == "create":
            return self.spec.create_data(self.policy.id)
        if canonical == "confirm" and self.spec.due is not None:
            return {"due": self.spec.due}
        return {}

    def _subject(self, item: ItemState, canonical: str) -> ItemState:
        """Whom department roles act for: on 立项, the departments the item will have."""
        if canonical != "create":
            return item
        return replace(item, lead=self.spec.lead, assist=self.spec.assist,
                       handoff=self.spec.departments)

    @staticmethod
    def _preference(role: str, canonical: str) -> tuple[bool, int]:
        office_first = canonical == "create"  # the office opens items unless told otherwise
        return (office_first and role != "supervisor_office", role_preference(role))

    def _refusal(self, item: ItemState, step: Step) -> ActionRefused:
        best = self.refusals.best
        state = self.policy.states[item.state].canonical if item.created_at else "未立项"
        story = _describe(step)
        if best is not None and best.code not in TRANSIENT:  # its text names item and rule
            return ActionRefused(best.code, f"{story}：{best}", action=step.intent or "",
                                 cite=best.cite)
        why = f"；{best}" if best is not None else ""
        return ActionRefused("invalid_transition",
                             f"{story}：按本制度无法从“{item.state}”（{state}）做到{why}",
                             action=step.intent or "", cite=best.cite if best else None)


def _describe(step: Step) -> str:
    if step.intent == "reach":
        return f"到达 {step.goal}"
    if step.intent == "approve":
        return "审批通过全部待批"
    if step.intent in ("request_extension", "pause"):
        return ("申请延期" if step.intent == "request_extension" else "申请暂停") + \
            {"approved": "并获批", "refused": "被驳回"}.get(step.decided or "", "")
    return "报结" + {"accepted": "并通过", "returned": "被退办"}.get(step.goal or "", "")


def _key(item: ItemState) -> tuple[Any, ...]:
    """What makes two points of a search the same: state, approval position, hand-off."""
    p = item.pending
    return (item.state, p and (p.purpose, p.chain, p.step), item.handoff_index,
            item.created_at is None, item.confirmed_at is None, item.reported_at is None)
