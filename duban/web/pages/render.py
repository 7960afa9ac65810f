"""Rendering pages: one Jinja2 environment, the signed-in viewer, and HTML errors.

Templates live in ``duban/web/templates`` (autoescaped, ``StrictUndefined``: a missing
value is a bug, not an empty cell); assets in ``duban/web/static`` are served by the app
at ``/static`` — no inline script or style anywhere, so the service's strict CSP
(``script-src 'self'; style-src 'self'``) holds on every page.

Errors: a page route raises the same errors as the API (the engine's, the store's, the
web layer's); :class:`PageRoute` turns them into an HTML page in Chinese with the code
and cite — a missing login into a redirect to ``/login``, and an item the viewer may not
see into the same 未找到 page as an item that does not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from duban.errors import DubanError
from duban.web.auth import (
    SAFE_METHODS,
    csrf_token,
    current_user,
    deployment,
    lease,
    require_user,
    start_session,
)
from duban.web.deployment import Lease
from duban.web.identity import User
from duban.web.problems import TITLES, status_of

TEMPLATES = str(resources.files("duban.web") / "templates")
STATIC = str(resources.files("duban.web") / "static")


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
        ["html", "j2"], default=True), undefined=StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    env.filters["urlq"] = lambda d: urlencode(d)
    env.filters["dt"] = lambda v: v.strftime("%Y-%m-%d %H:%M") if isinstance(
        v, dt.datetime) else (v or "")
    return env


ENV = _environment()
NAV = (("/", "我的待办"), ("/items", "督办台账"), ("/items/new", "新建事项"),
       ("/reports", "督查通报"), ("/policies", "制度"), ("/admin", "管理"))


def html(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A full page (or, for an htmx request naming a fragment, just that fragment)."""
    user = getattr(request.state, "user", None)
    body = ENV.get_template(template).render(
        request=request, user=user, csrf=csrf_token(request), nav=NAV,
        path=request.url.path, **context)
    response = HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
    for holder in getattr(request.state, "set_cookies", ()):
        response.raw_headers.extend(h for h in holder.raw_headers if h[0] == b"set-cookie")
    return response


def viewer(request: Request, user: Annotated[User, Depends(current_user)],
           borrowed: Annotated[Lease, Depends(lease)]) -> User:
    """The signed-in user for a page (401 → the login page). A user recognised by the
    proxy header or a plugin gets a session on their first page, so that every form of
    theirs carries a CSRF token like a password user's."""
    if user.via in ("proxy", "plugin") and request.method in SAFE_METHODS:
        holder = Response()
        request.state.csrf = start_session(holder, borrowed, deployment(request), user.name)
        request.state.set_cookies = [holder]
    return user


async def poster(user: Annotated[User, Depends(require_user)]) -> User:
    """The signed-in user for a form post: a browser session only (its CSRF token was
    checked by :func:`duban.web.auth.require_user`)."""
    if user.via != "session":
        raise DubanError("请从页面提交表单（需要登录会话）/ forms need a browser session",
                         "csrf_failed")
    return user


def error_page(request: Request, err: DubanError) -> Response:
    if err.code == "unauthenticated" and request.url.path != "/login":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    status = 404 if err.code in ("unknown_item", "not_found") else status_of(err)
    message = "未找到：没有这个事项或页面（也可能您无权查看）" if status == 404 else str(err)
    return html(request, "error.html.j2", status, title=TITLES.get(status, "出错了"),
                message=message, code=err.code, cite=getattr(err, "cite", None) or "")


class PageRoute(APIRoute):
    """A route whose errors are pages, not problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except DubanError as err:
                return error_page(request, err)

        return page_handler


__all__ = ["ENV", "STATIC", "PageRoute", "error_page", "html", "poster", "viewer"]
