"""Facts about an item's closure that every reader judges the same way: 按时办结, 逾期,
and whether it counts in 督办总数.

Why in the engine: the scenario outcome, the KPI reports, the 台账, the forms and the
history diff all decide "on time" from the item alone; one definition, below all of them,
keeps them from drifting apart.
"""

from __future__ import annotations

import datetime as dt

from duban.engine.model import ItemState
from duban.policy.model import Policy


def on_time(item: ItemState) -> bool:
    """按时办结: closed, and reported (or closed) by the deadline in force."""
    if item.closed_at is None:
        return False
    done = item.reported_at or item.closed_at
    return item.due is None or done <= item.due


def overdue(item: ItemState, end: dt.datetime | None) -> bool:
    """Whether the deadline passed before the work was done (or, if not done, by the end)."""
    if item.due is None:
        return False
    done = item.reported_at or item.closed_at or end
    return done is not None and done > item.due


def counted(policy: Policy, item: ItemState) -> bool:
    """Whether the item is in 督办总数: opened (立项), and not 撤销."""
    return (item.opened_at is not None or item.assigned_at is not None) and \
        policy.states[item.state].canonical != "cancelled"
