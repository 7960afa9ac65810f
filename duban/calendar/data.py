"""Calendar data: the shipped official table and the additions a deployment supplies.

Why separate from :mod:`duban.calendar.calendar`: data is versioned, reviewed and
replaced (a new year's notice, an office's own rest days), while the counting code is
not. This module only reads and checks data; it never decides what a deadline is.

The official table (``duban/data/cn_workdays.json``) is generated from chinesecalendar by
:mod:`duban.calendar._generate`; chinesecalendar is never imported at run time.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from duban.errors import DubanError

#: The shipped official data file.
OFFICIAL_DATA_PATH = Path(__file__).resolve().parent.parent / "data" / "cn_workdays.json"

#: Keys an additions file may have (``holidays``/``workdays`` lists of days).
ADDITION_KEYS = ("holidays", "workdays")
#: Descriptive keys a data file written by ``duban calendar import`` also has.
METADATA_KEYS = ("format", "year", "source")

#: Accepted ways of writing a day, for error messages.
DAY_FORMS = "YYYY-MM-DD 或区间 or a range YYYY-MM-DD..YYYY-MM-DD"


class CalendarDataError(DubanError):
    """Calendar data or additions are malformed (a bad day, a contradiction, a gap)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "validation_error")


@dataclass(frozen=True)
class CalendarData:
    """A table of official rest days and makeup working days over whole years.

    Attributes:
        version: identifies the table, e.g. ``cn-official-2004-2026@chinesecalendar-1.11.0``;
            every deadline records it so a later data change is detectable.
        source: where the table came from, in words.
        first: first day the table answers for (a January 1).
        last: last day the table answers for (a December 31).
        holidays: official rest days (weekends inside a holiday period included) mapped
            to a holiday key of :attr:`names`.
        workdays: 调休 makeup working days (weekend days that are worked).
        in_lieu: weekdays given as rest in exchange for a makeup day (调休假期).
        names: holiday key → (Chinese name, English name).
    """

    version: str
    source: str
    first: dt.date
    last: dt.date
    holidays: Mapping[dt.date, str] = field(hash=False)
    workdays: frozenset[dt.date] = frozenset()
    in_lieu: frozenset[dt.date] = frozenset()
    names: Mapping[str, tuple[str, str]] = field(default_factory=dict, hash=False)

    def holiday_name(self, day: dt.date) -> tuple[str, str] | None:
        """The (Chinese, English) name of the official holiday on ``day``, if any."""
        key = self.holidays.get(day)
        if key is None:
            return None
        return self.names.get(key, (key, key))


@dataclass(frozen=True)
class CalendarAdditions:
    """Rest days and working days a policy, a data file or a plugin adds to the official data.

    Additions win over the official data: an office that works on an official holiday
    lists it in ``workdays``, an office with its own rest day lists it in ``holidays``.
    Listing any day of a year the official data does not cover declares that whole year
    known (see ``docs/calendar.md``), which is how a deployment adds 2027's notice.
    """

    holidays: tuple[dt.date, ...] = ()
    workdays: tuple[dt.date, ...] = ()
    source: str = ""

    def __bool__(self) -> bool:
        return bool(self.holidays or self.workdays)


def parse_day(value: object, *, where: str = "") -> tuple[dt.date, ...]:
    """Read one day (``date`` or ``YYYY-MM-DD``) or an inclusive range ``A..B``.

    Why ranges: a published notice reads "10月1日至7日放假", and writing seven lines for it
    invites typos.
    """
    prefix = f"{where}: " if where else ""
    if isinstance(value, dt.datetime):
        raise CalendarDataError(
            f"{prefix}日期不能带时间: {value!r}，应为 {DAY_FORMS} "
            f"(a day must not carry a time; expected {DAY_FORMS})"
        )
    if isinstance(value, dt.date):
        return (value,)
    if isinstance(value, str):
        text = value.strip()
        try:
            if ".." in text:
                start_text, end_text = text.split("..", 1)
                start = dt.date.fromisoformat(start_text.strip())
                end = dt.date.fromisoformat(end_text.strip())
                if end < start:
                    raise ValueError("range ends before it starts")
                return tuple(
                    dt.date.fromordinal(o) for o in range(start.toordinal(), end.toordinal() + 1)
                )
            if len(text) == 10:
                return (dt.date.fromisoformat(text),)
        except ValueError:
            pass
    raise CalendarDataError(
        f"{prefix}无法识别的日期 {value!r}，应为 {DAY_FORMS} "
        f"(not a day: {value!r}; expected {DAY_FORMS})"
    )


