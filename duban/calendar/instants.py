"""One reading of a written time, everywhere a person types one.

Why one function: the CLI, the reports, the service and the HTTP API all take times
written by people (``--at``, ``--now``, ``--as-of``, a due date). If one of them read
``2026-09-15T23:59`` as UTC and the others as Beijing time, timers would fire and
penalties land eight hours early on that path alone (it happened to ``duban tick``). So:

* a time with an offset (``2026-09-15T23:59+08:00``, ``…Z``) is kept as written;
* a naive time is read in the deployment's zone — ``timezone`` in duban.yaml,
  Asia/Shanghai unless it says otherwise;
* a date alone is the start of that day, or its end (23:59:59) where the command says
  so (an as-of instant, a due date).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from duban.calendar.deadline import DEFAULT_TZ

DEFAULT_ZONE = DEFAULT_TZ


def zone_named(name: str) -> dt.tzinfo:
    """The IANA zone ``name`` (``Asia/Shanghai``, ``UTC``); ValueError if unknown."""
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"不认识的时区 '{name}'，应写 IANA 名称，如 Asia/Shanghai / unknown time "
                         f"zone {name!r}") from None


def read_instant(text: str, zone: dt.tzinfo = DEFAULT_ZONE, *,
                 date_is_end: bool = False) -> dt.datetime:
    """``text`` as an aware instant (see the module docstring); ValueError if it is not
    a time, with the forms that are accepted."""
    raw = str(text).strip()
    try:
        if len(raw) == 10:
            day = dt.date.fromisoformat(raw)
            at = dt.time(23, 59, 59) if date_is_end else dt.time(0, 0)
            return dt.datetime.combine(day, at, tzinfo=zone)
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"不是有效的日期或时间 '{text}'，应写 2026-09-21、2026-09-21T09:00 或 "
                         f"2026-09-21T09:00+08:00 / not a time: {text!r}") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


__all__ = ["DEFAULT_ZONE", "read_instant", "zone_named"]
