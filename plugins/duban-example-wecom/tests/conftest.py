"""Fixtures: the WeCom stand-in server and the example directory."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from wecom_standin import DATA, WeComStandIn


@pytest.fixture
def wecom() -> Iterator[WeComStandIn]:
    server = WeComStandIn()
    thread = threading.Thread(target=server.httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
    thread.join()


@pytest.fixture
def directory_env(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DUBAN_DIRECTORY_CSV", str(DATA / "org.csv"))
    return DATA / "org.csv"
