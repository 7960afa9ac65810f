"""Time as the regulations mean it: China's working-day calendar, durations, deadlines.

Everything here is pure: no clock, no disk after the data is loaded. The modules:

* :mod:`~duban.calendar.data` — the official table (generated from chinesecalendar) and
  additions files;
* :mod:`~duban.calendar.calendar` — :class:`WorkCalendar`, O(1) working-day counting;
* :mod:`~duban.calendar.build` — merging data and additions into a calendar;
* :mod:`~duban.calendar.settings` — a policy's ``calendar:`` mapping;
* :mod:`~duban.calendar.duration` — ``2个工作日``, ``7 days`` … parsed;
* :mod:`~duban.calendar.deadline` — the counting rules of docs/calendar.md;
* :mod:`~duban.calendar.pause` — clocks that stop while an item is paused;
* :mod:`~duban.calendar.notice` — the State Council's yearly notice, read and checked;
* :mod:`~duban.calendar.datafile` — the data file written from a notice;
* :mod:`~duban.calendar.deployment` — a deployment's calendar, its status and warnings.

Imports run one way: ``calendar`` (counting) ← ``build`` ← ``settings``/``deployment``.
"""

from __future__ import annotations

from duban.calendar.build import build_calendar, merge_additions, official_calendar
from duban.calendar.calendar import BEYOND_MODES, BeyondKnownData, WorkCalendar
from duban.calendar.data import (
    CalendarAdditions,
    CalendarData,
    CalendarDataError,
    load_additions,
    load_data,
    official_data,
)
from duban.calendar.deadline import (
    DEFAULT_TZ,
    Deadline,
    add_months,
    compute_deadline,
    due_from_date,
    workdays_after,
    workdays_before,
)
from duban.calendar.deployment import (
    WARN_DAYS,
    CalendarStatus,
    DeploymentCalendar,
    calendar_status,
    data_ends_soon,
    deployment_from_mapping,
)
from duban.calendar.duration import Duration, DurationSyntaxError, parse_duration
from duban.calendar.notice import Festival, Notice, NoticeError, NoticeProblem, read_notice
from duban.calendar.pause import lost_workdays, shift_for_pause, shift_for_pause_exact
from duban.calendar.settings import CalendarSettings, settings_from_mapping

__all__ = [
    "BEYOND_MODES",
    "DEFAULT_TZ",
    "WARN_DAYS",
    "BeyondKnownData",
    "CalendarAdditions",
    "CalendarData",
    "CalendarDataError",
    "CalendarSettings",
    "CalendarStatus",
    "Deadline",
    "DeploymentCalendar",
    "Duration",
    "DurationSyntaxError",
    "Festival",
    "Notice",
    "NoticeError",
    "NoticeProblem",
    "WorkCalendar",
    "add_months",
    "build_calendar",
    "calendar_status",
    "compute_deadline",
    "data_ends_soon",
    "deployment_from_mapping",
    "due_from_date",
    "load_additions",
    "load_data",
    "lost_workdays",
    "merge_additions",
    "official_calendar",
    "official_data",
    "parse_duration",
    "read_notice",
    "settings_from_mapping",
    "shift_for_pause",
    "shift_for_pause_exact",
    "workdays_after",
    "workdays_before",
]
