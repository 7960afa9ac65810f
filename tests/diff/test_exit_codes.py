"""Exit codes of ``duban diff``: 0 same, 1 different, 2 error — and never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

DATA = Path(__file__).parent / "data"
OLD = DATA / "areas" / "old.yaml"



def test_same_is_zero_different_is_one(run: Callable[..., Result]) -> None:
    same = run("diff", str(OLD), str(OLD))
    assert same.exit_code == 0 and "规则无差异" in same.stdout
    assert run("diff", str(OLD), str(DATA / "areas" / "calendar.yaml")).exit_code == 1
    assert run("diff", "gansu_huizhan", "gansu_huizhan", "--format", "json").stdout.strip() == "[]"


def test_shipped_ids_and_files_mix(run: Callable[..., Result]) -> None:
    result = run("diff", "policies/gansu_huizhan.yaml", "gansu_huizhan")
    assert result.exit_code == 0


def test_missing_policy_is_two(run: Callable[..., Result]) -> None:
    result = run("diff", str(OLD), "no_such_policy")
    assert result.exit_code == 2
    assert "找不到策略 'no_such_policy'" in result.stderr and result.stdout == ""


def test_invalid_policy_is_two_with_located_errors(tmp_path: Path,
        run: Callable[..., Result]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("duban: 1\nid: bad\nname: 坏策略\nextends: standard\n"
                   "time_limits:\n  handling: {default: 五个工作日半}\n", encoding="utf-8")
    result = run("diff", str(OLD), str(bad))
    assert result.exit_code == 2
    assert f"{bad}:6:" in result.stderr and "错误[" in result.stderr
    assert "✗ NEW 策略无效" in result.stderr
    assert run("diff", str(bad), str(OLD)).stderr.count("✗ OLD 策略无效") == 1


def test_bad_scenario_folder_and_file_are_two(tmp_path: Path, run: Callable[..., Result]) -> None:
    nowhere = run("diff", str(OLD), str(OLD), "--scenarios", str(tmp_path / "nowhere"))
    assert nowhere.exit_code == 2 and "找不到场景目录" in nowhere.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: 坏场景\nitems: {A: {kind: other}}\nsteps:\n"
                      "  - {at: 2026-03-02T09:00, item: B, action: create}\n", encoding="utf-8")
    result = run("diff", str(OLD), str(OLD), "--scenarios", str(tmp_path))
    assert result.exit_code == 2
    assert f"{broken}:4:" in result.stderr and "未定义的事项 'B'" in result.stderr
    assert "Traceback" not in result.output


def test_period_without_history_is_two(run: Callable[..., Result]) -> None:
    result = run("diff", str(OLD), str(OLD), "--since", "2026-01-01")
    assert result.exit_code == 2 and "只用于 --history" in result.stderr
