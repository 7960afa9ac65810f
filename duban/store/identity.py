"""Who may use the service: users, API tokens, browser sessions, login throttling, the
audit of confidential reads and attachment records — kept in the same store as the items.

Why in the store: several server processes on PostgreSQL must agree on who is signed in,
which token was revoked a second ago and how many passwords were just guessed wrong; a
per-process cache would let a revoked token or a throttled login through on the next
process. The store only keeps what it is given: password hashes (argon2, made by the web
layer) and token digests, never a secret.

One class serves SQLite and PostgreSQL: the statements are plain SQL written once with
``?`` placeholders; :func:`identity_for` wraps the store's own transaction machinery
(busy retries on SQLite, reconnect-and-retry on PostgreSQL). Only the table definitions
differ, in :data:`SQLITE_MIGRATIONS` and :data:`POSTGRES_MIGRATIONS`, which the stores
append to their named migrations.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from duban.errors import DubanError
from duban.store.base import Store, StoreError

_TABLES = """
    CREATE TABLE users (
        name TEXT PRIMARY KEY, departments TEXT NOT NULL, roles TEXT NOT NULL,
        proxy_roles TEXT NOT NULL, password_hash TEXT, admin INTEGER NOT NULL DEFAULT 0,
        disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
    CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY, user_name TEXT NOT NULL, digest TEXT NOT NULL,
        label TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT, last_used TEXT);
    CREATE INDEX api_tokens_user ON api_tokens (user_name);
    CREATE TABLE web_sessions (
        digest TEXT PRIMARY KEY, user_name TEXT NOT NULL, csrf TEXT NOT NULL,
        created_at TEXT NOT NULL, expires BIGINT NOT NULL);
    CREATE INDEX web_sessions_user ON web_sessions (user_name);
    CREATE TABLE login_failures (
        key TEXT PRIMARY KEY, failures INTEGER NOT NULL, window_start BIGINT NOT NULL,
        locked_until BIGINT NOT NULL);
    CREATE TABLE attachments (
        id TEXT PRIMARY KEY, item_id TEXT NOT NULL, kind TEXT NOT NULL,
        filename TEXT NOT NULL, content_type TEXT NOT NULL, size BIGINT NOT NULL,
        sha256 TEXT NOT NULL, storage_key TEXT NOT NULL, uploaded_by TEXT NOT NULL,
        at TEXT NOT NULL);
    CREATE INDEX attachments_item ON attachments (item_id);
"""

#: Named migrations (the store's runner applies each once, in order, after its own).
#: The units a user oversees (分管), for role words judged against an item's supervising
#: unit (督办单位分管局领导); a JSON list like the departments.
_OVERSEES = "ALTER TABLE users ADD COLUMN oversees TEXT NOT NULL DEFAULT '[]';"

SQLITE_MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("0100_web_identity", _TABLES + """
        CREATE TABLE read_audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user_name TEXT NOT NULL,
            item_id TEXT NOT NULL, what TEXT NOT NULL);
    """),
    ("0101_user_oversees", _OVERSEES),
)
POSTGRES_MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("0100_web_identity", _TABLES + """
        CREATE TABLE read_audit (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at TEXT NOT NULL,
            user_name TEXT NOT NULL, item_id TEXT NOT NULL, what TEXT NOT NULL);
    """),
    ("0101_user_oversees", _OVERSEES),
)


@dataclass(frozen=True)
class UserRecord:
    """A user as stored: departments and role words (the policy's own), 代录 rights."""

    name: str
    departments: tuple[str, ...]
    roles: tuple[str, ...]
    proxy_roles: tuple[str, ...] = ()  # role words this user may enter decisions for (代录)
    password_hash: str | None = None
    admin: bool = False
    disabled: bool = False
    created_at: str = ""
    oversees: tuple[str, ...] = ()  # units this user oversees (分管), e.g. a 分管局领导's


@dataclass(frozen=True)
class UserChange:
    """What an edit of a user replaces: a field left None stays as it is."""

    departments: tuple[str, ...] | None = None
    roles: tuple[str, ...] | None = None
    proxy_roles: tuple[str, ...] | None = None
    oversees: tuple[str, ...] | None = None
    admin: bool | None = None


@dataclass(frozen=True)
class TokenRecord:
    id: str
    user_name: str
    digest: str
    label: str
    created_at: str
    revoked_at: str | None
    last_used: str | None


@dataclass(frozen=True)
class SessionRecord:
    user_name: str
    csrf: str
    expires: int


@dataclass(frozen=True)
class AttachmentRecord:
    id: str
    item_id: str
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    storage_key: str
    uploaded_by: str
    at: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "item": self.item_id, "kind": self.kind,
                "filename": self.filename, "content_type": self.content_type,
                "size": self.size, "sha256": self.sha256, "uploaded_by": self.uploaded_by,
                "at": self.at}


