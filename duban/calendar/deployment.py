"""One calendar for a deployment: the files it names, how far the data reaches, warnings.

Why at the deployment and not in each policy: a new year's official arrangement applies to
every policy an office runs, so it is named once (``duban.yaml``)::

    calendar:
      files: [calendar/2027.yaml]        # written by duban calendar import, relative to duban.yaml
      beyond_known_data: weekends_only   # optional: keep working past the data (provisional)

and the end of the known data is watched: :func:`data_ends_soon` says, from a ``today``
the caller passes in (the core never reads the clock), when fewer than
:data:`WARN_DAYS` days are left, so the next notice is imported before deadlines fail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from duban.calendar.calendar import BEYOND_MODES, BeyondKnownData, WorkCalendar
from duban.calendar.data import CalendarAdditions, CalendarDataError, load_additions

#: Days before the end of the known data from which tick, validate and item create warn.
WARN_DAYS = 45
#: Keys of the ``calendar:`` mapping of ``duban.yaml``.
DEPLOYMENT_KEYS = ("files", "beyond_known_data")


@dataclass(frozen=True)
class DeploymentCalendar:
    """What ``duban.yaml`` says about the calendar (nothing: the built-in data alone).

    Attributes:
        files: calendar data files (``duban calendar import`` output or hand-written
            ``holidays:``/``workdays:`` lists), added to every policy's calendar.
        beyond_known_data: when set, every policy's ``beyond_known_data`` (``error`` or
            ``weekends_only``); None leaves each policy's own setting.
    """

    files: tuple[Path, ...] = ()
    beyond_known_data: BeyondKnownData | None = None

    def additions(self) -> list[CalendarAdditions]:
        """The files' days (read now; a bad file raises :class:`CalendarDataError`)."""
        return [load_additions(path) for path in self.files]


def deployment_from_mapping(mapping: Any, *, base_dir: Path, where: str = "calendar"
                            ) -> DeploymentCalendar:
    """Read and check the ``calendar:`` mapping of ``duban.yaml`` (None: the defaults)."""
    if mapping is None:
        return DeploymentCalendar()
    if not isinstance(mapping, Mapping):
        raise CalendarDataError(f"{where}: 应为映射 (expected a mapping), 写的是 got {mapping!r}")
    unknown = sorted(str(k) for k in mapping if k not in DEPLOYMENT_KEYS)
    if unknown:
        raise CalendarDataError(f"{where}: 未知的键 {', '.join(unknown)}，可用 "
                                f"{', '.join(DEPLOYMENT_KEYS)} (unknown keys)")
    files = mapping.get("files") or ()
    if isinstance(files, str):
        files = (files,)
    if not isinstance(files, list | tuple) or not all(isinstance(f, str) for f in files):
        raise CalendarDataError(f"{where} > files: 应为文件路径列表 (expected a list of file "
                                f"paths), 写的是 got {files!r}")
    beyond = mapping.get("beyond_known_data")
    if beyond is not None and beyond not in BEYOND_MODES:
        raise CalendarDataError(f"{where} > beyond_known_data: 应为 {' 或 '.join(BEYOND_MODES)}，"
                                f"写的是 {beyond!r} (expected one of {', '.join(BEYOND_MODES)})")
    return DeploymentCalendar(tuple(base_dir / f for f in files),
                              cast(BeyondKnownData | None, beyond))


@dataclass(frozen=True)
class CalendarStatus:
    """How far a calendar's data reaches, from where, and how long is left from ``today``."""

    first: dt.date
    last: dt.date
    version: str
    sources: tuple[str, ...]
    days_left: int
    beyond_known_data: str

    @property
    def ending_soon(self) -> bool:
        return self.days_left <= WARN_DAYS


def calendar_status(cal: WorkCalendar, today: dt.date) -> CalendarStatus:
    """The status of ``cal`` as of ``today`` (days left counts ``today`` out, the last in)."""
    first, last = cal.known_range
    data = cal.data
    sources = [f"内置数据 built-in {data.version}: {data.source}"] if data is not None else []
    sources += [s for s in cal.additions.source.split("; ") if s]
    return CalendarStatus(first, last, cal.version, tuple(sources), (last - today).days,
                          cal.beyond_known_data)


def data_ends_soon(calendars: Iterable[WorkCalendar], today: dt.date) -> str | None:
    """A warning when the earliest-ending calendar's data ends within :data:`WARN_DAYS` days
    of ``today`` (or has ended); None when every calendar reaches further."""
    lasts = [cal.known_range[1] for cal in calendars]
    if not lasts:
        return None
    last = min(lasts)
    left = (last - today).days
    if left > WARN_DAYS:
        return None
    when = f"还剩 {left} 天" if left >= 0 else f"已过 {-left} 天"
    return (f"警告：日历数据只到 {last.isoformat()}（{when}）。请导入 {last.year + 1} 年的放假安排："
            f"duban calendar import 通知.txt -o calendar/{last.year + 1}.yaml，并在 duban.yaml 的 "
            f"calendar: files: 中引用（见 docs/calendar.md）。/ Warning: the calendar data ends on "
            f"{last.isoformat()} ({left} days left); import {last.year + 1}'s notice.")

