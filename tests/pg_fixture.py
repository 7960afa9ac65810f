"""A throwaway PostgreSQL server for the tests, and for a developer's shell.

Why: the store contract suite and the multi-worker tests must run against a real server
in ``make test`` on a clean machine, with no set-up by hand. This module finds Debian's
PostgreSQL binaries (``/usr/lib/postgresql/<version>/bin``), installs them with
``apt-get`` if they are missing and we are root, and runs ``initdb``/``pg_ctl`` as an
unprivileged user (``duban-pg``, created if needed: PostgreSQL refuses to run as root)
on a Unix socket in a temporary directory — no TCP port, nothing left behind.

In CI (``CI=true``) a server that cannot be had fails the run loudly; on a developer's
machine the PostgreSQL tests are skipped with the reason. ``DUBAN_TEST_PG_URL`` points
the tests at an existing server instead (each test still gets its own schema).

Use from pytest: the session fixture ``pg_url`` (a database URL) and the per-test
fixture ``pg_schema_url`` (the same database, a fresh schema first on the search path).
From a shell: ``scripts/pg start`` prints a URL; ``scripts/pg stop DIR`` stops it.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

OS_USER = "duban-pg"  # the unprivileged account the server runs as when we are root
ROLE = "duban"  # the database superuser initdb creates
DATABASE = "duban"
PORT = 5432  # only names the socket file; the server listens on no TCP port


class PgUnavailable(Exception):
    """No PostgreSQL server can be started here; the message says why and what to do."""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _version(path: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", path)) or (0,)


def find_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres (newest Debian version first)."""
    candidates = [os.environ.get("DUBAN_PG_BINDIR", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    if shutil.which("pg_ctl"):
        candidates.append(str(Path(shutil.which("pg_ctl") or "").resolve().parent))
    for c in filter(None, candidates):
        if all((Path(c) / b).is_file() for b in ("initdb", "pg_ctl", "postgres")):
            return Path(c)
    return None


def install_binaries() -> None:
    """``apt-get update && apt-get install postgresql`` (Debian/Ubuntu, as root)."""
    if os.geteuid() != 0:
        raise PgUnavailable("未找到 PostgreSQL 程序，且非 root 无法安装 / PostgreSQL binaries "
                            "not found; install them: sudo apt-get install postgresql")
    if not shutil.which("apt-get"):
        raise PgUnavailable("未找到 PostgreSQL 程序，且没有 apt-get / PostgreSQL binaries not "
                            "found and no apt-get; install PostgreSQL or set DUBAN_PG_BINDIR")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"],
                ["apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y",
                 "--no-install-recommends", "postgresql"]):
        print(f"[pg_fixture] {' '.join(cmd)}", file=sys.stderr, flush=True)
        try:
            r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1200,
                               check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PgUnavailable(f"{' '.join(cmd)} 失败 / failed: {exc}") from None
        if r.returncode != 0:
            raise PgUnavailable(f"{' '.join(cmd)} 失败 / failed (exit {r.returncode}):\n"
                                f"{(r.stdout + r.stderr)[-3000:]}")


def server_account() -> tuple[int, int] | None:
    """(uid, gid) to run the server as, or None to run it as ourselves (not root)."""
    if os.geteuid() != 0:
        return None
    try:
        pw = pwd.getpwnam(OS_USER)
    except KeyError:
        r = subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir",
                            "/nonexistent", "--shell", "/usr/sbin/nologin", OS_USER],
                           capture_output=True, text=True, check=False)
        if r.returncode != 0:
            try:
                pw = pwd.getpwnam("nobody")
            except KeyError:
                raise PgUnavailable(f"无法创建用户 {OS_USER} / cannot create the user "
                                    f"{OS_USER}: {r.stderr.strip()}") from None
            return pw.pw_uid, pw.pw_gid
        pw = pwd.getpwnam(OS_USER)
    return pw.pw_uid, pw.pw_gid


