"""Who is calling: users, their API tokens and passwords, and the actor they act as.

A user has one or more departments and the policy's own role words (总经理, 分管领导,
主办部门 …), plus optional 代录 rights (the role words whose decisions this user may
record for someone else). The engine decides what an actor may do; this module only
turns a signed-in user into that actor, for the item's policy.

Secrets: passwords are hashed with argon2id (argon2-cffi's defaults, re-hashed when the
parameters change); API tokens are 256 random bits shown once and kept as a SHA-256
digest — a fast hash is right for a random secret of that length (nothing to guess), and
it keeps a token check to one indexed read per request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from duban.engine.model import Actor, ItemState
from duban.errors import DubanError
from duban.policy.model import Policy
from duban.store.identity import IdentityStore, UserChange, UserRecord

TOKEN_PREFIX = "dbn_"
_hasher = PasswordHasher()
#: A hash to verify against when the user does not exist, so that an unknown name takes
#: as long as a wrong password (no user enumeration by timing).
_DUMMY = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class User:
    """A signed-in user, as the routes see it. ``via`` says how they were recognised."""

    name: str
    departments: tuple[str, ...]
    roles: tuple[str, ...]
    proxy_roles: tuple[str, ...] = ()
    admin: bool = False
    via: str = "token"  # token | session | proxy | plugin
    oversees: tuple[str, ...] = ()  # units the user oversees (分管), e.g. a 分管局领导's

    @classmethod
    def of(cls, record: UserRecord, via: str) -> User:
        return cls(record.name, record.departments, record.roles, record.proxy_roles,
                   record.admin, via, record.oversees)

    def canonical_roles(self, policy: Policy, words: Iterable[str] | None = None
                        ) -> frozenset[str]:
        """The user's role words (or ``words``) as canonical roles of ``policy``."""
        return frozenset(c for w in (self.roles if words is None else words)
                         if (c := policy.canonical_role(w)))

    def department_for(self, item: ItemState | None, wanted: str | None = None) -> str | None:
        """Which of the user's departments they act for: the one asked for (it must be
        theirs), else the item's responsible department, an assisting one, the first."""
        if wanted is not None:
            if wanted not in self.departments:
                raise DubanError(f"用户 {self.name} 不属于部门 '{wanted}'；所属：{'、'.join(self.departments) or '无'} "
                                 "/ not one of your departments", "permission_denied")
            return wanted
        if item is not None:
            for dept in (item.department, *item.assist, *item.handoff):
                if dept in self.departments:
                    return dept
        return self.departments[0] if self.departments else None

    def actor(self, policy: Policy, item: ItemState | None = None,
              department: str | None = None) -> Actor:
        """The actor the engine judges: canonical roles, and the role words themselves,
        so that where the text names one word (立项 by 总经理工作部) another word of the
        same canonical role (规范化管理委员会办公室) does not pass for it."""
        return Actor(self.name, self.department_for(item, department),
                     self.canonical_roles(policy), self.words(policy), frozenset(self.oversees))

    def words(self, policy: Policy, words: Iterable[str] | None = None) -> frozenset[str]:
        """The user's role words (or ``words``) that ``policy`` knows, as the
        organisation's words (:func:`organisation_words`)."""
        return organisation_words(policy, self.roles if words is None else words)

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "departments": list(self.departments),
                "roles": list(self.roles), "proxy_roles": list(self.proxy_roles),
                "admin": self.admin, "via": self.via, "oversees": list(self.oversees)}


def organisation_words(policy: Policy, words: Iterable[str]) -> frozenset[str]:
    """The role words ``policy`` knows among ``words``, a canonical name (``leader_in_charge``)
    taken as the policy's own word for it (分管领导).

    Why: the engine takes an actor who holds no word of the organisation as a stand-in
    for every word of its roles — right for a portable scenario or a canonical ``--as`` at
    the terminal, never for a deployed person: a user or a 代录 entry given
    ``general_manager`` would pass for 公司主要领导 where the text names only them, and a
    bare ``leader_in_charge`` for the 分管领导 judged by what they oversee."""
    return frozenset(policy.role_words.get(w, w) for w in words if policy.canonical_role(w))


# -- passwords -------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    if len(password) < 8:
        raise DubanError("密码至少 8 个字符 / the password needs at least 8 characters",
                         "validation_error")
    return _hasher.hash(password)


def verify_password(record: UserRecord | None, password: str) -> bool:
    """Whether ``password`` is the user's; the same work is done for an unknown user."""
    stored = record.password_hash if record is not None and record.password_hash else _DUMMY
    try:
        ok = _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and record is not None and bool(record.password_hash)


def needs_rehash(record: UserRecord) -> bool:
    return bool(record.password_hash) and _hasher.check_needs_rehash(record.password_hash or "")


# -- API tokens ------------------------------------------------------------------------------
def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(identity: IdentityStore, user_name: str, label: str, at: dt.datetime) -> str:
    """A new token for ``user_name``; the returned text is the only copy of the secret."""
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    identity.add_token(token_id, user_name, digest(secret), label, at)
    return f"{TOKEN_PREFIX}{token_id}_{secret}"


