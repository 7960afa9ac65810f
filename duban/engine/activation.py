"""The variables a policy's CEL conditions see (declared in ``duban.policy.compile.CEL_ENV``).

Every declared variable is always present (with a neutral value when unknown), so a
condition never fails at run time for a missing key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from duban.engine.model import Actor, Event, ItemState
from duban.engine.refusal import ActionRefused
from duban.policy.cel import CelEvaluationError, Expression
from duban.policy.model import Policy

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def item_vars(policy: Policy, item: ItemState) -> dict[str, Any]:
    days_late = 0
    return {
        "id": item.id, "kind": item.kind, "category": item.category,
        "urgency": item.urgency or "", "title": item.title, "lead": item.department or "",
        "assist": list(item.assist), "confidential": item.confidential,
        "extension_requests": item.extension_requests,
        "extensions_granted": item.extensions_granted,
        "extensions_rejected": item.extensions_rejected, "returns": item.returns,
        "state": item.state, "canonical_state": policy.states[item.state].canonical,
        "parent": item.parent or "", "due": item.due or _EPOCH,
        "created_at": item.created_at or _EPOCH, "days_late": days_late,
    }


def activation(policy: Policy, item: ItemState, event: Event | None,
               actor: Actor | None, now: dt.datetime,
               extra_item: Mapping[str, Any] | None = None) -> dict[str, Any]:
    iv = item_vars(policy, item)
    if extra_item:
        iv.update(extra_item)
    data = event.data if event else {}
    until = data.get("until")
    return {
        "item": iv,
        "actor": {"person": (actor.person if actor else "") or "",
                  "department": (actor.department if actor else "") or "",
                  "roles": sorted(actor.roles) if actor else []},
        "event": {"action": event.action if event else "",
                  "until": until if isinstance(until, dt.datetime) else _EPOCH,
                  "reason": str(data.get("reason") or ""),
                  "defect": str(data.get("defect") or "")},
        "now": now,
        "cond": {name: bool(check(item)) for name, check in policy.conditions.items()}
        if policy.conditions else {},
    }


def holds(expr: Expression, act: Mapping[str, Any], where: str, cite: str | None = None) -> bool:
    """Evaluate a policy condition. A run-time failure (a division by zero …) is the
    policy's fault, not the user's: the action is refused with ``policy_error``, the rule
    and its cite, and nothing changes — never a traceback, never a silent pass."""
    try:
        return bool(expr.evaluate(act))
    except CelEvaluationError as err:
        raise ActionRefused("policy_error", f"条件 `{expr.source}` 无法求值（{err}），请联系策略维护人员修正 "
                            "/ the policy's condition failed", rule=where, cite=cite) from None
