"""A real duban service on 127.0.0.1 for each test: uvicorn serving the app over a real
socket, on an SQLite file or on a fresh schema of the real PostgreSQL server that the
test session starts (tests/pg_fixture.py). Clients speak HTTP to it with httpx.

``server.user(name, dept, role…)`` adds a user straight into the store (as ``duban user
add`` does) and returns an httpx client that sends their token.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import httpx
import pytest
import uvicorn

from duban.runtime.config import Config
from duban.web.app import create_app
from duban.web.deployment import Deployment
from duban.web.identity import NewUser, add_user
from duban.web.settings import WebSettings


@dataclass
class Clock:
    """The service's clock in tests: a set instant that a test may move on."""

    at: dt.datetime = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


@dataclass
class LiveServer:
    url: str
    deployment: Deployment
    server: uvicorn.Server
    thread: threading.Thread
    clock: Clock
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, token: str | None = None, **kwargs: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        c = httpx.Client(base_url=self.url, headers=headers, timeout=30, **kwargs)
        self.clients.append(c)
        return c

    def user(self, name: str, dept: str | list[str] | None = None, *roles: str,
             proxy_roles: tuple[str, ...] = (), password: str | None = None,
             admin: bool = False) -> httpx.Client:
        depts = [dept] if isinstance(dept, str) else list(dept or [])
        with self.deployment.pool.lease() as lease:
            token = add_user(lease.identity, NewUser(name, depts, list(roles),
                                                     list(proxy_roles), password, admin),
                             lease.service.policies, self.clock())
        client = self.client(token)
        client.token = token  # type: ignore[attr-defined]
        return client

    def stop(self) -> None:
        for c in self.clients:
            c.close()
        self.server.should_exit = True
        self.thread.join(timeout=20)


def _start_server(store_url: str, tmp_path: Path, hooks: Any = None,
                 policies: tuple[Path, ...] = (), **settings: Any) -> LiveServer:
    """``policies``: folders of the deployment's own policies (the shipped ones are added)."""
    cfg = Config(store=store_url, policies=[str(p) for p in policies], plugins=None,
                 notifiers={"console": {}})
    ws = WebSettings(attachment_dir=str(tmp_path / "attachments"), **settings)
    clock = Clock()
    app = create_app(cfg, ws, Deployment.open(cfg, ws, hooks, clock=clock))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    return LiveServer(f"http://127.0.0.1:{port}", app.state.deployment, server, thread, clock)


@pytest.fixture(name="start_server", scope="session")
def start_server_fixture() -> Callable[..., LiveServer]:
    """``start_server(store_url, tmp_path, hooks=…, policies=…, **web_settings)`` for a test
    that needs its own service set-up; the test stops it (``live.stop()``)."""
    return _start_server


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'duban.db'}"
    url: str = request.getfixturevalue("pg_schema_url")
    return url


@pytest.fixture
def server(backend_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    live = _start_server(backend_url, tmp_path)
    yield live
    live.stop()


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[LiveServer]:
    live = _start_server(f"sqlite:///{tmp_path / 'duban.db'}", tmp_path)
    yield live
    live.stop()


@pytest.fixture(scope="session")
def item_fields() -> Mapping[str, Any]:
    """A 督办 item under gansu_huizhan (总经理督办 needs the 总经理's 批示), led by 财务部:
    the body of ``POST /api/v1/items`` without its id (read-only: spread it into a dict)."""
    return MappingProxyType({"policy": "gansu_huizhan", "category": "总经理督办",
                             "kind": "meeting_decision", "title": "预算调整", "lead": "财务部",
                             "assist": ["人力资源部"]})


#: The password the page tests give their users (``sign_in`` signs in with it).
PASSWORD = "duban-pass-2026"


def _sign_in(live: LiveServer, name: str) -> httpx.Client:
    client = live.client()
    r = client.post("/login", data={"name": name, "password": PASSWORD, "next": "/"})
    assert r.status_code == 303, r.text
    return client


def _form_of(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the item page's form for ``action``."""
    form = re.search(rf'<form method="post" action="[^"]*/act/{action}".*?</form>', page, re.S)
    assert form, f"no form for {action}"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


@pytest.fixture(scope="session")
def password() -> str:
    """The password page tests give their users (``server.user(..., password=password)``)."""
    return PASSWORD


@pytest.fixture(scope="session")
def sign_in() -> Callable[[LiveServer, str], httpx.Client]:
    """``sign_in(live, name)``: a client signed in on the login page with ``password``."""
    return _sign_in


@pytest.fixture(scope="session")
def form_of() -> Callable[[str, str], dict[str, str]]:
    """``form_of(page, action)``: the hidden fields of the item page's form for ``action``."""
    return _form_of


#: A guoshuiju 上级交办 item of 征管科 whose 督办单位 is 办公室 (五、（二）: its 顺延 is approved
#: by the 分管局领导 overseeing 办公室).
GUOSHUIJU_ITEM = {"policy": "guoshuiju", "kind": "superior_assignment",
                  "title": "市局交办的数据核查", "lead": "征管科", "supervisor": "办公室",
                  "due": "2026-03-09"}


def _extension_awaiting(office: httpx.Client, lead: httpx.Client, item_id: str = "G1") -> None:
    created = office.post("/api/v1/items", json={"id": item_id, **GUOSHUIJU_ITEM})
    assert created.status_code == 201 and created.json()["supervisor"] == "办公室", created.text
    assert office.post(f"/api/v1/items/{item_id}/actions/assign", json={}).status_code == 200
    r = lead.post(f"/api/v1/items/{item_id}/actions/request_extension",
                  json={"until": "2026-03-13", "reason": "市局数据未到"})
    assert r.status_code == 200, r.text


@pytest.fixture(scope="session")
def extension_awaiting() -> Callable[..., None]:
    """``extension_awaiting(office, lead, item_id="G1")``: the 督办单位 (办公室) creates a
    guoshuiju item of 征管科 and assigns it; 征管科 requests its 顺延 — awaiting the
    approval of the 分管局领导 who oversees 办公室."""
    return _extension_awaiting
