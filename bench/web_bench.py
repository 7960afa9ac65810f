"""The service under load: 50 concurrent clients, each acting on its own item over HTTP.

What is measured, in one run, each for ``DUBAN_BENCH_WEB_SECONDS`` (default 10 s) after
a 2 s warm-up:

* duban on SQLite, one server process (``duban serve``): closed loop (each client sends
  its next action when the last is answered: the most the server gives), and at an
  offered load of 200 actions/s (4 per client per second, the clients' sends spread
  evenly over each quarter second, latency counted from the scheduled send) — with 50 closed-loop clients the mean latency is 50 / throughput by
  Little's law, so the p99 goal is read at the offered rate;
* duban on PostgreSQL, one process and four (``duban serve --workers 4``);
* the floor — a bare FastAPI endpoint doing the same store read and write transaction
  (:mod:`bench.web_floor`) — on SQLite (one process) and PostgreSQL (four).

Every request is a durable action: ``POST /api/v1/items/{id}/actions/progress`` (反馈) as
the item's lead department with an API token, answered only after its transaction
committed — on SQLite with ``synchronous=FULL``, on PostgreSQL with ``fsync`` and
``synchronous_commit`` on (the throwaway test server is restarted with both on). The
clients are one asyncio process speaking plain HTTP/1.1 keep-alive (no client library),
so the load generator itself costs as little CPU as possible: on a 2-core machine it
shares the CPUs with the servers, exactly as the floor's clients do.

Under each row: the CPU each part spent per answered action (the server's processes,
the benchmark's own PostgreSQL, the clients; from ``/proc``, Linux only), and at the end
what the machine's CPUs allow four processes at most at those costs — a scaling goal
can be no nearer than that on the machine at hand.

Goals (issue "The service"): ≥ 200 durable actions/s on SQLite with p99 < 100 ms;
PostgreSQL with four processes ≥ 2.5× one; duban within 3× of the floor.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CLIENTS = 50
SECONDS = float(os.environ.get("DUBAN_BENCH_WEB_SECONDS", "10"))
WARMUP = 2.0
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    name: str
    actions: int
    seconds: float
    latencies: list[float]
    errors: int
    codes: str = ""
    #: CPU milliseconds per answered action, by part (server, PostgreSQL, clients).
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.actions / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


# -- the load generator -----------------------------------------------------------------------
async def _client(port: int, path: str, headers: bytes, stop_at: float, warm_until: float,
                  out: list[float], errors: list[int], period: float = 0.0,
                  phase: float = 0.0, answered: list[int] | None = None) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = b'{"reason": "bench"}'
    request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\n").encode() + headers + b"\r\n" + body
    due = time.perf_counter() + phase
    try:
        while time.perf_counter() < stop_at:
            if period:  # paced: send on schedule; latency counts from the scheduled time,
                # so a server that falls behind is charged for the wait (no coordinated
                # omission)
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                start, due = due, due + period
            else:
                start = time.perf_counter()
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            done = time.perf_counter()
            if head[9:12] != b"200":
                errors.append(int(head[9:12]))
                continue
            if answered is not None:
                answered[0] += 1
            if start >= warm_until:
                out.append(done - start)
    finally:
        writer.close()


async def _load(port: int, paths: list[str], headers: bytes, rate: float = 0.0,
                answered: list[int] | None = None) -> tuple[list[float], list[int], float]:
    """Closed loop (each client sends its next request when the last is answered), or
    with ``rate`` an offered load of ``rate`` requests/s spread over the clients."""
    now = time.perf_counter()
    warm_until, stop_at = now + WARMUP, now + WARMUP + SECONDS
    latencies: list[float] = []
    errors: list[int] = []
    period = len(paths) / rate if rate else 0.0
    # Paced clients start at evenly spread phases of the period, so the offered load
    # arrives at a steady ``rate`` (as wrk2 spreads its connections), not as a burst of
    # every client at the same instant once a period.
    await asyncio.gather(*(_client(port, p, headers, stop_at, warm_until, latencies, errors,
                                   period, period * i / len(paths), answered)
                           for i, p in enumerate(paths)))
    return latencies, errors, SECONDS


# -- servers ----------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Server:
    port: int
    #: The session of every process of the server (its supervisor and workers).
    session: int


@contextlib.contextmanager
def _server(kind: str, store: str, workers: int, cwd: Path,
            floor: str = "bench.web_floor:app_from_env") -> Iterator[Server]:
    """``duban serve``, or (any other ``kind``) the ``floor`` app under uvicorn."""
    port = _free_port()
    env = {**os.environ, "DUBAN_STORE": store, "PYTHONPATH": str(ROOT),
           "DUBAN_CONFIG": str(cwd / "duban.yaml")}
    if kind == "duban":
        cmd = [str(Path(sys.executable).parent / "duban"), "serve", "--port", str(port),
               "--workers", str(workers)]
    else:
        cmd = [sys.executable, "-m", "uvicorn", floor, "--factory",
               "--port", str(port), "--workers", str(workers), "--log-level", "warning",
               "--no-access-log"]
    log = open(cwd / f"{kind}-{workers}.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{kind} server exited: "
                                   f"{(cwd / f'{kind}-{workers}.log').read_text()[-2000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port),
                                                                        timeout=0.5):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{kind} server did not start")
            time.sleep(0.2)
        time.sleep(1.0 + workers)  # every worker process imported and opened its store
        yield Server(port, proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


# -- CPU per part ------------------------------------------------------------------------------
def _processes() -> Iterator[tuple[int, int, int, float]]:
    """(pid, parent, session, CPU seconds) of every process (Linux ``/proc``)."""
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        yield (int(entry.name), int(fields[1]), int(fields[3]),
               (int(fields[11]) + int(fields[12])) / tick)


def _cpu_parts(session: int, postmaster: int | None) -> dict[str, float]:
    """CPU seconds so far of the server's processes, the benchmark's own PostgreSQL (its
    postmaster and the backends it forked) and the clients (this process)."""
    parts = {"server": 0.0, "PostgreSQL": 0.0}
    for pid, parent, sid, seconds in _processes():
        if sid == session:
            parts["server"] += seconds
        elif postmaster is not None and postmaster in (pid, parent):
            parts["PostgreSQL"] += seconds
    if postmaster is None:
        del parts["PostgreSQL"]
    parts["clients"] = time.process_time()
    return parts


def _postmaster(data: Path | None) -> int | None:
    if data is None or not sys.platform.startswith("linux"):
        return None
    return int((data / "postmaster.pid").read_text().split()[0])


# -- data -------------------------------------------------------------------------------------
def _seed(store_url: str, prefix: str) -> tuple[list[str], str]:
    """CLIENTS items in 承办中 under gansu_huizhan, and a token of their lead department."""
    import datetime as dt

    from duban.engine.model import Actor
    from duban.runtime.app import open_service
    from duban.runtime.config import Config
    from duban.store.identity import identity_for
    from duban.web.identity import NewUser, add_user

    service = open_service(Config(store=store_url, policies=[], plugins=None))
    try:
        at = dt.datetime.now(dt.UTC)
        office = Actor("办公室", "总经理工作部", frozenset({"supervisor_office"}))
        leader = Actor("督办领导", None, frozenset({"leadership_group"}))
        lead = Actor("财务", "财务部", frozenset({"lead_department"}))
        ids = []
        for n in range(CLIENTS):
            item_id = f"{prefix}{n}"
            service.create(item_id, "gansu_huizhan", {
                "category": "日常督办", "kind": "leader_instruction", "title": f"压测 {n}",
                "lead": "财务部"}, office, at)
            item = service.store.load(item_id)
            while item is not None and item.pending is not None:
                item = service.act(item_id, "approve", leader, {}, at)
            service.act(item_id, "confirm", lead, {}, at)
            ids.append(item_id)
        identity = identity_for(service.store)
        name = f"财务-{prefix}"
        token = add_user(identity, NewUser(name, ["财务部"], ["主办部门"]), service.policies, at)
        return ids, token
    finally:
        service.store.close()


def _measure(name: str, kind: str, store: str, workers: int, cwd: Path, prefix: str,
             rate: float = 0.0, pg_data: Path | None = None) -> Result:
    """One row; besides the latencies, the CPU each part spent per answered action over
    the whole load (warm-up included), so a reader can tell what the cores allow."""
    ids, token = _seed(store, prefix)
    (cwd / "duban.yaml").write_text("policies: []\nplugins: null\nnotifiers: {console: {}}\n",
                                    "utf-8")
    linux = sys.platform.startswith("linux")
    answered = [0]
    with _server(kind, store, workers, cwd) as server:
        if kind == "duban":
            paths = [f"/api/v1/items/{i}/actions/progress" for i in ids]
            headers = f"Authorization: Bearer {token}\r\n".encode()
        else:
            paths = [f"/floor/{i}" for i in ids]
            headers = b""
        postmaster = _postmaster(pg_data)
        before = _cpu_parts(server.session, postmaster) if linux else {}
        latencies, errors, seconds = asyncio.run(_load(server.port, paths, headers, rate,
                                                       answered))
        after = _cpu_parts(server.session, postmaster) if linux else {}
    cpu = {k: 1000 * (after[k] - before[k]) / answered[0] for k in before} if answered[0] else {}
    codes = ", ".join(f"{c}×{errors.count(c)}" for c in sorted(set(errors)))
    return Result(name, len(latencies), seconds, latencies, len(errors), codes, cpu)


def _durable_pg() -> tuple[Any, str]:
    """The test suite's throwaway PostgreSQL, restarted with fsync and synchronous_commit
    on (the tests run it without them), so that a commit means it is on disk."""
    from tests.pg_fixture import start_server

    server = start_server()
    data = server.root / "data"
    with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write("\n# bench: durable commits\nfsync = on\nsynchronous_commit = on\n"
                   "full_page_writes = on\nmax_connections = 100\n")
    server._run("pg_ctl", "-D", str(data), "-l", str(server.root / "server.log"), "-w",
                "-t", "60", "restart")
    return server, server.url


def run() -> list[Result]:
    """Every row, in one run; the machine's load average before and after is the last
    row's name (the figures mean little without it on a shared machine)."""
    results: list[Result] = []
    before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        for name, kind, rate in (("duban, SQLite, 1 process", "duban", 0.0),
                                 ("duban, SQLite, 1 process, offered 200/s", "duban", 200.0),
                                 ("floor, SQLite, 1 process", "floor", 0.0)):
            db = cwd / f"{kind}{int(rate)}.db"
            results.append(_measure(name, kind, f"sqlite:///{db}", 1, cwd, f"{kind[0]}{int(rate)}-",
                                    rate))
        server = None
        url = os.environ.get("DUBAN_BENCH_PG")
        try:
            if not url:
                server, url = _durable_pg()
            for n, (name, kind, workers) in enumerate((
                    ("duban, PostgreSQL, 1 process", "duban", 1),
                    ("duban, PostgreSQL, 4 processes", "duban", 4),
                    ("floor, PostgreSQL, 1 process", "floor", 1),
                    ("floor, PostgreSQL, 4 processes", "floor", 4))):
                results.append(_measure(name, kind, url, workers, cwd, f"p{n}-",
                                        pg_data=server.root / "data" if server else None))
        except Exception as exc:  # no PostgreSQL here: say so in the table
            results.append(Result(f"PostgreSQL: not measured ({exc})"[:200], 0, 0, [], 0))
        finally:
            if server is not None:
                server.stop()
    after = os.getloadavg()
    results.append(Result(f"load average (1/5/15 min) before: {before[0]:.1f}/{before[1]:.1f}/"
                          f"{before[2]:.1f}, after: {after[0]:.1f}/{after[1]:.1f}/{after[2]:.1f}",
                          0, 0, [], 0))
    return results


