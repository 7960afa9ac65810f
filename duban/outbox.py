"""The outbox's rows: a notice to deliver, before and after the store has written it.

Why a module of its own: the store writes these rows in the same transaction as the events
that caused them, and the notifiers read them back to deliver; neither should import the
other (docs/architecture.md: imports run calendar → policy → engine → store/notify →
runtime). This module sits below both and imports nothing of duban.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


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
