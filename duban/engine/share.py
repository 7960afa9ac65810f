"""A department's share of a limit, with its own extension (部门时间不得超过2天，特殊情况需提前
报办公室办理延期手续 — gongjiao_jituan 第十二条 1).

Why its own shape: when departments take an item in turn, each has its share of the time
(``time_limits.per_department``), and a department that needs more asks for *its share*
to be extended — the item's own deadline, its extension count and the penalties tied to
them do not move. A ``request_extension`` transition whose target state waits for a
``share`` approval (``approval: share``; the chain is ``approvals.share``) is such a
request: it must carry ``until`` (later than the share's end, and, with
``ask_before_end``, asked before it ends); approved by the chain's last step, the share
ends at ``until``; refused, it ends where it did.

The share's end is kept on the item (``share_due`` for hand-off position ``share_of``) from
the moment of the request, so waiting for the approval does not restart the department's
clock (which otherwise runs from when the department received the item).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from duban.engine.draft import Draft
from duban.engine.instants import to_datetime
from duban.engine.model import Event, ItemState
from duban.engine.refusal import ActionRefused
from duban.engine.timers import share_end
from duban.policy.model import Policy, Transition

#: The approval purpose of a department's own extension.
PURPOSE = "share"
RULE = "部门时限延期"


def asks(policy: Policy, t: Transition | None) -> bool:
    """Whether firing ``t`` asks to extend the current department's share."""
    state = policy.states.get(t.to) if t is not None else None
    return state is not None and state.approval == PURPOSE


def check(policy: Policy, item: ItemState, event: Event, t: Transition) -> None:
    """A request is for an item in hand-off with a share, carries a later ``until``, and
    (``ask_before_end``) comes before the share ends; else refused with the clause."""
    end = share_end(policy, item) if item.handoff else None
    if end is None:
        raise ActionRefused("invalid_transition", "本事项不是多部门依次办理，没有部门时限可延 / no "
                            "department share to extend", item=item.id, action=event.action,
                            rule=t.name, cite=t.cite)
    if policy.share_ask_before and event.at > end:
        raise ActionRefused("extension_too_late",
                            f"部门时限延期须在本部门时限（{end.isoformat()}）届满前申请 / too late "
                            "to ask", item=item.id, action=event.action, rule=RULE,
                            cite=policy.share_cite)
    until = _until(policy, event.data)
    if until is None or until <= end:
        raise ActionRefused("validation_error",
                            f"部门时限延期须写明延至何时（until），且晚于本部门时限 {end.isoformat()} / "
                            "`until` must be after the share's end", item=item.id,
                            action=event.action, rule=RULE, cite=policy.share_cite)


def hold(policy: Policy, item: ItemState, draft: Draft) -> None:
    """Keep the share's end while the request is decided (the state changes, the clock
    of the department does not restart)."""
    draft.share_due = share_end(policy, item)
    draft.share_of = item.handoff_index


def granted(policy: Policy, draft: Draft, request: Mapping[str, Any]) -> None:
    """The chain approved: the share ends at the requested ``until``."""
    draft.share_due = _until(policy, request)


def _until(policy: Policy, data: Mapping[str, Any]) -> dt.datetime | None:
    value = data.get("until")
    return None if value in (None, "") else to_datetime(value, policy)
