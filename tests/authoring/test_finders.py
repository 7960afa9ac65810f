"""Candidate rules found in clauses: time limits, roles, approvals, extensions,
reminders, penalties and document numbers — each with the cite of its clause."""

from __future__ import annotations

import pytest

from duban.authoring.candidates import Candidate
from duban.authoring.roles import canonical_guess, find_roles, role_words
from duban.authoring.rules import (
    find_approvals,
    find_extensions,
    find_numbering,
    find_penalties,
    find_reminders,
)
from duban.authoring.structure import Clause
from duban.authoring.timelimits import find_time_limits
from duban.calendar.duration import parse_duration


def clause(text: str, cite: str = "第九条") -> Clause:
    return Clause(cite, text, text)


def limits(text: str) -> list[Candidate]:
    return find_time_limits(clause(text))


@pytest.mark.parametrize(("text", "duration", "kind"), [
    ("对领导批示要查办落实的事项，未规定时限的一般应在两周内办结；", "两周", "handling"),
    ("一般从收受之日起7日内办理完毕", "7日", "handling"),
    ("人大代表建议和政协委员提案，一般在15天内办理完毕", "15日", "handling"),
    ("办理时限一般不超过一个月。", "一个月", "handling"),
    ("延期精确到小时，应在48小时内答复。", "48小时", "other"),
    ("总经理工作部应在3个工作日内(自接到承办部门上报之日起算,节假日顺延)完成审核工作。",
     "3个工作日", "review_step"),
    ("分管领导应在2个工作日内审核批复延期申请。", "2个工作日", "extension_step"),
    ("对非本单位职责范围的承办任务，必须在2个工作日内报告。", "2个工作日", "decline"),
    ("由督查组提前1至3个工作日发出“催办预告”。", "3个工作日", "before_due"),
    ("督查组在超期后2个工作日内向责任部门发出《催办通知》。", "2个工作日", "after_due"),
    ("紧急收文办毕时间不超过3个工作日", "3个工作日", "urgency"),
    ("涉及多部门办理的公文，部门时间不得超过2天", "2日", "per_department"),
    ("督查每个月不少于1次", "一个月", "period"),
    ("在一个工作日内将汇报材料进行综合整理", "1个工作日", "process_step"),
    ("在2个工作日内向有关单位发出“督查通知”", "2个工作日", "process_step"),
])
def test_time_limits_and_what_they_govern(text: str, duration: str, kind: str) -> None:
    found = limits(text)
    assert [(c.duration, c.facts["kind"]) for c in found] == [(parse_duration(duration), kind)]
    assert found[0].cite == "第九条" and found[0].quote


def test_time_limit_facts() -> None:
    [c] = limits("必须在2个工作日内（自接到《督查、督办工作联系单》之日起算，节假日顺延）及时报告")
    assert c.facts["from"] == "自接到《督查、督办工作联系单》之日起算"
    assert c.facts["roll_forward"] is True
    [r] = limits("提前1至3个工作日向工作执行部门责任人发出“催办预告”")
    assert r.facts["range"] == "1至3"
    assert r.value["before_due"] == "3个工作日"
    [b] = limits("办理时限一般不超过一个月")
    assert b.facts["bound"] == "不超过" or b.facts["bound"] == "一般"


def test_each_urgency_level_keeps_its_own_limit() -> None:
    found = limits("普通收文办毕时间不超过7个工作日（涉及多部门办理的公文，部门时间不得超过2天），"
                   "紧急收文办毕时间不超过3个工作日，特急收文及时办结。")
    assert [(c.key, c.value) for c in found] == [
        ("handling", {"by_urgency": {"普通": "7个工作日", "紧急": "3个工作日"}, "cite": "第九条"}),
        ("per_department", {"limit": "2日", "cite": "第九条"}), (None, None)]
    assert [c.duration for c in found] == [parse_duration(x) for x in ("7个工作日", "2日", "3个工作日")]


