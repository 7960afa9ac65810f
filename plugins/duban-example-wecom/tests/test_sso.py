"""Signing in to ``duban serve`` with WeCom (``duban_authenticate``): a real duban server on
127.0.0.1 with this plugin, and the WeCom stand-in answering the OAuth calls."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duban_example_wecom.plugin as plugin
import httpx
import pytest
import uvicorn
from wecom_standin import SECRET, WeComStandIn

from duban.plugins import Hooks, make_plugin_manager
from duban.runtime.config import Config
from duban.web.app import create_app
from duban.web.deployment import Deployment
from duban.web.identity import NewUser, add_user
from duban.web.settings import WebSettings


@pytest.fixture
def duban_url(tmp_path: Path, wecom: WeComStandIn,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DUBAN_WECOM_CORPID", "ww-example")
    monkeypatch.setenv("DUBAN_WECOM_SECRET", SECRET)
    monkeypatch.setenv("DUBAN_WECOM_API", wecom.url.split("/cgi-bin")[0])
    (tmp_path / "users.csv").write_text("zhangsan,张三\n", "utf-8")
    monkeypatch.setenv("DUBAN_WECOM_USERS", str(tmp_path / "users.csv"))
    cfg = Config(store=f"sqlite:///{tmp_path / 'duban.db'}", policies=[], plugins=None)
    hooks = Hooks(make_plugin_manager(entry_points=False, extra=[plugin]))
    dep = Deployment.open(cfg, WebSettings(attachment_dir=str(tmp_path)), hooks)
    with dep.pool.lease() as lease:
        add_user(lease.identity, NewUser("张三", ["财务部"], ["主办部门"]),
                 lease.service.policies, dt.datetime.now(dt.UTC))
    server = uvicorn.Server(uvicorn.Config(create_app(cfg, deployment=dep),
                                           log_level="warning"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=20)


def test_a_wecom_user_signs_in_with_the_code_wecom_sent(duban_url: str,
                                                       wecom: WeComStandIn) -> None:
    wecom.codes["one-time-code"] = "zhangsan"
    with httpx.Client(base_url=duban_url) as browser:
        r = browser.get("/auth/sso/wecom", params={"code": "one-time-code", "next": "/items"})
        assert r.status_code == 303 and r.headers["location"] == "/items"
        me = browser.get("/api/v1/me").json()
        assert me["name"] == "张三" and me["via"] == "session"


def test_a_used_or_forged_code_is_refused(duban_url: str, wecom: WeComStandIn) -> None:
    wecom.codes["once"] = "zhangsan"
    with httpx.Client(base_url=duban_url) as browser:
        assert browser.get("/auth/sso/wecom", params={"code": "once"}).status_code == 303
    with httpx.Client(base_url=duban_url) as other:
        r = other.get("/auth/sso/wecom", params={"code": "once"})  # WeCom codes work once
        assert r.status_code == 401
        assert other.get("/auth/sso/wecom", params={"code": "forged"}).status_code == 401
        assert other.get("/api/v1/me").status_code == 401


def test_a_wecom_user_unknown_to_duban_is_not_let_in(duban_url: str,
                                                     wecom: WeComStandIn) -> None:
    wecom.codes["stranger"] = "lisi"  # a WeCom member nobody added to duban
    with httpx.Client(base_url=duban_url) as browser:
        assert browser.get("/auth/sso/wecom", params={"code": "stranger"}).status_code == 401
