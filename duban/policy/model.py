"""The compiled, immutable policy: what the engine, explain, diff and reports read.

Why a separate model: the YAML is for people (their own words, inheritance, citations);
the model is for machines (canonical roles resolved, durations parsed, conditions
compiled, chains chosen per category). Everything here is frozen so one compiled
:class:`Policy` can be shared by every item and every thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import time
from functools import cached_property
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from duban import vocabulary

if TYPE_CHECKING:
    from duban.calendar.calendar import WorkCalendar
    from duban.calendar.duration import Duration
    from duban.policy.cel import Expression

#: Roles whose holder acts for a department: authorisation also checks the department.
DEPARTMENT_ROLES = frozenset({"lead_department", "assisting_department", "department_head",
                              "handler", "liaison"})


@dataclass(frozen=True, slots=True)
class Role:
    word: str
    canonical: str
    cite: str | None = None
    same_as: str | None = None  # another written word for the same body or person
    #: what the holder must oversee besides holding the word: "supervisor", the item's
    #: supervising unit (督办单位分管局领导); "lead", the item's lead department (主办部门的
    #: 分管领导); "unit", the fixed unit named in ``unit`` (党政办分管领导)
    oversees: str | None = None
    #: for ``oversees: {unit: 党政办}``: the one unit of the organisation, not of the item
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class ChainStep:
    role: str  # canonical
    name: str
    word: str = ""  # the policy's own word for the role, as written
    limit: Duration | None = None
    cite: str | None = None
    #: further approvers any one of whom may sign this step instead: (canonical, word)
    alternatives: tuple[tuple[str, str], ...] = ()
    #: this step's approver may decide alone and end the chain (批复，或转报)
    may_end: bool = False

    def options(self) -> tuple[tuple[str, str], ...]:
        """Every (canonical role, word) that may sign this step."""
        return ((self.role, self.word), *self.alternatives)

    def words(self, policy_word: Callable[[str], str]) -> str:
        """The approvers in the organisation's words: ``行政管理部或分管领导``."""
        return "或".join(w if w not in ("", r) else policy_word(r) for r, w in self.options())


@dataclass(frozen=True, slots=True)
class Chain:
    name: str
    steps: tuple[ChainStep, ...]
    cite: str | None = None


@dataclass(frozen=True, slots=True)
class Supervision:
    """A supervising unit per item (督办单位): named at 立项, shown where the item's
    departments are, and what roles written ``oversees: supervisor`` are judged against."""

    title: str = "督办单位"  # what the text calls it (督办部门 …)
    units: tuple[str, ...] = ()  # the units that may be named; empty: any
    required: bool = False  # must be named at 立项
    cite: str | None = None


@dataclass(frozen=True, slots=True)
class Approvals:
    opening: str | None = None
    pause: str | None = None
    resume: str | None = None
    review: str | None = None
    cite: str | None = None
    #: the chain a progress report (反馈办理情况) passes before it counts as given
    progress: str | None = None
    #: the chain that extends one department's share of a limit (部门时间的延期手续)
    share: str | None = None
    #: who resolves a disagreement the lead department brings (送督办单位协调解决)
    coordination: str | None = None


@dataclass(frozen=True, slots=True)
class ProxyEntry:
    """代录: whose decisions someone else may enter (a clerk recording a leader's paper
    signature). Only the roles listed here; an empty list allows nobody. A policy without
    the rule enforces nothing about who enters what (the record still shows both)."""

    words: tuple[str, ...]  # the role words as written (the policy's own, or canonical)
    cite: str | None = None  # the clause, or 制度未规定，本单位按… (``because``)


#: Extension settings that are rules in force, each with its own basis (cite or default).
EXTENSION_SETTINGS = ("max", "approvers", "before_due", "lead_time", "longest", "review_limit")


@dataclass(frozen=True, slots=True)
class ExtensionRules:
    """Extension rules. Where the text is silent nothing is limited: no maximum count
    (``max`` None), no obligation to ask before the deadline."""

    max: int | None = None  # None: unlimited
    approvers: tuple[str, ...] = ()
    before_due: bool = False
    lead_time: Duration | None = None
    longest: Duration | None = None
    unit: str = "day"
    exempt_penalties: bool = True
    review_limit: Duration | None = None
    cite: str | None = None
    #: setting -> basis where it differs from ``cite`` (an explicit default, ``because``)
    basis: Mapping[str, str] = field(default_factory=dict)

    def basis_for(self, setting: str) -> str | None:
        """The clause, or the organisation's default, that a setting comes from."""
        return self.basis.get(setting, self.cite)


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    kinds: tuple[str, ...]
    sources: tuple[str, ...]
    approvals: Approvals
    extensions: ExtensionRules
    time_limit: Duration | None = None
    confidential: bool = False
    due_required: bool = False
    cite: str | None = None


