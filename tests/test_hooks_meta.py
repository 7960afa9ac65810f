"""The plugin hooks, as a whole: every hookspec is documented in docs/plugins.md and
exercised by a test; a misspelt hook or a duplicate name stops start-up with an error
that names the culprit. The hooks with no other home are exercised here, through the
path a deployment uses (open_service, the CLI)."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import sys
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
import pluggy
import pytest
from click.testing import CliRunner

from duban import hookspecs
from duban.calendar.data import CalendarAdditions
from duban.cli import main
from duban.engine.core import ActionRefused
from duban.engine.model import Actor
from duban.hookspecs import Register, hookimpl
from duban.outbox import OutboxMessage
from duban.plugins import Hooks, PluginError, make_plugin_manager
from duban.runtime.app import open_service
from duban.runtime.config import Config
from duban.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[1]

DOCS = ROOT / "docs" / "plugins.md"
SPECS = {name: fn for name, fn in vars(hookspecs).items()
         if callable(fn) and hasattr(fn, "duban_spec")}
MECH = str(ROOT / "tests" / "engine" / "policies")
OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))


def plugin(name: str, **hooks: Callable[..., Any]) -> types.ModuleType:
    """A plugin module named ``name`` whose functions are marked as hook implementations."""
    module = types.ModuleType(name)
    for hook, fn in hooks.items():
        setattr(module, hook, hookimpl(fn))
    return module


def sections(text: str) -> dict[str, str]:
    """Headings (any level) to the text up to the next heading."""
    parts = re.split(r"^#{2,4} ", text, flags=re.M)[1:]
    return {p.split("\n", 1)[0].strip(): p for p in parts}


# -- documentation and coverage of every hook -------------------------------------------------


def test_the_hookspec_module_is_what_the_docs_describe() -> None:
    assert len(SPECS) >= 8
    assert all(name.startswith("duban_") for name in SPECS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_hook_has_a_documented_section(name: str) -> None:
    section = sections(DOCS.read_text("utf-8")).get(name)
    assert section is not None, f"docs/plugins.md has no '#### {name}' section"
    params = list(inspect.signature(SPECS[name]).parameters)
    signature = re.search(rf"def {name}\(([^)]*)\)", section)
    assert signature, f"the section of {name} shows no signature"
    assert [p.split(":")[0].strip() for p in signature.group(1).split(",") if p.strip()] == params
    for word in ("**When:**", "**Receives:**", "**Returns:**", "**Result:**"):
        assert word in section, f"{name}: {word} missing"
    first = bool(SPECS[name].duban_spec.get("firstresult"))
    assert ("first non-None result wins" in section) is first
    assert ("every implementation is called" in section) is not first


def _test_files() -> list[Path]:
    return sorted([*(ROOT / "tests").rglob("*.py"), *(ROOT / "plugins").glob("*/tests/**/*.py")])


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_hook_is_exercised_by_a_test(name: str) -> None:
    users = [p for p in _test_files() if re.search(rf"\b{name}\b", p.read_text("utf-8"))]
    assert users, f"no test mentions {name}"


def test_the_repository_plugins_folder_loads_nothing_by_accident() -> None:
    """Run from the repository, ``plugins/`` is the deployment's one-file plugin folder."""
    assert list((ROOT / "plugins").glob("*.py")) == []
    assert make_plugin_manager(entry_points=False, folder=ROOT / "plugins").list_name_plugin() \
        == [("duban.builtin", sys.modules["duban.builtin_plugins"])]


# -- start-up errors --------------------------------------------------------------------------


def test_a_misspelt_hook_fails_at_start_up() -> None:
    typo = plugin("acme_typo", duban_register_notifer=lambda register: None)
    with pytest.raises(PluginError) as err:
        make_plugin_manager(entry_points=False, extra=[typo])
    assert "duban_register_notifer" in str(err.value) and "acme_typo" in str(err.value)


def test_a_misspelt_hook_in_a_plugins_folder_file_fails_at_start_up(tmp_path: Path) -> None:
    (tmp_path / "acme.py").write_text(
        "from duban.hookspecs import hookimpl\n\n"
        "@hookimpl\ndef duban_event_aplied(item, events, effects):\n    pass\n", "utf-8")
    with pytest.raises(PluginError) as err:
        make_plugin_manager(entry_points=False, folder=tmp_path)
    assert "duban_event_aplied" in str(err.value)


