"""The item while one event is applied: a mutable, slotted draft of :class:`ItemState`.

Why a draft: ``apply`` must leave the input item untouched (a refusal changes nothing by
construction) and return a new immutable one, while the action, the shared ``transitions``
Machine and the engine's callbacks change a dozen fields on the way. The draft is the
Machine's model for that one apply (its ``state`` attribute is what the Machine reads and
writes), typed field by field like the item it becomes; :meth:`Draft.freeze` builds the
new :class:`ItemState` from the draft's values.

The fields repeat :class:`ItemState`'s, in the same order (``tests/engine/test_draft.py``
fails if the two drift apart); after them come what the apply carries besides: the
event, the chosen transition and the effects so far.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, fields
from datetime import datetime

from duban.engine.model import (
    DueInfo,
    Effect,
    Event,
    FiredTimer,
    ItemState,
    PenaltyEntry,
    Pending,
    Shortfall,
)
from duban.policy.model import Transition


@dataclass(slots=True, eq=False)
class Draft:
    """An :class:`ItemState` being changed by one event (see the module docstring)."""

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
    share_due: datetime | None = None
    share_of: int = 0
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
    progress_approved: int = 0
    progress_returned: int = 0
    coordinated: int = 0
    pending: Pending | None = None
    previous: str | None = None
    paused_at: datetime | None = None
    fired: tuple[FiredTimer, ...] = ()
    penalties: tuple[PenaltyEntry, ...] = ()
    counted: tuple[tuple[str, datetime], ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    number: str | None = None
    #: 一单多事: the notice joined (the id of the item that began it), the item's place on
    #: it (第N项, given with the number) and the notice's date (when it got its number)
    notice: str | None = None
    notice_item: int = 0
    issued_at: datetime | None = None
    seq: int = 0
    last_at: datetime | None = None
    keys: frozenset[str] = frozenset()  # idempotency keys already applied
    event: Event | None = None
    transition: Transition | None = None  # the policy transition the Machine is firing
    effects: list[Effect] = field(default_factory=list)

    @property
    def department(self) -> str | None:
        """The department currently responsible (the lead, or whose turn it is)."""
        if self.lead:
            return self.lead
        if self.handoff:
            return self.handoff[min(self.handoff_index, len(self.handoff) - 1)]
        return None

    @classmethod
    def of(cls, item: ItemState, event: Event) -> Draft:
        """A draft of ``item`` about to take ``event``."""
        draft = cls(*_VALUES(item))
        draft.event = event
        return draft

    def freeze(self) -> ItemState:
        """The new immutable item: the draft's values of every :class:`ItemState` field.

        Why not ``ItemState(*values)``: a frozen dataclass's ``__init__`` stores each of
        its 40-odd fields through ``object.__setattr__``, a third of what a whole
        ``apply`` costs besides; the fields' own slot descriptors store the same values
        at half that. The result is the same object the constructor builds
        (``tests/engine/test_draft.py``), as long as :class:`ItemState` has no
        ``__post_init__`` (the test checks that too)."""
        item = _NEW(ItemState)
        for store, value in zip(_STORES, _VALUES(self), strict=True):
            store(item, value)
        return item


_NAMES = tuple(f.name for f in fields(ItemState))
_VALUES = operator.attrgetter(*_NAMES)  # the values of the item's fields, in order
_STORES = tuple(getattr(ItemState, name).__set__ for name in _NAMES)  # its slots' setters
_NEW = object.__new__
