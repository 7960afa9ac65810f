"""The store protocol: append-only events, the item projection, the outbox, numbers.

Why small: every store (SQLite, PostgreSQL, a plugin's) must pass one contract test
suite, so the protocol holds only what the service needs. One call, :meth:`Store.commit`,
writes the new events, the projection, the ledger lines and the outbox rows in ONE
transaction, guarded by the item's sequence (optimistic concurrency) and the event's
idempotency key — so a crash leaves either all of it or none, and a retried command is
harmless.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from duban.engine.model import Event, ItemState, PenaltyEntry
from duban.errors import DubanError


class ConcurrencyError(DubanError):
    """Someone else appended to the item first; reload and retry."""

    def __init__(self, item_id: str, expected: int, actual: int) -> None:
        super().__init__(f"事项 {item_id} 已被他人更新（期望序号 {expected}，实际 {actual}）/ "
                         "concurrent update, retry", "conflict")


class StoreError(DubanError):
    """The store cannot do what was asked (disk full, server gone…); nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "store_error")


@dataclass(frozen=True)
class OutboxDraft:
    """A notice to deliver, written in the same transaction as the events that caused it."""

    dedupe_key: str
    channel: str
    recipient: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    item_id: str
    dedupe_key: str
    channel: str
    recipient: str
    payload: dict[str, Any]
    attempts: int
    status: str  # pending | sent | dead
    last_error: str | None = None
    next_attempt: dt.datetime | None = None


@dataclass(frozen=True)
class Commit:
    """Everything one command writes."""

    item: ItemState
    events: Sequence[Event]
    expected_seq: int
    next_due: dt.datetime | None
    outbox: Sequence[OutboxDraft] = ()
    ledger: Sequence[PenaltyEntry] = ()
    number: tuple[str, int, int] | None = None  # (policy id, year, seq) consumed
    extra: dict[str, Any] = field(default_factory=dict)


class Store(Protocol):
    """What the service needs from storage. Instants are timezone-aware datetimes."""

    name: str

    def migrate(self) -> list[str]:
        """Apply named schema migrations not applied yet; return their names."""

    def save_policy(self, content_hash: str, policy_id: str, document: str) -> None:
        """Keep a policy version (its merged document) so pinned items can be replayed."""

    def policy_document(self, content_hash: str) -> str | None: ...

    def load(self, item_id: str) -> ItemState | None: ...

    def events(self, item_id: str) -> list[Event]: ...

    def has_key(self, key: str) -> bool:
        """Whether an event with this idempotency key was committed."""

    def commit(self, c: Commit) -> None:
        """Write events, projection, ledger and outbox atomically.

        Raises ConcurrencyError if the item's stored sequence is not ``c.expected_seq``,
        StoreError if the write failed (nothing is written then)."""

    def items(self, *, policy_id: str | None = None) -> Iterator[ItemState]: ...

    def due(self, now: dt.datetime, limit: int = 1000) -> list[str]:
        """Ids of items whose next timer is at or before ``now``, earliest first."""

    def next_number(self, policy_id: str, year: int) -> int:
        """Reserve the next document number of the year (never reused)."""

    def outbox_due(self, now: dt.datetime, limit: int = 100) -> list[OutboxMessage]: ...

    def outbox_done(self, message_id: int, at: dt.datetime) -> None: ...

    def outbox_failed(self, message_id: int, error: str, retry_at: dt.datetime | None) -> None:
        """Record a failed attempt; ``retry_at=None`` moves the message to dead-letter."""

    def outbox(self, status: str | None = None) -> list[OutboxMessage]: ...

    def ledger(self) -> list[PenaltyEntry]: ...

    def close(self) -> None: ...
