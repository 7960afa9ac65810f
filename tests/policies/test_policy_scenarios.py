"""Every scenario under tests/policies/<id>/ runs under policies/<id>.yaml (or the
policies it names) and must meet its ``expect:``; replaying each item's recorded events
must give the identical item. Adding a case means adding a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from duban.engine.core import replay
from duban.policy.loader import load_policy
from duban.simulation.outcome import outcome
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import load_scenario
from duban.testing.expect import compare, expectation_for

ROOT = Path(__file__).resolve().parents[2]

HERE = Path(__file__).parent
CASES = sorted(p for p in HERE.glob("*/*.yaml") if p.name != "clauses.yaml")


def _params() -> list[object]:
    out = []
    for path in CASES:
        sc = load_scenario(path)
        for pid in sc.policies or (path.parent.name,):
            out.append(pytest.param(path, pid, id=f"{path.parent.name}/{path.stem}-{pid}"))
    return out


@pytest.mark.parametrize(("path", "policy_id"), _params())
def test_scenario(path: Path, policy_id: str) -> None:
    scenario = load_scenario(path)
    policy = load_policy(str(ROOT / "policies" / f"{policy_id}.yaml"))
    result = run_scenario(policy, scenario)
    expected = expectation_for(scenario.expect, policy_id)
    assert expected is not None, f"{path}: no `expect:` for {policy_id}"
    problems = compare(expected, outcome(result))
    assert not problems, "\n".join([f"{path.name} under {policy_id}:", *problems])
    for key, events in result.events.items():
        assert replay(policy, key, events) == result.items[key], f"replay differs for {key}"