def test_a_misspelt_hook_parameter_fails_naming_plugin_and_parameter() -> None:
    typo = plugin("acme_param", duban_register_notifiers=lambda registr: None)
    with pytest.raises(PluginError) as err:
        make_plugin_manager(entry_points=False, extra=[typo])
    assert "acme_param" in str(err.value) and "registr" in str(err.value)


def test_a_broken_plugin_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("import not_a_module_anywhere\n", "utf-8")
    with pytest.raises(PluginError) as err:
        make_plugin_manager(entry_points=False, folder=tmp_path)
    assert "broken.py" in str(err.value)


def test_duplicate_registrations_fail_naming_both_plugins() -> None:
    def register_wecom(register: Register) -> None:
        register("wecom_bot", object)

    one = plugin("acme_one", duban_register_notifiers=register_wecom)
    two = plugin("acme_two", duban_register_notifiers=register_wecom)
    with pytest.raises(PluginError) as err:
        Hooks(make_plugin_manager(entry_points=False, extra=[one, two]))
    text = str(err.value)
    assert "wecom_bot" in text and "acme_one" in text and "acme_two" in text


def test_a_plugin_cannot_silently_replace_a_builtin() -> None:
    def register_sqlite(register: Register) -> None:
        register("sqlite", lambda url: None)

    with pytest.raises(PluginError) as err:
        Hooks(make_plugin_manager(entry_points=False,
                                  extra=[plugin("acme_store", duban_register_stores=register_sqlite)]))
    assert "duban.builtin" in str(err.value) and "acme_store" in str(err.value)


# -- the hooks exercised through a deployment's path ---------------------------------------


def test_duban_register_stores_selects_the_factory_by_url_scheme(tmp_path: Path) -> None:
    opened: list[str] = []

    def duban_register_stores(register: Register) -> None:
        def factory(url: str) -> SqliteStore:
            opened.append(url)
            return SqliteStore(url.split("://", 1)[1])
        register("acmedb", factory)

    hooks = Hooks(make_plugin_manager(entry_points=False, extra=[
        plugin("acme_db", duban_register_stores=duban_register_stores)]))
    url = f"acmedb://{tmp_path / 'x.db'}"
    service = open_service(Config(store=url, policies=[MECH], plugins=None), hooks=hooks)
    try:
        assert opened == [url]
        assert isinstance(service.store, SqliteStore)
    finally:
        service.store.close()


def test_duban_register_notifiers_channel_receives_the_outbox(tmp_path: Path) -> None:
    sent: list[OutboxMessage] = []

    class Capture:
        name = "capture"

        def __init__(self, config: dict[str, Any]) -> None:
            self.prefix = config["prefix"]

        def send(self, message: OutboxMessage) -> None:
            sent.append(message)

    def duban_register_notifiers(register: Register) -> None:
        register("capture", Capture)

    hooks = Hooks(make_plugin_manager(entry_points=False, extra=[
        plugin("acme_notify", duban_register_notifiers=duban_register_notifiers)]))
    cfg = Config(store=f"sqlite:///{tmp_path / 'd.db'}", policies=[MECH], plugins=None,
                 notifiers={"capture": {"prefix": "x"}})
    service = open_service(cfg, hooks=hooks)
    try:
        at = dt.datetime(2026, 9, 21, 9, tzinfo=service.policies["mech"].timezone)
        service.create("A", "mech", {"kind": "other", "lead": "财务部"}, OFFICE, at)
        assert service.deliver(at) == (1, 0)
    finally:
        service.store.close()
    assert [(m.channel, m.payload["kind"]) for m in sent] == [("capture", "approval_requested")]


