"""Reading the State Council's yearly notice (国务院办公厅关于YYYY年部分节假日安排的通知).

Why read the notice itself: each November–December the next year's rest days and 调休
makeup days are published in one fixed form ("一、元旦：1月1日（周五）至3日（周日）放假，
共3天。"), and retyping them as lists of dates is where mistakes creep in. This module
turns the text into :class:`Notice` — one :class:`Festival` per numbered item — and checks
what it read the way a careful reader would: each 共N天 equals its days, each 上班 day is a
weekend day, a weekday written in brackets is the date's weekday, festivals do not overlap.
Every problem is collected with its line; nothing is printed and nothing is written here.

Accepted forms (after :func:`~duban.calendar.notice_text.normalize`): ``M月D日`` or
``YYYY年M月D日``, ``D日`` continuing the month before it, brackets after a date with
``周X``/``星期X`` (checked) and lunar dates (ignored); ranges with 至; "放假", "放假调休",
"放假公休"; "与周末连休" (the adjacent weekend joins the festival); "D日补休"; "共N天" (Arabic
or Chinese numerals); several 上班 days joined by 、; a sentence starting with 其中 only
explains and is skipped. A date without a year is in the notice's year, except December in
the 元旦 item, which is the year before (元旦 may start on 12-31); a range that ends before
it starts ends in the next year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from duban.calendar.duration import chinese_number, chinese_year
from duban.calendar.notice_text import clauses, normalize, sentences
from duban.errors import DubanError, Location, Problem

_TITLE = re.compile(r"关于(\d{4})年(?:部分)?节假日安排的通知")
_NUMBER = re.compile(r"(国办发(?:明电)?[〔\[(]\d{4}[〕\])]\d+号)")
_SIGNED = re.compile(r"^([\d〇零○一二三四五六七八九]{4})年([\d一二三四五六七八九十]{1,3})月"
                     r"([\d一二三四五六七八九十]{1,3})日$")
_ITEM = re.compile(r"^([一二三四五六七八九十]+)、([^:,。]{1,30}):(.*)$")
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^()]*)\))?")
_WEEKDAY = re.compile(r"(?:周|星期)([一二三四五六日天])")
_ANY_DATE = re.compile(r"\d{1,2}月\d{1,2}日")
_REST = re.compile(r"^放假(?:调休|公休)?(?:共(.+)天)?$")
_TOTAL = re.compile(r"^共(.+)天$")
_WEEKDAY_INDEX = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass(frozen=True)
class NoticeProblem:
    """One thing wrong with a notice: a code (``notice.total`` …), a line, a message."""

    code: str
    line: int
    message: str


class NoticeError(DubanError):
    """A notice that cannot be read or does not add up; ``problems`` has every one, each
    located at its line (``file:line:1``) in the project's :class:`Problem` form."""

    def __init__(self, source: str, found: list[NoticeProblem]) -> None:
        problems = tuple(Problem(f.code, f.message, Location(source, f.line, 1)) for f in found)
        super().__init__(f"{source}: 通知中有 {len(problems)} 处问题 ({len(problems)} problem(s))",
                         "validation_error", problems)


@dataclass(frozen=True)
class Festival:
    """One numbered item of a notice: its rest days and its 上班 (makeup) days."""

    name: str
    line: int
    rest: tuple[dt.date, ...]
    workdays: tuple[dt.date, ...]
    total: int | None = None


@dataclass(frozen=True)
class Notice:
    """What a notice arranges for a year, with where it came from."""

    year: int
    title: str
    festivals: tuple[Festival, ...]
    number: str | None = None
    published: dt.date | None = None

    @property
    def holidays(self) -> tuple[dt.date, ...]:
        """Every rest day of every festival (weekend days inside a festival included)."""
        return tuple(sorted({d for f in self.festivals for d in f.rest}))

    @property
    def workdays(self) -> tuple[dt.date, ...]:
        """Every 上班 day (a weekend day that is worked)."""
        return tuple(sorted({d for f in self.festivals for d in f.workdays}))

    def festival_of(self, day: dt.date) -> str:
        """The name of the festival a rest or 上班 day belongs to ('' if none)."""
        return next((f.name for f in self.festivals if day in f.rest or day in f.workdays), "")

    def differing_days(self) -> tuple[tuple[dt.date, str, str], ...]:
        """What the notice changes, in date order: each weekday that is a rest day
        (``休息``) and each weekend day that is worked (``上班``), with its festival — the
        list a reader compares with the notice before using it."""
        rest = [(d, "休息") for d in self.holidays if d.weekday() < 5]
        work = [(d, "上班") for d in self.workdays]
        return tuple((d, what, self.festival_of(d)) for d, what in sorted(rest + work))


