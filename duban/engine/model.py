"""Values the engine folds: actors, events, the item state, effects and ledger entries.

Why immutable: ``apply`` returns a new :class:`ItemState` and leaves the old one alone,
so a refused action changes nothing by construction, replay is a plain fold, and one
state can be shared between threads and caches without copying.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

EMPTY: Mapping[str, Any] = MappingProxyType({})

#: Canonical states in which an item's deadline is running (reminders apply).
OPEN_STATES = frozenset({"assigned", "in_progress", "extension_pending"})
#: Canonical states after which the item is no longer the department's to do.
DONE_STATES = frozenset({"closed", "archived", "cancelled"})


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a person (optional), the department they act for, their canonical roles,
    and the organisation's own role words they hold.

    ``words`` empty means the actor is known only by canonical roles (a portable scenario,
    a canonical ``--as``): they stand for whoever holds that canonical role. With words,
    authorisation uses them: 公司领导 does not approve where the text names 公司主要领导,
    though both map to general_manager.
    """

    person: str | None = None
    department: str | None = None
    roles: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    #: the units this person oversees (分管), for role words judged against the item's
    #: supervising unit (督办单位分管局领导)
    oversees: frozenset[str] = frozenset()

    def describe(self) -> str:
        who = self.person or "、".join(sorted(self.roles)) or "系统"
        return f"{who}（{self.department}）" if self.department else who


SYSTEM = Actor(person="系统", roles=frozenset({"system"}))


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened to an item. ``action`` is canonical, a policy word, a
    transition name, ``timer`` (a fired timer) or an internal roll-up (``subitem_*``)."""

    action: str
    at: datetime
    actor: Actor | None = None
    data: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    key: str | None = None  # idempotency key
    #: Who typed it in (the configured operator or the OS user; a signed-in user), beside
    #: the role it was entered as: a clerk recording a leader's decision is 代录.
    entered_by: str | None = None


@dataclass(frozen=True, slots=True)
class Pending:
    """An approval in progress: which purpose, which chain, which step is next."""

    purpose: str  # opening | extension | pause | review
    chain: str
    step: int
    since: datetime
    request: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    approvals: tuple[tuple[str, str, str], ...] = ()  # (step name, actor, at iso)


@dataclass(frozen=True, slots=True)
class FiredTimer:
    name: str
    event: str
    at: datetime  # the scheduled instant, not the tick that noticed it
    key: str


@dataclass(frozen=True, slots=True)
class PenaltyEntry:
    """One line of the penalty ledger (append-only)."""

    item: str
    target: str
    points: float
    coefficient: float
    measures: tuple[str, ...]
    rule: str
    cite: str | None
    at: datetime
    reason: str = ""
    source_event: int = 0  # the item's event sequence that caused it
    trigger: str = ""  # the rule's `on` (closed_late, censure, timer:…), counters match it
    department: str = ""  # the item's responsible department then (counters count per it)
    kind: str = "penalty"  # "commendation": 通报表扬/表彰, a ledger line of its own kind

    def to_json(self) -> dict[str, Any]:
        out = {"item": self.item, "target": self.target, "points": _num(self.points),
               "coefficient": _num(self.coefficient), "measures": list(self.measures),
               "rule": self.rule, "cite": self.cite or "", "at": self.at.isoformat()}
        return out | ({"kind": self.kind} if self.kind != "penalty" else {})


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 6)


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A period that ended with fewer of a required action than the text asks (每两个月不少于
    3次, 督查 2 次): a record of the fact, against whose duty it was."""

    requirement: str
    by: str  # whose duty, in the policy's words
    start: datetime
    end: datetime
    done: int
    required: int
    cite: str | None

    def to_json(self) -> dict[str, Any]:
        return {"requirement": self.requirement, "by": self.by, "from": self.start.isoformat(),
                "to": self.end.isoformat(), "done": self.done, "required": self.required,
                "cite": self.cite or ""}


@dataclass(frozen=True, slots=True)
class DueInfo:
    """Why the deadline is what it is (the answer to "why is this red")."""

    rule: str
    cite: str | None
    event_seq: int
    calendar_version: str
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class ItemState:
    """An item as the fold of its events under one policy version."""

    id: str
    policy_id: str
    policy_hash: str
    state: str
    kind: str = "other"
    category: str = ""
    title: str = ""
    urgency: str | None = None
    lead: str | None = None
    assist: tuple[str, ...] = ()
    handoff: tuple[str, ...] = ()  # sequential departments when no lead is named
    handoff_index: int = 0
    share_due: datetime | None = None  # the current department's share, as extended or held
    share_of: int = 0  # the hand-off position share_due belongs to
    supervisor: str | None = None  # the supervising unit (督办单位), when the policy has one
    confidential: bool = False
    parent: str | None = None
    children_open: frozenset[str] = frozenset()
    requested_due: datetime | None = None
    created_at: datetime | None = None
    opened_at: datetime | None = None
    assigned_at: datetime | None = None
    confirmed_at: datetime | None = None
    reported_at: datetime | None = None
    closed_at: datetime | None = None
    last_progress_at: datetime | None = None
    state_since: datetime | None = None
    due: datetime | None = None
    original_due: datetime | None = None
    due_info: DueInfo | None = None
    extension_requests: int = 0
    extensions_granted: int = 0
    extensions_rejected: int = 0
    returns: int = 0
    declines: int = 0
    censures: int = 0
    progress_approved: int = 0  # progress reports approved (反馈审核同意)
    progress_returned: int = 0  # progress reports sent back by their approver
    coordinated: int = 0  # coordination requests resolved (协调解决)
    pending: Pending | None = None
    previous: str | None = None
    paused_at: datetime | None = None
    fired: tuple[FiredTimer, ...] = ()
    penalties: tuple[PenaltyEntry, ...] = ()
    #: actions counted toward an ``at_least`` requirement, until their period is checked
    counted: tuple[tuple[str, datetime], ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()  # periods that ended short of a requirement
    number: str | None = None
    #: 一单多事: the notice joined (the id of the item that began it), the item's place on
    #: it (第N项, given with the number) and the notice's date (when it got its number)
    notice: str | None = None
    notice_item: int = 0
    issued_at: datetime | None = None
    seq: int = 0
    last_at: datetime | None = None
    keys: frozenset[str] = frozenset()  # idempotency keys already applied

    @property
    def department(self) -> str | None:
        """The department currently responsible (the lead, or whose turn it is)."""
        if self.lead:
            return self.lead
        if self.handoff:
            return self.handoff[min(self.handoff_index, len(self.handoff) - 1)]
        return None


@dataclass(frozen=True, slots=True)
class Move:
    """One thing that may be done to an item in its current state, and by whom.

    ``action`` is what an :class:`Event` carries to take it (a transition's own name, or
    ``approve``/``reject`` for the pending approval step); ``roles`` are the canonical
    roles that may take it, in the policy's order, and ``words`` the organisation's own
    words for them. Whether a given actor, with given data, may take it now is the
    engine's :meth:`~duban.engine.core.Engine.apply` to decide (conditions, limits).
    """

    action: str
    canonical: str
    roles: tuple[str, ...]
    words: tuple[str, ...]
    cite: str | None = None


@dataclass(frozen=True, slots=True)
class Effect:
    """Something the shell must do or record after a successful apply (after commit).

    kinds: ``state_changed``, ``deadline_set``, ``approval_requested``, ``notify``,
    ``penalty``, ``timer_fired``, ``number_assigned``, ``subitem_closed``, ``shortfall``.
    """

    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)
