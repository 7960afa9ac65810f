"""The built-in store: one SQLite file, zero set-up (WAL, synchronous=FULL, busy timeout).

Each :class:`SqliteStore` owns one connection; give each thread or process its own. A
commit runs in ``BEGIN IMMEDIATE`` so concurrent writers queue on the file lock (up to
the busy timeout, then a few retries) instead of failing half-way; "database is locked"
never reaches the user as such.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from duban.engine import codec
from duban.engine.model import Event, ItemState, PenaltyEntry
from duban.engine.notice import NoticeNumber
from duban.outbox import OutboxMessage
from duban.store import group_commit
from duban.store.base import (
    Commit,
    ConcurrencyError,
    IdempotencyConflict,
    Request,
    StoreError,
)
from duban.store.identity import SQLITE_MIGRATIONS as IDENTITY_MIGRATIONS

MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("0001_core", """
        CREATE TABLE policies (
            content_hash TEXT PRIMARY KEY, policy_id TEXT NOT NULL, document TEXT NOT NULL);
        CREATE TABLE events (
            item_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL,
            action TEXT NOT NULL, body TEXT NOT NULL, idem_key TEXT UNIQUE,
            PRIMARY KEY (item_id, seq));
        CREATE TABLE items (
            item_id TEXT PRIMARY KEY, policy_id TEXT NOT NULL, policy_hash TEXT NOT NULL,
            state TEXT NOT NULL, lead TEXT, confidential INTEGER NOT NULL DEFAULT 0,
            seq INTEGER NOT NULL, next_due INTEGER, body TEXT NOT NULL);
        CREATE INDEX items_next_due ON items (next_due) WHERE next_due IS NOT NULL;
        CREATE TABLE ledger (
            item_id TEXT NOT NULL, seq INTEGER NOT NULL, n INTEGER NOT NULL,
            target TEXT NOT NULL, at TEXT NOT NULL, body TEXT NOT NULL,
            PRIMARY KEY (item_id, seq, n));
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT, item_id TEXT NOT NULL,
            dedupe_key TEXT NOT NULL UNIQUE, channel TEXT NOT NULL, recipient TEXT NOT NULL,
            payload TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0, next_attempt INTEGER NOT NULL,
            last_error TEXT, sent_at TEXT);
        CREATE INDEX outbox_pending ON outbox (next_attempt) WHERE status = 'pending';
        CREATE TABLE numbers (
            policy_id TEXT NOT NULL, year INTEGER NOT NULL, seq INTEGER NOT NULL,
            PRIMARY KEY (policy_id, year));
    """),
    # A key belongs to one request; keys recorded before carry no fingerprint (see
    # duban.store.base.Request.answer). Timer keys are the engine's, not requests.
    ("0002_requests", """
        CREATE TABLE requests (
            idem_key TEXT PRIMARY KEY, item_id TEXT NOT NULL, action TEXT NOT NULL,
            fingerprint TEXT, result TEXT, at TEXT NOT NULL);
        INSERT INTO requests (idem_key, item_id, action, fingerprint, result, at)
            SELECT idem_key, item_id, action, NULL, NULL, at FROM events
            WHERE idem_key IS NOT NULL AND action <> 'timer';
    """),
    *IDENTITY_MIGRATIONS,
    # 一单多事: a notice's 文号 (reserved from ``numbers`` once) and the places given on it
    ("0003_notices", """
        CREATE TABLE notices (
            policy_id TEXT NOT NULL, notice TEXT NOT NULL, year INTEGER NOT NULL,
            seq INTEGER NOT NULL, places INTEGER NOT NULL, issued TEXT NOT NULL,
            PRIMARY KEY (policy_id, notice));
    """),
)


def _reserve(tx: _Tx, policy_id: str, year: int) -> int:
    """The next number of the year, inside the caller's transaction."""
    tx.execute("INSERT INTO numbers VALUES (?, ?, 0) ON CONFLICT DO NOTHING", (policy_id, year))
    tx.execute("UPDATE numbers SET seq = seq + 1 WHERE policy_id = ? AND year = ?",
               (policy_id, year))
    return int(tx.execute("SELECT seq FROM numbers WHERE policy_id = ? AND year = ?",
                          (policy_id, year)).fetchone()[0])


def epoch(at: dt.datetime | None) -> int | None:
    return None if at is None else int(at.timestamp())


