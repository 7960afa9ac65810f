"""``duban due`` and ``duban calendar`` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from duban.cli import main


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_due_working_days(runner: CliRunner) -> None:
    result = runner.invoke(main, ["due", "2026-09-30", "2个工作日"])
    assert result.exit_code == 0, result.output
    assert "2026-10-09T23:59:59+08:00" in result.output
    assert "2026-10-01 周四 国庆节（法定节假日）" in result.output
    assert "跳过的休息日 skipped rest days: 7" in result.output
    assert "cn-official-2004-2026@chinesecalendar-1.11.0" in result.output


@pytest.mark.parametrize(
    ("start", "words", "expected"),
    [
        ("2026-09-30T09:00", ["7", "days"], "2026-10-08T23:59:59+08:00"),
        ("2026-09-30T20:00", ["48小时"], "2026-10-02T20:00:00+08:00"),
        ("2026-09-30T12:00+00:00", ["8", "hours"], "2026-10-01T04:00:00+08:00"),
        ("2026-09-18", ["3", "working", "days"], "2026-09-22T23:59:59+08:00"),
    ],
)
def test_due_forms(runner: CliRunner, start: str, words: list[str], expected: str) -> None:
    result = runner.invoke(main, ["due", start, *words])
    assert result.exit_code == 0, result.output
    assert f"截止时间 deadline: {expected}" in result.output


def test_due_json(runner: CliRunner) -> None:
    result = runner.invoke(main, ["due", "2026-09-24T10:00", "7日", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["deadline"] == "2026-10-08T23:59:59+08:00"
    assert doc["skipped_rest_days"][0] == "2026-10-01"
    assert doc["provisional"] is False


def test_due_with_policy(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "2027.yaml").write_text(
        "holidays: [2027-01-01]\nworkdays: []\n", encoding="utf-8"
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "id: x\ncalendar:\n  data_file: 2027.yaml\n  end_of_day: 17:30\n"
        "  extra_holidays: [2026-12-31]\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["due", "2026-12-30", "1个工作日", "--policy", str(policy)])
    assert result.exit_code == 0, result.output
    assert "2027-01-04T17:30:00+08:00" in result.output
    assert "+local." in result.output


def test_due_weekends_only_says_provisional(runner: CliRunner, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("calendar: {beyond_known_data: weekends_only}\n", encoding="utf-8")
    result = runner.invoke(main, ["due", "2026-12-28", "5个工作日", "--policy", str(policy)])
    assert result.exit_code == 0, result.output
    assert "2027-01-04T23:59:59+08:00" in result.output
    assert "provisional" in result.output


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["due", "2026-13-01", "2日"], "2026-13-01"),
        (["due", "yesterday", "2日"], "yesterday"),
        (["due", "2026-09-30", "soon"], "soon"),
        (["due", "2026-09-30", "0", "days"], "0 days"),
        (["due", "2026-12-28", "5个工作日"], "2027"),
        (["due", "2026-09-30", "2日", "--policy", "/nonexistent/p.yaml"], "p.yaml"),
        (["calendar", "2027"], "2027"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    runner: CliRunner, args: list[str], needle: str
) -> None:
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and lines[0].startswith("错误[")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("calendar: [1, 2]\n", "mapping"),
        ("calendar: {extra_holidays: [2026-02-30]}\n", "2026-02-30"),
        ("calendar: {end_of_day: '25:00'}\n", "end_of_day"),
        ("calendar: {colour: red}\n", "colour"),
        ("calendar: {\n", "YAML"),
        ("- a\n- b\n", "mapping"),
    ],
)
def test_bad_policy_is_one_line_and_exit_2(
    runner: CliRunner, tmp_path: Path, content: str, needle: str
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(content, encoding="utf-8")
    result = runner.invoke(main, ["due", "2026-09-30", "2日", "--policy", str(policy)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.output


def test_calendar_year(runner: CliRunner) -> None:
    result = runner.invoke(main, ["calendar", "2026"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "休息日 rest days: 117" in out
    assert "2026-10-06 周二 国庆节（法定节假日，调休）" in out
    assert "2026-09-26 周六 中秋（法定节假日）" in out
    assert "2026-01-10 周六 周末" in out
    assert "调休上班日 makeup workdays: 6" in out
    for day in ("2026-01-04 周日", "2026-02-14 周六", "2026-02-28 周六", "2026-05-09 周六",
                "2026-09-20 周日", "2026-10-10 周六"):
        assert f"{day} 调休上班" in out


def test_calendar_year_with_added_2027(runner: CliRunner, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "calendar:\n  extra_holidays: ['2027-01-01', '2027-02-06..2027-02-12']\n"
        "  extra_workdays: ['2027-02-14']\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["calendar", "2027", "--policy", str(policy)])
    assert result.exit_code == 0, result.output
    assert "2027-01-01 周五 追加休息日" in result.output
    assert "2027-02-14 周日 追加工作日" in result.output


def test_calendar_bad_year(runner: CliRunner) -> None:
    result = runner.invoke(main, ["calendar", "two-thousand"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
