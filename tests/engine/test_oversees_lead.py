"""``oversees: lead``: a role word judged against the item's lead department (主办部门“应经
分管领导审核同意”, xingzheng_duban 4.2.1（4）、4.3.4). The access rules decide it the way
``oversees: supervisor`` is decided against the supervising unit: the 分管领导 who
oversees the item's 主办部门 is accepted, one overseeing only other departments (or none)
is refused with the reason, a canonical stand-in stands for whoever holds the role, and
overseeing the supervising unit never stands in for overseeing the lead. The compile
checks refuse a person overseeing a unit the policy does not know, at its line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from duban.engine.access import authorized, oversees_item, oversight_note
from duban.engine.model import Actor, ItemState
from duban.policy.explain import explain_policy
from duban.policy.loader import load_policy
from duban.policy.model import Policy

ROOT = Path(__file__).resolve().parents[2]
LEADER = frozenset({"leader_in_charge"})
MARKED = ("主办部门分管领导",)  # the feedback approver of 4.2.1（4）/4.3.4
PLAIN = ("分管领导",)  # 4.2.1（3）'s 分管领导审核: not said to be the lead's
#: the fixtures of tests/engine/conftest.py: a policy from text; its located problems
Compiled = Callable[[str], Policy]
Problems = Callable[[str], list[tuple[str, int, int, str, str | None]]]


@pytest.fixture(scope="module")
def xingzheng() -> Policy:
    return load_policy(ROOT / "policies" / "xingzheng_duban.yaml")


def item(lead: str | None = "财务部", supervisor: str | None = None) -> ItemState:
    return ItemState("A", "xingzheng_duban", "h", "反馈待审核", lead=lead, supervisor=supervisor)


def leader(oversees: tuple[str, ...], words: tuple[str, ...] = PLAIN) -> Actor:
    return Actor("副总", None, LEADER, frozenset(words), frozenset(oversees))


def test_the_leader_overseeing_the_lead_is_accepted(xingzheng: Policy) -> None:
    assert authorized(xingzheng, leader(("财务部",)), LEADER, item(), MARKED)
    assert authorized(xingzheng, leader(("采购部", "财务部")), LEADER, item(), MARKED)
    # holding the marked word itself (a user given 主办部门分管领导) is judged the same way
    assert authorized(xingzheng, leader(("财务部",), MARKED), LEADER, item(), MARKED)
    assert not authorized(xingzheng, leader(("采购部",), MARKED), LEADER, item(), MARKED)


def test_a_leader_overseeing_another_department_is_refused_with_why(xingzheng: Policy) -> None:
    other = leader(("采购部", "信息部"))
    assert not oversees_item(xingzheng, other, "leader_in_charge", MARKED, item())
    assert not authorized(xingzheng, other, LEADER, item(), MARKED)
    assert oversight_note(xingzheng, item(), MARKED) == "（须分管本事项的主办部门“财务部”）"
    # 4.2.1（3）'s plain 分管领导 is not judged: any 分管领导 may review the 确认单
    assert authorized(xingzheng, other, LEADER, item(), PLAIN)
    assert oversight_note(xingzheng, item(), PLAIN) == ""
    # and stays the policy's word for the role (lists, stand-ins): the marked synonym names
    # one holder per item, not the role
    assert xingzheng.word("leader_in_charge") == "分管领导"


def test_a_leader_overseeing_nothing_is_refused(xingzheng: Policy) -> None:
    """Holding the word is not enough: the units overseen decide, and none are recorded."""
    assert not authorized(xingzheng, leader(()), LEADER, item(), MARKED)
    assert not authorized(xingzheng, leader((), MARKED), LEADER, item(), MARKED)


def test_the_canonical_stand_in_stands_for_whoever_holds_the_role(xingzheng: Policy) -> None:
    """A portable scenario's actor known only canonically, with no units of its own."""
    stand_in = Actor(None, None, LEADER)
    assert authorized(xingzheng, stand_in, LEADER, item(), MARKED)
    assert authorized(xingzheng, stand_in, LEADER, item(lead=None), MARKED)
    # a canonical name written among the approvers is not judged either
    assert authorized(xingzheng, leader(("采购部",)), LEADER, item(), ("leader_in_charge",))


