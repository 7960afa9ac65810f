"""``duban serve`` as an operator starts it: the real command in its own process, on a
port of 127.0.0.1, with ``--tick`` firing timers in the serving process, stopped with
SIGTERM."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from duban.engine.model import Actor
from duban.runtime.app import open_service
from duban.runtime.config import Config
from duban.store.identity import identity_for
from duban.web.identity import NewUser, add_user

TZ = dt.timezone(dt.timedelta(hours=8))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_duban_serve_with_tick_fires_due_timers(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'duban.db'}"
    service = open_service(Config(store=store, policies=[], plugins=None))
    try:  # an item assigned weeks ago whose deadline has passed: its timers are due
        office = Actor("办公室", "总经理工作部", frozenset({"supervisor_office"}))
        leader = Actor("督办领导", None, frozenset({"leadership_group"}))
        at = dt.datetime.now(TZ) - dt.timedelta(days=20)
        service.create("T1", "gansu_huizhan", {"category": "日常督办", "kind": "other",
                                               "title": "到期提醒", "lead": "财务部",
                                               "due": (at + dt.timedelta(days=7)).date()
                                               .isoformat()}, office, at)
        while (item := service.store.load("T1")) is not None and item.pending is not None:
            service.act("T1", "approve", leader, {}, at)
        token = add_user(identity_for(service.store), NewUser("王五", ["总经理工作部"],
                                                              ["总经理工作部"]),
                         service.policies, at)
    finally:
        service.store.close()
    port = _free_port()
    env = {**os.environ, "DUBAN_STORE": store}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "duban"), "serve", "--port",
                             str(port), "--tick", "--tick-interval", "1"], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        reminders: list[dict] = []
        while time.monotonic() < deadline and not reminders:
            time.sleep(0.5)
            try:
                r = httpx.get(f"{url}/api/v1/items/T1",
                              headers={"Authorization": f"Bearer {token}"}, timeout=10)
            except httpx.TransportError:
                continue
            reminders = r.json().get("reminders", []) if r.status_code == 200 else []
        assert reminders, "the in-process tick fired no timer"
        assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    log = out.decode()
    # uvicorn finishes the requests in flight, then exits by the signal it was sent
    assert proc.returncode in (0, -signal.SIGTERM), log[-2000:]
    assert "Application shutdown complete" in log
    access = [line for line in log.splitlines() if line.startswith('{"method"')]
    assert any('"route": "/api/v1/items/{item_id}"' in line for line in access)
    assert not any("T1" in line or "到期提醒" in line for line in access)  # no item content
    # the timers fired through the state machine; its library's step-by-step INFO lines
    # are not an operator's log
    assert "Executed callback" not in log and "processing state" not in log, log[-2000:]
