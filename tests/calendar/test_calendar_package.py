"""plugins/duban-calendar-cn: a pip-installed data package extends every calendar.

The package is really installed (pip, into a folder put on PYTHONPATH) and found through
the ``duban`` entry-point group by a real ``duban`` process. Its 2027 year here is built
from the TEST FIXTURE notice (tests/calendar/data/), as a maintainer would build the
release from the published one; the package in the repository ships no 2027 data.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from duban.cli import main

ROOT = Path(__file__).resolve().parents[2]

PACKAGE = ROOT / "plugins" / "duban-calendar-cn"
FIXTURE_2027 = Path(__file__).parent / "data" / "notice-2027-TEST-FIXTURE.txt"
DUBAN = Path(sys.executable).parent / "duban"


def _duban(args: list[str], cwd: Path, path: Path | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DUBAN_CONFIG", "PYTHONPATH")}
    if path is not None:
        env["PYTHONPATH"] = str(path)
    return subprocess.run([str(DUBAN), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False, timeout=120)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package as a maintainer releases 2027.0 (from the fixture), pip-installed."""
    work = tmp_path_factory.mktemp("pkg")
    source = work / "duban-calendar-cn"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    data = source / "src" / "duban_calendar_cn" / "data" / "2027.yaml"
    result = CliRunner().invoke(main, ["calendar", "import", str(FIXTURE_2027), "-o", str(data)])
    assert result.exit_code == 0, result.output
    toml = source / "pyproject.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('version = "2026.0"',
                                                             'version = "2027.0"'),
                    encoding="utf-8")
    target = work / "site"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                          "--no-build-isolation", "--target", str(target), str(source)],
                         capture_output=True, text=True, check=False, timeout=300)
    assert pip.returncode == 0, pip.stderr
    return target


def test_installing_the_package_extends_the_calendar(installed: Path, tmp_path: Path) -> None:
    before = _duban(["due", "2026-12-28", "5个工作日"], tmp_path, None)
    assert before.returncode == 2 and "2027" in before.stderr
    after = _duban(["due", "2026-12-28", "5个工作日"], tmp_path, installed)
    assert after.returncode == 0, after.stderr
    assert "截止时间 deadline: 2027-01-05T23:59:59+08:00" in after.stdout
    status = _duban(["calendar", "status", "--today", "2026-12-06"], tmp_path, installed)
    assert status.returncode == 0, status.stderr
    assert "已知范围 known: 2004-01-01 至 2027-12-31" in status.stdout
    assert "duban-calendar-cn 2027.0" in status.stdout
    assert "警告" not in status.stdout
    listed = _duban(["plugins"], tmp_path, installed)
    assert "calendar_cn" in listed.stdout


def test_the_shipped_package_adds_no_year_yet() -> None:
    """Release 2026.0 carries no 2027 days: nothing invented is shipped as official."""
    data = PACKAGE / "src" / "duban_calendar_cn" / "data"
    assert not list(data.glob("*.yaml"))
    assert 'version = "2026.0"' in (PACKAGE / "pyproject.toml").read_text(encoding="utf-8")
