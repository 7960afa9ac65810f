"""Group commit for SQLite: the writes that queue up while one commits share the next commit.

Why: a durable SQLite commit (WAL, ``synchronous=FULL``) costs one fsync, a few
milliseconds on ordinary disks, and SQLite lets one writer in at a time. When several
requests of one process write at once, each used to wait for the file lock in SQLite's
busy handler, which *sleeps* (1, 2, 5 … up to 100 ms) instead of waking when the lock is
free: the throughput was one fsync per action and the latency tail was the sleeps. Here
the writers of one process that use one database file form a queue: the first to arrive
(the *leader*) takes everything queued, runs each write in its own savepoint inside one
``BEGIN IMMEDIATE … COMMIT`` on its own connection, and wakes the others when the commit
has returned — one fsync for all of them, as PostgreSQL's ``commit_delay`` does, without
waiting on purpose: a write that arrives while a commit is on its way goes into the next.

Nothing about a single write changes: it is acknowledged (its caller returns) only after
the COMMIT that holds it returned, so it survives a crash or ``kill -9`` exactly as
before; a write whose body fails (a stale sequence, a used idempotency key) is rolled
back to its savepoint alone and its caller gets its own error; a failure of the commit
itself (a full disk) fails every write of the batch, none of which was written. Other
processes still meet at the file lock as before.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: The most writes one commit carries (the queue's rest goes into the next one).
MAX_BATCH = 64
_ATTEMPTS = 8
_DELAY = 0.05


class Busy(Exception):
    """The file stayed locked by another process for one attempt: wait and retry."""


def _held() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass(eq=False)
class Write:
    """One transaction body waiting for a commit, and how it ended."""

    body: Callable[[Any], object]
    done: bool = False
    error: BaseException | None = None
    #: Held while the writer waits; released once, by the leader that committed it (then
    #: ``done``) or that hands it the next commit to lead (not ``done``).
    wake: threading.Lock = field(default_factory=_held, repr=False)


class Queue:
    """The writes of one process to one database file, committed in turns.

    Why a lock per waiting write and a hand-off, not one condition variable: waking a
    thread is a system call made while holding the GIL, and with a shared condition
    every commit woke every waiter — those of the next batch too, only to sleep again.
    Now each write is woken exactly once: when its commit returned, or to lead the next
    one (the earliest waiter leads, so writes are committed in the order they came)."""

    def __init__(self) -> None:
        self.mutex = threading.Lock()
        self.waiting: list[Write] = []
        self.committing = False

    def run(self, write: Write, commit: Callable[[list[Write]], None]) -> None:
        """Wait until ``write`` is committed (by this thread or another); raise its error.

        ``commit(batch)`` commits a batch and sets each write's ``done``/``error``."""
        with self.mutex:
            lead = not self.committing
            if lead:
                self.committing = True
            else:
                self.waiting.append(write)
        if not lead:
            write.wake.acquire()
        if not write.done:  # first in, or handed the next commit
            self._lead(write, commit)
        if write.error is not None:
            raise write.error

    def _lead(self, write: Write, commit: Callable[[list[Write]], None]) -> None:
        with self.mutex:  # this write and the queue behind it (a long queue: its head)
            batch = [write, *self.waiting[:MAX_BATCH - 1]]
            del self.waiting[:MAX_BATCH - 1]
        try:
            commit(batch)
        finally:
            with self.mutex:
                for w in batch:
                    if not w.done:  # commit() itself failed: nobody's write is in
                        w.done, w.error = True, w.error or RuntimeError("commit failed")
                successor = self.waiting.pop(0) if self.waiting else None
                self.committing = successor is not None
            for w in batch[1:]:
                w.wake.release()
            if successor is not None:
                successor.wake.release()


_QUEUES: dict[tuple[int, str], Queue] = {}
_QUEUES_LOCK = threading.Lock()


def queue_for(path: str) -> Queue | None:
    """The queue of this process for a database file; None for an in-memory database
    (every connection to ``:memory:`` is a database of its own)."""
    if path in ("", ":memory:") or path.startswith("file::memory:"):
        return None
    key = (os.getpid(), os.path.realpath(path))  # a forked child starts its own queues
    with _QUEUES_LOCK:
        return _QUEUES.setdefault(key, Queue())


def retryable(exc: BaseException) -> bool:
    """SQLite's "database is locked/busy": another process holds the file."""
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc))


def commit_batch(conn: sqlite3.Connection, batch: list[Write],
                 tx: Callable[[sqlite3.Connection], Any],
                 failure: Callable[[BaseException], BaseException]) -> None:
    """Run every write of ``batch`` in its own savepoint of one IMMEDIATE transaction on
    ``conn``, then commit once; retried while another process holds the file.

    ``tx(conn)`` is what a body is handed; ``failure(exc)`` turns a database error into
    the error its caller sees. Sets each write's ``done`` and ``error``."""
    for attempt in range(_ATTEMPTS):
        try:
            _attempt(conn, batch, tx, failure)
        except Busy:
            time.sleep(_DELAY * (attempt + 1))
            continue
        except BaseException as exc:  # the whole transaction is gone: nothing is written
            for w in batch:
                w.done, w.error = True, failure(exc)
            return
        for w in batch:
            w.done = True
        return
    for w in batch:
        w.done, w.error = True, failure(sqlite3.OperationalError("database is locked"))


def _attempt(conn: sqlite3.Connection, batch: list[Write],
             tx: Callable[[sqlite3.Connection], Any],
             failure: Callable[[BaseException], BaseException]) -> None:
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if retryable(exc):
            raise Busy from None
        raise
    try:
        for w in batch:
            w.error = None
            conn.execute("SAVEPOINT duban_write")
            try:
                w.body(tx(conn))
            except Exception as exc:
                if not conn.in_transaction or retryable(exc):
                    raise  # SQLite rolled the whole transaction back (a full disk), or busy
                conn.execute("ROLLBACK TO duban_write")
                w.error = failure(exc) if isinstance(exc, sqlite3.Error) else exc
            conn.execute("RELEASE duban_write")
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:  # SQLite rolls back by itself on SQLITE_FULL
            conn.execute("ROLLBACK")
        if retryable(exc):
            raise Busy from None
        raise
