"""How an item reads over HTTP: facts, the deadline with its reasons, history, and what
this caller may do. Shared by the JSON API and the HTML pages.

Who may see an item is the engine's rule (``visible_to``: a confidential item only for
its departments, the supervising office and the leaders the policy names); for a user
with several departments, any of them entitles them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from duban.engine.access import visible_to
from duban.engine.entry import entered_for_another
from duban.engine.model import Actor, Event, ItemState
from duban.engine.notice import notice_of
from duban.policy.model import Policy
from duban.reports.history import describe_event
from duban.web.identity import User


def actors_of(user: User, policy: Policy) -> tuple[Actor, ...]:
    """The actors ``user`` is under ``policy``: one per department (or one without)."""
    roles = user.canonical_roles(policy)
    return tuple(Actor(user.name, dept, roles) for dept in (user.departments or (None,)))


def can_see(user: User, policy: Policy, item: ItemState) -> bool:
    return any(visible_to(policy, item, a) for a in actors_of(user, policy))


def _iso(at: dt.datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def summary(policy: Policy, item: ItemState, now: dt.datetime) -> dict[str, Any]:
    """One row of a listing."""
    state = policy.states.get(item.state)
    return {
        "id": item.id, "policy": policy.id, "title": item.title, "kind": item.kind,
        "category": item.category, "state": item.state,
        "canonical_state": state.canonical if state else item.state,
        "lead": item.department, "assist": list(item.assist), "urgency": item.urgency,
        "confidential": item.confidential, "number": item.number, "due": _iso(item.due),
        "overdue": overdue(policy, item, now),
        "created_at": _iso(item.created_at), "parent": item.parent,
        "notice": notice_of(item) if item.notice_item else item.notice,
        "notice_item": item.notice_item or None,
    } | ({"supervisor": item.supervisor} if policy.supervision is not None else {})


def overdue(policy: Policy, item: ItemState, now: dt.datetime) -> bool:
    """Past its deadline while still being worked on."""
    state = policy.states.get(item.state)
    return bool(item.due and item.due < now and item.closed_at is None
                and (state is None or state.canonical in
                     ("assigned", "in_progress", "extension_pending", "reported")))


def deadline(policy: Policy, item: ItemState) -> dict[str, Any]:
    info = item.due_info
    return {
        "due": _iso(item.due), "original_due": _iso(item.original_due),
        "rule": info.rule if info else None, "cite": info.cite if info else None,
        "calendar_version": info.calendar_version if info else None,
        "provisional": info.provisional if info else False,
        "timezone": str(policy.timezone),
    }


def pending(policy: Policy, item: ItemState) -> dict[str, Any] | None:
    p = item.pending
    if p is None:
        return None
    chain = policy.chains.get(p.chain)
    step = chain.steps[p.step] if chain and p.step < len(chain.steps) else None
    return {"purpose": p.purpose, "chain": p.chain, "step": step.name if step else None,
            "approver": (step.word or policy.word(step.role)) if step else None,
            "since": p.since.isoformat(), "cite": (step.cite if step else None) or
            (chain.cite if chain else None),
            "approvals": [{"step": s, "by": who, "at": at} for s, who, at in p.approvals],
            "request": {k: ({str(n): str(t) for n, t in v.items()} if isinstance(v, Mapping)
                            else str(v)) for k, v in p.request.items()}}


def event_json(policy: Policy, n: int, e: Event) -> dict[str, Any]:
    """One event of the history: who decided (``by``, in the policy's words, with the
    clerk when it was 代录: ``张总（总经理）（代录：总经理工作部 秘书）``) and who entered it."""
    actor = e.actor
    return {"seq": n, "at": e.at.isoformat(), "action": e.action,
            "by": describe_event(policy, e),
            "person": actor.person if actor else None,
            "department": actor.department if actor else None,
            "roles": sorted(actor.roles) if actor else [],
            "entered_by": e.entered_by, "proxy": entered_for_another(e),
            "data": {k: v for k, v in e.data.items() if k not in ("key", "entered_by")}}


def detail(policy: Policy, item: ItemState, now: dt.datetime) -> dict[str, Any]:
    """Everything about the item but its history and offers."""
    out = summary(policy, item, now)
    out.update({
        "policy_name": policy.name, "policy_hash": item.policy_hash,
        "deadline": deadline(policy, item), "pending": pending(policy, item),
        "extensions_granted": item.extensions_granted,
        "extensions_rejected": item.extensions_rejected, "returns": item.returns,
        "reminders": [{"name": f.name, "event": f.event, "at": f.at.isoformat()}
                      for f in item.fired],
        "penalties": [p.to_json() for p in item.penalties],
        "children_open": sorted(item.children_open),
        "closed_at": _iso(item.closed_at), "reported_at": _iso(item.reported_at),
    })
    if policy.supervision is not None:  # what the text calls the item's supervising unit
        out["supervisor_title"] = policy.supervision.title
    return out
