"""Shared fixtures for the calendar tests: the official calendar, strict and lenient."""

from __future__ import annotations

import pytest

from duban.calendar import WorkCalendar, build_calendar, official_calendar


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    """The shipped official calendar; dates beyond the data are errors."""
    return official_calendar()


@pytest.fixture(scope="session")
def lenient() -> WorkCalendar:
    """The official calendar answering beyond the data by the weekday rule."""
    return build_calendar(beyond_known_data="weekends_only")