def test_duban_calendar_additions_move_a_deadline(tmp_path: Path) -> None:
    """A plugin declares 2026-09-24 (a Thursday) a rest day for the policy ``mech``: the
    deadline of an item approved on 9-21 moves one working day later."""
    def duban_calendar_additions(policy_id: str) -> CalendarAdditions | None:
        if policy_id != "mech":
            return None
        return CalendarAdditions(holidays=(dt.date(2026, 9, 24),), source="acme 调休")

    def due_with(extra: Sequence[object]) -> dt.datetime | None:
        hooks = Hooks(make_plugin_manager(entry_points=False, extra=extra))
        cfg = Config(store=f"sqlite:///{tmp_path / f'{len(extra)}.db'}", policies=[MECH],
                     plugins=None, notifiers={})
        service = open_service(cfg, hooks=hooks)
        try:
            tz = service.policies["mech"].timezone
            service.create("A", "mech", {"kind": "other", "lead": "财务部"}, OFFICE,
                           dt.datetime(2026, 9, 21, 9, tzinfo=tz))
            return service.act("A", "approve", LEADER, {},
                               dt.datetime(2026, 9, 21, 10, tzinfo=tz)).due
        finally:
            service.store.close()

    plain = due_with([])
    shifted = due_with([plugin("acme_cal", duban_calendar_additions=duban_calendar_additions)])
    assert plain is not None and shifted is not None
    assert (plain.date(), shifted.date()) == (dt.date(2026, 9, 29), dt.date(2026, 9, 30))


def test_duban_directory_lookup_first_answer_wins() -> None:
    def ours(person: str) -> dict[str, Any] | None:
        return {"department": "财务部", "roles": ["主办部门"]} if person == "张三" else None

    def theirs(person: str) -> dict[str, Any] | None:
        return {"department": "审计部", "roles": []}

    hooks = Hooks(make_plugin_manager(entry_points=False, extra=[
        plugin("acme_hr", duban_directory_lookup=theirs),
        plugin("acme_oa", duban_directory_lookup=ours)]))  # registered last: asked first
    assert hooks.directory_lookup("张三") == {"department": "财务部", "roles": ["主办部门"]}
    assert hooks.directory_lookup("李四") == {"department": "审计部", "roles": []}


def test_duban_event_applied_sees_commits_only_and_a_failing_observer_undoes_nothing(
        tmp_path: Path) -> None:
    seen: list[tuple[str, list[str]]] = []

    def duban_event_applied(item: Any, events: Sequence[Any], effects: Sequence[Any]) -> None:
        seen.append((item.state, [e.action for e in events]))

    def broken(item: Any, events: Sequence[Any], effects: Sequence[Any]) -> None:
        raise RuntimeError("observer bug")

    hooks = Hooks(make_plugin_manager(entry_points=False, extra=[
        plugin("acme_broken", duban_event_applied=broken),
        plugin("acme_audit", duban_event_applied=duban_event_applied)]))
    service = open_service(Config(store=f"sqlite:///{tmp_path / 'o.db'}", policies=[MECH],
                                  plugins=None, notifiers={}), hooks=hooks)
    try:
        tz = service.policies["mech"].timezone
        service.create("A", "mech", {"kind": "other", "lead": "财务部"}, OFFICE,
                       dt.datetime(2026, 9, 21, 9, tzinfo=tz))
        with pytest.raises(ActionRefused):  # refused: nothing written, nobody told
            service.act("A", "report", LEADER, {}, dt.datetime(2026, 9, 21, 9, 30, tzinfo=tz))
        service.act("A", "approve", LEADER, {}, dt.datetime(2026, 9, 21, 10, tzinfo=tz))
        assert [e.action for e in service.store.events("A")] == ["create", "number", "approve"]
    finally:
        service.store.close()
    assert [actions for _, actions in seen] == [["create", "number"], ["approve"]]


def test_duban_register_commands_adds_to_a_click_group() -> None:
    @click.command("acme-hello")
    @click.argument("who")
    def hello(who: str) -> None:
        click.echo(f"你好，{who}")

    def duban_register_commands(cli: click.Group) -> None:
        cli.add_command(hello)

    group = click.Group("duban")
    Hooks(make_plugin_manager(entry_points=False, extra=[
        plugin("acme_cli", duban_register_commands=duban_register_commands)])).add_commands(group)
    result = CliRunner().invoke(group, ["acme-hello", "督办"])
    assert result.exit_code == 0 and result.output == "你好，督办\n"


