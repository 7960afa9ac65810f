"""Clocks that stop: a pause shifts a deadline by the working time lost, never earlier."""

from __future__ import annotations

import datetime as dt

import pytest

from duban.calendar import (
    DEFAULT_TZ,
    WorkCalendar,
    lost_workdays,
    shift_for_pause,
    shift_for_pause_exact,
)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=DEFAULT_TZ)


@pytest.mark.parametrize(
    ("paused", "resumed", "lost", "new_due"),
    [
        ("2026-09-14T10:00", "2026-09-14T16:00", 0, "2026-09-18T17:30"),  # same day
        ("2026-09-14T10:00", "2026-09-15T09:00", 1, "2026-09-20T17:30"),  # → working Sunday
        ("2026-09-11T17:00", "2026-09-14T09:00", 1, "2026-09-20T17:30"),  # Fri → Mon
        ("2026-09-12T10:00", "2026-09-13T10:00", 0, "2026-09-18T17:30"),  # over a weekend
        ("2026-09-14T10:00", "2026-09-17T10:00", 3, "2026-09-22T17:30"),
    ],
)
def test_shift_for_pause(
    cal: WorkCalendar, paused: str, resumed: str, lost: int, new_due: str
) -> None:
    due = at("2026-09-18T17:30")
    assert lost_workdays(cal, at(paused), at(resumed)) == lost
    assert shift_for_pause(cal, due, at(paused), at(resumed)) == at(new_due)


def test_pause_over_national_day(cal: WorkCalendar) -> None:
    due = at("2026-10-09T23:59:59")
    # Paused the day before the holiday, resumed on the first day back: one day lost.
    assert shift_for_pause(cal, due, at("2026-09-30T10:00"), at("2026-10-08T09:00")) == at(
        "2026-10-10T23:59:59"
    )


def test_pause_equals_restarting_the_count_on_resumption(cal: WorkCalendar) -> None:
    due_day = dt.date(2026, 10, 9)
    paused, resumed = dt.date(2026, 9, 22), dt.date(2026, 9, 29)
    left = cal.workdays_between(paused, due_day)
    shifted = shift_for_pause(
        cal,
        dt.datetime.combine(due_day, dt.time(23, 59, 59), DEFAULT_TZ),
        dt.datetime.combine(paused, dt.time(10), DEFAULT_TZ),
        dt.datetime.combine(resumed, dt.time(10), DEFAULT_TZ),
    )
    assert shifted.date() == cal.add_workdays(resumed, left)


def test_pause_reads_dates_in_the_deadlines_zone(cal: WorkCalendar) -> None:
    due = at("2026-09-18T17:30")
    # 2026-09-14T20:00Z is already 09-15 in Shanghai: paused and resumed the same local day.
    paused = dt.datetime(2026, 9, 14, 20, tzinfo=dt.UTC)
    resumed = dt.datetime(2026, 9, 15, 2, tzinfo=dt.UTC)
    assert shift_for_pause(cal, due, paused, resumed) == due


def test_resume_before_pause_is_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="resumed_at"):
        shift_for_pause(cal, at("2026-09-18T17:30"), at("2026-09-15T10:00"),
                        at("2026-09-14T10:00"))
    with pytest.raises(ValueError):
        shift_for_pause_exact(at("2026-09-18T17:30"), at("2026-09-15T10:00"),
                              at("2026-09-14T10:00"))


def test_exact_shift_for_hour_limits() -> None:
    due = at("2026-09-16T10:00")
    assert shift_for_pause_exact(due, at("2026-09-15T10:00"), at("2026-09-15T13:30")) == at(
        "2026-09-16T13:30"
    )
