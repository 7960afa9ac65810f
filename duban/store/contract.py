"""Helpers for testing a store against the contract every store must keep.

Why in the package: a plugin that adds a store (another database, a cloud service) must
pass the same contract suite as SQLite and PostgreSQL (``tests/store/``); these helpers
build realistic commits from the pure engine, so a plugin's tests need no service, no
clock and no notifier to produce events, projections, ledger lines and outbox rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from duban.engine.core import engine_for
from duban.engine.model import Event, ItemState, PenaltyEntry
from duban.engine.timers import next_due
from duban.outbox import OutboxDraft
from duban.policy.model import Policy
from duban.store.base import Commit, Request


def fold(policy: Policy, item: ItemState, events: Iterable[Event]
         ) -> tuple[ItemState, list[PenaltyEntry]]:
    """Apply ``events`` to ``item``; return the new item and the ledger lines they added."""
    engine = engine_for(policy)
    ledger: list[PenaltyEntry] = []
    for e in events:
        before = len(item.penalties)
        item, _ = engine.apply(item, e, e.at)
        ledger.extend(item.penalties[before:])
    return item, ledger


def commit_for(policy: Policy, item: ItemState | str, events: Sequence[Event], *,
               outbox: Sequence[OutboxDraft] = (), request: Request | None = None) -> Commit:
    """The commit a service would write for ``events`` on ``item`` (an item, or the id
    of a new one), expecting the item's current sequence; ``request`` names the keyed
    command it answers."""
    if isinstance(item, str):
        item = engine_for(policy).new_item(item)
    new, ledger = fold(policy, item, events)
    return Commit(new, list(events), item.seq, next_due(policy, new), list(outbox), ledger,
                  request=request)


__all__ = ["commit_for", "fold"]
