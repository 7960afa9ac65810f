"""Why a day is worked or not, in words: for ``duban calendar YEAR`` and for explain output.

Why separate from :class:`~duban.calendar.calendar.WorkCalendar`: counting needs only a
flag per day; people reviewing a calendar need the reason (法定节假日 named, 调休, a
weekend, a policy's addition), which comes from the data and the additions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from duban.calendar.calendar import WorkCalendar

DayKind = Literal[
    "workday", "makeup_workday", "added_workday", "holiday", "added_holiday", "weekend"
]

#: Chinese labels of the kinds, as the CLI prints them.
KIND_LABELS_ZH: dict[str, str] = {
    "workday": "工作日",
    "makeup_workday": "调休上班",
    "added_workday": "追加工作日",
    "holiday": "法定节假日",
    "added_holiday": "追加休息日",
    "weekend": "周末",
}
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass(frozen=True, slots=True)
class DayInfo:
    """One day and why it is (not) worked.

    Attributes:
        day: the date.
        workday: whether it is a working day.
        kind: the reason, one of :data:`DayKind`.
        name_zh: the holiday's Chinese name, e.g. ``国庆节`` (empty when none).
        name_en: the holiday's English name.
        in_lieu: a weekday given as rest in exchange for a makeup day (调休).
        provisional: beyond the known data, answered by the weekday rule.
    """

    day: dt.date
    workday: bool
    kind: DayKind
    name_zh: str = ""
    name_en: str = ""
    in_lieu: bool = False
    provisional: bool = False

    def label_zh(self) -> str:
        """``国庆节（法定节假日，调休）``-style label for listings."""
        parts = [KIND_LABELS_ZH[self.kind]]
        if self.in_lieu:
            parts.append("调休")
        if self.provisional:
            parts.append("临时 provisional")
        inner = "，".join(parts)
        return f"{self.name_zh}（{inner}）" if self.name_zh else inner


def describe_day(cal: WorkCalendar, day: dt.date) -> DayInfo:
    """Why ``day`` is a working day or a rest day under ``cal``."""
    working = cal.is_workday(day)
    provisional = not cal.is_known(day)
    weekend = day.weekday() >= 5
    added = cal.additions
    data = cal.data
    official = data is not None and data.first <= day <= data.last
    if working:
        if day in added.workdays:
            return DayInfo(day, True, "added_workday", provisional=provisional)
        kind: DayKind = "makeup_workday" if weekend else "workday"
        return DayInfo(day, True, kind, provisional=provisional)
    if day in added.holidays:
        return DayInfo(day, False, "added_holiday", provisional=provisional)
    name = data.holiday_name(day) if data is not None and official else None
    if name is not None:
        in_lieu = data is not None and day in data.in_lieu
        return DayInfo(day, False, "holiday", name[0], name[1], in_lieu, provisional)
    return DayInfo(day, False, "weekend", provisional=provisional)


def year_listing(cal: WorkCalendar, year: int) -> tuple[list[DayInfo], list[DayInfo]]:
    """The rest days and the weekend working days (调休 or added) of ``year``, in order."""
    start = dt.date(year, 1, 1)
    end = dt.date(year, 12, 31)
    rest = [describe_day(cal, d) for d in cal.rest_days_between(start - dt.timedelta(1), end)]
    makeup = [
        info
        for o in range(start.toordinal(), end.toordinal() + 1)
        if dt.date.fromordinal(o).weekday() >= 5
        and (info := describe_day(cal, dt.date.fromordinal(o))).workday
    ]
    return rest, makeup
