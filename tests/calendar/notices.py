"""Notice texts in the State Council's official form, written from the shipped data.

Why: the round-trip test needs the notice of every year 2007–2026 as published, and the
shipped table (transcribed from those notices by chinesecalendar) is the record of what
each one arranged. :func:`notice_from_data` writes that arrangement back in the fixed
form — "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。" — in
the spellings offices meet (周 or 星期, full-width or ASCII punctuation, traditional
characters, 与周末连休, years written or left out across the year end), so the importer
must read all of them. These texts are reconstructions for tests, not the published
documents: no document number or signature date is invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from duban.calendar import CalendarData

NUMERALS = "一二三四五六七八九十"
WEEKDAYS = "一二三四五六日"
#: Simplified → traditional for the words of a notice (the reverse of the importer's map).
TRADITIONAL = str.maketrans({"节": "節", "劳": "勞", "动": "動", "国": "國", "庆": "慶",
                             "调": "調", "周": "週", "务": "務", "办": "辦", "厅": "廳",
                             "关": "關", "于": "於", "与": "與", "连": "連", "补": "補"})
#: Full-width → ASCII punctuation (some copies are typed so).
ASCII = str.maketrans({"：": ":", "，": ",", "（": "(", "）": ")", "。": "."})


@dataclass(frozen=True)
class Style:
    """How one year's text is spelt."""

    weekday: str = "周"  # or 星期
    traditional: bool = False
    ascii: bool = False
    years_across_new_year: bool = True  # "2018年12月30日至2019年1月1日"
    join_weekend: bool = False  # "4月4日（周一）放假，与周末连休。" where it fits


def style_of(year: int) -> Style:
    """A different mix of spellings for each year, so every form is read somewhere."""
    return Style(weekday="星期" if year % 2 else "周", traditional=year % 5 == 0,
                 ascii=year % 3 == 0, years_across_new_year=year % 4 != 1,
                 join_weekend=year % 2 == 0)


@dataclass(frozen=True)
class Period:
    """A run of consecutive official rest days, with its festival names and 上班 days."""

    names: tuple[str, ...]
    rest: tuple[dt.date, ...]
    workdays: tuple[dt.date, ...] = ()

    @property
    def year(self) -> int:
        """The notice a period belongs to: the year it ends in (元旦 may start in December)."""
        return self.rest[-1].year


#: The names the notices use (the data's short names differ for some festivals).
OFFICIAL_NAMES = {"tomb_sweeping_day": "清明节", "dragon_boat_festival": "端午节",
                  "mid_autumn_festival": "中秋节",
                  "anti_fascist_70th_day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"}


def _joins(data: CalendarData, before: dt.date, day: dt.date) -> bool:
    """Whether ``day`` continues the period ending at ``before``: the next day (any
    festival, e.g. 中秋节、国庆节), or the same festival after weekend days only (the data
    leaves out a weekend day inside some periods, as "6月20日放假，6月22日补休")."""
    gap = [before + dt.timedelta(days=i) for i in range(1, (day - before).days)]
    if not gap:
        return True
    return data.holidays[before] == data.holidays[day] and all(d.weekday() >= 5 for d in gap)


def periods(data: CalendarData) -> list[Period]:
    """The data's rest periods, each 上班 day given to the nearest period."""
    runs: list[list[dt.date]] = []
    for day in sorted(data.holidays):
        if runs and _joins(data, runs[-1][-1], day):
            runs[-1].append(day)
        else:
            runs.append([day])
    work: dict[int, list[dt.date]] = {i: [] for i in range(len(runs))}
    for day in sorted(data.workdays):
        nearest = min(range(len(runs)), key=lambda i: min(abs((d - day).days) for d in runs[i]))
        work[nearest].append(day)
    out = []
    for i, run in enumerate(runs):
        keys = list(dict.fromkeys(data.holidays[d] for d in run))
        names = tuple(OFFICIAL_NAMES.get(k, data.names[k][0]) for k in keys)
        out.append(Period(names, tuple(run), tuple(work[i])))
    return out


