"""Every engine mechanism, end to end, through scenario files under a test policy that
switches them all on (tests/engine/policies/mech.yaml); replay equals the live state."""

from __future__ import annotations

from pathlib import Path

import pytest

from duban.engine.core import replay
from duban.policy.loader import load_policy
from duban.simulation.outcome import outcome
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import load_scenario
from duban.testing.expect import compare, expectation_for

HERE = Path(__file__).parent
CASES = sorted((HERE / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_mechanism(path: Path) -> None:
    scenario = load_scenario(path)
    for pid in scenario.policies:
        policy = load_policy(str(HERE / "policies" / f"{pid}.yaml"))
        result = run_scenario(policy, scenario)
        expected = expectation_for(scenario.expect, pid)
        assert expected is not None
        problems = compare(expected, outcome(result))
        assert not problems, "\n".join([f"{path.name} under {pid}:", *problems])
        for key, events in result.events.items():
            assert replay(policy, key, events) == result.items[key], f"replay differs: {key}"
