"""Finding 3 of the attack probe: a confidential (保密) item leaked through `item history`
(title and reasons to anyone), `item act` (``permission_denied`` revealed that it
exists) and the console notifier (titles printed into tick.log). Every path a person can
look through answers "unknown item" to those not entitled, and a notice names the item
without its content unless the channel is entitled to it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Duban = Callable[..., Result]


SECRET = "人事调整方案"
REASON = "涉及干部任免名单"
POLICY = ["-p", "xingzheng_guanlibu"]
OWN = ["--as", "承办部门", "--dept", "人力资源部"]
OTHER = ["--as", "承办部门", "--dept", "财务部"]


@pytest.fixture
def secret(duban: Duban) -> None:
    made = duban("item", "create", "S1", *POLICY, "--title", SECRET, "--lead", "人力资源部",
                 "--confidential", "--due", "2026-09-25", "--at", "2026-09-21T09:00")
    assert made.exit_code == 0, made.output
    for args in (["approve", "--as", "分管领导", "--at", "2026-09-21T10:00"],
                 ["request_extension", *OWN, "--until", "2026-10-09", "--reason", REASON,
                  "--at", "2026-09-22T10:00"]):
        done = duban("item", "act", "S1", *args)
        assert done.exit_code == 0, done.output


def _hidden(result: object) -> None:
    out = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 2, out  # type: ignore[attr-defined]
    assert "unknown item" in out or "unknown_item" in out
    assert SECRET not in out and REASON not in out and "Traceback" not in out


def test_history_answers_unknown_item_to_those_not_entitled(duban: Duban, secret: None) -> None:
    _hidden(duban("item", "history", "S1"))
    _hidden(duban("item", "history", "S1", *OTHER))
    own = duban("item", "history", "S1", *OWN)
    assert own.exit_code == 0 and REASON in own.stdout


def test_acting_on_it_answers_unknown_item_not_permission_denied(duban: Duban,
                                                                  secret: None) -> None:
    refused = duban("item", "act", "S1", "approve", *OTHER, "--at", "2026-09-23T10:00")
    _hidden(refused)
    assert "permission_denied" not in refused.output
    missing = duban("item", "act", "NOPE", "approve", *OTHER, "--at", "2026-09-23T10:00")
    assert missing.exit_code == refused.exit_code  # indistinguishable from no item at all
    assert missing.output.replace("NOPE", "S1") == refused.output


def test_console_notices_name_it_without_its_content(duban: Duban, secret: None) -> None:
    ticked = duban("tick", "--now", "2026-10-12T09:00")
    assert ticked.exit_code == 0, ticked.output
    assert "S1" in ticked.stdout  # the notice went out, naming the item
    assert SECRET not in ticked.output and REASON not in ticked.output


def test_an_entitled_console_shows_the_title(duban: Duban, secret: None, tmp_path: Path) -> None:
    config = tmp_path / "cwd" / "duban.yaml"
    config.write_text("notifiers:\n  console: {confidential: true}\n", encoding="utf-8")
    ticked = duban("tick", "--now", "2026-10-12T09:00")
    assert ticked.exit_code == 0, ticked.output
    assert SECRET in ticked.stdout


def test_the_default_viewer_is_stated_in_help(duban: Duban) -> None:
    for command in (["item", "show"], ["item", "list"], ["item", "history"], ["report"],
                    ["taizhang"], ["form"]):
        text = " ".join(duban(*command, "--help", store=False).output.split())
        assert "不写 --as/--actor 时" in text, (command, text)


def test_a_deployment_can_require_a_viewer(duban: Duban, secret: None, tmp_path: Path) -> None:
    (tmp_path / "cwd" / "duban.yaml").write_text("require_viewer: true\n", encoding="utf-8")
    for command in (["item", "list"], ["item", "show", "S1"], ["item", "history", "S1"],
                    ["report", "--period", "2026-09"], ["taizhang"],
                    ["form", "S1", "任务通知单"]):
        refused = duban(*command)
        assert refused.exit_code == 2, (command, refused.output)
        assert "--as" in refused.output and SECRET not in refused.output
    assert duban("item", "list", *OWN).exit_code == 0
