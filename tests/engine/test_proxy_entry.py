"""代录 as policy: ``proxy_entry`` names the roles whose decisions someone else may enter
(a clerk recording a leader's paper signature). The pure core refuses a 代录 entry for any
other role with the rule and its basis; an entry by the deciding person is not 代录; a
policy without the rule enforces nothing. explain and diff say the rule in words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from duban.diff.semantic import diff_policies
from duban.engine.core import ActionRefused, engine_for
from duban.engine.entry import may_be_entered_for
from duban.engine.model import Actor, Event, ItemState
from duban.policy.explain import explain_policy
from duban.policy.loader import load_policy
from duban.policy.model import Policy
from duban.reports.history import trail

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "policies" / "gansu_huizhan.yaml"
BECAUSE = "领导纸面签批由总经理工作部督办专员录入（制度未规定代录）"
CLERK = "总经理工作部 张三"
AT = dt.datetime(2026, 9, 21, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _policy(tmp_path: Path, rule: str) -> Policy:
    path = tmp_path / "gansu_huizhan.yaml"
    path.write_text(SHIPPED.read_text(encoding="utf-8") + "\n" + rule, encoding="utf-8")
    return load_policy(path)


@pytest.fixture
def policy(tmp_path: Path) -> Policy:
    return _policy(tmp_path, f"proxy_entry:\n  roles: [总经理, 分管领导]\n  because: {BECAUSE}\n")


def _actor(person: str | None, dept: str | None, word: str, policy: Policy) -> Actor:
    canonical = policy.canonical_role(word)
    assert canonical is not None
    return Actor(person, dept, frozenset({canonical}), frozenset({word}))


def _assigned(policy: Policy) -> ItemState:
    """A 总经理督办 item: opened by the clerk in person, approved by the 总经理 on paper and
    entered by the clerk (代录, allowed for 总经理)."""
    engine = engine_for(policy)
    item = engine.new_item("A")
    item, _ = engine.apply(item, Event(
        "create", AT, _actor("张三", "总经理工作部", "总经理工作部", policy),
        {"kind": "meeting_decision", "category": "总经理督办", "title": "资产清查",
         "lead": "财务部"}, entered_by=CLERK))
    item, _ = engine.apply(item, Event("approve", AT + dt.timedelta(hours=1),
                                       _actor("李总", None, "总经理", policy), {},
                                       entered_by=CLERK))
    assert item.state == "已交办"
    return item


def _progress(by: Actor, entered_by: str | None) -> Event:
    return Event("progress", AT + dt.timedelta(days=1), by, {"reason": "已完成盘点"},
                 entered_by=entered_by)


def test_a_listed_roles_decision_may_be_entered_by_the_clerk(policy: Policy) -> None:
    item = _assigned(policy)
    assert item.state == "已交办" and item.pending is None


def test_another_roles_decision_entered_by_someone_else_is_refused_with_the_basis(
        policy: Policy) -> None:
    item = _assigned(policy)
    with pytest.raises(ActionRefused) as refused:
        engine_for(policy).apply(item, _progress(_actor(None, "财务部", "承办部门", policy),
                                                 CLERK))
    err = refused.value
    assert err.code == "permission_denied" and err.rule == "代录"
    assert err.cite == f"制度未规定，本单位按{BECAUSE}"
    assert "承办部门（财务部）的决定须由本人录入，不得由 总经理工作部 张三 代录" in str(err)
    assert "可以代录的只有：总经理、分管领导" in str(err)


def test_the_deciding_person_entering_it_is_not_代录(policy: Policy) -> None:
    item = _assigned(policy)
    engine = engine_for(policy)
    wang = _actor("王五", "财务部", "承办部门", policy)
    for entered_by in ("王五", "财务部 王五", None):  # by name, 部门 姓名, or not recorded
        after, _ = engine.apply(item, _progress(wang, entered_by))
        assert after.seq == item.seq + 1
    with pytest.raises(ActionRefused):  # someone else named 王五's decision: 代录
        engine.apply(item, _progress(wang, "财务部 赵六"))


def test_words_are_matched_as_authorisation_matches_them(policy: Policy) -> None:
    """督办领导 is not listed (only 总经理 and 分管领导); an actor known only by a canonical
    role stands for any word of it."""
    assert not may_be_entered_for(policy, _actor(None, None, "督办领导", policy))
    assert may_be_entered_for(policy, _actor("王总", None, "分管领导", policy))
    assert may_be_entered_for(policy, Actor(None, None, frozenset({"leader_in_charge"})))
    assert not may_be_entered_for(policy, Actor(None, None, frozenset({"leadership_group"})))
    item = _assigned(policy)
    with pytest.raises(ActionRefused, match="督办领导的决定须由本人录入"):
        engine_for(policy).apply(item, Event("remind", AT + dt.timedelta(days=1), _actor(
            None, None, "督办领导", policy), {}, entered_by=CLERK))


def test_an_empty_list_allows_nobody(tmp_path: Path) -> None:
    policy = _policy(tmp_path, "proxy_entry:\n  roles: []\n  cite: 第九条（二）\n")
    engine = engine_for(policy)
    item = engine.new_item("A")
    item, _ = engine.apply(item, Event(
        "create", AT, _actor("张三", "总经理工作部", "总经理工作部", policy),
        {"kind": "meeting_decision", "category": "总经理督办", "title": "资产清查",
         "lead": "财务部"}, entered_by=CLERK))
    with pytest.raises(ActionRefused) as refused:
        engine.apply(item, Event("approve", AT + dt.timedelta(hours=1),
                                 _actor("李总", None, "总经理", policy), {}, entered_by=CLERK))
    assert "本制度不允许代录" in str(refused.value) and refused.value.cite == "第九条（二）"


def test_without_the_rule_nothing_is_enforced_and_the_record_shows_both() -> None:
    shipped = load_policy(SHIPPED)
    assert shipped.proxy_entry is None
    item = _assigned(shipped)
    event = _progress(_actor(None, "财务部", "承办部门", shipped), CLERK)
    after, _ = engine_for(shipped).apply(item, event)
    assert after.seq == item.seq + 1
    steps = trail(shipped, "A", [Event(
        "create", AT, _actor("张三", "总经理工作部", "总经理工作部", shipped),
        {"kind": "meeting_decision", "category": "总经理督办", "title": "资产清查",
         "lead": "财务部"}, entered_by=CLERK), event])
    assert steps[0].actor == "张三（总经理工作部）"  # entered in person
    assert steps[1].actor == "承办部门（财务部）（代录：总经理工作部 张三）"


def test_explain_and_diff_say_the_rule(policy: Policy) -> None:
    text = explain_policy(policy)
    assert ("代录：总经理、分管领导 的决定可由他人（如督办人员）代为录入，记录同时写明决定人与录入人；"
            f"其他角色的决定须本人录入〔制度未规定，本单位按{BECAUSE}〕") in text
    assert "代录" not in explain_policy(load_policy(SHIPPED)).split("二、")[0]
    changes = [c for c in diff_policies(load_policy(SHIPPED), policy)
               if c.path[0] == "proxy_entry"]
    assert [c.sentence() for c in changes] == \
        ["可由他人代录决定的角色：不限制（未规定） → 仅 总经理、分管领导"]
    assert changes[0].cite == f"制度未规定，本单位按{BECAUSE}"
