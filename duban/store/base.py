"""The store protocol: append-only events, the item projection, the outbox, numbers.

Why small: every store (SQLite, PostgreSQL, a plugin's) must pass one contract test
suite, so the protocol holds only what the service needs. One call, :meth:`Store.commit`,
writes the new events, the projection, the ledger lines and the outbox rows in ONE
transaction, guarded by the item's sequence (optimistic concurrency) and the command's
idempotency key — so a crash leaves either all of it or none, and a retried command is
harmless.

Idempotency keys work as payment APIs define them: a key belongs to one
:class:`Request` — the item, the action, the actor and the payload. A command carrying a
key records the key with the result it produced, in its own transaction. The same request
again gets that first result (:meth:`Store.request_result`) and writes nothing; a
*different* request with a used key is refused with :class:`IdempotencyConflict`
(``idempotency_conflict``) and writes nothing. The instant of a command is not part of
the request: a retry is by nature later than the first attempt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from duban.engine import codec
from duban.engine.model import Actor, Event, ItemState, PenaltyEntry
from duban.engine.notice import NoticeNumber
from duban.errors import DubanError
from duban.outbox import OutboxDraft as OutboxDraft  # re-exported for plugins
from duban.outbox import OutboxMessage as OutboxMessage


class ConcurrencyError(DubanError):
    """Someone else appended to the item first; reload and retry."""

    def __init__(self, item_id: str, expected: int, actual: int) -> None:
        super().__init__(f"事项 {item_id} 已被他人更新（期望序号 {expected}，实际 {actual}）/ "
                         "concurrent update, retry", "conflict")


class StoreError(DubanError):
    """The store cannot do what was asked (disk full, server gone…); nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "store_error")


class IdempotencyConflict(DubanError):
    """The key was used for a different request; nothing was written."""

    def __init__(self, key: str) -> None:
        super().__init__(f"幂等键 '{key}' 已用于另一个请求（事项、动作、操作人或内容不同），本次未执行；"
                         "重试同一命令请用同一个键，新的命令请用新的键 / idempotency key already "
                         "used for a different request; nothing was done", "idempotency_conflict")
        self.key = key


@dataclass(frozen=True)
class Request:
    """One command as its idempotency key names it.

    ``fingerprint`` is a digest of the item, the action, the actor and the payload; build
    it with :meth:`of` so that every interface (CLI, HTTP API, Python) fingerprints a
    command the same way."""

    key: str
    item_id: str
    action: str
    fingerprint: str

    @classmethod
    def of(cls, key: str, item_id: str, action: str, actor: Actor | None,
           payload: Mapping[str, Any]) -> Request:
        body = {"item": item_id, "action": action, "actor": actor, "payload": dict(payload)}
        digest = hashlib.sha256(codec.dumps(body).encode("utf-8")).hexdigest()
        return cls(key, item_id, action, digest)

    def answer(self, item_id: str, action: str, fingerprint: str | None, result: str | None,
               load: Callable[[str], ItemState | None]) -> ItemState | None:
        """What a store answers for this request given the row recorded for its key.

        A key recorded before fingerprints existed (``fingerprint`` None, no result) is
        taken as the same request when item and action agree; its result is the item as
        it is now, which is what such a key was answered with then."""
        same = fingerprint == self.fingerprint if fingerprint is not None else \
            (item_id, action) == (self.item_id, self.action)
        if not same:
            raise IdempotencyConflict(self.key)
        return codec.decode_item(result) if result is not None else load(item_id)


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
    request: Request | None = None  # recorded with ``item`` as its result


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

    def request_result(self, request: Request) -> ItemState | None:
        """The item as the first command with ``request.key`` left it, if that command was
        the same request; None if the key is unused; :class:`IdempotencyConflict` if the
        key was used for a different request."""

    def commit(self, c: Commit) -> None:
        """Write events, projection, ledger, outbox and ``c.request`` atomically.

        Raises ConcurrencyError if the item's stored sequence is not ``c.expected_seq``,
        IdempotencyConflict if ``c.request``'s key is already recorded (for any request:
        ask :meth:`request_result` what it was), StoreError if the write failed. Nothing is
        written in any of these cases."""

    def items(self, *, policy_id: str | None = None) -> Iterator[ItemState]: ...

    def check(self, *, quick: bool = True) -> list[str]:
        """What is wrong with the database itself, [] if nothing: SQLite's ``quick_check``
        (``quick``) or ``integrity_check``; on PostgreSQL the catalog checks that exist
        (``amcheck`` on duban's indexes when installed). Run before writing (quick) and
        by ``duban doctor`` (full)."""

    def item_versions(self) -> dict[str, int]:
        """Every item's id and stored sequence, without decoding any item: a reader that
        keeps items in memory (the web pages' listing index) reloads only those whose
        sequence moved, whichever process wrote them. (A store may also offer
        ``change_token()``, a cheap value that changes whenever anything was committed:
        :meth:`duban.store.sqlite.SqliteStore.change_token`.)"""

    def due(self, now: dt.datetime, limit: int = 1000) -> list[str]:
        """Ids of items whose next timer is at or before ``now``, earliest first."""

    def next_number(self, policy_id: str, year: int) -> int:
        """Reserve the next document number of the year (never reused)."""

    def notice_number(self, policy_id: str, notice: str, at: dt.datetime) -> NoticeNumber:
        """一单多事: the 文号 of ``notice`` — reserved with :meth:`next_number` in the year of
        ``at`` the first time, the same ever after — with the next place on it (1, 2, …)
        and the notice's date (``at`` of the first call), atomically: two callers never
        get two numbers for one notice, nor one place twice."""

    def outbox_due(self, now: dt.datetime, limit: int = 100) -> list[OutboxMessage]: ...

    def outbox_done(self, message_id: int, at: dt.datetime) -> None: ...

    def outbox_failed(self, message_id: int, error: str, retry_at: dt.datetime | None) -> None:
        """Record a failed attempt; ``retry_at=None`` moves the message to dead-letter."""

    def outbox(self, status: str | None = None) -> list[OutboxMessage]:
        """The messages (in ``status``), oldest first. (A store may also offer
        ``outbox_count(status)``, one count query, which ``/metrics`` and ``/readyz``
        prefer to listing: :func:`outbox_count`.)"""

    def ledger(self) -> list[PenaltyEntry]: ...

    def close(self) -> None: ...


def outbox_count(store: Store, status: str) -> int:
    """How many outbox messages are in ``status``: the store's own count query if it has
    one, else the length of its listing."""
    count = getattr(store, "outbox_count", None)
    return int(count(status)) if count is not None else len(store.outbox(status))


@runtime_checkable
class ClaimingStore(Protocol):
    """The optional ability of a store to share its due work between workers."""

    def claim_due(self, now: dt.datetime, limit: int, worker: str,
                  lease: dt.timedelta) -> list[str]:
        """Claim up to ``limit`` due items (free, expired, or already ``worker``'s)."""

    def claim_outbox(self, now: dt.datetime, limit: int, worker: str,
                     lease: dt.timedelta) -> list[OutboxMessage]:
        """Claim up to ``limit`` pending messages due at ``now``."""

    def release(self, worker: str) -> int:
        """Give back every claim held by ``worker``."""