def parse_days(values: Iterable[object], *, where: str = "") -> tuple[dt.date, ...]:
    """Read a list of days and ranges (see :func:`parse_day`), sorted, duplicates dropped."""
    if isinstance(values, str | bytes | Mapping | dt.date) or not isinstance(values, Iterable):
        raise CalendarDataError(
            f"{where}: 应为日期列表 (expected a list of days), 写的是 got {values!r}"
        )
    days: set[dt.date] = set()
    for value in values:
        days.update(parse_day(value, where=where))
    return tuple(sorted(days))


def additions_from_mapping(doc: Mapping[str, Any], *, source: str) -> CalendarAdditions:
    """Build additions from a mapping with ``holidays:`` and ``workdays:`` lists."""
    unknown = sorted(str(k) for k in doc if k not in (*ADDITION_KEYS, *METADATA_KEYS))
    if unknown:
        raise CalendarDataError(
            f"{source}: 未知的键 {', '.join(unknown)}，只能有 holidays、workdays、format、year、"
            f"source (unknown keys {', '.join(unknown)}; expected holidays, workdays, format, "
            "year, source)"
        )
    described = doc.get("source")
    return CalendarAdditions(
        holidays=parse_days(doc.get("holidays") or (), where=f"{source} > holidays"),
        workdays=parse_days(doc.get("workdays") or (), where=f"{source} > workdays"),
        source=f"{source}（{described}）" if described else source,
    )


def load_additions(path: str | Path) -> CalendarAdditions:
    """Read an additions file (YAML or JSON) with ``holidays:``/``workdays:`` lists.

    This is how a deployment adds a newly published year without a code change: save the
    notice's days in a file and name it in the policy's ``calendar: {data_file: ...}``.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise CalendarDataError(
            f"无法读取日历数据文件 {file} (cannot read calendar data file): {exc.strerror}"
        ) from exc
    try:
        doc = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CalendarDataError(
            f"{file}: 不是有效的 YAML/JSON (not valid YAML/JSON): {first_line}"
        ) from exc
    if not isinstance(doc, Mapping):
        raise CalendarDataError(
            f"{file}: 应为含 holidays、workdays 列表的映射 "
            "(expected a mapping with holidays and workdays lists)"
        )
    return additions_from_mapping(doc, source=str(file))


def data_from_document(doc: Mapping[str, Any]) -> CalendarData:
    """Build :class:`CalendarData` from the JSON document written by ``_generate``."""
    names = {key: (zh, en) for key, (zh, en) in doc["names"].items()}
    return CalendarData(
        version=doc["version"],
        source=doc["source"],
        first=dt.date.fromisoformat(doc["first"]),
        last=dt.date.fromisoformat(doc["last"]),
        holidays={dt.date.fromisoformat(day): key for day, key in doc["holidays"]},
        workdays=frozenset(dt.date.fromisoformat(day) for day in doc["workdays"]),
        in_lieu=frozenset(dt.date.fromisoformat(day) for day in doc.get("in_lieu", ())),
        names=names,
    )


def load_data(path: str | Path) -> CalendarData:
    """Read a full calendar table in the format of ``duban/data/cn_workdays.json``."""
    with open(path, encoding="utf-8") as handle:
        return data_from_document(json.load(handle))


@functools.cache
def official_data() -> CalendarData:
    """The shipped official table, read once per process."""
    return load_data(OFFICIAL_DATA_PATH)
