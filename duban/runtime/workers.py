"""Several tick workers on one store: each takes its own due items and notices.

Why a claim: :meth:`duban.runtime.service.Service.tick` asks the store which items are
due and fires their timers. Two workers asking the same question would both try every
item; the item's sequence check keeps the result right (one of them gets a
``ConcurrencyError`` and moves on) but they would do the work twice and — worse — hand the
same outbox message to a notifier twice. A store that can *claim* (PostgreSQL:
``FOR UPDATE SKIP LOCKED`` plus a lease) gives each worker a disjoint batch instead.

:class:`TickWorker` wraps a :class:`Service` so that, seen from ``Service.tick`` and
``Service.deliver``, the store's ``due``/``outbox_due`` return what this worker has just
claimed. ``Service`` itself is unchanged. A worker that dies keeps its claims only until
the lease runs out; a worker restarted under the same name takes them back at once.
Stores without claims (SQLite) are used as they are: run one worker per SQLite file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import socket
from dataclasses import dataclass
from typing import Any

from duban.outbox import OutboxMessage
from duban.runtime.service import Service
from duban.store.base import ClaimingStore, Store


def default_worker_name() -> str:
    """``host:pid`` — unique among live workers; pass a fixed name to resume claims."""
    return f"{socket.gethostname()}:{os.getpid()}"


class ClaimedView:
    """The store as one worker sees it: ``due`` and ``outbox_due`` claim what they return;
    everything else goes to the store unchanged."""

    def __init__(self, store: Store, worker: str, lease: dt.timedelta) -> None:
        if not isinstance(store, ClaimingStore):
            raise TypeError(f"store {store.name} cannot claim work")
        self._store = store
        self._claims: ClaimingStore = store
        self.worker = worker
        self.lease = lease

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def due(self, now: dt.datetime, limit: int = 1000) -> list[str]:
        return self._claims.claim_due(now, limit, self.worker, self.lease)

    def outbox_due(self, now: dt.datetime, limit: int = 100) -> list[OutboxMessage]:
        return self._claims.claim_outbox(now, limit, self.worker, self.lease)


@dataclass(frozen=True)
class TickReport:
    fired: int
    sent: int
    failed: int


class TickWorker:
    """One tick worker: fires every due timer it can claim, then delivers the notices.

    ``lease`` must exceed the time one batch takes; a crashed worker's items wait that
    long before another worker takes them (a restart under the same ``worker`` name does
    not wait)."""

    def __init__(self, service: Service, worker: str | None = None, *,
                 lease: dt.timedelta = dt.timedelta(minutes=5), batch: int = 100) -> None:
        self.name = worker or default_worker_name()
        self.batch = batch
        self.store = service.store
        self.shared = isinstance(self.store, ClaimingStore)
        self.service = dataclasses.replace(
            service, store=ClaimedView(self.store, self.name, lease)) if self.shared \
            else service

    def run_once(self, now: dt.datetime) -> TickReport:
        """Fire everything due at ``now`` that this worker can claim, then deliver every
        due notice it can claim; give the claims back at the end."""
        try:
            fired = self.service.tick(now, self.batch)
            sent = failed = 0
            while True:
                s, f = self.service.deliver(now, self.batch)
                sent, failed = sent + s, failed + f
                if s + f == 0:
                    break
        finally:
            if self.shared:
                self.release()
        return TickReport(fired, sent, failed)

    def release(self) -> None:
        if isinstance(self.store, ClaimingStore):
            self.store.release(self.name)


__all__ = ["ClaimedView", "TickReport", "TickWorker", "default_worker_name"]
