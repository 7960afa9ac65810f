"""Properties that hold for every date and N, checked with hypothesis.

Run on both the strict calendar (inside the data) and the lenient one (across the edges
of the data, where the weekday rule takes over), so the closed-form arithmetic beyond the
data obeys the same laws as the tables inside it.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from duban.calendar import (
    DEFAULT_TZ,
    WorkCalendar,
    build_calendar,
    official_calendar,
    shift_for_pause,
    shift_for_pause_exact,
)

STRICT = official_calendar()
LENIENT = build_calendar(beyond_known_data="weekends_only")

inside = st.dates(dt.date(2004, 7, 1), dt.date(2025, 6, 30))  # room for ±121 days
around = st.dates(dt.date(2001, 1, 1), dt.date(2029, 12, 31))
cases = st.one_of(
    st.tuples(st.just(STRICT), inside),
    st.tuples(st.just(LENIENT), around),
)
n_days = st.integers(min_value=1, max_value=120)

#: Per test, not a global profile: other suites choose their own settings.
props = settings(max_examples=250, deadline=None)


@props
@given(cases, n_days)
def test_result_is_a_working_day_after_the_start(case: tuple[WorkCalendar, dt.date],
                                                 n: int) -> None:
    cal, day = case
    result = cal.add_workdays(day, n)
    assert result > day
    assert cal.is_workday(result)


@props
@given(cases, n_days)
def test_counting_back_gives_n(case: tuple[WorkCalendar, dt.date], n: int) -> None:
    cal, day = case
    assert cal.workdays_between(day, cal.add_workdays(day, n)) == n


@props
@given(cases, n_days)
def test_backwards_is_strictly_before_and_counts_back(
    case: tuple[WorkCalendar, dt.date], n: int
) -> None:
    cal, day = case
    result = cal.add_workdays(day, -n)
    assert result < day and cal.is_workday(result)
    assert cal.workdays_between(result, day) == n - 1 + cal.is_workday(day)
    if cal.is_workday(day):
        assert cal.add_workdays(result, n) == day


@props
@given(cases, n_days)
def test_monotonic_in_n(case: tuple[WorkCalendar, dt.date], n: int) -> None:
    cal, day = case
    assert cal.add_workdays(day, n) < cal.add_workdays(day, n + 1)
    assert cal.add_workdays(day, -n) > cal.add_workdays(day, -n - 1)


@props
@given(cases, st.integers(min_value=0, max_value=400))
def test_rest_days_and_workdays_partition_the_span(
    case: tuple[WorkCalendar, dt.date], span: int
) -> None:
    cal, a = case
    b = a + dt.timedelta(days=span)
    rest = cal.rest_days_between(a, b)
    assert len(rest) + cal.workdays_between(a, b) == span
    assert all(a < d <= b and not cal.is_workday(d) for d in rest)


@props
@given(cases)
def test_next_workday(case: tuple[WorkCalendar, dt.date]) -> None:
    cal, day = case
    expected = day if cal.is_workday(day) else cal.add_workdays(day, 1)
    assert cal.next_workday(day) == expected


@props
@given(
    cases,
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=60),
    st.times(),
    st.times(),
    st.times(),
)
def test_pause_never_moves_a_deadline_earlier(
    case: tuple[WorkCalendar, dt.date], pause_offset: int, pause_length: int,
    due_time: dt.time, pause_time: dt.time, resume_time: dt.time,
) -> None:
    cal, due_day = case
    due = dt.datetime.combine(due_day, due_time, DEFAULT_TZ)
    paused = dt.datetime.combine(due_day - dt.timedelta(days=pause_offset), pause_time,
                                 DEFAULT_TZ)
    resumed = max(paused, dt.datetime.combine(
        paused.date() + dt.timedelta(days=pause_length), resume_time, DEFAULT_TZ))
    shifted = shift_for_pause(cal, due, paused, resumed)
    assert shifted >= due
    assert shifted.timetz() == due.timetz()
    assert cal.workdays_between(due.date(), shifted.date()) == cal.workdays_between(
        paused.date(), resumed.date()
    )
    assert shift_for_pause_exact(due, paused, resumed) >= due
