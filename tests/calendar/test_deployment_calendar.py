"""One calendar for a deployment: duban.yaml names the data files; ``duban due --calendar``;
``duban calendar status``; the 45-day warnings (fixed clock); healing provisional deadlines
when the year's data arrives (event, notice, replay equality, --dry-run).

The 2027 days come from a TEST FIXTURE notice (tests/calendar/data/), not the real one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from duban.calendar import DEFAULT_TZ, build_calendar, data_ends_soon, official_calendar
from duban.cli import main
from duban.engine.core import replay
from duban.engine.model import Actor
from duban.policy.loader import load_policy
from duban.runtime.app import open_service
from duban.runtime.config import load_config

ROOT = Path(__file__).resolve().parents[2]

FIXTURE_2027 = Path(__file__).parent / "data" / "notice-2027-TEST-FIXTURE.txt"
MECH = ROOT / "tests" / "engine" / "policies" / "mech.yaml"
OFFICE = Actor(None, None, frozenset({"supervisor_office"}))
LEADER = Actor(None, None, frozenset({"leader_in_charge"}))


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=DEFAULT_TZ)


@pytest.fixture
def data_2027(tmp_path: Path) -> Path:
    out = tmp_path / "calendar" / "2027.yaml"
    out.parent.mkdir()
    result = CliRunner().invoke(main, ["calendar", "import", str(FIXTURE_2027), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A deployment folder: a SQLite store, the mech policy, no plugins, weekends_only."""
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "mech.yaml").write_text(MECH.read_text(encoding="utf-8").replace(
        "extends: standard", f"extends: {ROOT / 'duban' / 'policies' / 'standard.yaml'}"),
        encoding="utf-8")
    _write_config(tmp_path, [])
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DUBAN_CONFIG", raising=False)
    monkeypatch.delenv("DUBAN_STORE", raising=False)
    return tmp_path


def _write_config(folder: Path, files: list[str]) -> None:
    (folder / "duban.yaml").write_text(
        f"store: sqlite:///{folder / 'duban.db'}\npolicies: [{folder / 'policies'}]\n"
        "plugins: null\nnotifiers: {console: {}}\n"
        f"calendar: {{beyond_known_data: weekends_only, files: {files}}}\n", encoding="utf-8")


def test_due_with_a_calendar_file_answers_past_the_data(data_2027: Path) -> None:
    runner = CliRunner()
    without = runner.invoke(main, ["due", "2026-12-28", "5个工作日"])
    assert without.exit_code == 2 and "duban calendar import" in without.output
    result = runner.invoke(main, ["due", "2026-12-28", "5个工作日", "--calendar", str(data_2027)])
    assert result.exit_code == 0, result.output
    # 12-29, 12-30, 12-31, (元旦 01-01..03 rest), 01-04, 01-05
    assert "截止时间 deadline: 2027-01-05T23:59:59+08:00" in result.output
    assert "provisional" not in result.output


def test_deployment_files_serve_due_and_status(deployment: Path, data_2027: Path) -> None:
    runner = CliRunner()
    provisional = runner.invoke(main, ["due", "2026-12-28", "5个工作日"])
    assert provisional.exit_code == 0, provisional.output
    assert "2027-01-04T23:59:59+08:00" in provisional.output and "provisional" in provisional.output
    _write_config(deployment, ["calendar/2027.yaml"])
    healed = runner.invoke(main, ["due", "2026-12-28", "5个工作日"])
    assert "2027-01-05T23:59:59+08:00" in healed.output and "provisional" not in healed.output
    status = runner.invoke(main, ["calendar", "status", "--today", "2026-12-06"])
    assert status.exit_code == 0, status.output
    assert "已知范围 known: 2004-01-01 至 2027-12-31" in status.output
    assert "关于2027年部分节假日安排的通知" in status.output
    assert "剩余天数 days left (from 2026-12-06): 390" in status.output
    assert "警告" not in status.output


def test_status_warns_within_45_days(deployment: Path) -> None:
    runner = CliRunner()
    early = runner.invoke(main, ["calendar", "status", "--today", "2026-11-15"])
    assert "剩余天数 days left (from 2026-11-15): 46" in early.output
    assert "警告" not in early.output
    late = runner.invoke(main, ["calendar", "status", "--today", "2026-11-16"])
    assert "剩余天数 days left (from 2026-11-16): 45" in late.output
    assert "警告：日历数据只到 2026-12-31（还剩 45 天）" in late.output


def test_warning_boundaries() -> None:
    cal = official_calendar()
    assert data_ends_soon([cal], dt.date(2026, 11, 15)) is None
    assert "还剩 45 天" in (data_ends_soon([cal], dt.date(2026, 11, 16)) or "")
    assert "已过 1 天" in (data_ends_soon([cal], dt.date(2027, 1, 1)) or "")
    longer = build_calendar(extra_holidays=["2027-01-01"])
    assert data_ends_soon([longer], dt.date(2026, 12, 6)) is None
    assert data_ends_soon([longer, cal], dt.date(2026, 12, 6)) is not None  # the earliest
    assert data_ends_soon([], dt.date(2026, 12, 6)) is None


