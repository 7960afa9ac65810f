"""The Word files reopen with python-docx and hold real tables (what an office edits)."""

from __future__ import annotations

import datetime as dt
import io

import docx

from duban.policy.model import Policy
from duban.reports import Dataset, Period, build_report, render_form, render_report

HEADER = ["排名", "部门", "督办总数", "按时办结", "逾期", "在办", "延期", "退办", "办结率",
          "协办事项", "扣分", "绩效系数"]


def rows(table: object) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]  # type: ignore[attr-defined]


def test_bulletin_docx_tables(dataset: Dataset) -> None:
    data = render_report(dataset, Period.month("2026-11"), "docx").data
    doc = docx.Document(io.BytesIO(data))
    assert doc.core_properties.title == "督查通报"
    assert doc.paragraphs[0].text == "督查通报"
    depts = rows(doc.tables[0])
    assert depts[0] == HEADER
    report = build_report(dataset, Period.month("2026-11"))
    assert [r[1] for r in depts[1:-1]] == [d.name for d in report.depts]
    assert depts[1][:3] == ["1", "人力资源部", "1"]
    assert depts[-1][1:4] == ["合计", "7", "4"] and depts[-1][8] == "57.1%"
    items = rows(doc.tables[-1])
    assert items[0][:3] == ["序号", "编号", "事项"]
    assert len(items) == 1 + 7
    assert ["2", "测督字〔2026〕2号", "总经理办公会：编制年度预算", "财务部", "人力资源部",
            "11月13日", "已办结", "按时办结"] in items
    penalties = next(t for t in doc.tables if rows(t)[0][0] == "日期")
    assert any(r[1] == "工程部" and r[4] == "-2" for r in rows(penalties))


def test_form_docx(form_item: tuple[str, str], policy: Policy, run: object,
                   as_of: dt.datetime) -> None:
    kind, item = form_item
    it = run.items[item]
    data = render_form(kind, policy, it, run.events[item], as_of, "docx").data
    doc = docx.Document(io.BytesIO(data))
    assert doc.tables, "every form has at least one table"
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert it.title in text
    assert it.number in text or (kind == "report" and it.id in text)
    if kind in ("notice", "stub"):
        assert rows(doc.tables[0])[5][1] == "限 2026 年 11 月 13 日前完成工作"
        # 承办部门 spans the 牵头部门 and 协办部门 rows, as on the paper form
        assert rows(doc.tables[0])[3][0] == rows(doc.tables[0])[4][0] == "承办部门"
    if kind == "notice":
        assert len(doc.tables) == 2  # 存根 and 通知单
