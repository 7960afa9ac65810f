"""The stores under contract: every test here runs once per store — an SQLite file in
the test's temporary directory and a fresh schema on a real PostgreSQL server (started
by :mod:`tests.pg_fixture`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from duban.store.base import Store
from duban.store.postgres import PostgresStore
from duban.store.sqlite import SqliteStore
from tests.pg_fixture import pg_schema_url, pg_url

__all__ = ["pg_schema_url", "pg_url"]

Opener = Callable[[], Store]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens a new connection to the same (per-test) database each time it is called,
    as a second worker would; all are closed after the test."""
    if request.param == "sqlite":
        path = tmp_path / "duban.db"

        def factory() -> Store:
            return SqliteStore(path)
    else:
        url = request.getfixturevalue("pg_schema_url")

        def factory() -> Store:
            return PostgresStore(url)

    opened: list[Store] = []

    def opener() -> Store:
        s = factory()
        opened.append(s)
        return s

    yield opener
    for s in opened:
        s.close()


@pytest.fixture
def store(open_store: Opener) -> Store:
    """A migrated store."""
    s = open_store()
    s.migrate()
    return s
