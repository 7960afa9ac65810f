"""A one-file plugin: append one JSON line per applied command to an audit file.

A deployment drops files like this into its ``plugins/`` folder (``plugins:`` in
duban.yaml); duban loads every ``plugins/*.py`` whose name does not start with ``_`` at
start-up, registered as ``plugins/audit_log.py``. The observer hook is called after the
transaction committed, so the log never records a write that rolled back; an exception
here is logged by duban and does not undo the command.

The file goes to ``$DUBAN_AUDIT_LOG`` (default ``duban-audit.jsonl`` in the working
directory).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from duban.hookspecs import hookimpl


@hookimpl
def duban_event_applied(item: Any, events: Sequence[Any], effects: Sequence[Any]) -> None:
    line = {"item": item.id, "state": item.state, "seq": item.seq,
            "events": [{"action": e.action, "at": e.at.isoformat(),
                        "actor": e.actor.describe() if e.actor else None} for e in events],
            "notices": sum(1 for f in effects if f.kind in ("notify", "approval_requested"))}
    with open(os.environ.get("DUBAN_AUDIT_LOG", "duban-audit.jsonl"), "a", encoding="utf-8") as f:
        f.write(json.dumps(line, ensure_ascii=False) + "\n")