@dataclass(frozen=True, slots=True)
class State:
    name: str
    canonical: str
    approval: str | None = None  # opening | extension | pause | resume | review
    clock_stopped: bool = False
    final: bool = False
    cite: str | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    action: str
    sources: tuple[str, ...]
    to: str  # a state name, "same" or "previous"
    roles: frozenset[str]  # canonical; empty for approvals decided by the chain
    when: Expression | None = None
    cite: str | None = None
    #: what the action must carry: due, reason, until — or named contents of a report
    #: (必须包括：工作目标…), each given in the event's ``contents``
    requires: tuple[str, ...] = ()
    words: frozenset[str] = frozenset()  # the roles as the policy writes them
    #: who is told when it fires, without waiting for them (分送/知会): (canonical role or
    #: "" for a department named as such, the word or department as written)
    inform: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class StepLimit:
    name: str
    state: str
    limit: Duration
    to: tuple[str, ...] = ()
    cite: str | None = None


@dataclass(frozen=True, slots=True)
class HandlingLimits:
    default: Duration | None  # None: the text sets no general limit (the item's own due)
    counts_from: str = "assigned"
    by_kind: Mapping[str, Duration] = field(default_factory=dict)
    by_urgency: Mapping[str, Duration] = field(default_factory=dict)
    longest: Duration | None = None
    cite: str | None = None
    urgency_cite: str | None = None


@dataclass(frozen=True, slots=True)
class MaximumLimit:
    """A ceiling on an item's handling limit (普通收文办毕时间不超过7个工作日): a deadline
    written beyond it is refused, or (``above`` names a chain) needs that chain's approval."""

    name: str
    limit: Duration
    categories: tuple[str, ...] = ()  # empty: every category
    urgency: str | None = None  # None: whatever the urgency
    above: str | None = None  # None: refused; else the approval chain a longer limit needs
    cite: str | None = None


@dataclass(frozen=True, slots=True)
class Reminder:
    name: str
    event: str
    before_due: Duration | None = None
    after_due: Duration | None = None
    after_assigned: Duration | None = None
    repeat_every: Duration | None = None
    repeat_times: int | None = None
    to: tuple[str, ...] = ()
    when: Expression | None = None
    cite: str | None = None
    #: the other end of a window (提前1至3个工作日: 1个工作日); the timer uses the first end
    window_end: Duration | None = None


@dataclass(frozen=True, slots=True)
class ProgressReports:
    every: Duration
    grace: Duration | None = None
    to: tuple[str, ...] = ()
    when: Expression | None = None
    cite: str | None = None


@dataclass(frozen=True, slots=True)
class AtLeast:
    """A frequency floor: at least ``times`` of an action in each period (每两个月不少于3次)."""

    name: str
    action: str  # the canonical action counted
    transition: str | None  # only this transition of it, when the policy names one
    times: int
    every: Duration  # the period, counted from the item's hand-over
    by: tuple[str, ...] = ()  # canonical roles whose duty it is
    by_words: tuple[str, ...] = ()  # the same, as written
    when: Expression | None = None  # which items it applies to
    cite: str | None = None

    def counts(self, t: Transition) -> bool:
        """Whether firing ``t`` is one of the actions this requirement counts."""
        return t.name == self.transition if self.transition else t.action == self.action


@dataclass(frozen=True, slots=True)
class Assessed:
    """Points decided at assessment within bounds (扣1–5分), by the named roles."""

    min: float
    max: float
    roles: frozenset[str]  # canonical
    words: tuple[str, ...]  # as written


@dataclass(frozen=True, slots=True)
class PenaltyRule:
    name: str
    on: str
    points: float | None = None
    points_per_day: float | None = None
    day_unit: str = "day"
    max_points: float | None = None
    coefficient: float | None = None
    measures: tuple[str, ...] = ()
    target: str = "lead_department"
    when: Expression | None = None
    exempt_if_extension_met: bool = False
    cite: str | None = None
    assessed: Assessed | None = None
    kind: str = "penalty"  # or "commendation" (通报表扬/表彰)


@dataclass(frozen=True, slots=True)
class Counter:
    name: str
    counts: str
    per: str
    threshold: int
    points: float | None = None
    coefficient: float | None = None
    measures: tuple[str, ...] = ()
    target: str = "lead_department"
    cite: str | None = None


