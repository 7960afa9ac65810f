"""Fixtures of the attack probes: a real SQLite file driven through the ``duban`` command
as an attacker or a careless user would drive it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from duban.cli import main
from duban.engine.model import Event
from duban.store.sqlite import SqliteStore

Duban = Callable[..., Result]


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'probe.db'}"


@pytest.fixture
def duban(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Duban:
    """``duban(*args)`` runs the command on the probe's store, from an empty folder (no
    ``duban.yaml`` or ``plugins/`` of the checkout is picked up)."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)

    def run(*args: str, store: bool = True) -> Result:
        argv = [*args, "--store", store_url] if store else list(args)
        return CliRunner().invoke(main, argv)
    return run


@pytest.fixture
def events_of(tmp_path: Path) -> Callable[[str], list[Event]]:
    """The item's events as stored in the probe's SQLite file."""
    def read(item_id: str) -> list[Event]:
        store = SqliteStore(tmp_path / "probe.db")
        try:
            return store.events(item_id)
        finally:
            store.close()
    return read


GANSU = ("-p", "gansu_huizhan", "--category", "总经理督办", "--kind", "meeting_decision")
Opener = Callable[..., None]


@pytest.fixture(scope="session")
def gansu() -> tuple[str, ...]:
    """The ``duban item create`` options of a gansu_huizhan 总经理督办 meeting decision."""
    return GANSU


@pytest.fixture
def open_item(duban: Duban) -> Opener:
    """``open_item(id, title, lead=…, extra=(…))`` creates an item of gansu_huizhan's
    总经理督办 on 2026-09-21 and has the 总经理 approve it (it is then assigned)."""
    def opener(item_id: str, title: str, *, lead: str = "财务部",
               extra: tuple[str, ...] = ()) -> None:
        made = duban("item", "create", item_id, *GANSU, "--title", title, "--lead", lead,
                     "--at", "2026-09-21T09:00", *extra)
        assert made.exit_code == 0, made.output
        approved = duban("item", "act", item_id, "approve", "--as", "总经理",
                         "--at", "2026-09-21T10:00")
        assert approved.exit_code == 0, approved.output
    return opener
