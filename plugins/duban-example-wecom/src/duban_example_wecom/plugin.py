"""The hook implementations duban loads through the ``duban`` entry point.

Three hooks: ``duban_authenticate`` signs WeCom users in to ``duban serve`` (see
:mod:`duban_example_wecom.sso`), ``duban_register_notifiers`` adds the ``example_wecom``
channel, and
``duban_directory_lookup`` answers "who is this person?" from the CSV named by the
environment variable ``DUBAN_DIRECTORY_CSV`` (re-read when the file changes), so
``duban item act … --actor 张三`` knows 张三's department and roles. A name that is not
in the file returns None, letting another directory plugin (or the policy's own people)
answer.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from duban.hookspecs import Register, hookimpl
from duban_example_wecom.directory import CsvDirectory
from duban_example_wecom.notifier import ExampleWeComNotifier
from duban_example_wecom.sso import wecom_user

_cache: dict[tuple[str, float], CsvDirectory] = {}


def current_directory() -> CsvDirectory | None:
    """The directory of ``$DUBAN_DIRECTORY_CSV``, read again only when the file changed."""
    path = os.environ.get("DUBAN_DIRECTORY_CSV")
    if not path:
        return None
    stamp = (str(Path(path).resolve()), Path(path).stat().st_mtime if Path(path).exists() else 0)
    if stamp not in _cache:
        _cache.clear()
        _cache[stamp] = CsvDirectory(path)
    return _cache[stamp]


@hookimpl
def duban_register_notifiers(register: Register) -> None:
    register("example_wecom", ExampleWeComNotifier)


@hookimpl
def duban_directory_lookup(person: str) -> dict[str, Any] | None:
    directory = current_directory()
    found = directory.lookup(person) if directory else None
    return found.entry() if found else None


@hookimpl
def duban_authenticate(request: Any) -> str | None:
    return wecom_user(request)
