"""Table tests on the days people ask about: 2026's long holidays, year ends, leap days.

The 2026 facts were checked against chinesecalendar 1.11.0 (the data source) before
being written here; the oracle test covers every other day.
"""

from __future__ import annotations

import datetime as dt

import pytest

from duban.calendar import WorkCalendar, build_calendar
from duban.errors import CalendarUnknownDate

D = dt.date.fromisoformat

NATIONAL_DAY_2026 = [
    ("2026-09-19", False),  # Saturday
    ("2026-09-20", True),  # Sunday, 调休 makeup working day
    ("2026-09-24", True),
    ("2026-09-25", False),  # 中秋 (Friday)
    ("2026-09-26", False),
    ("2026-09-27", False),
    ("2026-09-28", True),
    ("2026-09-30", True),
    *[(f"2026-10-0{day}", False) for day in range(1, 8)],  # 国庆 10-01..10-07
    ("2026-10-08", True),
    ("2026-10-09", True),
    ("2026-10-10", True),  # Saturday, makeup working day
    ("2026-10-11", False),
]
SPRING_FESTIVAL_2026 = [
    ("2026-02-13", True),
    ("2026-02-14", True),  # Saturday, makeup working day
    *[(f"2026-02-{day}", False) for day in range(15, 24)],  # 春节 02-15..02-23
    ("2026-02-24", True),
    ("2026-02-27", True),
    ("2026-02-28", True),  # Saturday, makeup working day
    ("2026-03-01", False),
]
YEAR_ENDS_AND_LEAP_DAYS = [
    ("2004-01-01", False),  # 元旦, first known day
    ("2025-12-31", True),
    ("2026-01-01", False),
    ("2026-01-02", False),  # 调休 rest
    ("2026-01-04", True),  # Sunday worked
    ("2026-12-31", True),  # last known day
    ("2024-02-29", True),
    ("2020-02-29", False),  # Saturday
    ("2016-02-29", True),
]


@pytest.mark.parametrize(
    ("day", "working"), NATIONAL_DAY_2026 + SPRING_FESTIVAL_2026 + YEAR_ENDS_AND_LEAP_DAYS
)
def test_is_workday(cal: WorkCalendar, day: str, working: bool) -> None:
    assert cal.is_workday(D(day)) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-09-18", 1, "2026-09-20"),  # Friday → the working Sunday
        ("2026-09-24", 1, "2026-09-28"),  # over 中秋
        ("2026-09-30", 1, "2026-10-08"),  # over 国庆
        ("2026-09-30", 2, "2026-10-09"),
        ("2026-09-30", 3, "2026-10-10"),  # the working Saturday
        ("2026-09-30", 4, "2026-10-12"),
        ("2026-10-03", 1, "2026-10-08"),  # from inside the holiday
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-14", 1, "2026-02-24"),
        ("2026-02-27", 1, "2026-02-28"),
        ("2025-12-31", 1, "2026-01-04"),
        ("2026-12-30", 1, "2026-12-31"),
        ("2024-02-28", 1, "2024-02-29"),
        ("2024-02-29", 1, "2024-03-01"),
        ("2026-10-09", -2, "2026-09-30"),  # n working days before
        ("2026-10-08", -1, "2026-09-30"),
        ("2026-10-05", -1, "2026-09-30"),  # before a holiday day
        ("2026-01-05", -1, "2026-01-04"),
        ("2026-01-04", -1, "2025-12-31"),
        ("2026-10-05", 0, "2026-10-05"),  # n = 0 is the day itself, working or not
    ],
)
def test_add_workdays(cal: WorkCalendar, start: str, n: int, expected: str) -> None:
    assert cal.add_workdays(D(start), n) == D(expected)
    if n > 0:
        assert cal.workdays_between(D(start), D(expected)) == n


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2026-09-30", "2026-10-08", 1),
        ("2026-09-18", "2026-10-11", 11),  # 09-20..24, 09-28..30, 10-08..10
        ("2026-09-30", "2026-09-30", 0),
        ("2026-10-01", "2026-10-07", 0),
        ("2026-02-13", "2026-02-28", 6),  # 02-14, 02-24..28
        ("2025-12-31", "2026-01-04", 1),
    ],
)
def test_workdays_between(cal: WorkCalendar, a: str, b: str, expected: int) -> None:
    slow = sum(
        cal.is_workday(D(a) + dt.timedelta(days=i))
        for i in range(1, (D(b) - D(a)).days + 1)
    )
    assert slow == cal.workdays_between(D(a), D(b))
    assert cal.workdays_between(D(a), D(b)) == expected