class _Unreadable(Exception):
    """A clause the reader does not understand (becomes a NoticeProblem)."""


@dataclass
class _Item:
    """A festival being read: the context dates need, and what was read so far."""

    name: str
    line: int
    year: int
    month: int | None = None
    rest: set[dt.date] = field(default_factory=set)
    workdays: set[dt.date] = field(default_factory=set)
    total: int | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def new_year(self) -> bool:
        return "元旦" in self.name


def read_notice(text: str, *, source: str = "<notice>", year: int | None = None) -> Notice:
    """Read a notice's text; raise :class:`NoticeError` listing every problem by line.

    Args:
        text: the notice as published (title, items, signature); other prose is skipped.
        source: the file name used in problems.
        year: the notice's year when the text has no title line.
    """
    lines = [normalize(raw) for raw in text.splitlines()]
    problems: list[NoticeProblem] = []
    title, number, published, found_year = _front_matter(lines)
    year = year or found_year
    if year is None:
        raise NoticeError(source, [NoticeProblem("notice.no_title", 1, "找不到标题“国务院办公厅关于YYYY年部分节假日"
                                                    "安排的通知”，请用 --year 指明年份 (no title "
                                                    "naming the year; pass --year)")])
    festivals: list[Festival] = []
    for number_of_line, item_text in _logical_lines(lines):
        match = _ITEM.match(item_text)
        if match is None:
            if _ANY_DATE.search(item_text) and not _SIGNED.match(item_text):
                problems.append(NoticeProblem("notice.unreadable", number_of_line, f"无法识别这一行：“{item_text}”；"
                                              "日期应写在“一、节日：…”形式的条目中 (a line with "
                                              "dates that is not a numbered item)"))
            continue
        item = _Item(match.group(2), number_of_line, year)
        _read_item(item, match.group(3))
        problems.extend(NoticeProblem(code, item.line, f"{item.name}：{m}")
                        for code, m in item.problems)
        festivals.append(Festival(item.name, item.line, tuple(sorted(item.rest)),
                                  tuple(sorted(item.workdays)), item.total))
    if not festivals and not problems:
        problems.append(NoticeProblem("notice.empty", 1, "没有找到任何“一、元旦：…”形式的放假安排 (no numbered "
                                         "holiday items found)"))
    problems.extend(_check_together(festivals, year))
    if problems:
        raise NoticeError(source, sorted(problems, key=lambda p: p.line))
    return Notice(year, title or f"国务院办公厅关于{year}年部分节假日安排的通知",
                  tuple(festivals), number, published)


def _front_matter(lines: list[str]) -> tuple[str | None, str | None, dt.date | None,
                                            int | None]:
    """The title, document number, signature date and year, wherever they stand."""
    title = number = None
    published = None
    year = None
    for line in lines:
        if title is None and (m := _TITLE.search(line)):
            title, year = line.strip("。"), int(m.group(1))
        if number is None and (n := _NUMBER.search(line)):
            number = n.group(1)
        if s := _SIGNED.match(line):
            year_text, month_text, day_text = s.groups()
            parts = [chinese_year(year_text), chinese_number(month_text),
                     chinese_number(day_text)]
            try:
                if None not in parts:
                    published = dt.date(*(p or 0 for p in parts))
            except ValueError:
                published = None
    return title, number, published, year


