"""The PostgreSQL store (psycopg 3): the same protocol as SQLite, for several workers.

Why a second store: SQLite serialises every writer on one file, which is right for one
office and one worker. When several tick workers share the load they need a server
that lets each one take *different* due items at once: :meth:`PostgresStore.claim_due`
and :meth:`PostgresStore.claim_outbox` use ``SELECT … FOR UPDATE SKIP LOCKED`` plus a
lease (``claimed_by``/``claimed_until``), so no two live workers ever hold the same
item, and a worker that dies leaves its claims to expire.

Correctness does not rest on the claims: :meth:`commit` locks the item's row and checks
its sequence (optimistic concurrency), so even two workers firing the same timer write
it once. A dropped connection aborts the open transaction on the server — nothing of it
is written — and the next call reconnects.

The URL is anything libpq accepts: ``postgresql://user:pass@host:5432/db``,
``postgres://…``, ``postgresql://user@/db?host=/run/postgresql`` (a Unix socket), or
``host=… dbname=…``. Instants are stored as ``timestamptz``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import psycopg
from psycopg import errors as pgerr
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb

from duban.engine import codec
from duban.engine.model import Event, ItemState, PenaltyEntry
from duban.engine.notice import NoticeNumber
from duban.outbox import OutboxMessage
from duban.store.base import (
    Commit,
    ConcurrencyError,
    IdempotencyConflict,
    Request,
    StoreError,
)
from duban.store.identity import POSTGRES_MIGRATIONS as IDENTITY_MIGRATIONS

T = TypeVar("T")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: A lock id (any constant) taken while migrating, so workers starting together on a
#: fresh database do not both create the tables.
MIGRATION_LOCK = 0x64756261  # "duba"

# Ids are compared byte-wise (COLLATE "C") so that listings sort as in SQLite whatever
# the database's locale.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("0001_core", """
        CREATE TABLE policies (
            content_hash TEXT PRIMARY KEY, policy_id TEXT NOT NULL, document TEXT NOT NULL);
        CREATE TABLE events (
            item_id TEXT COLLATE "C" NOT NULL, seq INTEGER NOT NULL,
            at TIMESTAMPTZ NOT NULL, action TEXT NOT NULL, body TEXT NOT NULL,
            idem_key TEXT UNIQUE, PRIMARY KEY (item_id, seq));
        CREATE TABLE items (
            item_id TEXT COLLATE "C" PRIMARY KEY, policy_id TEXT NOT NULL,
            policy_hash TEXT NOT NULL, state TEXT NOT NULL, lead TEXT,
            confidential BOOLEAN NOT NULL DEFAULT FALSE, seq INTEGER NOT NULL,
            next_due TIMESTAMPTZ, body TEXT NOT NULL,
            claimed_by TEXT, claimed_until TIMESTAMPTZ);
        CREATE INDEX items_next_due ON items (next_due, item_id) WHERE next_due IS NOT NULL;
        CREATE INDEX items_policy ON items (policy_id, item_id);
        CREATE TABLE ledger (
            item_id TEXT COLLATE "C" NOT NULL, seq INTEGER NOT NULL, n INTEGER NOT NULL,
            target TEXT NOT NULL, at TIMESTAMPTZ NOT NULL, body TEXT NOT NULL,
            PRIMARY KEY (item_id, seq, n));
        CREATE TABLE outbox (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            item_id TEXT COLLATE "C" NOT NULL, dedupe_key TEXT NOT NULL UNIQUE,
            channel TEXT NOT NULL, recipient TEXT NOT NULL, payload JSONB NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt TIMESTAMPTZ NOT NULL, last_error TEXT, sent_at TIMESTAMPTZ,
            claimed_by TEXT, claimed_until TIMESTAMPTZ);
        CREATE INDEX outbox_pending ON outbox (id) WHERE status = 'pending';
        CREATE TABLE numbers (
            policy_id TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL,
            PRIMARY KEY (policy_id, year));
    """),
    # A key belongs to one request; keys recorded before carry no fingerprint (see
    # duban.store.base.Request.answer). Timer keys are the engine's, not requests.
    ("0002_requests", """
        CREATE TABLE requests (
            idem_key TEXT PRIMARY KEY, item_id TEXT COLLATE "C" NOT NULL,
            action TEXT NOT NULL, fingerprint TEXT, result TEXT, at TIMESTAMPTZ NOT NULL);
        INSERT INTO requests (idem_key, item_id, action, fingerprint, result, at)
            SELECT idem_key, item_id, action, NULL, NULL, at FROM events
            WHERE idem_key IS NOT NULL AND action <> 'timer'
    """),
    *IDENTITY_MIGRATIONS,
    # 一单多事: a notice's 文号 (reserved from ``numbers`` once) and the places given on it
    ("0003_notices", """
        CREATE TABLE notices (
            policy_id TEXT NOT NULL, notice TEXT COLLATE "C" NOT NULL, year INTEGER NOT NULL,
            seq INTEGER NOT NULL, places INTEGER NOT NULL, issued TEXT NOT NULL,
            PRIMARY KEY (policy_id, notice));
    """),
)

_RESERVE = ("INSERT INTO numbers VALUES (%s, %s, 1) ON CONFLICT (policy_id, year) DO UPDATE "
            "SET seq = numbers.seq + 1 RETURNING seq")
_RETRYABLE = (pgerr.SerializationFailure, pgerr.DeadlockDetected, pgerr.LockNotAvailable)
_OUTBOX_COLS = ("id, item_id, dedupe_key, channel, recipient, payload, attempts, status, "
                "last_error, next_attempt")


def describe_target(url: str) -> str:
    """Where a URL points, without its password (for error messages)."""
    try:
        d = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "（无法解析的连接串 / unparsable URL）"
    host = d.get("host") or "localhost"
    port = f":{d['port']}" if d.get("port") else ""
    return f"{d.get('user') or ''}{'@' if d.get('user') else ''}{host}{port}/{d.get('dbname') or ''}"


class PostgresStore:
    """One connection to a PostgreSQL database; give each thread or process its own.

    Every write runs in one transaction; reads run outside one (autocommit)."""

    name = "postgresql"

    def __init__(self, url: str, *, connect_timeout: int = 10) -> None:
        self.url = url
        self.where = describe_target(url)
        try:
            password = conninfo_to_dict(url).get("password")
        except psycopg.ProgrammingError:
            password = None
        self._secrets = [str(password)] if password and len(str(password)) >= 4 else []
        self.connect_timeout = connect_timeout
        self.lock = threading.RLock()
        self.conn: psycopg.Connection[Any] | None = None
        self._connect()

    # -- connection --------------------------------------------------------------------------
    def _connect(self) -> psycopg.Connection[Any]:
        conn = None
        try:
            conn = psycopg.connect(self.url, autocommit=True,
                                   connect_timeout=self.connect_timeout)
            conn.execute("SET TIME ZONE 'UTC'")
        except psycopg.ProgrammingError as exc:
            raise StoreError(f"PostgreSQL 连接串无效：{self._scrub(exc)} / invalid PostgreSQL "
                             "URL; write postgresql://user:password@host:5432/dbname") from None
        except psycopg.Error as exc:
            if conn is not None:
                conn.close()
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise StoreError(self._scrub(
                f"无法连接 PostgreSQL 服务器 {self.where}：{reason} / cannot connect to "
                "PostgreSQL; check the URL and that the server is running and accepts "
                "connections")) from None
        self.conn = conn
        return conn

    def _live(self) -> psycopg.Connection[Any]:
        """The connection, reconnecting if the last one was lost (server restart…)."""
        if self.conn is None or self.conn.closed or self.conn.broken:
            if self.conn is not None:
                self.conn.close()
            return self._connect()
        return self.conn

    def _scrub(self, error: BaseException | str) -> str:
        """A driver message without the URL's password, should it echo it."""
        text = str(error).strip()
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)

    def _lost(self, exc: BaseException, committing: bool) -> StoreError:
        if committing:
            return StoreError(self._scrub(
                f"提交时与 PostgreSQL {self.where} 的连接中断，无法确认是否已写入；重试是安全的"
                f"（序号与幂等键会拦住重复）：{exc} / connection lost while committing; the "
                "outcome is unknown, retrying is safe"))
        return StoreError(self._scrub(
            f"与 PostgreSQL {self.where} 的连接中断，本次未写入任何内容：{exc} / connection to "
            "PostgreSQL lost; nothing was written, retry later"))

    def _tx(self, body: Callable[[psycopg.Cursor[Any]], T], *, pipeline: bool = False,
            translate: Callable[[psycopg.Error], Exception | None] | None = None,
            verify: Callable[[T], None] | None = None) -> T:
        """Run ``body(cursor)`` in one transaction; retry on deadlock/serialization
        failures, map every other database failure to :class:`StoreError` (or to what
        ``translate`` returns for it). With ``pipeline`` the statements after the last
        read are sent together: one round trip for all of them instead of one each.
        ``verify(result)`` runs once every statement's outcome is known, before COMMIT:
        what it raises rolls everything back."""
        delay = 0.02
        for attempt in range(8):
            with self.lock:
                conn = self._live()
                committing = False
                try:
                    with contextlib.ExitStack() as stack:
                        pipe = stack.enter_context(conn.pipeline()) if pipeline else None
                        stack.enter_context(conn.transaction())
                        cur = stack.enter_context(conn.cursor())
                        out = body(cur)
                        if pipe is not None:
                            pipe.sync()  # every statement's outcome is known before COMMIT
                        if verify is not None:
                            verify(out)
                        committing = True
                    return out
                except _RETRYABLE:
                    time.sleep(delay * (attempt + 1))
                    continue
                except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                    raise self._lost(exc, committing) from None
                except psycopg.Error as exc:
                    mapped = translate(exc) if translate is not None else None
                    if mapped is not None:
                        raise mapped from None
                    raise StoreError(self._scrub(f"数据库错误：{exc} / database error, "
                                                 "nothing was written")) from None
        raise StoreError("数据库持续冲突，请稍后重试 / database kept conflicting, retry later")

    def _one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()
             ) -> tuple[int, list[tuple[Any, ...]]]:
        """One statement on its own (a single statement is its own transaction: it
        happens whole or not at all), one round trip; returns (rowcount, rows)."""
        for attempt in range(8):
            with self.lock:
                conn = self._live()
                try:
                    cur = conn.execute(sql, params)
                    return cur.rowcount, cur.fetchall() if cur.description else []
                except _RETRYABLE:
                    time.sleep(0.02 * (attempt + 1))
                    continue
                except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                    raise self._lost(exc, True) from None
                except psycopg.Error as exc:
                    raise StoreError(self._scrub(f"数据库错误：{exc} / database error, "
                                                 "nothing was written")) from None
        raise StoreError("数据库持续冲突，请稍后重试 / database kept conflicting, retry later")

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """A read. A read changes nothing, so one lost connection (a server restart, an
        idle connection cut by a firewall) is retried once on a new connection."""
        for attempt in range(2):
            with self.lock:
                conn = self._live()
                try:
                    return conn.execute(sql, params).fetchall()
                except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                    if attempt == 0 and (conn.closed or conn.broken):
                        continue
                    raise self._lost(exc, False) from None
                except psycopg.Error as exc:
                    raise StoreError(self._scrub(f"数据库错误：{exc} / database error")) from None
        raise AssertionError("unreachable")  # pragma: no cover

    # -- schema ------------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        def body(cur: psycopg.Cursor[Any]) -> list[str]:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            cur.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, "
                        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            done = {r[0] for r in cur.execute("SELECT name FROM migrations").fetchall()}
            applied = []
            for name, script in MIGRATIONS:
                if name in done:
                    continue
                for stmt in (s.strip() for s in script.split(";")):
                    if stmt:
                        cur.execute(stmt)
                cur.execute("INSERT INTO migrations (name) VALUES (%s)", (name,))
                applied.append(name)
            return applied

        return self._tx(body)

    # -- policies ----------------------------------------------------------------------------
    def save_policy(self, content_hash: str, policy_id: str, document: str) -> None:
        self._one("INSERT INTO policies VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                  (content_hash, policy_id, document))

    def policy_document(self, content_hash: str) -> str | None:
        rows = self._rows("SELECT document FROM policies WHERE content_hash = %s",
                          (content_hash,))
        return rows[0][0] if rows else None

    # -- items and events --------------------------------------------------------------------
    def load(self, item_id: str) -> ItemState | None:
        rows = self._rows("SELECT body FROM items WHERE item_id = %s", (item_id,))
        return codec.decode_item(rows[0][0]) if rows else None

    def events(self, item_id: str) -> list[Event]:
        return [codec.decode_event(r[0]) for r in self._rows(
            "SELECT body FROM events WHERE item_id = %s ORDER BY seq", (item_id,))]

    def request_result(self, request: Request) -> ItemState | None:
        rows = self._rows("SELECT item_id, action, fingerprint, result FROM requests "
                          "WHERE idem_key = %s", (request.key,))
        if not rows:
            return None
        item_id, action, fingerprint, result = rows[0]
        return request.answer(item_id, action, fingerprint, result, self.load)

    def commit(self, c: Commit) -> None:
        """Two round trips: every statement at once (the projection first, guarded by the
        sequence), then COMMIT once the guard is known to have matched."""
        item = c.item
        seq = c.expected_seq + len(c.events)
        values = (item.policy_hash, item.state, item.department, bool(item.confidential),
                  seq, c.next_due, codec.encode_item(item))

        def body(cur: psycopg.Cursor[Any]) -> psycopg.Cursor[Any]:
            guard = cur.connection.cursor()  # its row count is read after the sync
            if c.expected_seq == 0:  # a new item: the row must not exist yet
                guard.execute(
                    "INSERT INTO items (item_id, policy_id, policy_hash, state, lead, "
                    "confidential, seq, next_due, body) VALUES (%s, %s, %s, %s, %s, %s, %s, "
                    "%s, %s) ON CONFLICT (item_id) DO NOTHING",
                    (item.id, item.policy_id, *values))
            else:  # the row locked and rewritten only if no one moved it meanwhile
                guard.execute(
                    "UPDATE items SET policy_hash = %s, state = %s, lead = %s, "
                    "confidential = %s, seq = %s, next_due = %s, body = %s "
                    "WHERE item_id = %s AND seq = %s", (*values, item.id, c.expected_seq))
            if c.request is not None:
                r = c.request
                cur.execute("INSERT INTO requests VALUES (%s, %s, %s, %s, %s, %s)",
                            (r.key, r.item_id, r.action, r.fingerprint, values[-1],
                             c.events[0].at if c.events else dt.datetime.now(dt.UTC)))
            if c.events:
                cur.executemany("INSERT INTO events VALUES (%s, %s, %s, %s, %s, %s)", [
                    (item.id, c.expected_seq + n, e.at, e.action, codec.encode_event(e), e.key)
                    for n, e in enumerate(c.events, 1)])
            if c.ledger:
                cur.executemany("INSERT INTO ledger VALUES (%s, %s, %s, %s, %s, %s)", [
                    (item.id, seq, n, entry.target, entry.at, codec.dumps(entry))
                    for n, entry in enumerate(c.ledger)])
            now = c.events[-1].at if c.events else EPOCH
            if c.outbox:
                cur.executemany(
                    "INSERT INTO outbox (item_id, dedupe_key, channel, recipient, payload, "
                    "next_attempt) VALUES (%s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (dedupe_key) DO NOTHING",
                    [(item.id, o.dedupe_key, o.channel, o.recipient, Jsonb(o.payload), now)
                     for o in c.outbox])
            return guard

        def matched(guard: psycopg.Cursor[Any]) -> None:
            if guard.rowcount != 1:  # someone else wrote the item first: roll all back
                row = guard.execute("SELECT seq FROM items WHERE item_id = %s",
                                    (item.id,)).fetchone()
                raise ConcurrencyError(item.id, c.expected_seq, row[0] if row else 0)

        def translate(exc: psycopg.Error) -> Exception | None:
            if not isinstance(exc, pgerr.UniqueViolation):
                return None
            if exc.diag.constraint_name == "events_pkey":  # a racing first commit
                return ConcurrencyError(item.id, c.expected_seq, c.expected_seq + 1)
            if exc.diag.constraint_name == "requests_pkey" and c.request is not None:
                return IdempotencyConflict(c.request.key)
            return StoreError(f"幂等键已被其他事件使用，未写入任何内容：{exc.diag.message_detail} "
                              "/ idempotency key already used, nothing written")

        self._tx(body, pipeline=True, translate=translate, verify=matched)

    def check(self, *, quick: bool = True) -> list[str]:
        """PostgreSQL checksums its pages and WAL itself; there is no cheap whole-database
        check, so the quick check is only that the tables answer. The full check runs
        ``amcheck``'s ``bt_index_check`` on duban's indexes when the extension is installed
        (``CREATE EXTENSION amcheck``), and says so when it is not."""
        self._rows("SELECT count(*) FROM migrations")
        if quick:
            return []
        found = self._rows("SELECT extnamespace::regnamespace::text FROM pg_extension "
                           "WHERE extname = 'amcheck'")
        if not found:
            return []
        check = sql.SQL("SELECT {}.bt_index_check(%s::regclass, true)").format(
            sql.Identifier(str(found[0][0]).strip('"')))
        problems = []
        for (index,) in self._rows(
                "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = "
                "i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_am a ON "
                "a.oid = c.relam WHERE a.amname = 'btree' AND t.relname IN ('items', "
                "'events', 'outbox', 'ledger', 'requests', 'numbers', 'notices', 'policies') AND "
                "t.relnamespace = to_regnamespace(current_schema())"):
            try:
                self._rows(check.as_string(self._live()), (index,))
            except StoreError as exc:
                problems.append(f"amcheck {index}: {exc}")
        return problems

    def amcheck_available(self) -> bool:
        return bool(self._rows("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'"))

    def items(self, *, policy_id: str | None = None) -> Iterator[ItemState]:
        sql = "SELECT body FROM items" + (" WHERE policy_id = %s" if policy_id else "") + \
            " ORDER BY item_id"
        for r in self._rows(sql, (policy_id,) if policy_id else ()):
            yield codec.decode_item(r[0])

    def item_versions(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self._rows("SELECT item_id, seq FROM items", ())}

    def due(self, now: dt.datetime, limit: int = 1000) -> list[str]:
        return [r[0] for r in self._rows(
            "SELECT item_id FROM items WHERE next_due IS NOT NULL AND next_due <= %s "
            "ORDER BY next_due, item_id LIMIT %s", (now, limit))]

    def next_number(self, policy_id: str, year: int) -> int:
        # One statement: the row lock makes concurrent reservations queue, never collide.
        _, rows = self._one(_RESERVE, (policy_id, year))
        return int(rows[0][0])

    def notice_number(self, policy_id: str, notice: str, at: dt.datetime) -> NoticeNumber:
        """The notice's number (reserved the first time, in the year of ``at``) and the
        next place on it, in one transaction: the upsert locks the notice's row until
        commit, so a concurrent caller waits and then sees the number and the count."""
        def body(cur: psycopg.Cursor[Any]) -> NoticeNumber:
            year, seq, place, issued = cur.execute(
                "INSERT INTO notices VALUES (%s, %s, %s, 0, 1, %s) ON CONFLICT (policy_id, "
                "notice) DO UPDATE SET places = notices.places + 1 "
                "RETURNING year, seq, places, issued",
                (policy_id, notice, at.year, at.isoformat())).fetchall()[0]
            if not seq:
                seq = int(cur.execute(_RESERVE, (policy_id, year)).fetchall()[0][0])
                cur.execute("UPDATE notices SET seq = %s WHERE policy_id = %s AND notice = %s",
                            (seq, policy_id, notice))
            return NoticeNumber(int(year), int(seq), int(place),
                                dt.datetime.fromisoformat(str(issued)))

        return self._tx(body)

    # -- claims (several workers) ------------------------------------------------------------
    def claim_due(self, now: dt.datetime, limit: int, worker: str,
                  lease: dt.timedelta) -> list[str]:
        """Claim up to ``limit`` items due at ``now`` for ``worker`` and return their ids,
        earliest first. An item is free when unclaimed, when its lease (server clock) has
        run out, or when ``worker`` holds it already; rows another transaction is claiming
        are skipped, so concurrent workers get disjoint batches."""
        return [r[0] for r in sorted(self._one(
            "WITH c AS (SELECT item_id FROM items WHERE next_due IS NOT NULL "
            "AND next_due <= %(now)s AND (claimed_by IS NULL OR claimed_by = %(w)s "
            "OR claimed_until < clock_timestamp()) ORDER BY next_due, item_id "
            "LIMIT %(limit)s FOR UPDATE SKIP LOCKED) "
            "UPDATE items i SET claimed_by = %(w)s, "
            "claimed_until = clock_timestamp() + %(lease)s FROM c "
            "WHERE i.item_id = c.item_id RETURNING i.item_id, i.next_due",
            {"now": now, "limit": limit, "w": worker, "lease": lease})[1],
            key=lambda r: (r[1], r[0]))]

    def claim_outbox(self, now: dt.datetime, limit: int, worker: str,
                     lease: dt.timedelta) -> list[OutboxMessage]:
        """Like :meth:`claim_due`, for pending outbox messages (so that one message is
        handed to one notifier at a time); done/failed clear the claim."""
        _, rows = self._one(
            "WITH c AS (SELECT id FROM outbox WHERE status = 'pending' "
            "AND next_attempt <= %(now)s AND (claimed_by IS NULL OR claimed_by = %(w)s "
            "OR claimed_until < clock_timestamp()) ORDER BY id LIMIT %(limit)s "
            "FOR UPDATE SKIP LOCKED) "
            "UPDATE outbox o SET claimed_by = %(w)s, "
            "claimed_until = clock_timestamp() + %(lease)s FROM c WHERE o.id = c.id "
            f"RETURNING {', '.join('o.' + c.strip() for c in _OUTBOX_COLS.split(','))}",
            {"now": now, "limit": limit, "w": worker, "lease": lease})
        return sorted((self._message(r) for r in rows), key=lambda m: m.id)

    def release(self, worker: str) -> int:
        """Give back every claim ``worker`` holds (at the end of a tick); returns how many."""
        n = self._one("UPDATE items SET claimed_by = NULL, claimed_until = NULL "
                      "WHERE claimed_by = %s", (worker,))[0]
        return n + self._one("UPDATE outbox SET claimed_by = NULL, claimed_until = NULL "
                             "WHERE claimed_by = %s", (worker,))[0]

    # -- outbox ------------------------------------------------------------------------------
    @staticmethod
    def _message(r: tuple[Any, ...]) -> OutboxMessage:
        payload = r[5] if isinstance(r[5], dict) else json.loads(r[5])
        return OutboxMessage(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), payload,
                             int(r[6]), str(r[7]), r[8], r[9])

    def outbox_due(self, now: dt.datetime, limit: int = 100) -> list[OutboxMessage]:
        return [self._message(r) for r in self._rows(
            f"SELECT {_OUTBOX_COLS} FROM outbox WHERE status = 'pending' "
            "AND next_attempt <= %s ORDER BY id LIMIT %s", (now, limit))]

    def outbox_done(self, message_id: int, at: dt.datetime) -> None:
        self._one(
            "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = %s, "
            "claimed_by = NULL, claimed_until = NULL WHERE id = %s AND status = 'pending'",
            (at, message_id))

    def outbox_failed(self, message_id: int, error: str, retry_at: dt.datetime | None) -> None:
        if retry_at is None:
            self._one(
                "UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = %s, "
                "claimed_by = NULL, claimed_until = NULL WHERE id = %s",
                (error[:2000], message_id))
        else:
            self._one(
                "UPDATE outbox SET attempts = attempts + 1, last_error = %s, "
                "next_attempt = %s, claimed_by = NULL, claimed_until = NULL WHERE id = %s",
                (error[:2000], retry_at, message_id))

    def outbox_retry(self, message_id: int | None = None) -> int:
        """Move dead-lettered messages (one, or all) back to pending."""
        sql = "UPDATE outbox SET status = 'pending', attempts = 0 WHERE status = 'dead'"
        return self._one(sql + (" AND id = %s" if message_id is not None else ""),
                         (message_id,) if message_id is not None else ())[0]

    def outbox(self, status: str | None = None) -> list[OutboxMessage]:
        sql = f"SELECT {_OUTBOX_COLS} FROM outbox" + \
            (" WHERE status = %s" if status else "") + " ORDER BY id"
        return [self._message(r) for r in self._rows(sql, (status,) if status else ())]

    def outbox_count(self, status: str) -> int:
        """How many messages are in ``status`` (one count query: ``/metrics``, ``/readyz``)."""
        return int(self._rows("SELECT count(*) FROM outbox WHERE status = %s", (status,))[0][0])

    def ledger(self) -> list[PenaltyEntry]:
        out = []
        for (body,) in self._rows("SELECT body FROM ledger ORDER BY at, item_id, seq, n"):
            d = codec._dec(json.loads(body))
            out.append(PenaltyEntry(**{**d, "measures": tuple(d["measures"])}))
        return out

    def close(self) -> None:
        with self.lock:
            if self.conn is not None:
                self.conn.close()
