"""Instants an action writes (``due``, ``until``) and limits counted from an instant.

Why here: an event may carry a date (``2026-03-31``: the end of that day, local time), a
local time or an instant with its offset; the engine reads them one way, and moves
instants by a policy's durations with the policy's calendar (working days, roll forward).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from duban.calendar.deadline import compute_deadline, due_from_date
from duban.calendar.duration import Duration
from duban.engine.timers import shift_calendar
from duban.errors import DubanError
from duban.policy.model import Policy


def to_datetime(value: Any, policy: Policy, *, end_of_day: bool = True) -> dt.datetime:
    """A due/until value: a date means the end of that day (23:59:59 local)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=policy.timezone)
    if isinstance(value, dt.date):
        return due_from_date(value, policy.timezone) if end_of_day else \
            dt.datetime.combine(value, dt.time(0), tzinfo=policy.timezone)
    text = str(value).strip()
    try:
        if len(text) == 10:
            return to_datetime(dt.date.fromisoformat(text), policy, end_of_day=end_of_day)
        return to_datetime(dt.datetime.fromisoformat(text), policy)
    except ValueError:
        raise DubanError(f"无法识别的时间 '{value}'，应写 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM / "
                         f"not a date or time: {value!r}", "validation_error") from None


def deadline(policy: Policy, start: dt.datetime, d: Duration) -> dt.datetime:
    """The deadline ``d`` after ``start`` by the policy's counting rules."""
    return compute_deadline(policy.calendar, start, d, roll_forward=policy.roll_forward,
                            end_of_day=policy.end_of_day).at


def before(policy: Policy, at: dt.datetime, d: Duration) -> dt.datetime:
    """``at`` moved back by ``d`` (working days end at the end of the day)."""
    if d.unit == "working_day":
        return due_from_date(policy.calendar.add_workdays(at.date(), -d.amount),
                             at.tzinfo or policy.timezone, policy.end_of_day)
    return shift_calendar(at, d, -1)
