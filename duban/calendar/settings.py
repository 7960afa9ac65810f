"""A policy's ``calendar:`` mapping, read into typed settings.

Why here and not in the policy compiler: the CLI's ``duban due --policy`` needs the same
reading before the policy loader exists, and the compiler can call
:func:`settings_from_mapping` later so both agree. Keys::

    calendar:
      extra_holidays: [2027-01-01, "2027-02-06..2027-02-13"]   # rest days to add
      extra_workdays: [2027-02-14]                            # 调休 makeup days to add
      data_file: calendar/2027.yaml        # holidays:/workdays: lists, relative to the policy
      beyond_known_data: error             # or weekends_only (results flagged provisional)
      end_of_day: "17:30"                  # end of office day; default 23:59:59
      roll_forward: true                   # 节假日顺延 for calendar-day limits (default)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from duban.calendar.build import build_calendar
from duban.calendar.calendar import BEYOND_MODES, BeyondKnownData, WorkCalendar
from duban.calendar.data import CalendarAdditions, CalendarDataError, load_additions, parse_days

#: Keys a policy's ``calendar:`` mapping may have.
SETTING_KEYS = (
    "extra_holidays",
    "extra_workdays",
    "data_file",
    "beyond_known_data",
    "end_of_day",
    "roll_forward",
)
_TIME_RE = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?$")


@dataclass(frozen=True)
class CalendarSettings:
    """What a policy says about time: additions, strictness, end of day, rolling."""

    extra_holidays: tuple[dt.date, ...] = ()
    extra_workdays: tuple[dt.date, ...] = ()
    data_files: tuple[Path, ...] = ()
    beyond_known_data: BeyondKnownData = "error"
    end_of_day: dt.time | None = None
    roll_forward: bool = True

    def build(self, plugin_additions: Iterable[CalendarAdditions] = ()) -> WorkCalendar:
        """The calendar these settings describe, with data files and plugins' additions."""
        files = [load_additions(path) for path in self.data_files]
        return build_calendar(
            self.extra_holidays,
            self.extra_workdays,
            self.beyond_known_data,
            additions=[*files, *plugin_additions],
        )


def with_beyond(settings: CalendarSettings, beyond: str | None) -> CalendarSettings:
    """``settings`` with the deployment's ``beyond_known_data`` (None: unchanged)."""
    if beyond is None:
        return settings
    if beyond not in BEYOND_MODES:
        raise CalendarDataError(f"beyond_known_data: 应为 {' 或 '.join(BEYOND_MODES)}，写的是 "
                                f"{beyond!r}")
    return replace(settings, beyond_known_data=cast(BeyondKnownData, beyond))


def parse_time_of_day(value: object, *, where: str = "calendar > end_of_day") -> dt.time:
    """Read ``"HH:MM"`` or ``"HH:MM:SS"`` (or a :class:`datetime.time`)."""
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        match = _TIME_RE.match(value.strip())
        if match:
            hour, minute, second = match.groups()
            return dt.time(int(hour), int(minute), int(second or 0))
    hint = "；YAML 中请加引号 (quote it in YAML)" if isinstance(value, int) else ""
    raise CalendarDataError(
        f"{where}: 无法识别的时刻 {value!r}，应为 \"HH:MM\"，如 \"17:30\"{hint} "
        f"(not a time of day: {value!r}; expected \"HH:MM\", e.g. \"17:30\")"
    )


def settings_from_mapping(
    mapping: Mapping[str, Any] | None, *, base_dir: Path | None = None
) -> CalendarSettings:
    """Check and read a policy's ``calendar:`` mapping (None means all defaults).

    Args:
        mapping: the ``calendar:`` value of a policy.
        base_dir: the policy file's folder, against which ``data_file`` is resolved.

    Raises:
        CalendarDataError: an unknown key or a malformed value, named with its key.
    """
    if mapping is None:
        return CalendarSettings()
    if not isinstance(mapping, Mapping):
        raise CalendarDataError(
            f"calendar: 应为映射 (expected a mapping), 写的是 got {mapping!r}"
        )
    unknown = sorted(str(k) for k in mapping if k not in SETTING_KEYS)
    if unknown:
        raise CalendarDataError(
            f"calendar: 未知的键 {', '.join(unknown)}，可用 {', '.join(SETTING_KEYS)} "
            f"(unknown keys {', '.join(unknown)}; expected {', '.join(SETTING_KEYS)})"
        )
    beyond = mapping.get("beyond_known_data", "error")
    if beyond not in BEYOND_MODES:
        raise CalendarDataError(
            f"calendar > beyond_known_data: 应为 {' 或 '.join(BEYOND_MODES)}，写的是 {beyond!r} "
            f"(expected one of {', '.join(BEYOND_MODES)})"
        )
    roll = mapping.get("roll_forward", True)
    if not isinstance(roll, bool):
        raise CalendarDataError(
            f"calendar > roll_forward: 应为 true 或 false，写的是 {roll!r} "
            f"(expected true or false)"
        )
    files = mapping.get("data_file") or ()
    if isinstance(files, str):
        files = (files,)
    if not isinstance(files, list | tuple) or not all(isinstance(f, str) for f in files):
        raise CalendarDataError(
            f"calendar > data_file: 应为文件路径 (expected a file path), 写的是 got {files!r}"
        )
    root = base_dir or Path(".")
    end = mapping.get("end_of_day")
    return CalendarSettings(
        extra_holidays=parse_days(mapping.get("extra_holidays") or (),
                                  where="calendar > extra_holidays"),
        extra_workdays=parse_days(mapping.get("extra_workdays") or (),
                                  where="calendar > extra_workdays"),
        data_files=tuple(root / f for f in files),
        beyond_known_data=cast(BeyondKnownData, beyond),
        end_of_day=None if end is None else parse_time_of_day(end),
        roll_forward=roll,
    )
