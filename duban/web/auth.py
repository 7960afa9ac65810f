"""Recognising the caller: API tokens, browser sessions, a trusted proxy header, plugins.

The order, for every request (the first that applies decides):

1. ``Authorization: Bearer dbn_…`` — a duban API token; a wrong or revoked one is 401
   at once (it never falls through to a weaker method).
2. the ``duban_session`` cookie of a password (or SSO) login — and then, for a request
   that changes something, the CSRF token (``X-CSRF-Token`` header or ``csrf_token``
   form field) must equal the session's.
3. the configured proxy header (``X-Remote-User``) — only when the TCP peer is one of
   ``web.trusted_proxies``; from anywhere else the header is ignored.
4. the ``duban_authenticate`` hook (OIDC/OAuth providers as plugins).

Nothing matched: 401 with ``WWW-Authenticate``. A recognised name must be an enabled
user in the store; there is no guessed or default identity.

The HTML pages use the same functions: :func:`require_user` as a dependency,
:func:`start_session` after a login form, :func:`csrf_token` to put in forms.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hmac
import ipaddress
import secrets
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import unquote

from fastapi import Depends, Request, Response

from duban.web.deployment import Deployment, Lease
from duban.web.identity import TOKEN_PREFIX, User, check_token, digest, verify_password
from duban.web.problems import Problem

SESSION_COOKIE = "duban_session"
CSRF_COOKIE = "duban_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class AuthRequest:
    """What an authentication plugin sees of a request (no framework types)."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]  # lower-case names
    client: str


def deployment(request: Request) -> Deployment:
    dep: Deployment = request.app.state.deployment
    return dep


async def lease(request: Request) -> AsyncIterator[Lease]:
    """A store connection (with its service) for the duration of the request.

    Requests queue for a connection in the event loop (a semaphore), never in a worker
    thread: a thread blocked waiting for a connection would be one the connection's
    holder may need to finish — with every thread waiting, nothing would move."""
    pool = deployment(request).pool
    async with pool.slots():
        with pool.lease() as borrowed:
            yield borrowed


def now(request: Request) -> dt.datetime:
    """The deployment's clock (the only place the service reads the time)."""
    return deployment(request).clock()


def _peer(request: Request) -> str:
    return request.client.host if request.client else ""


def trusted_peer(request: Request, dep: Deployment) -> bool:
    try:
        address = ipaddress.ip_address(_peer(request))
    except ValueError:
        return False
    return any(address in net for net in dep.settings.proxy_networks())


def client_address(request: Request, dep: Deployment) -> str:
    """The end user's address: ``X-Forwarded-For``'s last hop only behind a trusted proxy."""
    if trusted_peer(request, dep):
        forwarded = request.headers.get("x-forwarded-for", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1]
    return _peer(request)


def _unauthenticated(message: str) -> Problem:
    return Problem(message, "unauthenticated",
                   {"WWW-Authenticate": 'Bearer realm="duban"'})


def _enabled(lease: Lease, name: str, via: str) -> User | None:
    record = lease.identity.user(name)
    return User.of(record, via) if record is not None and not record.disabled else None


