"""Shared fixtures for the calendar tests: the official calendar, strict and lenient, and
the notice texts written from the shipped data."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from duban.calendar import CalendarData, WorkCalendar, build_calendar, official_calendar
from tests.calendar import notices
from tests.calendar.notices import Period


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    """The shipped official calendar; dates beyond the data are errors."""
    return official_calendar()


@pytest.fixture(scope="session")
def lenient() -> WorkCalendar:
    """The official calendar answering beyond the data by the weekday rule."""
    return build_calendar(beyond_known_data="weekends_only")


@pytest.fixture(scope="session")
def notice_from_data() -> Callable[[CalendarData, int], str]:
    """``notice_from_data(data, year)``: that year's notice in the official form, written
    from the shipped data (``notices.py`` says which spellings it varies)."""
    return notices.notice_from_data


@pytest.fixture(scope="session")
def periods() -> Callable[[CalendarData], list[Period]]:
    """``periods(data)``: the holiday periods the shipped data arranges."""
    return notices.periods