def _logical_lines(lines: list[str]) -> list[tuple[int, str]]:
    """Lines with an item's wrapped continuation joined to it (a PDF copy breaks lines
    anywhere): a non-blank line after an item that has not ended with 。 continues it."""
    out: list[tuple[int, str]] = []
    for n, line in enumerate(lines, 1):
        if not line:
            out.append((n, line))
            continue
        last = out[-1][1] if out else ""
        if _ITEM.match(last) and not last.endswith("。") and not _ITEM.match(line):
            out[-1] = (out[-1][0], last + line)
        else:
            out.append((n, line))
    return out


def _read_item(item: _Item, body: str) -> None:
    """Read an item's sentences and clauses into ``item``; problems go to ``item.problems``."""
    for sentence in sentences(body):
        if sentence.startswith("其中"):
            continue
        for clause in clauses(sentence):
            try:
                _read_clause(item, clause)
            except _Unreadable as exc:
                item.problems.append(("notice.unreadable", str(exc)))
    if not item.rest and not item.problems:
        item.problems.append(("notice.unreadable", "没有读到放假日期 (no rest days read)"))
    _check_item(item)


def _read_clause(item: _Item, clause: str) -> None:
    """One clause: a rest range, 上班 days, 补休 days, 共N天 or 与周末连休."""
    if clause == "与周末连休":
        _join_weekends(item)
        return
    if total := _TOTAL.match(clause):
        item.total = _count(total.group(1), clause)
        return
    dates, marks, tail = _dates_of(item, clause)
    if not dates:
        raise _Unreadable(f"无法识别“{clause}” (unreadable clause)")
    if rest := _REST.match(tail):
        item.rest.update(_expand(dates, marks, clause))
        if rest.group(1):
            item.total = _count(rest.group(1), clause)
    elif tail == "上班":
        item.workdays.update(_listed(dates, marks, clause))
    elif tail == "补休":
        days = _listed(dates, marks, clause)
        item.problems.extend(("notice.weekday", f"{d.isoformat()}是{WEEKDAY_NAMES[d.weekday()]}，"
                              "补休应是工作日 (a 补休 day must be a weekday)")
                             for d in days if d.weekday() >= 5)
        item.rest.update(days)
    else:
        raise _Unreadable(f"无法识别“{clause}”：日期后应为 放假、放假调休、上班 或 补休 "
                          "(expected 放假, 放假调休, 上班 or 补休 after the dates)")


def _count(text: str, clause: str) -> int:
    value = chinese_number(text)
    if value is None:
        raise _Unreadable(f"无法识别天数“{clause}” (unreadable day count)")
    return value


def _dates_of(item: _Item, clause: str) -> tuple[list[dt.date], list[str], str]:
    """The dates of a clause, the marks between them (至 or 、) and the words after them."""
    dates: list[dt.date] = []
    marks: list[str] = []
    pos = 0
    for m in _DATE.finditer(clause):
        between = clause[pos:m.start()]
        if (dates and between not in ("至", "、")) or (not dates and between):
            raise _Unreadable(f"无法识别“{clause}”中的“{between}” (unexpected words)")
        if dates:
            marks.append(between)
        dates.append(_date(item, m, clause, dates[-1] if dates and between == "至" else None))
        pos = m.end()
    return dates, marks, clause[pos:]


def _date(item: _Item, m: re.Match[str], clause: str, start: dt.date | None) -> dt.date:
    """One date, its year and month inferred as the module docstring says."""
    year_text, month_text, day_text, bracket = m.groups()
    month = int(month_text) if month_text else item.month
    if month is None:
        raise _Unreadable(f"“{m.group(0)}”没有月份 (a day without a month) in “{clause}”")
    year = int(year_text) if year_text else (
        item.year - 1 if month == 12 and item.new_year else item.year)
    try:
        day = dt.date(year, month, int(day_text))
    except ValueError:
        raise _Unreadable(f"“{m.group(0)}”不是有效日期 (not a date)") from None
    if start is not None and not year_text and day < start:
        day = day.replace(year=day.year + 1)
    item.month = month
    said = _WEEKDAY.search(bracket or "")
    if said and _WEEKDAY_INDEX[said.group(1)] != day.weekday():
        item.problems.append(("notice.weekday", f"{day.isoformat()}是{WEEKDAY_NAMES[day.weekday()]}"
                              f"，通知写的是{said.group(0)} (the weekday in brackets is wrong)"))
    return day


