"""Fuzzing the other doors users walk through: scenario files and command-line arguments.
Whatever comes in, the answer is a located error or a result — never a traceback."""

from __future__ import annotations

import random
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from duban.cli import main
from duban.errors import DubanError, PolicyError
from duban.policy.loader import load_policy
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]

SCENARIOS = sorted((ROOT / "tests" / "engine" / "scenarios").glob("*.yaml"))
TEXTS = [p.read_text(encoding="utf-8") for p in SCENARIOS]
POLICY = load_policy(str(ROOT / "tests" / "engine" / "policies" / "mech.yaml"))


def _mutate(text: str, seed: int) -> str:
    rnd = random.Random(seed)
    lines = text.splitlines()
    for _ in range(rnd.randint(1, 4)):
        op = rnd.randrange(5)
        i = rnd.randrange(len(lines))
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, rnd.choice(lines))
        elif op == 2 and lines[i]:
            j = rnd.randrange(len(lines[i]))
            lines[i] = lines[i][:j] + rnd.choice(["", ":", "{", "-", " ", "2027", "x", "\t"]) + \
                lines[i][j + 1:]
        elif op == 3:
            lines[i] = lines[i].replace("2026", rnd.choice(["2027", "2025", "20x6", "2026-13"]))
        else:
            lines[i] = lines[i].replace("action: ", rnd.choice(["action: x", "as: ", "action: "]))
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(TEXTS) - 1), st.integers(0, 2**32))
def test_mutated_scenarios_load_and_run_or_fail_located(which: int, seed: int) -> None:
    text = _mutate(TEXTS[which], seed)
    try:
        scenario = load_scenario(text=text, name="s.yaml")
    except PolicyError as err:
        assert err.problems
        for p in err.problems:
            assert p.location is not None and p.location.line >= 1 and p.location.column >= 1
        return
    try:
        run_scenario(POLICY, scenario)  # refusals become rejected_steps, never exceptions
    except DubanError as err:  # only a time outside any calendar may still stop a run
        assert err.code == "calendar_unknown_date", err


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_text_as_scenario(text: str) -> None:
    try:
        load_scenario(text=text, name="r.yaml")
    except PolicyError as err:
        assert err.problems


WORDS = ["validate", "explain", "simulate", "why", "due", "calendar", "schema", "init", "item",
         "create", "act", "show", "list", "history", "tick", "outbox", "retry", "plugins",
         "migrate", "-p", "--policy", "--format", "json", "table", "--now", "2026-13-01",
         "--as", "分管领导", "all", "standard", "gansu_huizhan", "x.yaml", "--to", "5个工作日",
         "三", "--dry-run", "--store", "sqlite:///nonexistent/dir/x.db", "A", "approve", "-h"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=6))
@example(["simulate", "\x00"])  # found by this test: click.Path's os.stat raised ValueError
@example(["validate", "a\x00.yaml", "--strict"])
def test_cli_arguments_never_traceback(args: list[str]) -> None:
    import os
    import tempfile

    runner = CliRunner()
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # commands may write duban.db or policies/ into the current folder
        try:
            result = runner.invoke(main, args, catch_exceptions=True)
        finally:
            os.chdir(here)
    assert result.exit_code in (0, 1, 2), (args, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args, repr(result.exception), result.output)
    assert "Traceback" not in result.output