ONE_FILE_PLUGIN = '''
from duban.hookspecs import hookimpl


def _text(template_text, context):
    return ("TXT " + ",".join(sorted(context))).encode("utf-8")


@hookimpl
def duban_register_renderers(register):
    register("txt", _text)


@hookimpl
def duban_register_conditions(register):
    register("is_key_project", lambda item: "重点" in (item.title or ""))
'''


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "acme.py").write_text(ONE_FILE_PLUGIN, "utf-8")
    (tmp_path / "duban.yaml").write_text(json.dumps({"plugins": "plugins", "policies": [MECH]}),
                                         "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_duban_register_renderers_adds_a_report_format(deployment: Path) -> None:
    result = CliRunner().invoke(main, [
        "report", "--year", "2026", "--scenario", str(ROOT / "duban" / "simulation" /
                                                      "demo_month.yaml"),
        "-p", "xingzheng_duban", "--format", "txt", "-o", "out.txt", "--config", "duban.yaml"])
    assert result.exit_code == 0, result.output
    assert (deployment / "out.txt").read_bytes().startswith(b"TXT ")


def test_duban_register_conditions_are_listed_with_their_plugin(deployment: Path) -> None:
    result = CliRunner().invoke(main, ["plugins", "--config", "duban.yaml"])
    assert result.exit_code == 0, result.output
    assert "is_key_project（plugins/acme.py）" in result.output
    assert "txt（plugins/acme.py）" in result.output
    hooks = Hooks(make_plugin_manager(entry_points=False, folder=deployment / "plugins"))
    is_key = hooks.conditions.get("is_key_project")
    assert is_key(types.SimpleNamespace(title="重点项目")) is True


def test_pluggy_is_the_manager() -> None:
    assert isinstance(make_plugin_manager(entry_points=False), pluggy.PluginManager)


# -- the facade calls through pluggy ------------------------------------------------------


class _Watcher:
    """A plugin whose new-style wrappers record every hook call they see."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    @hookimpl(wrapper=True)
    def duban_event_applied(self, item: Any, events: Sequence[Any],
                            effects: Sequence[Any]) -> Any:
        self.seen.append(f"event_applied:{item}")
        return (yield)

    @hookimpl(wrapper=True)
    def duban_register_stores(self, register: Register) -> Any:
        self.seen.append("register_stores")
        return (yield)

    @hookimpl(wrapper=True)
    def duban_directory_lookup(self, person: str) -> Any:
        self.seen.append(f"directory_lookup:{person}")
        return (yield)


def test_a_hookwrapper_sees_the_facades_calls() -> None:
    watcher = _Watcher()
    audit: list[str] = []
    hooks = Hooks(make_plugin_manager(entry_points=False, extra=[
        watcher, plugin("acme_audit", duban_event_applied=lambda item, events, effects:
                        audit.append(item)),
        plugin("acme_dir", duban_directory_lookup=lambda person: {"department": "财务部"})]))
    assert "register_stores" in watcher.seen  # the registries are collected through pluggy
    hooks.event_applied("A", [], [])
    assert hooks.directory_lookup("张三") == {"department": "财务部"}
    assert "event_applied:A" in watcher.seen and audit == ["A"]
    assert "directory_lookup:张三" in watcher.seen


def test_tracing_and_monitoring_see_the_facades_calls() -> None:
    pm = make_plugin_manager(entry_points=False, extra=[
        plugin("acme_audit", duban_event_applied=lambda item, events, effects: None)])
    calls: list[str] = []
    undo = pm.add_hookcall_monitoring(lambda name, impls, kwargs: calls.append(name),
                                      lambda outcome, name, impls, kwargs: None)
    try:
        hooks = Hooks(pm)
        hooks.event_applied("A", [], [])
    finally:
        undo()
    assert {"duban_register_stores", "duban_register_notifiers",
            "duban_event_applied"} <= set(calls)


def test_an_unhashable_plugin_object_still_registers() -> None:
    # pluggy accepts any namespace as a plugin; the facade's per-plugin callers need it
    # hashable, so a SimpleNamespace is registered through a stand-in with its hooks
    ns = types.SimpleNamespace(duban_register_renderers=hookimpl(
        lambda register: register("acme_txt", object)))
    hooks = Hooks(make_plugin_manager(entry_points=False, extra=[ns]))
    assert "acme_txt" in hooks.renderers.entries