def test_tick_validate_and_create_warn_but_do_not_fail(deployment: Path) -> None:
    runner = CliRunner()
    quiet = runner.invoke(main, ["tick", "--now", "2026-10-01T09:00:00+08:00"])
    assert quiet.exit_code == 0 and "警告" not in quiet.output, quiet.output
    loud = runner.invoke(main, ["tick", "--now", "2026-12-06T09:00:00+08:00"])
    assert loud.exit_code == 0, loud.output
    assert "警告：日历数据只到 2026-12-31（还剩 25 天）" in loud.output
    created = runner.invoke(main, ["item", "create", "A", "-p", "mech", "--lead", "财务部",
                                   "--at", "2026-12-06T09:00", "--as", "supervisor_office"])
    assert created.exit_code == 0, created.output
    assert "A " in created.output and "还剩 25 天" in created.output
    before = runner.invoke(main, ["item", "create", "B", "-p", "mech", "--lead", "财务部",
                                  "--at", "2026-11-01T09:00", "--as", "supervisor_office"])
    assert before.exit_code == 0 and "警告" not in before.output
    policy = str(deployment / "policies" / "mech.yaml")
    checked = runner.invoke(main, ["validate", policy, "--today", "2026-12-06"])
    assert checked.exit_code == 0 and "✓" in checked.output and "还剩 25 天" in checked.output
    fine = runner.invoke(main, ["validate", policy, "--today", "2026-06-01"])
    assert fine.exit_code == 0 and "警告" not in fine.output


def _create_provisional(deployment: Path) -> None:
    service = open_service(load_config())
    service.create("A", "mech", {"kind": "other", "lead": "财务部", "assist": ["审计部"],
                                 "title": "年末资产清查"}, OFFICE, _at("2026-12-28T09:00"))
    service.act("A", "approve", LEADER, {}, _at("2026-12-28T10:00"))
    service.create("K", "mech", {"kind": "other", "lead": "办公室", "title": "早已办结"}, OFFICE,
                   _at("2026-10-09T09:00"))
    item = service.store.load("A")
    assert item is not None and item.due_info is not None and item.due_info.provisional
    assert item.due == _at("2027-01-04T23:59:59")  # weekday rule: 01-01 counted as worked
    service.store.close()


def test_heal_records_event_notice_and_replays(deployment: Path, data_2027: Path) -> None:
    _create_provisional(deployment)
    _write_config(deployment, ["calendar/2027.yaml"])  # the year's data arrives
    runner = CliRunner()
    cfg = load_config()
    service = open_service(cfg)
    old = service.store.load("A")
    outbox_before = len(service.store.outbox())
    service.store.close()

    dry = runner.invoke(main, ["calendar", "heal", "--dry-run", "--at", "2026-12-29T09:00"])
    assert dry.exit_code == 0, dry.output
    assert "→ A：期限 2027-01-04T23:59:59+08:00（暂定） → 2027-01-05T23:59:59+08:00" in dry.output
    assert "演练" in dry.output and "期限变化 1 项" in dry.output
    service = open_service(cfg)
    assert service.store.load("A") == old and len(service.store.outbox()) == outbox_before
    service.store.close()

    done = runner.invoke(main, ["calendar", "heal", "--at", "2026-12-29T09:00"])
    assert done.exit_code == 0, done.output
    service = open_service(cfg)
    item = service.store.load("A")
    assert item is not None and item.due == _at("2027-01-05T23:59:59")
    assert item.due_info is not None and not item.due_info.provisional
    assert item.due_info.calendar_version == service.policies["mech"].calendar.version
    events = service.store.events("A")
    marker = events[-1]
    assert marker.action == "calendar_healed"
    assert marker.data["from"] == "2027-01-04T23:59:59+08:00"
    assert marker.data["to"] == "2027-01-05T23:59:59+08:00"
    assert "+local." in marker.data["calendar_version"]
    notices = [m for m in service.store.outbox() if m.payload.get("kind") == "deadline_recomputed"]
    assert sorted(m.recipient for m in notices) == ["审计部", "财务部"]
    assert "2027-01-05T23:59:59+08:00" in notices[0].payload["message"]
    # replay under the new calendar, and under the old one, gives the stored item
    assert replay(service.policies["mech"], "A", events) == item
    old_policy = load_policy(deployment / "policies" / "mech.yaml",
                             beyond_known_data="weekends_only")
    assert replay(old_policy, "A", events) == item
    service.store.close()

    again = runner.invoke(main, ["calendar", "heal", "--at", "2026-12-30T09:00"])
    assert again.exit_code == 0 and "期限变化 0 项" in again.output, again.output


def test_internal_events_cannot_be_sent_as_commands(deployment: Path) -> None:
    service = open_service(load_config())
    service.create("A", "mech", {"kind": "other", "lead": "财务部"}, OFFICE,
                   _at("2026-10-09T09:00"))
    from duban.engine.core import ActionRefused

    with pytest.raises(ActionRefused, match="内部事件"):
        service.act("A", "calendar_healed", OFFICE, {"to": "2030-01-01T00:00:00+08:00",
                                                      "calendar_version": "x"},
                    _at("2026-10-09T10:00"))
    service.store.close()
