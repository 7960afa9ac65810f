"""Clocks that stop: shifting a deadline by the time an item spent paused.

Why: some states (waiting for a leader's instruction, 暂停/挂起) stop an item's clock, as
SLA engines do; when the item resumes, its deadline moves later by the working time lost.
The policy decides which states pause; this module only does the arithmetic, purely.

Semantics for working-day deadlines (:func:`shift_for_pause`): the working days lost are
the working days in ``(paused date, resumed date]``, and the new deadline is the same
time of day that many working days after the old deadline's date. This equals restarting
the count on the resume date with the working days that were left at the pause (the day
of resumption is not counted, exactly as the day of T is not counted for a new item).
Pausing and resuming on the same day, or over rest days only, loses nothing. A deadline
never moves earlier.

For hour-based deadlines, :func:`shift_for_pause_exact` moves the deadline by the exact
elapsed time of the pause.
"""

from __future__ import annotations

import datetime as dt

from duban.calendar.calendar import WorkCalendar
from duban.calendar.deadline import add_elapsed, local


def _check_order(paused_at: dt.datetime, resumed_at: dt.datetime) -> None:
    if local(resumed_at) < local(paused_at):
        raise ValueError(
            f"恢复时间早于暂停时间 (resumed_at {resumed_at.isoformat()} is before "
            f"paused_at {paused_at.isoformat()})"
        )


def lost_workdays(
    cal: WorkCalendar, paused_at: dt.datetime, resumed_at: dt.datetime, tz: dt.tzinfo | None = None
) -> int:
    """Working days in ``(paused date, resumed date]``, dates taken in ``tz`` (default: the
    zone of ``paused_at``, Asia/Shanghai when naive)."""
    _check_order(paused_at, resumed_at)
    paused_at = local(paused_at)
    zone = tz or paused_at.tzinfo
    paused_day = paused_at.astimezone(zone).date()
    resumed_day = local(resumed_at).astimezone(zone).date()
    return cal.workdays_between(paused_day, resumed_day)


def shift_for_pause(
    cal: WorkCalendar, due: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime
) -> dt.datetime:
    """The deadline after a pause: ``due`` moved later by the working days lost.

    Dates are read in ``due``'s zone. The time of day of ``due`` is kept (an end of
    office day stays 17:30).

    Raises:
        ValueError: ``resumed_at`` is before ``paused_at``.
        CalendarUnknownDate: the pause or the new deadline is beyond the calendar data.
    """
    due = local(due)
    lost = lost_workdays(cal, paused_at, resumed_at, due.tzinfo)
    if lost <= 0:
        return due
    day = cal.add_workdays(due.date(), lost)
    return dt.datetime.combine(day, due.timetz())


def shift_for_pause_exact(
    due: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime
) -> dt.datetime:
    """The deadline after a pause, moved by the exact elapsed time paused (hour limits)."""
    _check_order(paused_at, resumed_at)
    return add_elapsed(local(due), local(resumed_at) - local(paused_at))
