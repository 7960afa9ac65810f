"""CPU per request of the service's hottest endpoint, with the ASGI app called in-process.

Why: on a shared machine the wall-clock throughput of :mod:`bench.web_bench` moves with
everyone else's load; the process CPU time per request (every thread of the process:
the event loop and the worker threads) moves much less, so before/after decisions are
read from it. No sockets and no HTTP parsing: the app gets ASGI messages directly, 8
requests at a time, each ``POST /api/v1/items/{id}/actions/progress`` with an API token
on its own item (as the web bench's clients send), on a durable SQLite file. The floor
(:mod:`bench.web_floor`) is measured the same way for comparison.

Run: ``.venv/bin/python -m bench.web_cpu [duban|floor] [requests]`` (both by default);
``DUBAN_BENCH_PROFILE=out.prof`` writes a cProfile of the event loop's thread. For
instruction counts (steady whatever the load):
``DUBAN_BENCH_CALLGRIND=1 valgrind --tool=callgrind --instr-atstart=no
.venv/bin/python -m bench.web_cpu duban 300``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CONCURRENCY = 8


async def _call(app: Any, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> int:
    sent = False
    status = [0]

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status[0] = message["status"]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "root_path": "", "query_string": b"", "headers": headers,
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {}}
    await app(scope, receive, send)
    return status[0]


async def _drive(app: Any, paths: list[str], headers: list[tuple[bytes, bytes]],
                 requests: int) -> list[int]:
    body = b'{"reason": "bench"}'
    todo = iter(range(requests))
    codes: list[int] = []

    async def worker(n: int) -> None:  # its own items only: no two act on one at once
        mine = paths[n::CONCURRENCY]
        for k, _ in enumerate(todo):
            codes.append(await _call(app, mine[k % len(mine)], headers, body))

    await asyncio.gather(*(worker(n) for n in range(CONCURRENCY)))
    return codes


def _callgrind(state: str) -> None:
    """Under ``valgrind --tool=callgrind --instr-atstart=no`` (``DUBAN_BENCH_CALLGRIND``
    set), count instructions only while the measured requests run."""
    if os.environ.get("DUBAN_BENCH_CALLGRIND"):
        import subprocess

        subprocess.run(["callgrind_control", "-i", state, str(os.getpid())], check=True,
                       capture_output=True)


def measure(kind: str, requests: int) -> tuple[float, float, list[int]]:
    """(CPU ms per request, wall ms per request, status codes) for ``kind``."""
    from bench.web_bench import _seed

    with tempfile.TemporaryDirectory() as tmp:
        store = f"sqlite:///{Path(tmp) / 'cpu.db'}"
        ids, token = _seed(store, "c-")
        base = [(b"content-type", b"application/json"),
                (b"content-length", b"19"), (b"host", b"127.0.0.1")]
        if kind == "duban":
            from duban.runtime.config import Config
            from duban.web.app import create_app

            app: Any = create_app(Config(store=store, policies=[], plugins=None))
            paths = [f"/api/v1/items/{i}/actions/progress" for i in ids]
            headers = [*base, (b"authorization", f"Bearer {token}".encode())]
        else:
            from bench.web_floor import app_from_env

            os.environ["DUBAN_STORE"] = store
            app = app_from_env()
            paths = [f"/floor/{i}" for i in ids]
            headers = base
        asyncio.run(_drive(app, paths, headers, 100))  # warm-up: connections, imports
        profile = os.environ.get("DUBAN_BENCH_PROFILE")
        if profile:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        _callgrind("on")
        cpu, wall = time.process_time(), time.perf_counter()
        codes = asyncio.run(_drive(app, paths, headers, requests))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        _callgrind("off")
        if profile:
            prof.disable()
            prof.dump_stats(f"{profile}.{kind}")
        return cpu * 1000 / requests, wall * 1000 / requests, codes


if __name__ == "__main__":
    try:  # the event loop uvicorn runs duban serve on, where it is installed
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    kinds = [a for a in sys.argv[1:] if not a.isdigit()] or ["duban", "floor"]
    count = next((int(a) for a in sys.argv[1:] if a.isdigit()), 1500)
    for k in kinds:
        cpu_ms, wall_ms, statuses = measure(k, count)
        bad = sum(1 for s in statuses if s != 200)
        print(f"{k}: {cpu_ms:.3f} ms CPU per request, {wall_ms:.3f} ms wall, "
              f"{count} requests, {bad} not 200, load {os.getloadavg()[0]:.1f}")
