"""A confidential (保密) item never appears to another department: not in listings, not
in `item show`, not in reports, and its notices go only to those entitled to it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from duban.cli import main
from duban.engine.model import Actor
from duban.runtime.app import open_service
from duban.runtime.config import load_config


def _store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    service = open_service(load_config(store=url))
    policy = service.policies["xingzheng_guanlibu"]
    at = dt.datetime(2026, 9, 21, 9, tzinfo=policy.timezone)
    office = Actor(None, None, frozenset({"supervisor_office"}))
    leader = Actor(None, None, frozenset({"leader_in_charge"}))
    service.create("SECRET", "xingzheng_guanlibu", {"kind": "other", "title": "人事调整方案",
                                                    "lead": "人力资源部", "confidential": True},
                   office, at)
    service.act("SECRET", "approve", leader, {}, at + dt.timedelta(hours=1))
    service.create("OPEN", "xingzheng_guanlibu", {"kind": "other", "title": "食堂改造",
                                                  "lead": "财务部"}, office, at)
    service.act("OPEN", "approve", leader, {}, at + dt.timedelta(hours=1))
    service.tick(at + dt.timedelta(days=30))
    for m in service.store.outbox():
        if m.item_id == "SECRET":  # only the department and the leaders it is assigned to
            assert m.recipient in ("人力资源部", "分管领导"), m.recipient
    service.store.close()
    return url


def test_listings_show_and_reports_hide_it_from_other_departments(tmp_path: Path) -> None:
    url = _store(tmp_path)
    run = CliRunner().invoke
    other = ["--as", "承办部门", "--dept", "财务部", "--store", url]
    own = ["--as", "承办部门", "--dept", "人力资源部", "--store", url]
    office = ["--as", "行政管理部", "--store", url]

    listed = run(main, ["item", "list", *other])
    assert listed.exit_code == 0 and "OPEN" in listed.output
    assert "SECRET" not in listed.output and "人事调整方案" not in listed.output
    assert "SECRET" in run(main, ["item", "list", *own]).output
    assert "SECRET" in run(main, ["item", "list", *office]).output
    assert "SECRET" not in run(main, ["item", "list", "--store", url]).output  # anonymous

    shown = run(main, ["item", "show", "SECRET", *other])
    assert shown.exit_code == 2 and "人事调整方案" not in shown.output
    assert "人事调整方案" in run(main, ["item", "show", "SECRET", *own]).output

    report = run(main, ["report", "--period", "2026-09", "--format", "md", *other])
    assert report.exit_code == 0, report.output
    assert "人事调整方案" not in report.output and "SECRET" not in report.output
    full = run(main, ["report", "--period", "2026-09", "--format", "md", "--store", url])
    assert "人事调整方案" in full.output or "SECRET" in full.output
