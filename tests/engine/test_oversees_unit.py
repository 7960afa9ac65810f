"""``oversees: {unit: …}``: a role word judged against one fixed unit of the organisation,
whatever the item (督查工作制度 三、（一）“经党政办分管领导审核”, zhen_ducha). The access
rules decide it the way the two item-relative marks are decided: the 分管领导 who oversees
党政办 is accepted, one overseeing only other units (or none) is refused with the reason,
a canonical stand-in stands for whoever holds the role, and overseeing the item's own
units never stands in for the fixed one. The compile checks refuse a fixed unit the
organisation does not know, and a person overseeing one, at its line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from duban.diff import diff_policies
from duban.engine.access import authorized, judged_unit, oversees_item, oversight_note
from duban.engine.model import Actor, ItemState
from duban.policy.explain import explain_policy
from duban.policy.loader import load_policy
from duban.policy.model import Policy
from duban.policy.shipped import policies_dir

ROOT = Path(__file__).resolve().parents[2]
LEADER = frozenset({"leader_in_charge"})
MARKED = ("党政办分管领导",)  # 三、（一）: the 呈批表 is reviewed by the 分管领导 of 党政办
PLAIN = ("分管领导",)  # 第四条: 分管领导审核/审阅/审示, not said to be whose
#: the fixtures of tests/engine/conftest.py: a policy from text; its located problems
Compiled = Callable[[str], Policy]
Problems = Callable[[str], list[tuple[str, int, int, str, str | None]]]


@pytest.fixture(scope="module")
def zhen() -> Policy:
    return load_policy(ROOT / "policies" / "zhen_ducha.yaml")


def item(lead: str | None = "农业办", supervisor: str | None = None) -> ItemState:
    return ItemState("A", "zhen_ducha", "h", "待批示", lead=lead, supervisor=supervisor)


def leader(oversees: tuple[str, ...], words: tuple[str, ...] = PLAIN) -> Actor:
    return Actor("副镇长", None, LEADER, frozenset(words), frozenset(oversees))


def test_the_leader_overseeing_the_fixed_unit_is_accepted(zhen: Policy) -> None:
    assert authorized(zhen, leader(("党政办",)), LEADER, item(), MARKED)
    assert authorized(zhen, leader(("农业办", "党政办")), LEADER, item(), MARKED)
    # the unit is the policy's, not the item's: the same for every item, lead or none
    assert authorized(zhen, leader(("党政办",)), LEADER, item(lead=None), MARKED)
    assert judged_unit(zhen, "党政办分管领导", item(lead=None)) == "党政办"
    # holding the marked word itself (a user given 党政办分管领导) is judged the same way
    assert authorized(zhen, leader(("党政办",), MARKED), LEADER, item(), MARKED)
    assert not authorized(zhen, leader(("农业办",), MARKED), LEADER, item(), MARKED)


def test_a_leader_overseeing_another_unit_is_refused_with_why(zhen: Policy) -> None:
    other = leader(("农业办", "城建办"))
    assert not oversees_item(zhen, other, "leader_in_charge", MARKED, item())
    assert not authorized(zhen, other, LEADER, item(), MARKED)
    assert oversight_note(zhen, item(), MARKED) == "（须分管党政办）"
    # overseeing the item's own lead does not stand in for overseeing 党政办
    assert not authorized(zhen, leader(("农业办",)), LEADER, item(lead="农业办"), MARKED)
    # 第四条's plain 分管领导 is not judged: any 分管领导 may review
    assert authorized(zhen, other, LEADER, item(), PLAIN)
    assert oversight_note(zhen, item(), PLAIN) == ""
    # and stays the policy's word for the role (lists, stand-ins, the extension approver)
    assert zhen.word("leader_in_charge") == "分管领导"


def test_a_leader_overseeing_nothing_is_refused(zhen: Policy) -> None:
    """Holding the word is not enough: the units overseen decide, and none are recorded."""
    assert not authorized(zhen, leader(()), LEADER, item(), MARKED)
    assert not authorized(zhen, leader((), MARKED), LEADER, item(), MARKED)


def test_the_canonical_stand_in_stands_for_whoever_holds_the_role(zhen: Policy) -> None:
    """A portable scenario's actor known only canonically, with no units of its own."""
    stand_in = Actor(None, None, LEADER)
    assert authorized(zhen, stand_in, LEADER, item(), MARKED)
    # a canonical name written among the approvers is not judged either
    assert authorized(zhen, leader(("农业办",)), LEADER, item(), ("leader_in_charge",))


