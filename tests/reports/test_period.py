"""Periods: parsing, bounds in local time, trend buckets; the Markdown subset reader."""

from __future__ import annotations

import datetime as dt

import pytest

from duban.errors import DubanError
from duban.reports.mdblocks import Heading, ListBlock, Para, Rule, Table, parse, runs
from duban.reports.period import SHANGHAI, Period, parse_period


def test_parse_each_kind() -> None:
    assert parse_period("2026-10", None, None) == Period("month", 2026, 10)
    assert parse_period(None, "2026Q3", None) == Period("quarter", 2026, 3)
    assert parse_period(None, None, "2026") == Period("year", 2026, 0)
    assert Period.month("2026-9").code == "2026-09"


@pytest.mark.parametrize("args", [("2026-13", None, None), (None, "2026Q5", None),
                                  (None, None, "26"), (None, None, None),
                                  ("2026-10", "2026Q4", None)])
def test_bad_periods(args: tuple[str | None, str | None, str | None]) -> None:
    with pytest.raises(DubanError):
        parse_period(*args)


def test_bounds_are_local_midnight() -> None:
    start, end = Period.quarter("2026Q4").bounds()
    assert start == dt.datetime(2026, 10, 1, tzinfo=SHANGHAI)
    assert end == dt.datetime(2027, 1, 1, tzinfo=SHANGHAI)
    p = Period.month("2026-10")
    assert p.contains(dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.UTC))  # 10-01 00:30 local
    assert not p.contains(dt.datetime(2026, 10, 31, 16, 0, tzinfo=dt.UTC))  # 11-01 local
    assert Period.month("2026-12").next() == Period.month("2027-01")
    assert Period.quarter("2026Q4").title == "2026年第四季度"


def test_buckets() -> None:
    assert [b.label for b in Period.month("2026-09").buckets()] == [
        "9/1–9/6", "9/7–9/13", "9/14–9/20", "9/21–9/27", "9/28–9/30"]
    assert [b.label for b in Period.quarter("2026Q3").buckets()] == ["7月", "8月", "9月"]
    assert len(Period.whole_year("2026").buckets()) == 12


def test_markdown_blocks() -> None:
    blocks = parse("# 标题\n\n第一行\n第二行\n\n| 甲 | 乙 |\n|---|---:|\n| a\\|b | 2 |\n"
                   "|  | 3 |\n\n1. 一\n2. 二\n\n---\n- 点\n")
    assert blocks[0] == Heading(1, "标题")
    assert blocks[1] == Para(("第一行", "第二行"))
    table = blocks[2]
    assert isinstance(table, Table)
    assert table.header == ("甲", "乙") and table.align == ("left", "right")
    assert table.rows == (("a\\|b", "2"), ("", "3"))
    assert table.label_spans() == [2, 0]
    assert blocks[3] == ListBlock(True, ("一", "二"))
    assert isinstance(blocks[4], Rule)
    assert blocks[5] == ListBlock(False, ("点",))
    assert runs("前**粗**后\\*") == [("前", False), ("粗", True), ("后*", False)]
