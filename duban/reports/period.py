"""Report periods: a month (``2026-10``), a quarter (``2026Q3``) or a year (``2026``).

Why a value of its own: the 督查通报 is monthly, the ranking quarterly and the summary
yearly (seed 002 第1篇 第十四条 3), and each needs the same three things — its bounds in
the organisation's time zone, its name in Chinese, and the buckets of its trend chart
(weeks of a month, months of a quarter or year).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from duban.errors import DubanError

SHANGHAI = ZoneInfo("Asia/Shanghai")


class PeriodError(DubanError):
    def __init__(self, text: str, what: str, example: str) -> None:
        super().__init__(f"期间 '{text}' 无效：应写{what}，如 {example} / invalid period "
                         f"'{text}', expected e.g. {example}", "validation_error")


@dataclass(frozen=True)
class Bucket:
    """One point of a trend line: [start, end) with a short label."""

    label: str
    start: dt.date
    end: dt.date  # exclusive


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year
    year: int
    number: int  # month 1-12, quarter 1-4, 0 for a year

    # -- parsing -----------------------------------------------------------------------------
    @classmethod
    def month(cls, text: str) -> Period:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise PeriodError(text, "年-月", "2026-10")
        return cls("month", int(m.group(1)), int(m.group(2)))

    @classmethod
    def quarter(cls, text: str) -> Period:
        m = re.fullmatch(r"(\d{4})\s*[Qq]([1-4])", text.strip())
        if not m:
            raise PeriodError(text, "年Q季度", "2026Q3")
        return cls("quarter", int(m.group(1)), int(m.group(2)))

    @classmethod
    def whole_year(cls, text: str) -> Period:
        m = re.fullmatch(r"(\d{4})", text.strip())
        if not m:
            raise PeriodError(text, "四位年份", "2026")
        return cls("year", int(m.group(1)), 0)

    # -- bounds ------------------------------------------------------------------------------
    @property
    def first_day(self) -> dt.date:
        if self.kind == "month":
            return dt.date(self.year, self.number, 1)
        if self.kind == "quarter":
            return dt.date(self.year, 3 * self.number - 2, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end_day(self) -> dt.date:
        """The first day after the period."""
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return _add_months(self.first_day, months)

    def bounds(self, tz: dt.tzinfo = SHANGHAI) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as instants in ``tz`` (local midnight)."""
        return (dt.datetime.combine(self.first_day, dt.time(0), tzinfo=tz),
                dt.datetime.combine(self.end_day, dt.time(0), tzinfo=tz))

    def contains(self, moment: dt.datetime | None, tz: dt.tzinfo = SHANGHAI) -> bool:
        if moment is None:
            return False
        day = moment.astimezone(tz).date()
        return self.first_day <= day < self.end_day

    def next(self) -> Period:
        day = self.end_day
        if self.kind == "month":
            return Period("month", day.year, day.month)
        if self.kind == "quarter":
            return Period("quarter", day.year, (day.month - 1) // 3 + 1)
        return Period("year", day.year, 0)

    # -- words -------------------------------------------------------------------------------
    @property
    def title(self) -> str:
        """``2026年9月``, ``2026年第三季度``, ``2026年``."""
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarter":
            return f"{self.year}年第{'一二三四'[self.number - 1]}季度"
        return f"{self.year}年"

    @property
    def code(self) -> str:
        """``2026-09``, ``2026Q3``, ``2026`` — as written on the command line."""
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}Q{self.number}"
        return str(self.year)

    def buckets(self) -> list[Bucket]:
        """Trend points: the weeks (Monday–Sunday, cut at the month's edges) of a month,
        the months of a quarter or a year."""
        out: list[Bucket] = []
        if self.kind == "month":
            day = self.first_day
            while day < self.end_day:
                stop = min(day + dt.timedelta(days=7 - day.weekday()), self.end_day)
                last = stop - dt.timedelta(days=1)
                out.append(Bucket(f"{day.month}/{day.day}–{last.month}/{last.day}", day, stop))
                day = stop
            return out
        day = self.first_day
        while day < self.end_day:
            stop = _add_months(day, 1)
            out.append(Bucket(f"{day.month}月", day, stop))
            day = stop
        return out


def parse_period(month: str | None, quarter: str | None, year: str | None) -> Period:
    """Exactly one of the three options, parsed."""
    given = [x for x in (month, quarter, year) if x]
    if len(given) != 1:
        raise DubanError("请给出且只给出一个期间：--period 2026-10、--quarter 2026Q3 或 --year 2026 "
                         "/ give exactly one of --period, --quarter, --year", "validation_error")
    if month:
        return Period.month(month)
    if quarter:
        return Period.quarter(quarter)
    return Period.whole_year(str(year))


def _add_months(day: dt.date, n: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + n
    return dt.date(total // 12, total % 12 + 1, 1)