def test_only_the_opening_step_of_the_text_is_marked(zhen: Policy) -> None:
    """三、（一） names the 党政办's 分管领导 for the 呈批 step only; every other step that
    names a 分管领导 (第四条, the extension default) keeps the plain word."""
    marked = {(c.name, s.name) for c in zhen.chains.values() for s in c.steps
              for _, w in s.options() if w == "党政办分管领导"}
    assert marked == {("呈批", "党政办分管领导审核")}
    plain = {c.name for c in zhen.chains.values() for s in c.steps if s.word == "分管领导"}
    assert plain == {"延期审批", "送审", "分管领导审核", "督查反馈", "批示件反馈", "督查调研报告",
                     "现场督办报告"}


def test_explain_and_diff_say_whose_review_it_is(zhen: Policy, tmp_path: Path) -> None:
    text = explain_policy(zhen)
    assert "党政办分管领导（须分管党政办）：分管其他单位的分管领导不能代替" in text
    assert "党政办分管领导（须分管党政办）（党政办分管领导审核） → 镇主要领导" in text
    assert "须分管本事项的党政办" not in text
    new = policies_dir() / "zhen_ducha.yaml"
    old = tmp_path / "zhen_before.yaml"
    old.write_text(new.read_text(encoding="utf-8").replace(
        "role: 党政办分管领导, name", "role: 分管领导, name"), encoding="utf-8")
    said = [c.sentence() for c in diff_policies(load_policy(old), load_policy(new))]
    assert "审批链“呈批”的审批人：分管领导、镇主要领导 → 分管领导（须分管党政办）、镇主要领导" in said


BASE = """duban: 1
id: fixed_unit
name: 固定单位的分管领导
extends: standard
organisation:
  departments: [党政办, 财政所]
  roles:
    党政办: {canonical: supervisor_office}
    分管领导: {canonical: leader_in_charge}
    党政办分管领导: {canonical: leader_in_charge, same_as: 分管领导, oversees: {unit: 党政办}, cite: 三、（一）}
"""


def test_a_fixed_unit_is_a_department_or_an_office(compiled: Compiled) -> None:
    """Known: a listed department, or a word for the organisation's own office — the
    mark needs no supervisor field, and the people's units are then checked too."""
    p = compiled(BASE)
    assert (p.roles["党政办分管领导"].oversees, p.roles["党政办分管领导"].unit) == ("unit", "党政办")
    assert p.supervision is None
    # no departments listed: the office word alone makes 党政办 known
    compiled(BASE.replace("  departments: [党政办, 财政所]\n", ""))
    compiled(BASE.replace("{unit: 党政办}", "{unit: 财政所}"))


def test_an_unknown_fixed_unit_is_refused_where_written(problems: Problems) -> None:
    text = BASE.replace("{unit: 党政办}", "{unit: 党政辦}")
    [(code, line, column, message, hint)] = problems(text)
    assert (code, line) == ("semantic.unknown_unit", 10)
    assert text.splitlines()[line - 1][column - 1:].startswith("党政辦")
    assert message.startswith("角色“党政办分管领导”须分管的“党政辦”不是本单位的部门或办公室")
    assert hint is not None and "党政办" in hint
    # an empty department list does not mean "any" for the unit the policy itself names
    bare = BASE.replace("  departments: [党政办, 财政所]\n", "").replace("{unit: 党政办}",
                                                                       "{unit: 财政所}")
    [(code, line, _, _, _)] = problems(bare)
    assert (code, line) == ("semantic.unknown_unit", 9)


def test_a_person_overseeing_an_unknown_unit_is_refused_where_written(
        compiled: Compiled, problems: Problems) -> None:
    text = BASE + "  people:\n    张: {roles: [分管领导], oversees: [党政办, 财正所]}\n"
    [(code, line, column, message, _)] = problems(text)
    assert (code, line) == ("semantic.unknown_unit", 12)
    assert text.splitlines()[line - 1][column - 1:].startswith("财正所")
    assert message.startswith("人员“张”分管的“财正所”不是本策略的部门、本单位的办公室")
    # no departments listed: people's units are any (the directory may list them), as for lead
    compiled(BASE.replace("  departments: [党政办, 财政所]\n", "")
            + "  people:\n    张: {roles: [分管领导], oversees: [党政办, 农业办]}\n")


def test_a_mark_that_is_neither_a_name_nor_a_unit_is_refused_by_the_schema(
        problems: Problems) -> None:
    """A misspelt item-relative mark is not read as a unit's name: the strings are the
    item's own units, a fixed unit is always ``{unit: …}``."""
    found = problems(BASE.replace("{unit: 党政办}", "leed"))
    assert found and all(line == 10 for _, line, _, _, _ in found)
    assert problems(BASE.replace("{unit: 党政办}", "{unit: 党政办, of: item}"))
