"""The calendar agrees with chinesecalendar, the data source, used here as the oracle.

Why two kinds of check: the 100,000-pair checks answer from chinesecalendar's own
``get_workdays`` list with bisect (an independent method, fast enough for that many
pairs); the smaller checks call chinesecalendar's ``find_workday`` and ``get_workdays``
directly per question, exactly as a user of that package would.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random

import chinese_calendar
import pytest

from duban.calendar import WorkCalendar
from duban.errors import CalendarUnknownDate

FIRST = dt.date(2004, 1, 1)
LAST = dt.date(2026, 12, 31)
PAIRS = 100_000
SEED = 20260930


@pytest.fixture(scope="module")
def oracle_workdays() -> list[dt.date]:
    return chinese_calendar.get_workdays(FIRST, LAST)


def _random_day(rng: random.Random) -> dt.date:
    return dt.date.fromordinal(rng.randint(FIRST.toordinal(), LAST.toordinal()))


def test_known_range_is_the_oracles() -> None:
    from duban.calendar import official_calendar

    assert official_calendar().known_range == (FIRST, LAST)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(LAST + dt.timedelta(days=1))


def test_every_day_agrees(cal: WorkCalendar) -> None:
    day = FIRST
    while day <= LAST:
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_add_workdays_agrees_on_100k_pairs(
    cal: WorkCalendar, oracle_workdays: list[dt.date]
) -> None:
    rng = random.Random(SEED)
    checked = errors = 0
    while checked < PAIRS:
        day = _random_day(rng)
        n = rng.choice((rng.randint(1, 20), rng.randint(1, 400)))
        index = bisect.bisect_right(oracle_workdays, day) + n - 1
        if index < len(oracle_workdays):
            assert cal.add_workdays(day, n) == oracle_workdays[index], (day, n)
            checked += 1
        else:
            with pytest.raises(CalendarUnknownDate):
                cal.add_workdays(day, n)
            errors += 1
    assert errors > 0  # pairs running past 2026 were asked too, and refused


def test_subtract_workdays_agrees_on_100k_pairs(
    cal: WorkCalendar, oracle_workdays: list[dt.date]
) -> None:
    rng = random.Random(SEED + 1)
    checked = 0
    while checked < PAIRS:
        day = _random_day(rng)
        n = rng.randint(1, 400)
        index = bisect.bisect_left(oracle_workdays, day) - n
        if index >= 0:
            assert cal.add_workdays(day, -n) == oracle_workdays[index], (day, n)
            checked += 1
        else:
            with pytest.raises(CalendarUnknownDate):
                cal.add_workdays(day, -n)


def test_workdays_between_agrees_on_100k_pairs(
    cal: WorkCalendar, oracle_workdays: list[dt.date]
) -> None:
    rng = random.Random(SEED + 2)
    for _ in range(PAIRS):
        a = _random_day(rng)
        span = rng.choice((rng.randint(0, 30), rng.randint(0, 800)))
        b = min(a + dt.timedelta(days=span), LAST)
        expected = bisect.bisect_right(oracle_workdays, b) - bisect.bisect_right(
            oracle_workdays, a
        )
        assert cal.workdays_between(a, b) == expected, (a, b)
        assert cal.workdays_between(b, a) == -expected


def test_rest_days_between_agrees(cal: WorkCalendar) -> None:
    rng = random.Random(SEED + 3)
    for _ in range(300):
        a = _random_day(rng)
        b = min(a + dt.timedelta(days=rng.randint(0, 60)), LAST)
        expected = chinese_calendar.get_holidays(a + dt.timedelta(days=1), b) if b > a else []
        assert cal.rest_days_between(a, b) == expected, (a, b)


def test_direct_library_calls_agree(cal: WorkCalendar) -> None:
    """Per-question calls of chinesecalendar's own functions (slow, so fewer pairs)."""
    rng = random.Random(SEED + 4)
    for _ in range(300):
        day = _random_day(rng)
        if day > LAST - dt.timedelta(days=90):
            continue
        n = rng.randint(1, 30)
        # find_workday(k, d) is the k-th working day after the first working day >= d.
        assert cal.add_workdays(day, n) == chinese_calendar.find_workday(
            n - 1, day + dt.timedelta(days=1)
        )
        if day > FIRST + dt.timedelta(days=90):
            assert cal.add_workdays(day, -n) == chinese_calendar.find_workday(-n, day)
        assert cal.next_workday(day) == chinese_calendar.find_workday(0, day)
        b = day + dt.timedelta(days=rng.randint(1, 60))
        assert cal.workdays_between(day, b) == len(
            chinese_calendar.get_workdays(day + dt.timedelta(days=1), b)
        )