def authenticate(request: Request, lease: Lease, dep: Deployment) -> User | None:
    """The caller, or None; a presented duban token that is not valid raises 401."""
    token = _bearer(request)
    if token is not None:
        return _token_user(request, lease, token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        session = lease.identity.session(digest(cookie), dep.clock())
        if session is not None:
            user = _enabled(lease, session.user_name, "session")
            if user is not None:
                request.state.csrf = session.csrf
                return user
    proxy_name = request.headers.get(dep.settings.proxy_user_header.lower())
    if proxy_name and trusted_peer(request, dep):
        return _enabled(lease, header_text(proxy_name), "proxy")
    name = dep.hooks.authenticate(auth_request(request, dep))
    return _enabled(lease, name, "plugin") if name else None


def header_text(value: str) -> str:
    """A user name from a header: UTF-8 bytes (read as Latin-1 by the server) or
    percent-encoded UTF-8 (``%E7%8E%8B%E4%BA%94``), as proxies send non-ASCII names."""
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("latin-1").decode("utf-8")
    return unquote(value).strip()


def auth_request(request: Request, dep: Deployment) -> AuthRequest:
    return AuthRequest(request.method, request.url.path, dict(request.query_params),
                       {k.lower(): v for k, v in request.headers.items()},
                       client_address(request, dep))


def _token_user(request: Request, borrowed: Lease, token: str) -> User:
    record = check_token(borrowed.identity, token)
    if record is None:
        raise _unauthenticated("令牌无效、已吊销或其用户已停用 / invalid or revoked token")
    user = User.of(record, "token")
    request.state.user = user
    return user


def _bearer(request: Request) -> str | None:
    """The duban API token the request presents, if any (not yet checked)."""
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    credential = credential.strip()
    return credential if scheme.lower() == "bearer" and credential.startswith(TOKEN_PREFIX) \
        else None


def current_user(request: Request, borrowed: Annotated[Lease, Depends(lease)]) -> User:
    """The signed-in user (401 otherwise). Sync: it reads the store in a worker thread."""
    user = authenticate(request, borrowed, deployment(request))
    if user is None:
        raise _unauthenticated("需要登录：请提供 API 令牌（Authorization: Bearer …）或先登录 / "
                               "authentication required")
    request.state.user = user
    return user


async def require_user(request: Request,
                       user: Annotated[User, Depends(current_user)]) -> User:
    """:func:`current_user`, plus the CSRF check for browser sessions that change things."""
    if user.via == "session" and request.method not in SAFE_METHODS:
        expected = getattr(request.state, "csrf", "")
        sent = request.headers.get(CSRF_HEADER.lower(), "")
        if not sent and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            sent = str((await request.form()).get(CSRF_FIELD) or "")
        if not expected or not hmac.compare_digest(sent, expected):
            raise Problem("CSRF 校验失败：请刷新页面后重试 / CSRF token missing or wrong",
                          "csrf_failed")
    return user


@dataclass
class DeferredCaller:
    """The caller of a hot endpoint, checked in the endpoint's own worker-thread call.

    Why: a plain sync dependency (:func:`current_user`) is one trip to a worker thread
    and the endpoint another; waking a thread and the framework's bookkeeping for it
    cost about as much CPU as the token check itself. A request with an API token (how
    an OA system calls) is checked by :meth:`user`, the first statement of the work the
    endpoint hands to the store's thread (:meth:`ServicePool.run`), on the same thread
    and the same store connection as the action. Every other way of signing
    in (session with its CSRF check, proxy header, plugin) is decided here, before the
    endpoint, as :func:`require_user` does.

    The order a client sees does not change: the framework validates the parameters
    and the body *after* this dependency and before the endpoint, so an unchecked token
    is checked by the validation-error handler first (:meth:`settle`) — a request
    without valid credentials is still 401, never 422."""

    request: Request
    token: str | None
    checked: User | None = None

    def user(self, borrowed: Lease) -> User:
        """The signed-in user; 401 for a wrong, revoked or disabled user's token."""
        if self.checked is None:
            assert self.token is not None
            self.checked = _token_user(self.request, borrowed, self.token)
            self.request.state.pending_caller = None
        return self.checked

    async def settle(self) -> None:
        """Check the token now: the parameters or the body were invalid, so the endpoint
        will not run, and the caller must hear 401 (raised) before 422."""
        await deployment(self.request).pool.run(self.user)


async def caller(request: Request) -> DeferredCaller:
    """:class:`DeferredCaller`: a presented API token waits for the endpoint's thread; any other
    credentials are checked now (on a store thread, with the CSRF check)."""
    token = _bearer(request)
    if token is not None:
        pending = DeferredCaller(request, token)
        request.state.pending_caller = pending
        return pending
    user = await deployment(request).pool.run(functools.partial(current_user, request))
    return DeferredCaller(request, None, await require_user(request, user))


def csrf_token(request: Request) -> str:
    """The session's CSRF token, for a form's hidden ``csrf_token`` field."""
    return str(getattr(request.state, "csrf", ""))


def start_session(response: Response, lease: Lease, dep: Deployment, user_name: str) -> str:
    """Sign the user in on this browser; returns the CSRF token for its forms."""
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    start = dep.clock()
    lease.identity.add_session(digest(secret), user_name, csrf, start,
                               start + dt.timedelta(hours=dep.settings.session_hours))
    secure = dep.settings.secure_cookies
    age = int(dep.settings.session_hours * 3600)
    response.set_cookie(SESSION_COOKIE, secret, max_age=age, httponly=True, secure=secure,
                        samesite="lax", path="/")
    response.set_cookie(CSRF_COOKIE, csrf, max_age=age, httponly=False, secure=secure,
                        samesite="strict", path="/")
    return csrf


def end_session(request: Request, response: Response, lease: Lease) -> None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        lease.identity.end_session(digest(cookie))
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


def password_login(request: Request, lease: Lease, dep: Deployment, name: str,
                   password: str) -> User:
    """Check a password with throttling per user name and per client address: after
    ``login_max_failures`` failures within the window, further tries are refused (429)
    until the lockout ends — even with the right password."""
    s = dep.settings
    keys = {f"user:{name}": s.login_max_failures,
            f"addr:{client_address(request, dep)}": s.login_max_failures * 4}
    moment = dep.clock()
    until = max(lease.identity.locked_until(k, moment) for k in keys)
    if until:
        raise _throttled(until, moment)
    record = lease.identity.user(name)
    if not verify_password(record, password) or record is None or record.disabled:
        until = max(lease.identity.login_failed(k, moment, limit, s.login_window_seconds,
                                                s.login_lockout_seconds)
                    for k, limit in keys.items())
        if until:
            raise _throttled(until, moment)
        raise Problem("用户名或密码错误 / wrong user name or password", "unauthenticated")
    lease.identity.login_succeeded(f"user:{name}")
    return User.of(record, "session")


def _throttled(until: int, moment: dt.datetime) -> Problem:
    wait = max(1, until - int(moment.timestamp()))
    return Problem(f"登录失败次数过多，请 {wait} 秒后再试 / too many failed logins, retry in "
                   f"{wait} s", "too_many_attempts", {"Retry-After": str(wait)})