class Runner(Protocol):
    def read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def write(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[int]:
        """Run the statements in one transaction; return each one's row count."""


class _SqliteRunner:
    def __init__(self, store: Any) -> None:
        self.store = store

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.store.lock:
            return list(self.store.conn.execute(sql, tuple(params)).fetchall())

    def write(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[int]:
        counts: list[int] = []

        def body(tx: Any) -> None:
            counts.clear()
            for sql, params in statements:
                counts.append(tx.execute(sql, tuple(params)).rowcount)

        self.store._transaction(body)
        return counts


class _PostgresRunner:
    def __init__(self, store: Any) -> None:
        self.store = store

    @staticmethod
    def _pg(sql: str) -> str:
        return sql.replace("?", "%s")

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.store._rows(self._pg(sql), tuple(params)))

    def write(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[int]:
        def body(cur: Any) -> list[int]:
            out = []
            for sql, params in statements:
                cur.execute(self._pg(sql), tuple(params))
                out.append(cur.rowcount)
            return out

        result: list[int] = self.store._tx(body)
        return result


_RUNNERS: dict[str, Callable[[Any], Runner]] = {"sqlite": _SqliteRunner,
                                                "postgresql": _PostgresRunner}


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat()


_USER_COLS = ("name, departments, roles, proxy_roles, password_hash, admin, disabled, "
              "created_at, oversees")


class IdentityStore:
    """Users, tokens, sessions, throttling, read audit and attachment records."""

    def __init__(self, runner: Runner) -> None:
        self.db = runner

    # -- users -------------------------------------------------------------------------------
    def add_user(self, user: UserRecord, at: dt.datetime) -> None:
        if self.user(user.name) is not None:
            raise DubanError(f"用户 '{user.name}' 已存在 / user exists", "user_exists")
        self.db.write([(
            f"INSERT INTO users ({_USER_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (user.name, _dump(user.departments), _dump(user.roles), _dump(user.proxy_roles),
             user.password_hash, int(user.admin), int(user.disabled), _iso(at),
             _dump(user.oversees)))])

    def user(self, name: str) -> UserRecord | None:
        rows = self.db.read(f"SELECT {_USER_COLS} FROM users WHERE name = ?", (name,))
        return _user(rows[0]) if rows else None

    def users(self) -> list[UserRecord]:
        return [_user(r) for r in self.db.read(
            f"SELECT {_USER_COLS} FROM users ORDER BY name")]

    def set_disabled(self, name: str, disabled: bool) -> bool:
        """Disable (or enable) a user; a disabled user's sessions end at once."""
        statements: list[tuple[str, Sequence[Any]]] = [
            ("UPDATE users SET disabled = ? WHERE name = ?", (int(disabled), name))]
        if disabled:
            statements.append(("DELETE FROM web_sessions WHERE user_name = ?", (name,)))
        return self.db.write(statements)[0] > 0

    def update_user(self, name: str, change: UserChange) -> bool:
        """Replace the fields ``change`` gives (the others, and the name, stay); False for
        an unknown user. One UPDATE in one transaction: a reader sees the old user or the
        new one, never departments from one edit and roles from another.

        Why on the user: 局领导分工 (what a leader oversees), departments and 代录 rights
        change with people, not with the regulation — an edit takes effect on the user's
        next request (the actor is built from this row each time)."""
        sets: list[str] = []
        params: list[Any] = []
        for column in ("departments", "roles", "proxy_roles", "oversees"):
            value = getattr(change, column)
            if value is not None:
                sets.append(f"{column} = ?")
                params.append(_dump(value))
        if change.admin is not None:
            sets.append("admin = ?")
            params.append(int(change.admin))
        if not sets:
            return self.user(name) is not None
        return self.db.write([(f"UPDATE users SET {', '.join(sets)} WHERE name = ?",
                               (*params, name))])[0] > 0

    def set_password(self, name: str, password_hash: str) -> bool:
        return self.db.write([("UPDATE users SET password_hash = ? WHERE name = ?",
                               (password_hash, name))])[0] > 0

    # -- API tokens ----------------------------------------------------------------------------
    def add_token(self, token_id: str, user_name: str, digest: str, label: str,
                  at: dt.datetime) -> None:
        self.db.write([("INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, NULL, NULL)",
                        (token_id, user_name, digest, label, _iso(at)))])

    def token_user(self, token_id: str) -> tuple[TokenRecord, UserRecord] | None:
        """A token and its user in one read (the check every API request makes)."""
        rows = self.db.read(
            "SELECT t.id, t.user_name, t.digest, t.label, t.created_at, t.revoked_at, "
            "t.last_used, u.name, u.departments, u.roles, u.proxy_roles, u.password_hash, "
            "u.admin, u.disabled, u.created_at, u.oversees FROM api_tokens t JOIN users u "
            "ON u.name = t.user_name WHERE t.id = ?", (token_id,))
        return (TokenRecord(*rows[0][:7]), _user(rows[0][7:])) if rows else None

    def token(self, token_id: str) -> TokenRecord | None:
        rows = self.db.read("SELECT id, user_name, digest, label, created_at, revoked_at, "
                            "last_used FROM api_tokens WHERE id = ?", (token_id,))
        return TokenRecord(*rows[0]) if rows else None

    def tokens(self, user_name: str) -> list[TokenRecord]:
        return [TokenRecord(*r) for r in self.db.read(
            "SELECT id, user_name, digest, label, created_at, revoked_at, last_used "
            "FROM api_tokens WHERE user_name = ? ORDER BY created_at, id", (user_name,))]

    def revoke_token(self, token_id: str, at: dt.datetime) -> bool:
        return self.db.write([("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND "
                               "revoked_at IS NULL", (_iso(at), token_id))])[0] > 0

    def token_used(self, token_id: str, at: dt.datetime) -> None:
        self.db.write([("UPDATE api_tokens SET last_used = ? WHERE id = ?",
                        (_iso(at), token_id))])

    # -- browser sessions ----------------------------------------------------------------------
    def add_session(self, digest: str, user_name: str, csrf: str, at: dt.datetime,
                    expires: dt.datetime) -> None:
        self.db.write([
            ("DELETE FROM web_sessions WHERE expires < ?", (int(at.timestamp()),)),
            ("INSERT INTO web_sessions VALUES (?, ?, ?, ?, ?)",
             (digest, user_name, csrf, _iso(at), int(expires.timestamp())))])

    def session(self, digest: str, now: dt.datetime) -> SessionRecord | None:
        rows = self.db.read("SELECT user_name, csrf, expires FROM web_sessions "
                            "WHERE digest = ? AND expires >= ?", (digest, int(now.timestamp())))
        return SessionRecord(str(rows[0][0]), str(rows[0][1]), int(rows[0][2])) if rows else None

    def end_session(self, digest: str) -> None:
        self.db.write([("DELETE FROM web_sessions WHERE digest = ?", (digest,))])

    # -- login throttling ------------------------------------------------------------------------
    def locked_until(self, key: str, now: dt.datetime) -> int:
        """The epoch second until which ``key`` may not try to log in (0: it may)."""
        rows = self.db.read("SELECT locked_until FROM login_failures WHERE key = ?", (key,))
        until = int(rows[0][0]) if rows else 0
        return until if until > now.timestamp() else 0

    def login_failed(self, key: str, now: dt.datetime, limit: int, window: int,
                     lockout: int) -> int:
        """Count a failure; after ``limit`` within ``window`` seconds, lock ``key`` for
        ``lockout`` seconds. Returns the lock's end (0 if not locked)."""
        t = int(now.timestamp())
        self.db.write([
            ("INSERT INTO login_failures VALUES (?, 0, ?, 0) ON CONFLICT (key) DO NOTHING",
             (key, t)),
            ("UPDATE login_failures SET failures = 0, window_start = ? "
             "WHERE key = ? AND window_start < ?", (t, key, t - window)),
            ("UPDATE login_failures SET failures = failures + 1 WHERE key = ?", (key,)),
            ("UPDATE login_failures SET locked_until = ? WHERE key = ? AND failures >= ?",
             (t + lockout, key, limit))])
        return self.locked_until(key, now)

    def login_succeeded(self, key: str) -> None:
        self.db.write([("DELETE FROM login_failures WHERE key = ?", (key,))])

    # -- audit of confidential reads -----------------------------------------------------------
    def audit_read(self, user_name: str, item_id: str, what: str, at: dt.datetime) -> None:
        self.db.write([("INSERT INTO read_audit (at, user_name, item_id, what) "
                        "VALUES (?, ?, ?, ?)", (_iso(at), user_name, item_id, what))])

    def read_audit(self, item_id: str | None = None) -> list[dict[str, str]]:
        sql = "SELECT at, user_name, item_id, what FROM read_audit"
        rows = self.db.read(sql + (" WHERE item_id = ?" if item_id else "") + " ORDER BY id",
                            (item_id,) if item_id else ())
        return [{"at": r[0], "user": r[1], "item": r[2], "what": r[3]} for r in rows]

    # -- attachments -----------------------------------------------------------------------------
    def add_attachment(self, a: AttachmentRecord) -> None:
        self.db.write([("INSERT INTO attachments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (a.id, a.item_id, a.kind, a.filename, a.content_type, a.size,
                         a.sha256, a.storage_key, a.uploaded_by, a.at))])

    def remove_attachment(self, attachment_id: str) -> None:
        """Forget an attachment whose action did not happen (see ``web.api.attachments``)."""
        self.db.write([("DELETE FROM attachments WHERE id = ?", (attachment_id,))])

    def attachments(self, item_id: str) -> list[AttachmentRecord]:
        return [_attachment(r) for r in self.db.read(
            "SELECT id, item_id, kind, filename, content_type, size, sha256, storage_key, "
            "uploaded_by, at FROM attachments WHERE item_id = ? ORDER BY at, id", (item_id,))]

    def attachment(self, attachment_id: str) -> AttachmentRecord | None:
        rows = self.db.read(
            "SELECT id, item_id, kind, filename, content_type, size, sha256, storage_key, "
            "uploaded_by, at FROM attachments WHERE id = ?", (attachment_id,))
        return _attachment(rows[0]) if rows else None

    # -- health --------------------------------------------------------------------------------
    def ping(self) -> None:
        self.db.read("SELECT 1")


def _dump(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _user(r: tuple[Any, ...]) -> UserRecord:
    return UserRecord(str(r[0]), tuple(json.loads(r[1])), tuple(json.loads(r[2])),
                      tuple(json.loads(r[3])), r[4], bool(r[5]), bool(r[6]), str(r[7]),
                      tuple(json.loads(r[8])))


def _attachment(r: tuple[Any, ...]) -> AttachmentRecord:
    return AttachmentRecord(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), int(r[5]),
                            str(r[6]), str(r[7]), str(r[8]), str(r[9]))


def identity_for(store: Store) -> IdentityStore:
    """The identity tables of ``store`` (SQLite or PostgreSQL)."""
    factory = _RUNNERS.get(store.name)
    if factory is None:
        raise StoreError(f"存储 {store.name} 不保存用户与登录信息；请用 SQLite 或 PostgreSQL / "
                         "this store keeps no users")
    return IdentityStore(factory(store))
