"""Fixtures of the diff tests: ``duban`` through click's runner, and a store holding
three items handled under OLD (for ``--history``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from duban.cli import main
from duban.engine.model import Actor
from duban.policy.loader import load_policy
from duban.runtime.service import Service
from duban.store.base import Store

OLD = Path(__file__).parent / "data" / "areas" / "old.yaml"


def _duban(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="session")
def run() -> Callable[..., Result]:
    """``run(*args)``: ``duban ARGS`` through click's runner (stderr kept apart from stdout)."""
    return _duban


OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))
FIN = Actor("张三", "财务部", frozenset({"lead_department"}))


def _at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=load_policy(OLD).timezone)


def _record_history(db: Store) -> None:
    """Three items handled under OLD (10 working days) in a real store: A reported on the
    7th working day, B on the 3rd, C never; the store is closed afterwards."""
    policy = load_policy(OLD)
    db.migrate()
    service = Service(db, {policy.id: policy})
    for key, report in (("A", 11), ("B", 5), ("C", None)):
        service.create(key, policy.id, {"kind": "other", "lead": "财务部", "title": key},
                       OFFICE, _at(2))
        service.act(key, "approve", LEADER, {}, _at(2, 10))
        if report is not None:
            service.act(key, "report", FIN, {}, _at(report))
            service.act(key, "approve", OFFICE, {}, _at(report, 10))
    service.tick(_at(31, 18))
    service.store.close()


@pytest.fixture(scope="session")
def record_history() -> Callable[[Store], None]:
    """``record_history(store)``: see ``_record_history``."""
    return _record_history