class SqliteStore:
    name = "sqlite"

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 30_000) -> None:
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(self.path, timeout=busy_timeout_ms / 1000,
                                        isolation_level=None, check_same_thread=False)
            self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise StoreError(f"无法打开数据库 {self.path}：{exc} / cannot open database") from None
        self.lock = threading.RLock()
        self._queue = group_commit.queue_for(self.path)

    # -- schema ----------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply named migrations not applied yet, each in its own IMMEDIATE transaction
        that re-checks the ledger of migrations — so workers starting together apply each
        one exactly once."""
        with self.lock:
            self._write("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, "
                        "applied_at TEXT NOT NULL)")
            applied: list[str] = []
            for name, sql in MIGRATIONS:
                def body(c: _Tx, sql: str = sql, name: str = name) -> None:
                    if c.execute("SELECT 1 FROM migrations WHERE name = ?",
                                 (name,)).fetchone():
                        return
                    c.executescript_in_tx(sql)
                    c.execute("INSERT INTO migrations VALUES (?, ?)",
                              (name, dt.datetime.now(dt.UTC).isoformat()))
                    applied.append(name)
                self._transaction(body)
            return applied

    # -- plumbing ----------------------------------------------------------------------------
    def _write(self, sql: str, params: tuple[object, ...] = ()) -> None:
        self._transaction(lambda c: c.execute(sql, params))

    def _transaction(self, body: Callable[[_Tx], object]) -> None:
        """Run ``body(cursor)`` inside BEGIN IMMEDIATE … COMMIT, retrying on a busy file.

        The writes of this process to this file go through one queue
        (:mod:`duban.store.group_commit`): those that queue up while one commits share
        the next commit, each in its own savepoint. Returns when the commit holding
        ``body`` returned; raises ``body``'s own error (nothing of it written)."""
        write = group_commit.Write(body)
        if self._queue is None:  # an in-memory database: no other connection shares it
            self._commit([write])
        else:
            self._queue.run(write, self._commit)
        if write.error is not None:
            raise write.error

    def _commit(self, batch: list[group_commit.Write]) -> None:
        with self.lock:
            group_commit.commit_batch(self.conn, batch, _Tx, _failure)

    # -- policies ----------------------------------------------------------------------------
    def save_policy(self, content_hash: str, policy_id: str, document: str) -> None:
        self._write("INSERT OR IGNORE INTO policies VALUES (?, ?, ?)",
                    (content_hash, policy_id, document))

    def policy_document(self, content_hash: str) -> str | None:
        row = self.conn.execute("SELECT document FROM policies WHERE content_hash = ?",
                                (content_hash,)).fetchone()
        return row[0] if row else None

    # -- items and events --------------------------------------------------------------------
    def load(self, item_id: str) -> ItemState | None:
        row = self.conn.execute("SELECT body FROM items WHERE item_id = ?",
                                (item_id,)).fetchone()
        return codec.decode_item(row[0]) if row else None

    def events(self, item_id: str) -> list[Event]:
        return [codec.decode_event(r[0]) for r in self.conn.execute(
            "SELECT body FROM events WHERE item_id = ? ORDER BY seq", (item_id,))]

    def request_result(self, request: Request) -> ItemState | None:
        row = self.conn.execute("SELECT item_id, action, fingerprint, result FROM requests "
                                "WHERE idem_key = ?", (request.key,)).fetchone()
        if row is None:
            return None
        item_id, action, fingerprint, result = row
        return request.answer(item_id, action, fingerprint, result, self.load)

    def commit(self, c: Commit) -> None:
        self._transaction(self._commit_body(c))

    def _commit_body(self, c: Commit) -> Callable[[_Tx], None]:
        """What :meth:`commit` runs inside its transaction (a write of a batch). Every
        value is encoded before: the transaction holds the file's write lock, for the
        writes of the whole batch."""
        item = c.item
        encoded = codec.encode_item(item)  # the projection, and a keyed request's answer
        seq = c.expected_seq + len(c.events)
        events = [(item.id, c.expected_seq + n, e.at.isoformat(), e.action,
                   codec.encode_event(e), e.key) for n, e in enumerate(c.events, 1)]
        ledger = [(item.id, seq, n, entry.target, entry.at.isoformat(), codec.dumps(entry))
                  for n, entry in enumerate(c.ledger)]
        now = epoch(c.events[-1].at) if c.events else 0
        outbox = [(item.id, o.dedupe_key, o.channel, o.recipient,
                   json.dumps(o.payload, ensure_ascii=False), now) for o in c.outbox]

        def body(tx: _Tx) -> None:
            row = tx.execute("SELECT seq FROM items WHERE item_id = ?", (item.id,)).fetchone()
            current = row[0] if row else 0
            if current != c.expected_seq:
                raise ConcurrencyError(item.id, c.expected_seq, current)
            if c.request is not None:  # BEGIN IMMEDIATE: no other writer between check and insert
                r = c.request
                if tx.execute("SELECT 1 FROM requests WHERE idem_key = ?", (r.key,)).fetchone():
                    raise IdempotencyConflict(r.key)
                tx.execute("INSERT INTO requests VALUES (?, ?, ?, ?, ?, ?)",
                           (r.key, r.item_id, r.action, r.fingerprint, encoded,
                            (c.events[0].at if c.events else dt.datetime.now(dt.UTC)).isoformat()))
            for values in events:
                tx.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)", values)
            tx.execute(
                "INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (item_id) "
                "DO UPDATE SET state = excluded.state, lead = excluded.lead, "
                "confidential = excluded.confidential, seq = excluded.seq, "
                "next_due = excluded.next_due, body = excluded.body, "
                "policy_hash = excluded.policy_hash",
                (item.id, item.policy_id, item.policy_hash, item.state, item.department,
                 int(item.confidential), seq, epoch(c.next_due), encoded))
            for line in ledger:
                tx.execute("INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?)", line)
            for message in outbox:
                tx.execute("INSERT OR IGNORE INTO outbox (item_id, dedupe_key, channel, "
                           "recipient, payload, next_attempt) VALUES (?, ?, ?, ?, ?, ?)", message)

        return body

    def check(self, *, quick: bool = True) -> list[str]:
        pragma = "quick_check" if quick else "integrity_check"
        try:
            rows = [str(r[0]) for r in self.conn.execute(f"PRAGMA {pragma}(20)")]
        except sqlite3.DatabaseError as exc:  # the file is not even readable as a database
            return [f"{pragma}: {exc}"]
        return [] if rows == ["ok"] else [f"{pragma}: {r}" for r in rows]

    def items(self, *, policy_id: str | None = None) -> Iterator[ItemState]:
        sql = "SELECT body FROM items" + (" WHERE policy_id = ?" if policy_id else "") + \
            " ORDER BY item_id"
        rows = self.conn.execute(sql, (policy_id,) if policy_id else ()).fetchall()
        for r in rows:
            yield codec.decode_item(r[0])

    def item_versions(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT item_id, seq FROM items").fetchall())

    def change_token(self) -> tuple[int, int]:
        """A value that differs from the last one this connection gave whenever anything
        was committed meanwhile — by another connection or process (SQLite's
        ``PRAGMA data_version``) or by this connection (its own count of changes). A
        reader that keeps items (the web pages' listing index) skips ``item_versions``
        while it is unchanged: microseconds instead of a scan of every item."""
        with self.lock:
            version = self.conn.execute("PRAGMA data_version").fetchone()[0]
            return int(version), self.conn.total_changes

    def due(self, now: dt.datetime, limit: int = 1000) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT item_id FROM items WHERE next_due IS NOT NULL AND next_due <= ? "
            "ORDER BY next_due, item_id LIMIT ?", (epoch(now), limit))]

    def next_number(self, policy_id: str, year: int) -> int:
        out: list[int] = []
        self._transaction(lambda tx: out.append(_reserve(tx, policy_id, year)))
        return out[-1]  # the last run of the body is the one committed (a batch may retry)

    def notice_number(self, policy_id: str, notice: str, at: dt.datetime) -> NoticeNumber:
        """The notice's number (reserved the first time, in the year of ``at``) and the
        next place on it, in one IMMEDIATE transaction: concurrent callers queue."""
        out: list[NoticeNumber] = []

        def body(tx: _Tx) -> None:
            key = (policy_id, notice)
            tx.execute("INSERT INTO notices VALUES (?, ?, ?, 0, 0, ?) ON CONFLICT DO NOTHING",
                       (*key, at.year, at.isoformat()))
            tx.execute("UPDATE notices SET places = places + 1 WHERE policy_id = ? AND "
                       "notice = ?", key)
            year, seq, place, issued = tx.execute(
                "SELECT year, seq, places, issued FROM notices WHERE policy_id = ? AND "
                "notice = ?", key).fetchone()
            if not seq:
                seq = _reserve(tx, policy_id, year)
                tx.execute("UPDATE notices SET seq = ? WHERE policy_id = ? AND notice = ?",
                           (seq, *key))
            out.append(NoticeNumber(year, seq, place, dt.datetime.fromisoformat(issued)))

        self._transaction(body)
        return out[-1]  # the last run of the body is the one committed (a batch may retry)

    # -- outbox ----------------------------------------------------------------------------
    def _message(self, r: tuple[object, ...]) -> OutboxMessage:
        return OutboxMessage(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]),  # type: ignore[call-overload]
                             json.loads(str(r[5])), int(r[6]), str(r[7]),  # type: ignore[call-overload]
                             None if r[8] is None else str(r[8]),
                             dt.datetime.fromtimestamp(int(r[9]), dt.UTC))  # type: ignore[call-overload]

    _COLS = "id, item_id, dedupe_key, channel, recipient, payload, attempts, status, " \
            "last_error, next_attempt"

    def outbox_due(self, now: dt.datetime, limit: int = 100) -> list[OutboxMessage]:
        return [self._message(r) for r in self.conn.execute(
            f"SELECT {self._COLS} FROM outbox WHERE status = 'pending' AND next_attempt <= ? "
            "ORDER BY id LIMIT ?", (epoch(now), limit))]

    def outbox_done(self, message_id: int, at: dt.datetime) -> None:
        self._write("UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ? "
                    "WHERE id = ? AND status = 'pending'", (at.isoformat(), message_id))

    def outbox_failed(self, message_id: int, error: str, retry_at: dt.datetime | None) -> None:
        if retry_at is None:
            self._write("UPDATE outbox SET status = 'dead', attempts = attempts + 1, "
                        "last_error = ? WHERE id = ?", (error[:2000], message_id))
        else:
            self._write("UPDATE outbox SET attempts = attempts + 1, last_error = ?, "
                        "next_attempt = ? WHERE id = ?",
                        (error[:2000], epoch(retry_at), message_id))

    def outbox_retry(self, message_id: int | None = None) -> int:
        """Move dead-lettered messages (one, or all) back to pending."""
        cur: list[int] = []

        def body(tx: _Tx) -> None:
            sql = "UPDATE outbox SET status = 'pending', attempts = 0 WHERE status = 'dead'"
            r = tx.execute(sql + (" AND id = ?" if message_id is not None else ""),
                           (message_id,) if message_id is not None else ())
            cur.append(r.rowcount)

        self._transaction(body)
        return cur[0]

    def outbox(self, status: str | None = None) -> list[OutboxMessage]:
        sql = f"SELECT {self._COLS} FROM outbox" + (" WHERE status = ?" if status else "") + \
            " ORDER BY id"
        return [self._message(r) for r in self.conn.execute(sql, (status,) if status else ())]

    def outbox_count(self, status: str) -> int:
        """How many messages are in ``status`` (one count query: ``/metrics``, ``/readyz``)."""
        return int(self.conn.execute("SELECT count(*) FROM outbox WHERE status = ?",
                                     (status,)).fetchone()[0])

    def ledger(self) -> list[PenaltyEntry]:
        out = []
        for (body,) in self.conn.execute("SELECT body FROM ledger ORDER BY at, item_id, seq, n"):
            d = codec._dec(json.loads(body))
            out.append(PenaltyEntry(**{**d, "measures": tuple(d["measures"])}))
        return out

    def close(self) -> None:
        self.conn.close()


def _failure(exc: BaseException) -> BaseException:
    """The error a writer sees for a database failure (nothing of its write is stored)."""
    if not isinstance(exc, sqlite3.Error):
        return exc
    if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
        return StoreError(f"磁盘已满，未写入任何内容：{exc} / disk full, nothing written")
    if group_commit.retryable(exc):
        return StoreError("数据库持续繁忙，请稍后重试 / database stayed busy, retry later")
    return StoreError(f"数据库错误：{exc} / database error")


class _Tx:
    """The cursor handed to a transaction body (executescript without its implicit COMMIT)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executescript_in_tx(self, script: str) -> None:
        for stmt in (s.strip() for s in script.split(";")):
            if stmt:
                self.conn.execute(stmt)
