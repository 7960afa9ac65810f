"""The counting rules of docs/calendar.md, one rule per test group."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from duban.calendar import (
    DEFAULT_TZ,
    Duration,
    WorkCalendar,
    add_months,
    build_calendar,
    compute_deadline,
    due_from_date,
    parse_duration,
    workdays_after,
    workdays_before,
)
from duban.errors import CalendarUnknownDate

SH = DEFAULT_TZ
D = dt.date.fromisoformat


def at(text: str, tz: dt.tzinfo = SH) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


def deadline(cal: WorkCalendar, start: str, duration: str, **kw: object) -> dt.datetime:
    return compute_deadline(cal, at(start), parse_duration(duration), **kw).at  # type: ignore[arg-type]


# -- N working days: the day of T not counted, end of the N-th working day -------------


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        ("2026-09-30T09:00", "2个工作日", "2026-10-09T23:59:59"),
        ("2026-09-30T23:59", "1 working day", "2026-10-08T23:59:59"),
        ("2026-09-18T10:00", "3个工作日", "2026-09-22T23:59:59"),  # 09-20 Sunday worked
        ("2026-10-01T10:00", "1个工作日", "2026-10-08T23:59:59"),  # start inside holiday
        ("2026-02-13T08:00", "五个工作日", "2026-02-27T23:59:59"),  # 02-14, 02-24..27
        ("2025-12-31T18:00", "2 working days", "2026-01-05T23:59:59"),
    ],
)
def test_working_days(cal: WorkCalendar, start: str, duration: str, expected: str) -> None:
    assert deadline(cal, start, duration) == at(expected)


def test_working_days_records_skipped_rest_days_and_version(cal: WorkCalendar) -> None:
    result = compute_deadline(cal, at("2026-09-30T09:00"), parse_duration("2个工作日"))
    assert result.skipped_rest_days == tuple(D(f"2026-10-0{d}") for d in range(1, 8))
    assert result.calendar_version == cal.version
    assert result.provisional is False


def test_end_of_office_day(cal: WorkCalendar) -> None:
    assert deadline(cal, "2026-09-30T09:00", "2个工作日", end_of_day=dt.time(17, 30)) == at(
        "2026-10-09T17:30"
    )
    assert deadline(cal, "2026-09-24T09:00", "7日", end_of_day=dt.time(17, 30)) == at(
        "2026-10-08T17:30"
    )


# -- N days: end of T + N, rolled to the next working day (节假日顺延) ----------------


@pytest.mark.parametrize(
    ("start", "duration", "expected", "skipped"),
    [
        ("2026-09-24T10:00", "7日", "2026-10-08T23:59:59", 7),  # lands on 10-01 → 10-08
        ("2026-09-17T10:00", "3天", "2026-09-20T23:59:59", 0),  # Sunday, but worked
        ("2026-09-16T10:00", "3 days", "2026-09-20T23:59:59", 1),  # Saturday → Sunday
        ("2026-09-14T10:00", "7 days", "2026-09-21T23:59:59", 0),
        ("2026-02-13T10:00", "两周", "2026-02-27T23:59:59", 0),
        ("2026-02-07T10:00", "2 weeks", "2026-02-24T23:59:59", 3),  # 02-21 → 02-24
        ("2026-01-31T10:00", "1个月", "2026-02-28T23:59:59", 0),  # clamped; worked Saturday
        ("2026-01-15T10:00", "一个月", "2026-02-24T23:59:59", 9),  # 02-15 → 02-24
        ("2026-09-07T10:00", "半个月", "2026-09-22T23:59:59", 0),
        ("2024-02-22T10:00", "7日", "2024-02-29T23:59:59", 0),  # leap day
    ],
)
def test_calendar_days_roll_forward(
    cal: WorkCalendar, start: str, duration: str, expected: str, skipped: int
) -> None:
    result = compute_deadline(cal, at(start), parse_duration(duration))
    assert result.at == at(expected)
    assert len(result.skipped_rest_days) == skipped


def test_calendar_days_without_rolling(cal: WorkCalendar) -> None:
    result = compute_deadline(
        cal, at("2026-09-24T10:00"), parse_duration("7日"), roll_forward=False
    )
    assert result.at == at("2026-10-01T23:59:59")
    assert result.skipped_rest_days == ()


def test_months_clamp_to_month_end() -> None:
    assert add_months(D("2024-01-31"), 1) == D("2024-02-29")
    assert add_months(D("2025-01-31"), 1) == D("2025-02-28")
    assert add_months(D("2024-02-29"), 12) == D("2025-02-28")
    assert add_months(D("2026-11-30"), 3) == D("2027-02-28")
    assert add_months(D("2026-12-15"), 1) == D("2027-01-15")
    assert add_months(D("2026-03-31"), 1) == D("2026-04-30")


# -- N hours: exact, no rolling -------------------------------------------------------


def test_hours_across_midnight_and_holidays(cal: WorkCalendar) -> None:
    assert deadline(cal, "2026-09-30T20:00", "8小时") == at("2026-10-01T04:00")
    assert deadline(cal, "2026-09-30T20:00", "48 hours") == at("2026-10-02T20:00")
    result = compute_deadline(cal, at("2026-09-30T20:00"), parse_duration("48 hours"))
    assert result.skipped_rest_days == () and result.provisional is False


def test_hours_need_no_calendar_beyond_the_data(cal: WorkCalendar) -> None:
    assert deadline(cal, "2026-12-31T12:00", "48小时") == at("2027-01-02T12:00")


def test_hours_are_elapsed_time_across_dst() -> None:
    ny = ZoneInfo("America/New_York")
    cal = build_calendar(beyond_known_data="weekends_only")
    start = dt.datetime(2026, 3, 7, 12, 0, tzinfo=ny)  # DST starts 03-08 02:00
    result = compute_deadline(cal, start, Duration(24, "hour"))
    assert result.at == dt.datetime(2026, 3, 8, 13, 0, tzinfo=ny)  # 25 h on the wall clock
    assert result.at.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=24)


# -- zones, provisional, errors ---------------------------------------------------------


def test_naive_start_is_shanghai_and_zone_is_kept(cal: WorkCalendar) -> None:
    naive = compute_deadline(cal, dt.datetime(2026, 9, 30, 9), parse_duration("2个工作日"))
    assert naive.at.tzinfo == SH
    assert naive.at.isoformat() == "2026-10-09T23:59:59+08:00"
    utc = compute_deadline(
        cal, dt.datetime(2026, 9, 30, 1, tzinfo=dt.UTC), parse_duration("2个工作日")
    )
    assert utc.at.tzinfo == dt.UTC


def test_error_for_2027(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarUnknownDate, match="2027"):
        compute_deadline(cal, at("2026-12-28T09:00"), parse_duration("5个工作日"))
    with pytest.raises(CalendarUnknownDate, match="2027"):
        compute_deadline(cal, at("2026-12-28T09:00"), parse_duration("7日"))


def test_weekends_only_is_provisional(lenient: WorkCalendar) -> None:
    result = compute_deadline(lenient, at("2026-12-28T09:00"), parse_duration("5个工作日"))
    assert result.at == at("2027-01-04T23:59:59")
    assert result.provisional is True
    assert result.calendar_version == lenient.version
    inside = compute_deadline(lenient, at("2026-09-30T09:00"), parse_duration("2个工作日"))
    assert inside.provisional is False
    rolled = compute_deadline(lenient, at("2026-12-26T09:00"), parse_duration("7日"))
    assert rolled.at == at("2027-01-04T23:59:59") and rolled.provisional is True


def test_additions_change_the_recorded_version(cal: WorkCalendar) -> None:
    local = build_calendar(extra_holidays=["2026-10-08"])
    result = compute_deadline(local, at("2026-09-30T09:00"), parse_duration("2个工作日"))
    assert result.at == at("2026-10-10T23:59:59")
    assert result.calendar_version != cal.version
    assert result.calendar_version.startswith(cal.version + "+local.")


# -- due dates and reminders ----------------------------------------------------------


def test_due_from_date() -> None:
    assert due_from_date(D("2026-06-30")).isoformat() == "2026-06-30T23:59:59+08:00"
    assert due_from_date(D("2026-06-30"), dt.UTC, dt.time(17, 30)) == dt.datetime(
        2026, 6, 30, 17, 30, tzinfo=dt.UTC
    )


def test_workdays_before_is_the_start_of_that_day(cal: WorkCalendar) -> None:
    due = at("2026-10-09T23:59:59")
    assert workdays_before(cal, due, 2) == at("2026-09-30T00:00")
    assert workdays_before(cal, due, 1) == at("2026-10-08T00:00")
    assert workdays_before(cal, due, 0) == at("2026-10-09T00:00")
    with pytest.raises(ValueError):
        workdays_before(cal, due, -1)


def test_workdays_after_is_the_end_of_that_day(cal: WorkCalendar) -> None:
    due = at("2026-09-30T17:30")
    assert workdays_after(cal, due, 1) == at("2026-10-08T23:59:59")
    assert workdays_after(cal, due, 2, end_of_day=dt.time(17, 30)) == at("2026-10-09T17:30")
    with pytest.raises(ValueError):
        workdays_after(cal, due, -1)