def split_token(text: str) -> tuple[str, str] | None:
    if not text.startswith(TOKEN_PREFIX):
        return None
    token_id, sep, secret = text[len(TOKEN_PREFIX):].partition("_")
    if not sep or len(token_id) != 12 or not secret:
        return None
    return token_id, secret


def check_token(identity: IdentityStore, text: str) -> UserRecord | None:
    """The enabled user a token belongs to, or None (unknown, revoked, wrong secret)."""
    parts = split_token(text)
    if parts is None:
        return None
    found = identity.token_user(parts[0])
    if found is None:
        return None
    record, user = found
    if record.revoked_at is not None or not hmac.compare_digest(record.digest,
                                                                digest(parts[1])):
        return None
    return None if user.disabled else user


# -- users -----------------------------------------------------------------------------------
@dataclass
class NewUser:
    name: str
    departments: list[str]
    roles: list[str]
    proxy_roles: list[str] = field(default_factory=list)
    password: str | None = None
    admin: bool = False
    oversees: list[str] = field(default_factory=list)  # units overseen (分管)


def check_words(user: NewUser, policies: Mapping[str, Policy]) -> None:
    """Role words must mean something in at least one loaded policy — a typo would
    otherwise make a user who can do nothing, silently. Departments are the
    organisation's own and are not checked (policies seldom list them all)."""
    if not user.name.strip() or len(user.name) > 100 or any(c in user.name for c in "\n\r\t"):
        raise DubanError(f"用户名 '{user.name[:40]}' 无效（1–100 个字符，不含换行）/ invalid name",
                         "validation_error")
    check_role_words([*user.roles, *user.proxy_roles], policies)


def check_role_words(words: Iterable[str], policies: Mapping[str, Policy]) -> None:
    """Each word must be a role word (or canonical role) of a loaded policy: the one rule
    for adding a user and for changing one's roles or 代录 rights."""
    known = {r.word for p in policies.values() for r in p.roles.values()} | \
        {c for p in policies.values() for c in p.role_words}
    for word in words:
        if word not in known:
            raise DubanError(f"没有角色 '{word}'；已加载策略中的角色：{'、'.join(sorted(known)[:40])} "
                             "/ unknown role word", "validation_error")


def add_user(identity: IdentityStore, user: NewUser, policies: Mapping[str, Policy],
             at: dt.datetime) -> str:
    """Create the user and their first API token; returns the token (shown once)."""
    check_words(user, policies)
    identity.add_user(UserRecord(
        user.name, tuple(user.departments), tuple(user.roles), tuple(user.proxy_roles),
        hash_password(user.password) if user.password else None, user.admin,
        oversees=tuple(user.oversees)), at)
    return issue_token(identity, user.name, "created with the user", at)


def update_user(identity: IdentityStore, name: str, change: UserChange,
                policies: Mapping[str, Policy], by: str | None) -> UserRecord:
    """Change an existing user's departments, roles, 代录 rights, 分管 units or admin
    flag — the one function behind ``PATCH /api/v1/users/{name}``, the 管理 page's 编辑
    and ``duban user set``, so all three accept and refuse the same edits.

    Why here: 局领导分工 changes with people, so an administrator must be able to move a
    leader's 分管 without inventing a new user name. ``by`` is the administrator making the
    change (None at the terminal): one may not take away one's own admin flag — as with
    disabling oneself, the office would be locked out of its user administration."""
    check_role_words([*(change.roles or ()), *(change.proxy_roles or ())], policies)
    if change.admin is False and name == by:
        raise DubanError("不能取消自己的管理员身份；请由另一位管理员修改 / you cannot remove "
                         "your own admin flag", "admin_self")
    if not identity.update_user(name, change):
        raise DubanError(f"没有用户 '{name[:100]}' / unknown user", "not_found")
    record = identity.user(name)
    if record is None:  # removed between the two statements: as unknown
        raise DubanError(f"没有用户 '{name[:100]}' / unknown user", "not_found")
    return record


def set_enabled(identity: IdentityStore, name: str, enabled: bool, by: str) -> None:
    """Enable or disable ``name`` for the API, the 管理 page and (the same rule) anyone else.

    Why here: an administrator who disables themselves locks the office out of its own
    user administration until someone reaches a terminal — refused once, for every caller.
    Disabling ends the user's sessions and stops their tokens at once (the store's
    :meth:`~duban.store.identity.IdentityStore.set_disabled`, checked on every request)."""
    if not enabled and name == by:
        raise DubanError("不能停用自己的账号；请由另一位管理员停用 / you cannot disable yourself",
                         "disable_self")
    if not identity.set_disabled(name, not enabled):
        raise DubanError(f"没有用户 '{name[:100]}' / unknown user", "not_found")


def revoke(identity: IdentityStore, token_id: str, by: User, at: dt.datetime) -> None:
    """Revoke one token: the caller's own, or anyone's for an administrator. Another
    user's token is "unknown" to a non-administrator, so its id reveals nothing."""
    record = identity.token(token_id[:40])
    if record is None or (record.user_name != by.name and not by.admin):
        raise DubanError(f"没有令牌 {token_id[:40]} / unknown token", "not_found")
    identity.revoke_token(record.id, at)
