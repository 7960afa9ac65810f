"""``duban calendar import``: the State Council's notice → a calendar data file.

The round trip: for every year 2007–2026 the notice is written in the official form from
the shipped data (tests/calendar/notices.py, in a different mix of spellings each year),
imported with the real command into a real file, and must give exactly the shipped rest
and work days. The 2027 notice here is a TEST FIXTURE (tests/calendar/data/), not the
published arrangement.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from duban.calendar import (
    NoticeError,
    build_calendar,
    load_additions,
    official_calendar,
    official_data,
    read_notice,
)
from duban.cli import main

DATA = Path(__file__).parent / "data"
#: TEST FIXTURE: a 2027 notice in the official form with invented days (see the file).
FIXTURE_2027 = DATA / "notice-2027-TEST-FIXTURE.txt"
D = dt.date.fromisoformat
YEARS = range(2007, 2027)


def _import(runner: CliRunner, notice: Path, out: Path, *extra: str) -> str:
    result = runner.invoke(main, ["calendar", "import", str(notice), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("year", YEARS)
def test_round_trip_gives_exactly_the_shipped_days(year: int, tmp_path: Path,
        notice_from_data: Callable[..., str], periods: Callable[..., list[Any]]) -> None:
    data = official_data()
    notice = tmp_path / f"{year}.txt"
    notice.write_text(notice_from_data(data, year), encoding="utf-8")
    out = tmp_path / f"{year}.yaml"
    _import(CliRunner(), notice, out)
    added = load_additions(out)
    mine = [p for p in periods(data) if p.year == year]
    assert set(added.holidays) == {d for p in mine for d in p.rest}
    assert set(added.workdays) == {d for p in mine for d in p.workdays}
    assert f"关于{year}年部分节假日安排的通知" in added.source


def test_imported_years_rebuild_the_official_calendar(tmp_path: Path,
        notice_from_data: Callable[..., str]) -> None:
    """Data up to 2006 plus the twenty imported files answer every day of 2007–2026 as the
    shipped calendar does."""
    data = official_data()
    cut = dt.date(2006, 12, 31)
    upto_2006 = dataclasses.replace(
        data, version="cn-official-2004-2006", last=cut,
        holidays={d: k for d, k in data.holidays.items() if d <= cut},
        workdays=frozenset(d for d in data.workdays if d <= cut))
    files = []
    runner = CliRunner()
    for year in YEARS:
        notice = tmp_path / f"{year}.txt"
        notice.write_text(notice_from_data(data, year), encoding="utf-8")
        _import(runner, notice, tmp_path / f"{year}.yaml")
        files.append(load_additions(tmp_path / f"{year}.yaml"))
    rebuilt = build_calendar(data=upto_2006, additions=files)
    official = official_calendar()
    assert rebuilt.known_range == (dt.date(2004, 1, 1), dt.date(2026, 12, 31))
    day = dt.date(2007, 1, 1)
    while day.year <= 2026:
        assert rebuilt.is_workday(day) == official.is_workday(day), day
        day += dt.timedelta(days=1)


def test_import_prints_what_differs_and_writes_the_source(tmp_path: Path) -> None:
    out = tmp_path / "2027.yaml"
    text = _import(CliRunner(), FIXTURE_2027, out)
    assert "春节：2027-02-05 至 2027-02-13 放假 9 天；2027-02-20 上班" in text
    assert "2027-02-08 周一 休息（春节）" in text
    assert "2027-10-09 周六 上班（国庆节）" in text
    assert "days that differ from the weekday rule: 23" in text
    written = out.read_text(encoding="utf-8")
    assert "TEST-FIXTURE" in written  # the origin file is named in the header
    added = load_additions(out)
    assert D("2027-01-01") in added.holidays and D("2027-04-25") in added.workdays


NOTICE = """国务院办公厅关于2027年部分节假日安排的通知
{body}
国务院办公厅
2026年11月20日
"""


def _notice(body: str) -> str:
    return NOTICE.format(body=body)


@pytest.mark.parametrize(
    ("body", "rest", "work"),
    [
        # traditional characters, 星期, full-width punctuation
        ("一、春節：2月5日（星期五）至13日（星期六）放假調休，共9天。2月20日（星期六）上班。",
         "2027-02-05..2027-02-13", ["2027-02-20"]),
        # ASCII punctuation and 周
        ("一、国庆节:10月1日(周五)至7日(周四)放假调休,共7天.9月26日(周日)、10月9日(周六)上班.",
         "2027-10-01..2027-10-07", ["2027-09-26", "2027-10-09"]),
        # 与周末连休 after a Monday, Chinese numeral count
        ("一、清明节：4月5日（周一）放假，与周末连休，共三天。", "2027-04-03..2027-04-05", []),
        # 补休: a Sunday festival and the Monday after
        ("一、端午节：6月13日（周日）放假，6月14日（周一）补休。", "2027-06-13..2027-06-14", []),
        # 元旦 across the year end, years written
        ("一、元旦：2026年12月31日（周四）至2027年1月3日（周日）放假调休，共4天。",
         "2026-12-31..2027-01-03", []),
        # 元旦 across the year end, years left out (December is the year before)
        ("一、元旦：12月31日（周四）至1月3日（周日）放假调休，共4天。",
         "2026-12-31..2027-01-03", []),
        # a wrapped line (a PDF copy) is joined to its item
        ("一、劳动节：5月1日（周六）至5日（周三）放假调休，\n共5天。4月25日（周日）、5月8日（周六）上班。",
         "2027-05-01..2027-05-05", ["2027-04-25", "2027-05-08"]),
        # 放假 only, 其中 explains and is skipped
        ("一、元旦：1月1日（周五）至3日（周日）放假，共3天。其中，1月1日为法定节假日。",
         "2027-01-01..2027-01-03", []),
    ],
)
def test_forms_a_notice_is_published_in(body: str, rest: str, work: list[str]) -> None:
    notice = read_notice(_notice(body), source="n.txt")
    first, last = (D(x) for x in rest.split(".."))
    expected = {first + dt.timedelta(days=i) for i in range((last - first).days + 1)}
    assert set(notice.holidays) == expected
    assert [d.isoformat() for d in notice.workdays] == work
    assert notice.published == D("2026-11-20")


def test_year_end_notice_extends_the_calendar_over_the_data(tmp_path: Path) -> None:
    """12-31 of the data's last year can be part of the next year's 元旦: the file overrides
    the day and makes 2027 known."""
    notice = tmp_path / "n.txt"
    notice.write_text(_notice("一、元旦：12月31日（周四）至1月3日（周日）放假调休，共4天。"
                              "1月9日（周六）上班。"), encoding="utf-8")
    _import(CliRunner(), notice, tmp_path / "2027.yaml")
    cal = build_calendar(additions=[load_additions(tmp_path / "2027.yaml")])
    assert not cal.is_workday(D("2026-12-31"))
    assert cal.is_workday(D("2027-01-09")) and cal.known_range[1] == D("2027-12-31")


@pytest.mark.parametrize(
    ("body", "line", "code", "needle"),
    [
        ("一、元旦：1月1日（周五）至3日（周日）放假，共4天。", 2, "notice.total", "共4天"),
        ("一、春节：2月5日（周五）至13日（周六）放假调休，共9天。2月17日（周三）上班。", 2,
         "notice.workday", "2027-02-17 是周三"),
        ("一、元旦：1月1日（周四）至3日（周日）放假，共3天。", 2, "notice.weekday", "通知写的是周四"),
        ("一、元旦：1月1日（周五）至3日（周日）休息，共3天。", 2, "notice.unreadable", "休息"),
        ("一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n春节2月5日至13日放假。", 3,
         "notice.unreadable", "无法识别这一行"),
        ("一、端午节：6月9日（周三）放假，与周末连休。", 2, "notice.unreadable", "前后都不是周末"),
        ("一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n二、春节：1月3日（周日）至9日（周六）"
         "放假，共7天。", 3, "notice.overlap", "第 2 行"),
        ("一、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。10月3日（周日）上班。", 2,
         "notice.overlap", "既是放假日又是上班日"),
        ("一、元旦：2月30日放假。", 2, "notice.unreadable", "不是有效日期"),
        ("这是一份没有安排的文本。", 1, "notice.empty", "没有找到"),
    ],
)
def test_malformed_notice_names_the_line_and_writes_nothing(
        tmp_path: Path, body: str, line: int, code: str, needle: str) -> None:
    notice = tmp_path / "bad.txt"
    notice.write_text(_notice(body), encoding="utf-8")
    out = tmp_path / "2027.yaml"
    out.write_text("previous: content\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["calendar", "import", str(notice), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{notice}:{line}:1: 错误[{code}]" in result.output
    assert needle in result.output
    assert "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "previous: content\n"  # unchanged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2027.yaml", "bad.txt"]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(NoticeError) as err:
        read_notice(_notice("一、元旦：1月1日（周五）至3日（周日）放假，共4天。\n"
                            "二、春节：2月5日（周五）至13日（周六）放假，共9天。2月17日（周三）上班。"))
    assert [(p.code, p.location.line if p.location else 0) for p in err.value.problems] == [
        ("notice.total", 2), ("notice.workday", 3)]


def test_a_notice_without_title_needs_the_year(tmp_path: Path) -> None:
    notice = tmp_path / "n.txt"
    notice.write_text("一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n", encoding="utf-8")
    out = tmp_path / "2027.yaml"
    result = CliRunner().invoke(main, ["calendar", "import", str(notice), "-o", str(out)])
    assert result.exit_code == 2 and "--year" in result.output and not out.exists()
    _import(CliRunner(), notice, out, "--year", "2027")
    assert D("2027-01-01") in load_additions(out).holidays


def test_unreadable_file_is_one_error(tmp_path: Path) -> None:
    notice = tmp_path / "n.txt"
    notice.write_bytes("元旦".encode("gbk"))
    result = CliRunner().invoke(main, ["calendar", "import", str(notice), "-o",
                                       str(tmp_path / "o.yaml")])
    assert result.exit_code == 2 and "UTF-8" in result.output
    assert not (tmp_path / "o.yaml").exists()
