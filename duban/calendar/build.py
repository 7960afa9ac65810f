"""Merge the official data with additions into a :class:`WorkCalendar`.

Why a separate step: additions come from several places (a policy's ``calendar:`` keys, a
data file it names, calendar plugins), each may be wrong, and all must be checked once,
up front, with an error that says which day is contradictory, rather than produce a
calendar that quietly answers differently.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable

from duban.calendar.calendar import BEYOND_MODES, NO_ADDITIONS, BeyondKnownData, WorkCalendar
from duban.calendar.data import CalendarAdditions, CalendarData, CalendarDataError, official_data
from duban.calendar.data import parse_days as _parse_days


def merge_additions(additions: Iterable[CalendarAdditions]) -> CalendarAdditions:
    """Union several additions; a day that is both a holiday and a workday is an error.

    Why an error and not "last one wins": two sources disagreeing about a day is a
    mistake someone must resolve, and silently picking one moves deadlines.
    """
    items = [a for a in additions if a]
    holidays = {d for a in items for d in a.holidays}
    workdays = {d for a in items for d in a.workdays}
    both = sorted(holidays & workdays)
    if both:
        shown = ", ".join(d.isoformat() for d in both[:5])
        sources = ", ".join(sorted({a.source for a in items if a.source})) or "calendar"
        raise CalendarDataError(
            f"{sources}: 这些日期既被列为休息日又被列为工作日: {shown} "
            f"(listed both as holidays and as workdays: {shown}); 请只保留一处 (keep one)"
        )
    return CalendarAdditions(
        holidays=tuple(sorted(holidays)),
        workdays=tuple(sorted(workdays)),
        source="; ".join(a.source for a in items if a.source),
    )


def additions_hash(additions: CalendarAdditions) -> str:
    """A short, stable hash of the additions, so the calendar version changes with them."""
    canonical = json.dumps(
        {
            "holidays": [d.isoformat() for d in additions.holidays],
            "workdays": [d.isoformat() for d in additions.workdays],
        },
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8]


def _known_years(data: CalendarData, additions: CalendarAdditions) -> tuple[int, int]:
    """The years the calendar knows: the data's, plus every year the additions name.

    A year outside the data becomes known when the additions list any day of it (that is
    how 2027's notice is added); years must stay contiguous, since a gap would be answered
    by the weekday rule without anyone having said so.
    """
    added_years = {d.year for d in (*additions.holidays, *additions.workdays)}
    first_year = min(data.first.year, *added_years) if added_years else data.first.year
    last_year = max(data.last.year, *added_years) if added_years else data.last.year
    missing = [
        year
        for year in range(first_year, last_year + 1)
        if not data.first.year <= year <= data.last.year and year not in added_years
    ]
    if missing:
        years = ", ".join(str(y) for y in missing)
        raise CalendarDataError(
            f"日历追加数据跳过了 {years} 年：已知数据为 {data.first.year}–{data.last.year}，"
            f"追加的年份须与之相连 (calendar additions skip {years}: years added beyond "
            f"{data.first.year}–{data.last.year} must be contiguous; add {years} first)"
        )
    return first_year, last_year


def build_calendar(
    extra_holidays: Iterable[dt.date | str] = (),
    extra_workdays: Iterable[dt.date | str] = (),
    beyond_known_data: BeyondKnownData = "error",
    data: CalendarData | None = None,
    *,
    additions: Iterable[CalendarAdditions] = (),
) -> WorkCalendar:
    """Build a calendar from official data plus a policy's and plugins' additions.

    Args:
        extra_holidays: rest days to add (dates, ``YYYY-MM-DD`` or ``A..B`` ranges).
        extra_workdays: working days to add (e.g. a 调休 Saturday of a new year).
        beyond_known_data: ``"error"`` (default) or ``"weekends_only"``.
        data: the official table; the shipped one when None.
        additions: more additions, e.g. from a data file (:func:`load_additions`) or
            from calendar plugins.

    Raises:
        CalendarDataError: a bad day, a day both rest and work, a gap between years, or an
            unknown ``beyond_known_data``.
    """
    if beyond_known_data not in BEYOND_MODES:
        raise CalendarDataError(
            f"beyond_known_data 只能是 {' 或 '.join(BEYOND_MODES)}，写的是 {beyond_known_data!r} "
            f"(beyond_known_data must be one of {', '.join(BEYOND_MODES)})"
        )
    base = official_data() if data is None else data
    policy = CalendarAdditions(
        holidays=_parse_days(extra_holidays, where="calendar > extra_holidays"),
        workdays=_parse_days(extra_workdays, where="calendar > extra_workdays"),
        source="policy calendar",
    )
    merged = merge_additions([policy, *additions])
    first_year, last_year = _known_years(base, merged)
    first = dt.date(first_year, 1, 1)
    last = dt.date(last_year, 12, 31)
    added_rest = set(merged.holidays)
    added_work = set(merged.workdays)
    official_rest = base.holidays
    makeup = base.workdays
    data_first, data_last = base.first, base.last
    mask: list[bool] = []
    for o in range(first.toordinal(), last.toordinal() + 1):
        day = dt.date.fromordinal(o)
        if day in added_work:
            mask.append(True)
        elif day in added_rest:
            mask.append(False)
        elif data_first <= day <= data_last:
            mask.append(day in makeup or (day.weekday() < 5 and day not in official_rest))
        else:
            mask.append(day.weekday() < 5)
    version = base.version + (f"+local.{additions_hash(merged)}" if merged else "")
    return WorkCalendar(
        first,
        mask,
        version=version,
        beyond_known_data=beyond_known_data,
        data=base,
        additions=merged if merged else NO_ADDITIONS,
    )


@functools.cache
def official_calendar(beyond_known_data: BeyondKnownData = "error") -> WorkCalendar:
    """The calendar of the shipped official data without additions, built once."""
    return build_calendar(beyond_known_data=beyond_known_data)
