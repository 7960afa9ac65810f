"""Coverage is read from what the engine did: the transitions fired, the timers that went
off (approval-step limits named by their chain), the approvals requested and decided,
and the ledger. A small policy (tests/testing/data/policies/cover.yaml) makes the
expected sets short enough to write down."""

from __future__ import annotations

from pathlib import Path

import pytest

from duban.policy.loader import load_policy
from duban.policy.model import Policy
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import load_scenario
from duban.testing.coverage import Exercised, below, render, report, summarize, trace, universe

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(DATA / "policies" / "cover.yaml")


@pytest.fixture(scope="module")
def seen(policy: Policy) -> Exercised:
    result = run_scenario(policy, load_scenario(DATA / "scenarios" / "twice-returned.yaml"))
    items, exercised = trace(result)
    assert items == result.items  # replaying the recorded events gives the live items
    return exercised


def test_the_rules_a_policy_has(policy: Policy) -> None:
    rules = universe(policy)
    assert set(rules["timers"]) == {"催办预告", "催办通知", "签收时限", "办结审核/督办部门审核"}
    assert set(rules["chains"]) == {"领导批示", "办结审核", "延期审批"}
    assert "办结审核/分管领导审定" in rules["steps"]
    assert set(rules["penalties"]) == {"逾期扣分", "退办扣分"}
    assert rules["counters"] == ["两次退办"]
    assert {"立项", "批示", "退办", "撤销"} <= set(rules["transitions"])


def test_what_one_scenario_exercised(seen: Exercised) -> None:
    assert seen.hit["transitions"] == {"立项", "批示", "签收", "报结", "退办", "审核通过"}
    assert seen.hit["timers"] == {"催办预告", "催办通知", "签收时限", "办结审核/督办部门审核"}
    assert seen.hit["chains"] == {"领导批示", "办结审核"}
    assert seen.hit["steps"] == {"领导批示/分管领导批示", "办结审核/督办部门审核",
                                 "办结审核/分管领导审定"}
    assert seen.hit["penalties"] == {"退办扣分", "逾期扣分"}
    assert seen.hit["counters"] == {"两次退办"}


def test_report_lists_what_was_not_exercised(policy: Policy, seen: Exercised) -> None:
    cov = report(policy, [seen])
    areas = {a.area: a for a in cov.areas}
    assert areas["timers"].percent == 100
    assert set(areas["chains"].missing) == {"延期审批"}
    assert "撤销" in areas["transitions"].missing
    assert cov.covered == sum(len(a.covered) for a in cov.areas)
    assert cov.percent == pytest.approx(100 * cov.covered / cov.total)
    text = render({"cover": cov}, threshold=90)
    assert f"cover：{cov.percent:.1f}%" in text
    assert "未覆盖：延期审批" in text
    assert "未达到" in text


def test_runs_merge_and_the_threshold_gate(policy: Policy, seen: Exercised) -> None:
    nothing = Exercised()
    alone = summarize([(policy, nothing)])["cover"]
    both = summarize([(policy, nothing), (policy, seen)])["cover"]
    assert alone.covered == 0 and both.covered == report(policy, [seen]).covered
    assert both.scenarios == 2
    assert below({"cover": both}, both.percent) == []
    assert below({"cover": both}, both.percent + 0.1) == [both]
