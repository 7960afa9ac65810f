"""The notifier protocol and the delivery error that drives retries.

Why an outbox: a notice is written in the same transaction as the event that caused it,
then delivered by a worker. A notifier that is down only delays delivery; every message
is retried with backoff until it succeeds or, after the configured number of attempts,
moves to the dead-letter state where an operator can retry it. Delivery is at least
once; the message's ``dedupe_key`` lets the receiving side drop a repeat.
"""

from __future__ import annotations

from typing import Any, Protocol

from duban.outbox import OutboxMessage


class DeliveryError(Exception):
    """A message was not delivered. ``retry=False`` means retrying cannot help."""

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


class Notifier(Protocol):
    name: str

    def send(self, message: OutboxMessage) -> None:
        """Deliver one message or raise :class:`DeliveryError`."""


#: The payload fields that carry an item's content (withheld for a confidential item).
CONTENT_FIELDS = ("title", "message")


def withheld(payload: dict[str, Any], entitled: bool = False) -> dict[str, Any]:
    """The payload a channel may carry: for a confidential (保密) item the title and the
    free-text message are dropped unless the channel is entitled (``confidential: true``
    in its configuration) — a log, a chat group or a mail list is wider than the item's
    readers. The item's id, the notice's kind and the deadline stay, so the notice still
    says which item to look at."""
    if entitled or not payload.get("confidential"):
        return payload
    return {k: (None if k in CONTENT_FIELDS else v) for k, v in payload.items()}


def render_text(message: OutboxMessage, *, entitled: bool = False) -> str:
    """The plain-text body of a notice (Chinese), from its payload."""
    p = withheld(message.payload, entitled)
    lines = [str(p.get("subject") or "督办通知")]
    for key, label in (("item", "事项"), ("title", "标题"), ("kind", "类型"), ("name", "提醒"),
                       ("due", "期限"), ("at", "时间"), ("message", "说明")):
        if p.get(key):
            lines.append(f"{label}：{p[key]}")
    if p.get("confidential") and not entitled:
        lines.append("保密事项：详情请登录系统查看")
    lines.append(f"编号 dedupe：{message.dedupe_key}")
    return "\n".join(lines)