@pytest.mark.parametrize("text", [
    "本制度自2022年6月16日起施行。", "二〇一〇年七月十五日", "办理事项未按时完成的，迟办1天扣1分。",
    "限 年 月 日前完成工作", "对检查中发现的问题，限期改正。"])
def test_what_is_not_a_time_limit(text: str) -> None:
    assert limits(text) == []


def test_role_words_as_written_and_their_canonical_guess() -> None:
    text = ("总经理工作部对需要列入督查督办的事项，报公司领导批准后（总经理督办须报总经理批准），"
            "下发承办部门，并分送分管领导知晓；交党委工作部、人力资源部备案。由总经理工作部汇总。")
    assert role_words(text, ["总经理工作部", "党委工作部", "人力资源部"]) == [
        "总经理工作部", "公司领导", "总经理", "承办部门", "分管领导", "党委工作部", "人力资源部"]
    assert canonical_guess("分管领导") == "leader_in_charge"
    assert canonical_guess("公司主要领导") == "general_manager"
    assert canonical_guess("协办部门") == "assisting_department"
    roles = find_roles([clause("综合部是督办工作的归口管理部门。", "1.3"),
                        clause("综合部与主办部门共同填写过程记录单。", "4.3.5")])
    assert [(c.key, c.cite, c.value["canonical"]) for c in roles] == [
        ("综合部", "1.3", "supervisor_office"), ("主办部门", "4.3.5", "lead_department")]


def test_approvals_name_their_approvers() -> None:
    found = find_approvals(clause("综合部呈报确认单，经分管领导审核、总经理审批后，即为专项督办任务。"))
    assert [c.value["steps"] for c in found] == [[{"role": "分管领导", "name": "分管领导审核"}]]
    found = find_approvals(clause("第二次申请延期的，须经公司总经理签署意见。"))
    assert found[0].facts["approvers"] == ["公司总经理"]


def test_extension_sentences_report_count_time_and_approver() -> None:
    [c] = find_extensions(clause("第二次申请延期的，须经公司总经理签署意见，并限时办结，不得再次延期。"))
    assert c.facts == {"次数": "第二次", "限制": "不得再次延期", "审批人": "公司总经理"}
    [d] = find_extensions(clause("承办单位应在办理时限到期前按程序办理延期。"))
    assert d.facts == {"时点": "期限届满前申请"} and d.value["before_due"] is True
    assert find_extensions(clause("督查工作包括立项、延期、催办等程序。")) == []


def test_reminders_without_a_time_suggest_nothing() -> None:
    [c] = find_reminders(clause("对未按期办结的，督办单位进行催办。"))
    assert c.value is None and "未给时点" in c.summary


def test_penalties_and_commendations() -> None:
    found = find_penalties(clause("办理事项未按时完成的，迟办1天扣1分。办理事项不符合要求的，每发现1处扣1分；"
                                  "部门当月绩效系数下浮0.05，并通报批评。分(子)公司视情况扣1-5分。"
                                  "对落实好的单位给予通报表扬。"))
    summaries = [c.summary for c in found]
    assert "逾期每1天扣1分" in summaries
    assert "扣1–5分" in summaries
    assert "绩效系数下浮 0.05" in summaries
    assert "措施：通报批评" in summaries and "措施：通报表扬" in summaries
    late = next(c for c in found if c.summary == "逾期每1天扣1分")
    assert late.value["points_per_day"] == -1 and late.value["day_unit"] == "day"


def test_document_numbers() -> None:
    [c] = find_numbering(clause("陕秦安发〔2022〕30号"))
    assert c.value["format"] == "陕秦安发〔{year}〕{seq}号"
    [d] = find_numbering(clause("跟进督办事项通知单 陕秦安督字[ ] 号"))
    assert d.value["format"] == "陕秦安督字〔{year}〕{seq}号"
