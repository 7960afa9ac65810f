"""Finding 4 of the attack probe: `duban tick --now 2026-09-15T23:59` was read as UTC and
fired timers eight hours early, while every other command read naive times as
Asia/Shanghai. One reading everywhere: the deployment's zone (``timezone`` in
duban.yaml), Asia/Shanghai by default."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Duban = Callable[..., Result]



@pytest.fixture
def due_on_the_16th(duban: Duban, gansu: tuple[str, ...]) -> None:
    for args in (["create", "T", *gansu, "--title", "资产清查", "--lead", "财务部",
                  "--due", "2026-09-16", "--at", "2026-09-01T09:00"],
                 ["act", "T", "approve", "--as", "总经理", "--at", "2026-09-01T10:00"]):
        done = duban("item", *args)
        assert done.exit_code == 0, done.output


def test_tick_reads_a_naive_now_as_shanghai_time(duban: Duban, due_on_the_16th: None) -> None:
    ticked = duban("tick", "--now", "2026-09-16T20:00")  # 4 hours before the deadline
    assert ticked.exit_code == 0, ticked.output
    assert "2026-09-16T20:00:00+08:00" in ticked.stdout
    assert "overdue_notice" not in ticked.stdout
    shown = duban("item", "show", "T")
    assert "催办通知" not in shown.stdout and "扣分" not in shown.stdout  # nothing early
    late = duban("tick", "--now", "2026-09-17T00:30")
    assert "overdue_notice" in late.stdout


def test_an_offset_is_kept(duban: Duban, due_on_the_16th: None) -> None:
    ticked = duban("tick", "--now", "2026-09-16T20:00+00:00")  # = 04:00 on the 17th, Beijing
    assert ticked.exit_code == 0 and "overdue_notice" in ticked.stdout


def test_the_deployment_zone_reads_every_naive_time(duban: Duban, due_on_the_16th: None,
                                                    tmp_path: Path) -> None:
    (tmp_path / "cwd" / "duban.yaml").write_text("timezone: UTC\n", encoding="utf-8")
    ticked = duban("tick", "--now", "2026-09-16T20:00")
    assert "2026-09-16T20:00:00+00:00" in ticked.stdout and "overdue_notice" in ticked.stdout
    bad = tmp_path / "cwd" / "duban.yaml"
    bad.write_text("timezone: Mars/Olympus\n", encoding="utf-8")
    refused = duban("tick", "--now", "2026-09-16T20:00")
    assert refused.exit_code == 2 and "timezone" in refused.output
    assert "Traceback" not in refused.output