def test_an_item_without_a_lead_has_no_overseer(xingzheng: Policy) -> None:
    assert not authorized(xingzheng, leader(("财务部",)), LEADER, item(lead=None), MARKED)
    assert oversight_note(xingzheng, item(lead=None), MARKED) == \
        "（须分管本事项的主办部门，但本事项未写明主办部门）"


BOTH = """duban: 1
id: both_marks
name: 两种分管判定
extends: standard
organisation:
  supervisor: {units: [办公室, 征管科], cite: 第一条}
  departments: [办公室, 征管科, 财务部]
  roles:
    局领导: {canonical: leader_in_charge}
    督办单位分管局领导: {canonical: leader_in_charge, same_as: 局领导, oversees: supervisor, cite: 第二条}
    主办部门分管局领导: {canonical: leader_in_charge, same_as: 局领导, oversees: lead, cite: 第三条}
"""


def test_overseeing_the_supervisor_does_not_stand_in_for_the_lead(compiled: Compiled) -> None:
    p = compiled(BOTH)
    it = item(lead="财务部", supervisor="办公室")
    office_overseer = leader(("办公室",), ("局领导",))
    assert authorized(p, office_overseer, LEADER, it, ("督办单位分管局领导",))
    assert not authorized(p, office_overseer, LEADER, it, ("主办部门分管局领导",))
    assert authorized(p, leader(("财务部",), ("局领导",)), LEADER, it, ("主办部门分管局领导",))
    # either approver written: each is judged against its own unit, and the note says both
    either = ("督办单位分管局领导", "主办部门分管局领导")
    assert authorized(p, office_overseer, LEADER, it, either)
    assert not authorized(p, leader(("征管科",), ("局领导",)), LEADER, it, either)
    assert oversight_note(p, it, either) == \
        "（须分管本事项的督办单位“办公室”）（须分管本事项的主办部门“财务部”）"
    text = explain_policy(p)
    assert "主办部门分管局领导（须分管本事项的主办部门）：分管其他单位的局领导不能代替" in text
    assert "督办单位分管局领导（须分管本事项的督办单位）：分管其他单位的局领导不能代替" in text


def test_the_lead_mark_needs_no_supervisor_field(compiled: Compiled) -> None:
    """Every item has a lead of its own; people's units are then any, or the departments."""
    p = compiled(BOTH.replace("  supervisor: {units: [办公室, 征管科], cite: 第一条}\n", "")
                .replace("oversees: supervisor", "oversees: lead")
                .replace("  departments: [办公室, 征管科, 财务部]\n", "")
                + "  people:\n    张: {roles: [局领导], oversees: [任何部门]}\n")
    assert p.supervision is None and p.roles["主办部门分管局领导"].oversees == "lead"


def test_a_person_overseeing_an_unknown_unit_is_refused_where_written(problems: Problems) -> None:
    text = BOTH + "  people:\n    张: {roles: [局领导], oversees: [财务部, 财物部, 征管科]}\n"
    [(code, line, column, message, _)] = problems(text)
    assert (code, line) == ("semantic.unknown_unit", 13)
    assert text.splitlines()[line - 1][column - 1:].startswith("财物部")
    assert message.startswith("人员“张”分管的“财物部”不是可作督办单位的单位、本策略的部门")


def test_a_person_overseeing_without_any_mark_or_field_is_refused(
        compiled: Compiled, problems: Problems) -> None:
    text = """duban: 1
id: no_marks
name: 无分管判定
extends: standard
organisation:
  roles:
    分管领导: {canonical: leader_in_charge}
  people:
    张: {roles: [分管领导], oversees: [财务部]}
"""
    [(code, line, _, message, _)] = problems(text)
    assert (code, line) == ("semantic.no_supervisor", 9)
    assert "没有督办单位字段" in message
    # the same person is fine once a word is judged against the item's lead
    compiled(text.replace("    分管领导: {canonical: leader_in_charge}\n",
                          "    分管领导: {canonical: leader_in_charge, oversees: lead}\n"))