def _expand(dates: list[dt.date], marks: list[str], clause: str) -> list[dt.date]:
    """Rest days of a clause: one range ``A至B`` or days listed with 、."""
    if marks == ["至"]:
        start, end = dates
        if end < start:
            raise _Unreadable(f"“{clause}”的结束日期早于开始日期 (the range ends before it starts)")
        return [dt.date.fromordinal(o) for o in range(start.toordinal(), end.toordinal() + 1)]
    return _listed(dates, marks, clause)


def _listed(dates: list[dt.date], marks: list[str], clause: str) -> list[dt.date]:
    if any(mark != "、" for mark in marks):
        raise _Unreadable(f"“{clause}”：这里只能用“、”列出日期 (list days with 、 here)")
    return dates


def _join_weekends(item: _Item) -> None:
    """与周末连休: the weekend days next to the festival's rest days join it."""
    if not item.rest:
        raise _Unreadable("“与周末连休”前没有放假日期 (与周末连休 without rest days before it)")
    added = set()
    day = min(item.rest) - dt.timedelta(days=1)
    while day.weekday() >= 5:
        added.add(day)
        day -= dt.timedelta(days=1)
    day = max(item.rest) + dt.timedelta(days=1)
    while day.weekday() >= 5:
        added.add(day)
        day += dt.timedelta(days=1)
    if not added:
        raise _Unreadable("写了“与周末连休”，但放假日期前后都不是周末 (no weekend next to it)")
    item.rest.update(added)


def _check_item(item: _Item) -> None:
    """共N天 equals the days; 上班 days are weekend days and not rest days."""
    if item.total is not None and item.rest and item.total != len(item.rest):
        first, last = min(item.rest), max(item.rest)
        item.problems.append(("notice.total", f"写的是共{item.total}天，但读到的放假日期 "
                              f"{first.isoformat()} 至 {last.isoformat()} 共 {len(item.rest)} 天 "
                              "(共N天 does not match the rest days)"))
    for day in sorted(item.workdays):
        if day.weekday() < 5:
            item.problems.append(("notice.workday", f"上班日 {day.isoformat()} 是"
                                  f"{WEEKDAY_NAMES[day.weekday()]}，调休上班日应是周六或周日 "
                                  "(a 上班 day must fall on a weekend)"))
        if day in item.rest:
            item.problems.append(("notice.overlap",
                                  f"{day.isoformat()} 既是放假日又是上班日 (both rest and work)"))


def _check_together(festivals: list[Festival], year: int) -> list[NoticeProblem]:
    """Festivals do not overlap, and every day lies in the notice's year (元旦 may begin in
    the December before)."""
    problems: list[NoticeProblem] = []
    seen: dict[dt.date, Festival] = {}
    lo, hi = dt.date(year - 1, 12, 1), dt.date(year, 12, 31)
    for f in festivals:
        for day in (*f.rest, *f.workdays):
            if not lo <= day <= hi:
                problems.append(NoticeProblem("notice.year", f.line, f"{f.name}：{day.isoformat()} 不在 {year} "
                                              "年的安排范围内，请写明年份 (outside the notice's "
                                              "year; write the year)"))
        for day in f.rest:
            other = seen.get(day)
            if other is not None:
                problems.append(NoticeProblem("notice.overlap", f.line, f"{f.name}与第 {other.line} 行的{other.name}"
                                              f"重叠：{day.isoformat()} (festivals overlap)"))
            seen[day] = f
    rest = {d: f for f in festivals for d in f.rest}
    for f in festivals:
        for day in f.workdays:
            if day in rest and rest[day] is not f:
                problems.append(NoticeProblem("notice.overlap", f.line, f"{f.name}的上班日 {day.isoformat()} 是第 "
                                              f"{rest[day].line} 行{rest[day].name}的放假日 "
                                              "(a 上班 day inside another festival)"))
    return problems
