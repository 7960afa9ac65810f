"""Automatic ticks: every timer fires at its scheduled instant, up to the scenario's end,
without hand-written tick steps."""

from __future__ import annotations

import json

from click.testing import CliRunner

from duban.cli import main
from duban.errors import PolicyError
from duban.policy.loader import load_policy
from duban.policy.shipped import shipped_paths
from duban.simulation.outcome import outcome
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import load_scenario

OVERDUE = """
name: 逾期未办结
{ticks}
items:
  A: {{kind: annual_key_task, title: 客户档案清理, lead: 市场部, due: 2026-09-30}}
steps:
  - {{at: 2026-09-21T09:00, item: A, reach: assigned}}
  - {{at: 2026-09-22T09:00, item: A, reach: in_progress}}
  - {{at: 2026-10-17T17:00, item: A, action: progress}}
{tail}
"""
WULIU = next(p for p in shipped_paths() if p.stem == "wuliu_gongsi")


def run(ticks: str = "", tail: str = "", mode: str | None = None) -> dict:
    scenario = load_scenario(text=OVERDUE.format(ticks=ticks, tail=tail))
    return outcome(run_scenario(load_policy(str(WULIU)), scenario, mode))


def test_without_ticks_an_overdue_item_shows_no_reminder() -> None:
    assert run()["items"]["A"]["reminders"] == []


def test_auto_ticks_fire_what_a_final_tick_fires_at_the_same_instants() -> None:
    auto = run("ticks: auto\nend: 2026-10-31T18:00")["items"]["A"]["reminders"]
    manual = run(tail="  - {tick: 2026-10-31T18:00}")["items"]["A"]["reminders"]
    assert auto and auto == manual
    assert {r["event"] for r in auto} >= {"pre_due_reminder"}
    assert all(r["at"] < "2026-10-31T18:00" for r in auto)


def test_auto_ticks_fire_before_each_step_not_after_the_end() -> None:
    """Without ``end`` the run stops at its last step: nothing scheduled later fires."""
    upto_step = run("ticks: auto")["items"]["A"]["reminders"]
    assert all(r["at"] <= "2026-10-17T17:00:00+08:00" for r in upto_step)
    assert upto_step == run(tail="  - {tick: 2026-10-17T17:00}")["items"]["A"]["reminders"]


def test_the_command_line_switches_automatic_ticks_on_and_off(tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(OVERDUE.format(ticks="end: 2026-10-31T18:00", tail=""), encoding="utf-8")
    def reminders(*extra: str) -> list:
        res = CliRunner().invoke(main, ["simulate", str(path), "-p", "wuliu_gongsi",
                                        "--format", "json", *extra])
        assert res.exit_code == 0, res.output
        return json.loads(res.output)["results"]["wuliu_gongsi"]["items"]["A"]["reminders"]
    assert reminders() == []
    assert reminders("--ticks", "auto") == run("ticks: auto\nend: 2026-10-31T18:00")[
        "items"]["A"]["reminders"]
    path.write_text(OVERDUE.format(ticks="ticks: auto\nend: 2026-10-31T18:00", tail=""),
                    encoding="utf-8")
    assert reminders("--ticks", "steps") == []


def test_a_bad_tick_mode_is_located() -> None:
    try:
        load_scenario(text=OVERDUE.format(ticks="ticks: sometimes", tail=""))
    except PolicyError as err:
        assert "ticks 须是 auto 或 steps" in str(err) and ":3:" in str(err)
    else:
        raise AssertionError("accepted ticks: sometimes")
