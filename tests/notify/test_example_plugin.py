"""The example plugins in ``plugins/`` work as a plugin developer would use them: the
package installs with pip, duban finds it through its entry point, its own tests pass;
the one-file plugin of the deployment example is loaded from a ``plugins/`` folder."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from duban.engine.model import Actor
from duban.plugins import Hooks, make_plugin_manager
from duban.policy.model import Policy
from duban.runtime.service import Service
from duban.store.sqlite import SqliteStore

OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))

ROOT = Path(__file__).resolve().parents[2]

PACKAGE = ROOT / "plugins" / "duban-example-wecom"
DEPLOYMENT = ROOT / "plugins" / "deployment-example"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a copy of the package, the directory pip installed it into)."""
    base = tmp_path_factory.mktemp("example_plugin")
    source = base / "duban-example-wecom"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns(
        "__pycache__", "build", "*.egg-info", ".pytest_cache"))
    target = base / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                           "--no-build-isolation", "--no-index", "--target", str(target),
                           str(source)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return source, target


def _env(site: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"}


def test_pip_install_declares_the_duban_entry_point(installed: tuple[Path, Path]) -> None:
    _, site = installed
    [dist] = site.glob("duban_example_wecom-*.dist-info")
    assert "[duban]\nexample_wecom = duban_example_wecom.plugin" in \
        (dist / "entry_points.txt").read_text("utf-8")


def test_duban_plugins_lists_the_installed_plugin(installed: tuple[Path, Path],
                                                  tmp_path: Path) -> None:
    _, site = installed
    out = subprocess.run([sys.executable, "-c", "from duban.cli import main; main()", "plugins"],
                         cwd=tmp_path, env=_env(site), capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "example_wecom（example_wecom）" in out.stdout
    assert "example_wecom" in out.stdout.splitlines()[0]  # among the loaded plugins


def test_the_plugins_own_tests_pass_against_the_installed_package(
        installed: tuple[Path, Path]) -> None:
    source, site = installed
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "tests"], cwd=source, env=_env(site), capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    summary = run.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "skipped" not in summary and "failed" not in summary


def test_registered_from_source_through_the_same_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PACKAGE / "src"))
    monkeypatch.setenv("DUBAN_DIRECTORY_CSV", str(PACKAGE / "examples" / "org.csv"))
    from duban_example_wecom import ExampleWeComNotifier, plugin

    hooks = Hooks(make_plugin_manager(entry_points=False, extra=[plugin]))
    assert hooks.notifiers.get("example_wecom") is ExampleWeComNotifier
    assert hooks.notifiers.owners["example_wecom"] == "duban_example_wecom.plugin"
    assert hooks.directory_lookup("李四") == {"department": "办公室", "roles": ["分管领导"],
                                             "mobile": "13900000002",
                                             "email": "lisi@example.com"}


def test_the_one_file_plugin_observes_committed_commands(tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, tz: dt.tzinfo, mech_policy: Policy) -> None:
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("DUBAN_AUDIT_LOG", str(log))
    hooks = Hooks(make_plugin_manager(entry_points=False, folder=DEPLOYMENT / "plugins"))
    assert "plugins/audit_log.py" in hooks.plugin_names()
    store = SqliteStore(tmp_path / "duban.db")
    store.migrate()
    service = Service(store, {"mech": mech_policy}, hooks)
    start = dt.datetime(2026, 9, 21, 9, tzinfo=tz)
    service.create("A", "mech", {"kind": "other", "lead": "财务部"}, OFFICE, start)
    service.act("A", "approve", LEADER, {}, start + dt.timedelta(hours=1))
    lines = [json.loads(x) for x in log.read_text("utf-8").splitlines()]
    assert [[e["action"] for e in x["events"]] for x in lines] == [["create", "number"],
                                                                    ["approve"]]
    assert [x["seq"] for x in lines] == [2, 3]
    assert lines[0]["notices"] == 1  # the approval request


def test_the_deployment_example_config_points_at_its_plugins() -> None:
    from duban.runtime.config import load_config

    cfg = load_config(str(DEPLOYMENT / "duban.yaml"))
    assert cfg.plugins == "plugins"
    assert (DEPLOYMENT / cfg.plugins / "audit_log.py").is_file()
