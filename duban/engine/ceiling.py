"""Ceilings on a written deadline (``time_limits.maximum``): refuse it, or route it through
the approval the text requires above the ceiling.

Why here, beside the engine: the ceiling is judged when a person writes a deadline (at 立项,
or at 确认 where the department fixes it), from facts the item already holds, so it is a
pure function of the policy, the item and the event. The ceiling counts from the handling
limit's counting start when that has happened, else from the moment the deadline is
written (the earliest moment the text's limit could start): "不超过7个工作日" is then never
stretched by the time an item waits before it reaches the department.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from duban.calendar.deadline import compute_deadline
from duban.engine.model import Event, ItemState
from duban.engine.refusal import ActionRefused
from duban.policy.maximum import covers, scope_words
from duban.policy.model import MaximumLimit, Policy

_STARTS = {"created": "created_at", "opened": "opened_at", "assigned": "assigned_at",
           "confirmed": "confirmed_at"}


def _since(policy: Policy, item: Any, written: dt.datetime) -> dt.datetime:
    start = getattr(item, _STARTS.get(policy.handling.counts_from, ""), None)
    return start if isinstance(start, dt.datetime) else written


def exceeded(policy: Policy, item: Any, due: dt.datetime,
             written: dt.datetime) -> list[tuple[MaximumLimit, dt.datetime]]:
    """Every ceiling covering the item (an ItemState or the engine's draft of one) that
    ``due`` passes, with its latest allowed deadline, tightest first."""
    since = _since(policy, item, written)
    out = []
    for rule in policy.maxima:
        if not covers(rule, item):
            continue
        latest = compute_deadline(policy.calendar, since, rule.limit,
                                  roll_forward=policy.roll_forward,
                                  end_of_day=policy.end_of_day).at
        if due > latest:
            out.append((rule, latest))
    return sorted(out, key=lambda x: x[1])


def check(policy: Policy, item: ItemState, draft: Any, event: Event,
          due: dt.datetime) -> None:
    """Refuse a written deadline above a ceiling that refuses, or above one that needs an
    approval the item can no longer go through (its opening approval is behind it)."""
    for rule, latest in exceeded(policy, draft, due, event.at):
        if rule.above is not None and draft.opened_at is None:
            continue  # the opening approval will use the rule's chain (chain_above)
        how = "不予接受" if rule.above is None else \
            f"须经“{rule.above}”审批，应在立项时写明（立项审批已完成）"
        raise ActionRefused(
            "validation_error",
            f"办理期限 {due.isoformat()} 超过{scope_words(rule)}最长办理时限 {rule.limit}（最晚 "
            f"{latest.isoformat()}），{how} / the deadline exceeds the longest limit "
            f"'{rule.name}'", item=item.id, action=event.action,
            rule=f"{rule.name}：不超过{rule.limit}", cite=rule.cite)


def chain_above(policy: Policy, draft: Any) -> str | None:
    """The approval chain an item's written deadline needs above a ceiling (the tightest
    such ceiling), or None."""
    due, written = draft.requested_due, draft.confirmed_at or draft.created_at
    if due is None or written is None:
        return None
    for rule, _ in exceeded(policy, draft, due, written):
        if rule.above is not None:
            return rule.above
    return None


__all__ = ["chain_above", "check", "exceeded"]