def _ceilings(by: dict[str, Result]) -> list[str]:
    """What this machine's CPUs allow four processes at most: all CPUs busy, at the CPU
    every part (server, PostgreSQL, clients) spent per action in the four-process row —
    the scaling goal can be no nearer than this on this machine."""
    cpus, parts = os.cpu_count() or 1, []
    for who in ("duban", "floor"):
        one, four = by.get(f"{who}, PostgreSQL, 1 process"), by.get(f"{who}, PostgreSQL, 4 processes")
        if one and four and four.cpu and one.rate:
            most = cpus * 1000 / sum(four.cpu.values())
            parts.append(f"{who} ×4 {most:.0f}/s = {most / one.rate:.2f}× one process")
    if not parts:
        return []
    return [f"    the most {cpus} CPUs allow at the CPU each action cost: " + "; ".join(parts)]


def format_table(results: list[Result]) -> str:
    out = [f"the service: {CLIENTS} concurrent clients, each acting on its own item "
           f"(durable actions, {SECONDS:g} s each)"]
    width = max((len(r.name) for r in results if r.seconds), default=0)
    for r in results:
        if not r.seconds:
            out.append(f"  {r.name}")
            continue
        out.append(f"  {r.name:<{width}}  {r.rate:8.1f} actions/s  p50 {r.pct(0.5):6.1f} ms  "
                   f"p99 {r.pct(0.99):6.1f} ms  errors {r.errors}"
                   + (f" ({r.codes})" if r.codes else ""))
        if r.cpu:
            out.append("      CPU per action: " + ", ".join(f"{k} {v:.2f} ms"
                                                            for k, v in r.cpu.items()))
    by = {r.name: r for r in results if r.seconds}

    def ratio(a: str, b: str) -> str:
        if a in by and b in by and by[b].rate:
            return f"{by[a].rate / by[b].rate:.2f}×"
        return "—"

    out.append(f"  floor / duban on SQLite: {ratio('floor, SQLite, 1 process', 'duban, SQLite, 1 process')}"
               f" (goal ≤ 3×); on PostgreSQL ×4: "
               f"{ratio('floor, PostgreSQL, 4 processes', 'duban, PostgreSQL, 4 processes')}")
    out.append(f"  duban PostgreSQL 4 processes / 1: "
               f"{ratio('duban, PostgreSQL, 4 processes', 'duban, PostgreSQL, 1 process')}"
               " (goal ≥ 2.5×); the floor's own 4 / 1: "
               f"{ratio('floor, PostgreSQL, 4 processes', 'floor, PostgreSQL, 1 process')}"
               f" (on {os.cpu_count()} CPUs)")
    out += _ceilings(by)
    sqlite = by.get("duban, SQLite, 1 process")
    paced = by.get("duban, SQLite, 1 process, offered 200/s")
    if sqlite and paced:
        met = sqlite.rate >= 200 and paced.rate >= 195 and paced.pct(0.99) < 100
        out.append(f"  SQLite goal ≥ 200 actions/s, p99 < 100 ms at 200/s offered: "
                   f"{'met' if met else 'NOT met'}")
    return "\n".join(out)


if __name__ == "__main__":
    print(format_table(run()))