def _day(day: dt.date, year: int, style: Style, *, month_of: dt.date | None = None,
         with_year: bool = False) -> str:
    """``1月3日（周六）``; ``3日（周六）`` when ``month_of`` is in the same month."""
    wd = f"（{style.weekday}{WEEKDAYS[day.weekday()]}）"
    if with_year:
        return f"{day.year}年{day.month}月{day.day}日{wd}"
    if month_of is not None and (month_of.year, month_of.month) == (day.year, day.month):
        return f"{day.day}日{wd}"
    return f"{day.month}月{day.day}日{wd}"


def _runs(days: tuple[dt.date, ...]) -> list[list[dt.date]]:
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _broken(head: str, p: Period, year: int, style: Style) -> str:
    """A period with a weekend day left out: "6月20日放假，6月22日（星期一）补休。"."""
    parts = []
    for i, run in enumerate(_runs(p.rest)):
        if i and len(run) == 1 and run[0].weekday() < 5:
            parts.append(f"{_day(run[0], year, style)}补休")
        else:
            end = f"至{_day(run[-1], year, style, month_of=run[0])}" if len(run) > 1 else ""
            parts.append(f"{_day(run[0], year, style)}{end}放假")
    return head + "，".join(parts) + "。"


def _item(n: int, p: Period, year: int, style: Style, in_lieu: bool) -> str:
    """One numbered item of the notice."""
    first, last = p.rest[0], p.rest[-1]
    across = first.year != year or any(d.year != year for d in p.workdays)
    explicit = across and style.years_across_new_year
    weekdays = [d for d in p.rest if d.weekday() < 5]
    head = f"{NUMERALS[n]}、{'、'.join(p.names)}："
    verb = "放假调休" if p.workdays or in_lieu else "放假"
    joinable = len(p.rest) > 1 and len(weekdays) == 1 and \
        set(p.rest) == _with_weekends(weekdays[0])
    if len(_runs(p.rest)) > 1:
        text = _broken(head, p, year, style)
    elif style.join_weekend and joinable and not p.workdays and not across:
        text = f"{head}{_day(weekdays[0], year, style)}放假，与周末连休，共{len(p.rest)}天。"
    elif first == last:
        text = f"{head}{_day(first, year, style, with_year=explicit)}{verb}，共1天。"
    else:
        end = _day(last, year, style, month_of=None if explicit else first,
                   with_year=explicit and last.year != first.year)
        text = f"{head}{_day(first, year, style, with_year=explicit)}至{end}{verb}，" \
               f"共{len(p.rest)}天。"
    if p.workdays:
        days = "、".join(_day(d, year, style, with_year=explicit and d.year != year)
                        for d in p.workdays)
        text += f"{days}上班。"
    return text


def _with_weekends(day: dt.date) -> set[dt.date]:
    out = {day}
    for step in (-1, 1):
        d = day + dt.timedelta(days=step)
        while d.weekday() >= 5:
            out.add(d)
            d += dt.timedelta(days=step)
    return out


def notice_from_data(data: CalendarData, year: int) -> str:
    """The year's notice in the official form, spelt in :func:`style_of`'s way."""
    style = style_of(year)
    mine = [p for p in periods(data) if p.year == year]
    in_lieu = set(data.in_lieu)
    lines = [
        f"国务院办公厅关于{year}年部分节假日安排的通知",
        "",
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
        f"　　经国务院批准，现将{year}年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节"
        "放假调休日期的具体安排通知如下。",
    ]
    lines += [f"　　{_item(n, p, year, style, bool(in_lieu & set(p.rest)))}"
              for n, p in enumerate(mine)]
    lines += [
        "　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作，遇有重大突发事件，"
        "要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。",
        "",
        "国务院办公厅",
    ]
    text = "\n".join(lines) + "\n"
    if style.traditional:
        text = text.translate(TRADITIONAL)
    if style.ascii:
        text = text.translate(ASCII)
    return text
