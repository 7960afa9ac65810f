"""Deadlines: the counting rules of docs/calendar.md, applied to a calendar.

Why these rules and no others: a deadline decides reminders and penalties, so it must be
the one the regulation means, and the same on every replay. The rules are fixed:

* N working days from T: the day of T is not counted; the deadline is the end of the
  N-th working day after T's date.
* N days from T: the end of date T + N; when that is a rest day and the policy rolls
  forward (节假日顺延, the default), the end of the next working day.
* N hours from T: exactly T + N hours of elapsed time; no rolling.
* N weeks: 7N days, then the days rule. N months: the same day of the month N months on
  (clamped to the month's last day, so Jan 31 + 1 month = Feb 28/29), then the days rule.

"End of a day" is 23:59:59 local time unless the policy gives an end of office day such
as 17:30. A naive ``start`` is read as Asia/Shanghai; the result keeps ``start``'s zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from duban.calendar.calendar import WorkCalendar
from duban.calendar.duration import Duration

#: The zone of a naive time (docs/calendar.md: times are Asia/Shanghai unless the policy says).
DEFAULT_TZ = ZoneInfo("Asia/Shanghai")
#: End of a day when the policy names no end of office day.
END_OF_DAY = dt.time(23, 59, 59)
_UTC = dt.UTC


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed deadline and what it depended on.

    Attributes:
        at: the instant, timezone-aware, in the zone of the start.
        provisional: True when a day beyond the known calendar data was consulted (only
            possible with ``beyond_known_data="weekends_only"``); recompute once the
            year's official arrangement is added.
        calendar_version: the :attr:`WorkCalendar.version` used, so a later calendar
            change can find the deadlines to recompute.
        skipped_rest_days: rest days that pushed the deadline later: for working days
            the rest days in ``(T's date, deadline's date]``; for calendar days, weeks and
            months the rest days the deadline was rolled over (节假日顺延); empty for
            hours and for unrolled calendar days, which count straight through rest days.
    """

    at: dt.datetime
    provisional: bool
    calendar_version: str
    skipped_rest_days: tuple[dt.date, ...] = ()


def local(moment: dt.datetime) -> dt.datetime:
    """``moment`` with a zone: a naive time is taken as Asia/Shanghai."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=DEFAULT_TZ)


def end_of(day: dt.date, tz: dt.tzinfo, end_of_day: dt.time | None = None) -> dt.datetime:
    """The end of ``day`` in ``tz``: 23:59:59, or the end of office day when given."""
    return dt.datetime.combine(day, end_of_day or END_OF_DAY, tzinfo=tz)


def due_from_date(
    d: dt.date, tz: dt.tzinfo = DEFAULT_TZ, end_of_day: dt.time | None = None
) -> dt.datetime:
    """A date written as a due date ("6月30日前") means the end of that day, local time."""
    return end_of(d, tz, end_of_day)


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later, clamped to that month's last day."""
    index = d.year * 12 + d.month - 1 + months
    year, month0 = divmod(index, 12)
    return dt.date(year, month0 + 1, min(d.day, _month_length(year, month0 + 1)))


def _month_length(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.date(year, month, 1)).days


def add_elapsed(moment: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """``moment + delta`` in real elapsed time, even across a daylight-saving change.

    Why not ``moment + delta``: Python adds aware datetimes on the wall clock, which is
    an hour off across a DST change in zones that have one (Asia/Shanghai has none).
    """
    wall = moment + delta
    if wall.utcoffset() == moment.utcoffset():  # no offset change: wall time is elapsed time
        return wall
    return (moment.astimezone(_UTC) + delta).astimezone(moment.tzinfo)


def compute_deadline(
    cal: WorkCalendar,
    start: dt.datetime,
    duration: Duration,
    *,
    roll_forward: bool = True,
    end_of_day: dt.time | None = None,
) -> Deadline:
    """The deadline ``duration`` after ``start`` under the rules in this module's docstring.

    Raises:
        CalendarUnknownDate: a day the calendar must consult lies beyond its data and
            the calendar was not built with ``beyond_known_data="weekends_only"``.
    """
    start = local(start)
    tz = start.tzinfo
    assert tz is not None
    unit = duration.unit
    if unit == "hour":
        at = add_elapsed(start, dt.timedelta(hours=duration.amount))
        return Deadline(at, False, cal.version)
    first = start.date()
    if unit == "working_day":
        due = cal.add_workdays(first, duration.amount)
        passed = tuple(cal.rest_days_between(first, due))
        return Deadline(
            end_of(due, tz, end_of_day), not cal.spans_known(first, due), cal.version, passed
        )
    if unit == "month":
        target = add_months(first, duration.amount)
    else:
        days = duration.amount * 7 if unit == "week" else duration.amount
        target = dt.date.fromordinal(first.toordinal() + days)
    if not roll_forward:
        return Deadline(end_of(target, tz, end_of_day), False, cal.version)
    due = cal.next_workday(target)
    # Rolled over: the rest day the count landed on and any rest days up to the due day.
    skipped = (target, *cal.rest_days_between(target, due)) if due != target else ()
    return Deadline(
        end_of(due, tz, end_of_day), not cal.spans_known(target, due), cal.version, skipped
    )


def workdays_before(cal: WorkCalendar, deadline: dt.datetime, n: int) -> dt.datetime:
    """When "N working days before the deadline" begins (催办预告): 00:00 of that day.

    The day is the ``n``-th working day strictly before the deadline's date. Why its
    start: a reminder due "2 working days before" should go out on that day whenever the
    ticker runs, so the instant is the first moment of it. ``n == 0`` gives the start of
    the deadline's own day.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, not {n}")
    deadline = local(deadline)
    day = cal.add_workdays(deadline.date(), -n)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=deadline.tzinfo)


def workdays_after(
    cal: WorkCalendar, deadline: dt.datetime, n: int, *, end_of_day: dt.time | None = None
) -> dt.datetime:
    """The end of the ``n``-th working day after the deadline's date (催办通知 "within N
    working days after"); the deadline's own day is not counted, as for any start."""
    if n < 0:
        raise ValueError(f"n must be >= 0, not {n}")
    deadline = local(deadline)
    tz = deadline.tzinfo
    assert tz is not None
    return end_of(cal.add_workdays(deadline.date(), n), tz, end_of_day)
