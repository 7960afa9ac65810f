"""The notifier protocol and the delivery error that drives retries.

Why an outbox: a notice is written in the same transaction as the event that caused it,
then delivered by a worker. A notifier that is down only delays delivery; every message
is retried with backoff until it succeeds or, after the configured number of attempts,
moves to the dead-letter state where an operator can retry it. Delivery is at least
once; the message's ``dedupe_key`` lets the receiving side drop a repeat.
"""

from __future__ import annotations

from typing import Protocol

from duban.store.base import OutboxMessage


class DeliveryError(Exception):
    """A message was not delivered. ``retry=False`` means retrying cannot help."""

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


class Notifier(Protocol):
    name: str

    def send(self, message: OutboxMessage) -> None:
        """Deliver one message or raise :class:`DeliveryError`."""


def render_text(message: OutboxMessage) -> str:
    """The plain-text body of a notice (Chinese), from its payload."""
    p = message.payload
    lines = [str(p.get("subject") or "督办通知")]
    for key, label in (("item", "事项"), ("title", "标题"), ("kind", "类型"), ("name", "提醒"),
                       ("due", "期限"), ("at", "时间"), ("message", "说明")):
        if p.get(key):
            lines.append(f"{label}：{p[key]}")
    lines.append(f"编号 dedupe：{message.dedupe_key}")
    return "\n".join(lines)
