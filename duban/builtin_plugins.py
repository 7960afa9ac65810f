"""duban's own behaviour, registered through the same hooks as any plugin."""

from __future__ import annotations

from typing import Any

from duban.hookspecs import Register, hookimpl


def _sqlite(url: str) -> Any:
    from duban.store.sqlite import SqliteStore

    # sqlite:///relative.db, sqlite:////absolute/path.db (SQLAlchemy's convention), or a path
    return SqliteStore(url[len("sqlite:///"):] if url.startswith("sqlite:///") else url)


@hookimpl
def duban_register_stores(register: Register) -> None:
    register("sqlite", _sqlite)


@hookimpl
def duban_register_notifiers(register: Register) -> None:
    from duban.notify.console import ConsoleNotifier

    register("console", ConsoleNotifier)