def test_next_workday(cal: WorkCalendar) -> None:
    assert cal.next_workday(D("2026-10-01")) == D("2026-10-08")
    assert cal.next_workday(D("2026-10-08")) == D("2026-10-08")
    assert cal.next_workday(D("2026-09-19")) == D("2026-09-20")
    assert cal.next_workday(D("2026-12-31")) == D("2026-12-31")


def test_rest_days_between(cal: WorkCalendar) -> None:
    assert cal.rest_days_between(D("2026-09-30"), D("2026-10-08")) == [
        D(f"2026-10-0{d}") for d in range(1, 8)
    ]
    assert cal.rest_days_between(D("2026-10-08"), D("2026-09-30")) == []
    assert cal.rest_days_between(D("2026-09-18"), D("2026-09-21")) == [D("2026-09-19")]


@pytest.mark.parametrize(
    "ask",
    [
        lambda c: c.is_workday(D("2027-01-04")),
        lambda c: c.add_workdays(D("2026-12-31"), 1),
        lambda c: c.add_workdays(D("2027-01-04"), 1),
        lambda c: c.workdays_between(D("2026-12-01"), D("2027-01-05")),
        lambda c: c.next_workday(D("2027-01-01")),
        lambda c: c.rest_days_between(D("2026-12-30"), D("2027-01-05")),
    ],
)
def test_2027_is_an_error_naming_the_year_and_the_fix(cal: WorkCalendar, ask: object) -> None:
    with pytest.raises(CalendarUnknownDate) as caught:
        ask(cal)  # type: ignore[operator]
    message = str(caught.value)
    assert caught.value.code == "calendar_unknown_date"
    assert "2027" in message
    assert "extra_holidays" in message and "extra_workdays" in message
    assert "plugin" in message and "插件" in message
    assert message.index("日历数据未覆盖") < message.index("No calendar data")  # Chinese first


def test_before_2004_is_an_error_naming_2003(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarUnknownDate, match="2003"):
        cal.add_workdays(D("2004-01-05"), -5)
    with pytest.raises(CalendarUnknownDate, match="2003"):
        cal.is_workday(D("2003-12-31"))


def test_weekends_only_answers_beyond_the_data(lenient: WorkCalendar) -> None:
    # 2027-01-01 is a Friday: by the weekday rule it counts, which is why it is provisional.
    assert lenient.add_workdays(D("2026-12-31"), 1) == D("2027-01-01")
    assert lenient.add_workdays(D("2026-12-31"), 2) == D("2027-01-04")
    assert lenient.workdays_between(D("2026-12-28"), D("2027-01-05")) == 6
    # Backwards over 2004's 元旦 into 2003: 01-02 (1), 2003-12-31 (2), 2003-12-30 (3).
    assert lenient.add_workdays(D("2004-01-05"), -3) == D("2003-12-30")
    assert lenient.is_workday(D("2027-01-02")) is False
    assert lenient.provisional(D("2027-01-01")) and not lenient.provisional(D("2026-12-31"))
    assert lenient.rest_days_between(D("2026-12-30"), D("2027-01-04")) == [
        D("2027-01-02"),
        D("2027-01-03"),
    ]


def test_known_range_and_version(cal: WorkCalendar) -> None:
    assert cal.known_range == (D("2004-01-01"), D("2026-12-31"))
    assert cal.version == "cn-official-2004-2026@chinesecalendar-1.11.0"
    assert cal.beyond_known_data == "error"


def test_calendar_is_immutable(cal: WorkCalendar) -> None:
    with pytest.raises(AttributeError):
        cal._version = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del cal._version  # type: ignore[misc]


def test_adding_2027_makes_it_known() -> None:
    # A sketch of a 2027 notice; the real one is added the day it is published.
    c = build_calendar(["2027-01-01", "2027-02-06..2027-02-12"], ["2027-02-14"])
    assert c.known_range == (D("2004-01-01"), D("2027-12-31"))
    assert c.add_workdays(D("2026-12-31"), 1) == D("2027-01-04")
    assert c.add_workdays(D("2027-02-05"), 1) == D("2027-02-14")
    assert c.version.startswith("cn-official-2004-2026@chinesecalendar-1.11.0+local.")
    with pytest.raises(CalendarUnknownDate, match="2028"):
        c.is_workday(D("2028-01-03"))
