"""`duban migrate`: a changed regulation applies to new items; open items move only on
purpose, with the changes listed first, and replay stays an identity afterwards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from duban.cli import main
from duban.engine.core import replay
from duban.engine.model import Actor
from duban.runtime.app import open_service
from duban.runtime.config import load_config

ROOT = Path(__file__).resolve().parents[2]

MECH = ROOT / "tests" / "engine" / "policies" / "mech.yaml"


def test_migrate_moves_open_items_after_a_dry_run(tmp_path: Path) -> None:
    pol_dir = tmp_path / "policies"
    pol_dir.mkdir()
    (pol_dir / "mech.yaml").write_text(MECH.read_text(encoding="utf-8").replace(
        "extends: standard", f"extends: {ROOT / 'duban' / 'policies' / 'standard.yaml'}"),
        encoding="utf-8")
    cfg = load_config(store=f"sqlite:///{tmp_path / 'd.db'}")
    cfg.policies = [str(pol_dir)]
    service = open_service(cfg)
    tz = service.policies["mech"].timezone
    office = Actor(None, None, frozenset({"supervisor_office"}))
    service.create("A", "mech", {"kind": "other", "lead": "财务部"}, office,
                   dt.datetime(2026, 9, 21, 9, tzinfo=tz))
    service.act("A", "approve", Actor(None, None, frozenset({"leader_in_charge"})), {},
                dt.datetime(2026, 9, 21, 10, tzinfo=tz))
    old = service.store.load("A")
    assert old is not None and old.due == dt.datetime(2026, 9, 29, 23, 59, 59, tzinfo=tz)
    service.store.close()

    # the regulation changes: default limit 5 → 7 working days (09-22…09-30 less 中秋, 10-08)
    new_text = (pol_dir / "mech.yaml").read_text(encoding="utf-8").replace(
        "default: 5个工作日", "default: 7个工作日")
    new_file = tmp_path / "mech_v2.yaml"
    new_file.write_text(new_text, encoding="utf-8")
    runner = CliRunner()
    store = f"sqlite:///{tmp_path / 'd.db'}"
    dry = runner.invoke(main, ["migrate", "--to", str(new_file), "--dry-run", "--store", store,
                               "--item", "A"])
    assert dry.exit_code == 0, dry.output
    assert "期限：2026-09-29T23:59:59+08:00 → 2026-10-08T23:59:59+08:00" in dry.output
    assert "演练" in dry.output
    again = open_service(cfg)
    assert again.store.load("A") == old  # a dry run writes nothing
    again.store.close()

    done = runner.invoke(main, ["migrate", "--to", str(new_file), "--store", store,
                                "--item", "A"])
    assert done.exit_code == 0, done.output
    after = open_service(cfg)
    item = after.store.load("A")
    assert item is not None and item.due == dt.datetime(2026, 10, 8, 23, 59, 59, tzinfo=tz)
    from duban.policy.loader import load_policy

    target = load_policy(new_file)
    assert item.policy_hash == target.content_hash
    assert replay(target, "A", after.store.events("A")) == item
    assert after.store.events("A")[-1].action == "policy_migrated"