@dataclass(frozen=True)
class Policy:
    """A compiled policy. Build it with :func:`duban.policy.loader.load_policy`."""

    id: str
    name: str
    version: str
    content_hash: str
    path: str
    raw: Mapping[str, Any]  # the merged document, for explain and diff
    origins: Mapping[tuple[Any, ...], str]  # merged path -> file that wrote it
    timezone: ZoneInfo
    calendar: WorkCalendar
    roll_forward: bool
    end_of_day: time | None
    roles: Mapping[str, Role]  # word -> Role (canonical names map to themselves)
    role_words: Mapping[str, str]  # canonical -> the policy's own word
    departments: tuple[str, ...]
    people: Mapping[str, Mapping[str, Any]]
    categories: Mapping[str, Category]
    states: Mapping[str, State]
    initial: str
    actions: Mapping[str, str]  # word -> canonical action
    transitions: tuple[Transition, ...]
    chains: Mapping[str, Chain]
    approvals: Approvals
    extensions: ExtensionRules
    handling: HandlingLimits
    rework: Duration | None
    rework_cite: str | None
    per_department: Duration | None
    step_limits: tuple[StepLimit, ...]
    decline_within: Duration | None
    decline_cite: str | None
    sequential_handoff: bool
    subitems_allowed: bool
    parent_waits_for_children: bool
    reminders: tuple[Reminder, ...]
    progress: ProgressReports | None
    penalties: tuple[PenaltyRule, ...]
    counters: tuple[Counter, ...]
    kpis: Mapping[str, str]
    numbering: str | None
    numbering_on: str
    forms: tuple[str, ...]
    list_mode: str | None
    confidential_visible_to: frozenset[str]
    notes: tuple[str, ...]
    #: Named conditions from plugins (``duban_register_conditions``): ``cond.<name>`` in CEL.
    conditions: Mapping[str, Callable[[Any], bool]] = field(default_factory=dict)
    #: Problems that do not stop the policy loading but will fail at run time (shown by
    #: ``duban validate`` as warnings), e.g. a condition dividing by a variable.
    warnings: tuple[Any, ...] = ()
    #: 代录: whose decisions may be entered by someone else (None: nothing enforced).
    proxy_entry: ProxyEntry | None = None
    #: Ceilings on the handling limit per category / urgency (``time_limits.maximum``).
    maxima: tuple[MaximumLimit, ...] = ()
    #: Frequency floors (至少 N 次每周期), each checked at the end of every period.
    at_least: tuple[AtLeast, ...] = ()
    #: a department's own extension of its share must be asked before the share ends (提前报)
    share_ask_before: bool = False
    share_cite: str | None = None  # the basis of the per-department share and its extension
    #: a coordination request must be made within this long of the hand-over (2个工作日内)
    coordination_within: Duration | None = None
    coordination_cite: str | None = None
    #: what one 文号 numbers: ``item`` (each item its own) or ``notice`` (一单多事: the items
    #: that join a notice share its number and date)
    numbering_per: str = "item"
    #: a supervising unit per item (``organisation.supervisor``); None: items have none
    supervision: Supervision | None = None

    def category_for(self, kind: str) -> Category:
        """The category the policy picks for a canonical kind (the most derived wins)."""
        for cat in reversed(list(self.categories.values())):
            if kind in cat.kinds:
                return cat
        return list(self.categories.values())[-1]

    def word(self, canonical_role: str) -> str:
        """The policy's own word for a canonical role (for messages and explain); the
        vocabulary's default word when the policy has none."""
        return self.role_words.get(canonical_role) or vocabulary.word(vocabulary.ROLES,
                                                                      canonical_role)

    def source_of(self, path: Iterable[Any]) -> str | None:
        """The file that wrote the merged value at ``path``: the deepest recorded prefix
        (a subtree written in one file is recorded once, at its root), so a key the policy
        writes inside an inherited mapping is its own and its inherited siblings are not."""
        key = tuple(path)
        for k in range(len(key), -1, -1):
            hit = self.origins.get(key[:k])
            if hit is not None:
                return hit
        return None

    def canonical_role(self, word: str) -> str | None:
        role = self.roles.get(word)
        return role.canonical if role else None

    def own_words(self, words: Iterable[str]) -> frozenset[str]:
        """The organisation's own role words among ``words`` (canonical names dropped),
        each as its principal word: a word declared ``same_as`` another is that other."""
        out = set()
        for w in words:
            role = self.roles.get(w)
            if role is None or role.canonical == w:
                continue
            out.add(role.same_as or w)
        return frozenset(out)

    @cached_property
    def transitions_by_action(self) -> Mapping[str, tuple[Transition, ...]]:
        out: dict[str, list[Transition]] = {}
        for t in self.transitions:
            out.setdefault(t.action, []).append(t)
        return {k: tuple(v) for k, v in out.items()}

    def state_canonical(self, name: str) -> str:
        return self.states[name].canonical
