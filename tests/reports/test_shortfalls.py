"""Periods that ended short of an "at least N" floor (wuliu_gongsi 第九条 每两个月不少于3次)
are named in the 通报 of the month they ended in — Markdown, HTML and Word alike — and
counted in the 台账; a title cannot break the table in any format."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import docx

from duban.policy.loader import load_policy
from duban.reports import Dataset, Period, build_report, from_run, render_report
from duban.reports import taizhang as tz
from duban.reports.period import SHANGHAI
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import load_scenario

AS_OF = dt.datetime(2026, 11, 4, tzinfo=SHANGHAI)
OCT = Period.month("2026-10")
HEADER = ["周期", "事项", "主办", "要求", "责任", "完成次数", "应达次数", "依据"]
XHTML = "{http://www.w3.org/1999/xhtml}"


def _dataset(root: Path, retitle: str | None = None) -> Dataset:
    """wuliu_gongsi's ducha_pinci scenario (A: 0 of 1 in 09-03..10-03; B: 2 of 3 in
    08-03..10-03), optionally with item B's title replaced."""
    text = (root / "tests/policies/wuliu_gongsi/ducha_pinci.yaml").read_text(encoding="utf-8")
    if retitle is not None:
        text = text.replace("title: 公司三季度重点工作计划", f"title: {retitle!r}")
    policy = load_policy(root / "policies/wuliu_gongsi.yaml")
    return from_run(run_scenario(policy, load_scenario(text=text)), as_of=AS_OF)


def test_the_month_a_period_ended_in_lists_it(root: Path) -> None:
    ds = _dataset(root)
    assert build_report(ds, Period.month("2026-09")).shortfalls == ()  # none ended then
    md = render_report(ds, OCT, "md").data.decode()
    assert "次数未达要求的周期（2026年10月内结束的周期）" in md
    assert ("| 9月3日—10月3日 | 项目部年度目标（A） | 项目部 | 部门、项目重点工作督查 | 督察组 | 0 | 1 "
            "| 第九条 |") in md
    assert ("| 8月3日—10月3日 | 公司三季度重点工作计划（B） | 工程部 | 公司级重点工作督查 | 督察组 | 2 | 3 "
            "| 第九条 |") in md
    assert "领导交办：仓储安全检查" not in md.split("次数未达要求的周期")[1].split("## 六")[0]
    assert "次数未达要求" not in render_report(ds, Period.month("2026-09"), "md").data.decode()
    quarter = render_report(ds, Period.quarter("2026Q4"), "md").data.decode()
    assert quarter.count("| 第九条 |") == 2


def test_word_and_html_carry_the_table(root: Path) -> None:
    ds = _dataset(root)
    doc = docx.Document(io.BytesIO(render_report(ds, OCT, "docx").data))
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == HEADER)
    body = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [r[1] for r in body] == ["项目部年度目标（A）", "公司三季度重点工作计划（B）"]
    assert [(r[5], r[6]) for r in body] == [("0", "1"), ("2", "3")]
    html = render_report(ds, OCT, "html").data.decode()
    page = ET.fromstring(html.split("\n", 1)[1])
    rows = [["".join(td.itertext()) for td in tr] for tr in page.iter(f"{XHTML}tr")]
    assert ["9月3日—10月3日", "项目部年度目标（A）", "项目部", "部门、项目重点工作督查", "督察组", "0",
            "1", "第九条"] in rows


def test_a_title_cannot_break_the_table(root: Path) -> None:
    ds = _dataset(root, "<script>x</script>|甲 **乙** =1+1")
    html = render_report(ds, OCT, "html").data
    page = ET.fromstring(html.decode().split("\n", 1)[1])
    assert not list(page.iter(f"{XHTML}script")) and b"&lt;script&gt;" in html
    rows = [["".join(td.itertext()) for td in tr] for tr in page.iter(f"{XHTML}tr")]
    [row] = [r for r in rows if r and r[0] == "8月3日—10月3日"]
    assert len(row) == len(HEADER) and row[1].startswith("<script>x</script>|甲 **乙**")
    doc = docx.Document(io.BytesIO(render_report(ds, OCT, "docx").data))
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == HEADER)
    assert all(len(r.cells) == len(HEADER) for r in table.rows)


def test_the_register_counts_each_item_s_short_periods(root: Path) -> None:
    ds = _dataset(root)
    col = tz.COLUMNS.index("次数未达周期")
    counts = {r.values[tz.COLUMNS.index("编号")]: r.values[col] for r in tz.rows(ds)}
    assert counts == {"A": 1, "B": 1, "C": 0}
    csv_rows = tz.to_csv(tz.rows(ds)).decode("utf-8-sig").splitlines()
    assert csv_rows[0].split(",")[col] == "次数未达周期"
