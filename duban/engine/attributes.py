"""Attributes an action carries, written on the draft before the state changes.

Why before: the roles and conditions of ``create`` see the item being created (its kind,
category and departments), and the deadline, milestones and penalties that follow the
state change read what the action said (the requested due date, the report's time).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from duban.engine.draft import Draft
from duban.engine.instants import to_datetime
from duban.engine.model import Event, ItemState
from duban.engine.refusal import ActionRefused
from duban.policy.model import Policy


class _Act(NamedTuple):
    policy: Policy
    item: ItemState  # as it was before the event
    draft: Draft
    event: Event


def set_attributes(policy: Policy, item: ItemState, draft: Draft, event: Event,
                   canonical: str) -> None:
    """Write what ``event`` (a ``canonical`` action) carries onto ``draft``."""
    write = _WRITERS.get(canonical)
    if write is not None:
        write(_Act(policy, item, draft, event))


def _create(a: _Act) -> None:
    policy, item, draft, event = a.policy, a.item, a.draft, a.event
    d = event.data
    draft.created_at = event.at
    for key in ("kind", "title", "urgency", "lead", "parent", "notice"):
        if d.get(key) is not None:
            setattr(draft, key, str(d[key]))
    draft.assist = tuple(str(x) for x in d.get("assist") or ())
    if not draft.lead and policy.sequential_handoff and d.get("departments"):
        draft.handoff = tuple(str(x) for x in d["departments"])
    cat = d.get("category")
    if cat is not None and cat not in policy.categories:
        raise ActionRefused("validation_error",
                            f"未知类别 '{cat}'，可用：{'、'.join(policy.categories)} / unknown "
                            "category", item=item.id, action=event.action)
    draft.category = cat or policy.category_for(draft.kind).name
    category = policy.categories[draft.category]
    if category.due_required and d.get("due") is None:
        raise ActionRefused("validation_error",
                            f"“{category.name}”事项须明确办理期限（due）/ a due date is "
                            "required for this category", item=item.id,
                            action=event.action, rule="须明确期限", cite=category.cite)
    draft.supervisor = _supervisor(a)
    draft.confidential = bool(d.get("confidential", category.confidential))
    if d.get("due") is not None:
        due = to_datetime(d["due"], policy)
        draft.requested_due = due
        if due <= event.at:
            raise ActionRefused("validation_error",
                                f"办理期限 {due.isoformat()} 早于立项时间 / due before creation",
                                item=item.id, action=event.action)


def _supervisor(a: _Act) -> str | None:
    """The supervising unit 立项 names (督办单位): only where the policy has the field,
    one of its units when it lists them, and present when it must be."""
    field, d = a.policy.supervision, a.event.data
    named = d.get("supervisor")
    if field is None:
        if named is not None:
            raise ActionRefused("validation_error", "本策略的事项没有督办单位字段（supervisor）/ "
                                "this policy has no supervising unit per item",
                                item=a.item.id, action=a.event.action)
        return None
    if named is None or named == "":
        if field.required:
            raise ActionRefused("validation_error", f"立项须写明{field.title}（supervisor）/ the "
                                "supervising unit is required", item=a.item.id,
                                action=a.event.action, rule=field.title, cite=field.cite)
        return None
    if field.units and str(named) not in field.units:
        raise ActionRefused("validation_error", f"“{named}”不是可作{field.title}的单位，可选："
                            f"{'、'.join(field.units)} / not a supervising unit", item=a.item.id,
                            action=a.event.action, rule=field.title, cite=field.cite)
    return str(named)


def _assign(a: _Act) -> None:
    draft, event = a.draft, a.event
    d = event.data
    if d.get("lead"):
        draft.lead = str(d["lead"])
    if d.get("assist") is not None:
        draft.assist = tuple(str(x) for x in d["assist"])


def _confirm(a: _Act) -> None:
    policy, draft, event = a.policy, a.draft, a.event
    draft.confirmed_at = draft.confirmed_at or event.at
    if event.data.get("due") is not None and draft.due is None:
        draft.requested_due = to_datetime(event.data["due"], policy)


def _progress(a: _Act) -> None:
    draft, event = a.draft, a.event
    draft.last_progress_at = event.at


def _decline(a: _Act) -> None:
    item, draft = a.item, a.draft
    draft.declines = item.declines + 1


def _report(a: _Act) -> None:
    draft, event = a.draft, a.event
    draft.reported_at = event.at


def _censure(a: _Act) -> None:
    item, draft = a.item, a.draft
    draft.censures = item.censures + 1


def _request_extension(a: _Act) -> None:
    item, draft = a.item, a.draft
    draft.extension_requests = item.extension_requests + 1


_WRITERS: dict[str, Callable[[_Act], None]] = {
    "create": _create, "assign": _assign, "reassign": _assign, "confirm": _confirm,
    "progress": _progress, "decline": _decline, "report": _report, "censure": _censure,
    "request_extension": _request_extension,
}
