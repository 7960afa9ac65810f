"""The installed plugin inside duban: discovered through its entry point, then used by
the ordinary commands — ``duban item create --actor`` asks the directory who 王五 is,
``duban tick`` sends the notices through the ``example_wecom`` channel.

Needs the plugin installed (``pip install -e .``): that is how duban finds it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from wecom_standin import DATA, WeComStandIn

from duban.cli import main
from duban.plugins import Hooks, make_plugin_manager


def test_duban_finds_the_plugin_by_its_entry_point() -> None:
    hooks = Hooks(make_plugin_manager())
    assert hooks.notifiers.owners["example_wecom"] == "example_wecom"


def test_commands_use_the_directory_and_the_channel(
        wecom: WeComStandIn, directory_env: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "duban.yaml"
    config.write_text(json.dumps({
        "store": f"sqlite:///{tmp_path / 'duban.db'}", "policies": [str(DATA)], "plugins": None,
        "notifiers": {"example_wecom": {"url": wecom.url}}}, ensure_ascii=False), "utf-8")
    monkeypatch.setenv("DUBAN_CONFIG", str(config))
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke
    wecom.throttle = 2  # the robot is busy at first
    steps = [
        ["item", "create", "A1", "-p", "example_org", "--title", "资产清查", "--lead", "财务部",
         "--actor", "王五", "--at", "2026-09-21T09:00"],
        ["item", "act", "A1", "approve", "--actor", "李四", "--at", "2026-09-21T10:00"],
        ["tick", "--now", "2026-10-20T09:00"],
    ]
    for args in steps:
        result = run(main, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    # the next tick (the backoff has passed) delivers what was throttled
    result = run(main, ["tick", "--now", "2026-10-20T12:00"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    texts = [b["text"]["content"] for b in wecom.accepted]
    assert len(texts) == 3  # 分管领导批示, 催办预告, 催办通知
    finance = [b for b in wecom.accepted if "财务部" in b["text"]["content"]]
    assert len(finance) == 2
    assert all(b["text"]["mentioned_mobile_list"] == ["13900000003", "13900000004"]
               for b in finance)
    listing = run(main, ["outbox", "list"], catch_exceptions=False).output
    assert listing.count("sent") == 3