@dataclass
class PgServer:
    """One server: its data directory and socket live under ``root``."""

    root: Path
    bindir: Path
    account: tuple[int, int] | None

    @property
    def url(self) -> str:
        return f"postgresql://{ROLE}@/{DATABASE}?host={quote(str(self.root))}&port={PORT}"

    def _run(self, *args: str, timeout: float = 120) -> None:
        extra = {}
        if self.account is not None:
            extra = {"user": self.account[0], "group": self.account[1], "extra_groups": []}
        env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "LANG": "C", "HOME": str(self.root),
               "PGTZ": "UTC"}
        try:
            r = subprocess.run([str(self.bindir / args[0]), *args[1:]], cwd=self.root,
                               env=env, capture_output=True, text=True, timeout=timeout,
                               check=False, **extra)  # type: ignore[call-overload]
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PgUnavailable(f"{args[0]} 失败 / failed: {exc}\n{self._log()}") from None
        if r.returncode != 0:
            raise PgUnavailable(f"{args[0]} 失败 / failed (exit {r.returncode}): "
                                f"{(r.stdout + r.stderr)[-2000:]}\n{self._log()}")

    def _log(self) -> str:
        log = self.root / "server.log"
        return log.read_text(errors="replace")[-2000:] if log.is_file() else ""

    def start(self) -> None:
        if self.account is not None:
            os.chown(self.root, *self.account)
        data = self.root / "data"
        self._run("initdb", "-D", str(data), "-U", ROLE, "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"\n# duban tests: a throwaway server\nlisten_addresses = ''\n"
                       f"unix_socket_directories = '{self.root}'\nport = {PORT}\n"
                       "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                       "max_connections = 60\nshared_buffers = 128MB\n")
        self._run("pg_ctl", "-D", str(data), "-l", str(self.root / "server.log"), "-w",
                  "-t", "60", "start")
        import psycopg

        with psycopg.connect(f"host={self.root} port={PORT} user={ROLE} dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")

    def stop(self) -> None:
        if (self.root / "data" / "postmaster.pid").exists():
            with contextlib.suppress(PgUnavailable):
                self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w",
                          "stop", timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PgServer:
    """Find (or install) the binaries and start a fresh server; the caller stops it."""
    bindir = find_bindir()
    if bindir is None:
        install_binaries()
        bindir = find_bindir()
        if bindir is None:
            raise PgUnavailable("安装后仍未找到 initdb/pg_ctl / installed, but initdb and "
                                "pg_ctl are still not found; set DUBAN_PG_BINDIR")
    # a short path: the socket's path must stay under ~100 bytes, whatever TMPDIR is
    root = tempfile.mkdtemp(prefix="duban-pg-", dir="/tmp" if os.path.isdir("/tmp") else None)
    server = PgServer(Path(root), bindir, server_account())
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


# -- one server per test session ------------------------------------------------------------
_state: dict[str, object] = {}


def session_url() -> str:
    """The URL of this process's throwaway server (started on first use), or of
    ``DUBAN_TEST_PG_URL``. Raises :class:`PgUnavailable` (cached) if there can be none."""
    external = os.environ.get("DUBAN_TEST_PG_URL")
    if external:
        return external
    if "error" in _state:
        raise PgUnavailable(str(_state["error"]))
    if "server" not in _state:
        try:
            server = start_server()
        except PgUnavailable as exc:
            _state["error"] = str(exc)
            raise
        _state["server"] = server
        atexit.register(stop_session_server)
    server = _state["server"]
    assert isinstance(server, PgServer)
    return server.url


def stop_session_server() -> None:
    server = _state.pop("server", None)
    if isinstance(server, PgServer):
        server.stop()


def with_schema(url: str, schema: str) -> str:
    """The URL with ``schema`` first on the search path (the tables are created there)."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A database URL on a real PostgreSQL server (fails in CI, skips locally if none)."""
    try:
        url = session_url()
    except PgUnavailable as exc:
        if in_ci():
            pytest.fail(f"CI 需要 PostgreSQL / PostgreSQL is required in CI: {exc}",
                        pytrace=False)
        pytest.skip(f"没有可用的 PostgreSQL / no PostgreSQL server: {exc}")
    yield url
    stop_session_server()


@pytest.fixture
def pg_schema_url(pg_url: str) -> Iterator[str]:
    """A fresh, empty schema for one test (dropped afterwards)."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield with_schema(pg_url, schema)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def main(argv: list[str]) -> int:
    """``start`` (prints the URL and the directory) or ``stop DIR``."""
    if argv[:1] == ["start"]:
        try:
            server = start_server()
        except PgUnavailable as exc:
            print(exc, file=sys.stderr)
            return 2
        print(f"DUBAN_STORE={server.url}\n# stop with: scripts/pg stop {server.root}")
        return 0
    if argv[:1] == ["stop"] and len(argv) == 2:
        root = Path(argv[1])
        if not (root / "data").is_dir():
            print(f"{root} 不是 scripts/pg 启动的服务器目录 / not a server directory",
                  file=sys.stderr)
            return 2
        PgServer(root, find_bindir() or Path("/usr/bin"), server_account()).stop()
        return 0
    print("用法 usage: scripts/pg start | scripts/pg stop DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
