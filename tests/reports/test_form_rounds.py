"""Approvals that have no form of their own — a progress report's 审核 (xingzheng_duban
4.2.1（4）), a department's share extension (gongjiao_jituan 第十二条 1), a coordination
request (guoshuiju 四、（四）) — are printed on the 过程记录单 as signature rows: the request,
the chain step with its role word, who signed, the opinion, the date; a step still to sign
is left blank for ink."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import docx

from duban.policy.loader import load_policy
from duban.reports import render_form
from duban.reports.period import SHANGHAI
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import load_scenario

AS_OF = dt.datetime(2026, 12, 31, tzinfo=SHANGHAI)
HEADER = ["事由", "环节", "签署人", "意见", "日期"]
XHTML = "{http://www.w3.org/1999/xhtml}"


def _form(root: Path, policy_id: str, scenario: str, item: str, fmt: str = "md",
          edit: tuple[str, str] | None = None) -> bytes:
    text = (root / "tests/policies" / policy_id / scenario).read_text(encoding="utf-8")
    if edit is not None:
        assert edit[0] in text
        text = text.replace(*edit)
    policy = load_policy(root / "policies" / f"{policy_id}.yaml")
    run = run_scenario(policy, load_scenario(text=text))
    return render_form("process", policy, run.items[item], run.events[item], AS_OF, fmt).data


def _rows(md: str) -> list[list[str]]:
    section = md.split("## 审核与协调意见", 1)[1].split("\n## ", 1)[0]
    return [[c.strip() for c in line.strip("|").split(" | ")]
            for line in section.splitlines() if line.startswith("| 第")]


def test_each_progress_report_s_review_is_a_signature_row(root: Path) -> None:
    md = _form(root, "xingzheng_duban", "fankui_shenhe.yaml", "A",
               edit=("action: reject}", "action: reject, reason: 未写明下一步推进计划}")).decode()
    assert _rows(md) == [
        ["第1次反馈办理情况（2026年11月16日，承办部门（采购部））", "分管领导审核同意（主办部门分管领导）", "分管领导", "同意",
         "2026年11月16日"],
        ["第2次反馈办理情况（2026年11月30日，承办部门（采购部））", "分管领导审核同意（主办部门分管领导）", "分管领导",
         "不同意：未写明下一步推进计划", "2026年11月30日"],
        ["第3次反馈办理情况（2026年12月1日，承办部门（采购部））", "分管领导审核同意（主办部门分管领导）", "分管领导", "同意",
         "2026年12月1日"]]


def test_a_report_still_waiting_leaves_the_signature_blank(root: Path) -> None:
    cut = "  - {at: 2026-12-01T11:00, item: A, action: approve}\n"
    md = _form(root, "xingzheng_duban", "fankui_shenhe.yaml", "A", edit=(cut, "")).decode()
    last = _rows(md)[-1]
    assert last[0].startswith("第3次反馈办理情况（2026年12月1日")
    assert last[1:] == ["分管领导审核同意（主办部门分管领导）", "签字：", "", "年　　月　　日"]


def test_share_extension_and_coordination_rows(root: Path) -> None:
    share = _rows(_form(root, "gongjiao_jituan", "bumen_yanqi.yaml", "A").decode())
    assert [r[1:] for r in share] == [["办公室办理延期手续", "办公室", "同意", "2026年11月4日"]]
    assert share[0][0].startswith("第1次申请部门时限延期（2026年11月4日")
    assert "延期至：2026年11月6日" in share[0][0]
    coord = _rows(_form(root, "guoshuiju", "xietiao.yaml", "A").decode())
    assert [r[1:] for r in coord] == [["督办单位协调解决", "督办单位", "同意", "2026年11月10日"]]
    assert "理由：征管科主张按原方案" in coord[0][0]


def test_no_rows_where_nothing_was_asked(root: Path) -> None:
    md = _form(root, "xingzheng_duban", "fankui_shenhe.yaml", "C").decode()  # 一类：不经审核
    assert "审核与协调意见" not in md


def test_word_and_html_keep_the_rows_in_their_cells(root: Path) -> None:
    edit = ("action: reject}", "action: reject, reason: '<b>x</b>|缺 **计划**'}")
    doc = docx.Document(io.BytesIO(_form(root, "xingzheng_duban", "fankui_shenhe.yaml", "A",
                                         "docx", edit)))
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == HEADER)
    assert [r.cells[3].text for r in table.rows[1:]] == ["同意", "不同意：<b>x</b>|缺 **计划**", "同意"]
    html = _form(root, "xingzheng_duban", "fankui_shenhe.yaml", "A", "html", edit)
    page = ET.fromstring(html.decode().split("\n", 1)[1])
    assert not list(page.iter(f"{XHTML}b")) and b"&lt;b&gt;" in html
    rows = [["".join(td.itertext()) for td in tr] for tr in page.iter(f"{XHTML}tr")]
    assert ["第2次反馈办理情况（2026年11月30日，承办部门（采购部））", "分管领导审核同意（主办部门分管领导）", "分管领导",
            "不同意：<b>x</b>|缺 **计划**", "2026年11月30日"] in rows
