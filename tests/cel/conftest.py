"""A declared environment shaped like the engine's: objects of fields, and a clock value."""

from __future__ import annotations

from typing import Any

import pytest

ENV: dict[str, Any] = {
    "item": {
        "id": "string", "kind": "string", "category": "string", "urgency": "string",
        "title": "string", "lead": "string", "assist": "list<string>",
        "confidential": "bool", "extensions_granted": "int", "returns": "int",
        "score": "double", "due": "timestamp", "tags": "list",
        "paused_for": "duration",
    },
    "actor": {"person": "string", "department": "string", "roles": "list<string>"},
    "event": {"action": "string", "until": "timestamp", "reason": "string",
              "extra": "map", "payload": "dyn",
              "limits": {"days": "int", "per_request": "map<string, int>"}},
    "now": "timestamp",
}


@pytest.fixture(scope="session")
def env() -> dict[str, Any]:
    return ENV
