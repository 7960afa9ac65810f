"""登录 and 退出: a password, an API token, or the deployment's single sign-on.

The same functions as the JSON API's ``/auth/login`` (throttling, argon2, the session
cookie and its CSRF token); a failed try re-shows the form with the reason in Chinese.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from duban.errors import DubanError
from duban.web.auth import (
    authenticate,
    deployment,
    end_session,
    lease,
    password_login,
    start_session,
)
from duban.web.deployment import Lease
from duban.web.identity import check_token
from duban.web.pages.render import PageRoute, html, poster
from duban.web.problems import status_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Store = Annotated[Lease, Depends(lease)]


def _next(target: str | None) -> str:
    """Only a path on this site (never an open redirect)."""
    target = target or "/"
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _signed_in(borrowed: Lease, request: Request, name: str, target: str) -> Response:
    response = RedirectResponse(_next(target), status_code=303)
    start_session(response, borrowed, deployment(request), name)
    return response


@router.get("/login")
def login_form(request: Request, borrowed: Store, next: str = "/") -> Response:
    if authenticate(request, borrowed, deployment(request)) is not None:
        return RedirectResponse(_next(next), status_code=303)
    return html(request, "login.html.j2", next=_next(next), message="", name="")


@router.post("/login")
def login(request: Request, borrowed: Store, name: Annotated[str, Form(max_length=100)] = "",
          password: Annotated[str, Form(max_length=1000)] = "",
          next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    try:
        user = password_login(request, borrowed, deployment(request), name.strip(), password)
    except DubanError as err:
        return html(request, "login.html.j2", status_of(err), next=_next(next),
                    message=str(err).split(" / ")[0], name=name)
    return _signed_in(borrowed, request, user.name, next)


@router.post("/login/token")
def login_token(request: Request, borrowed: Store,
                token: Annotated[str, Form(max_length=200)] = "",
                next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    record = check_token(borrowed.identity, token.strip())
    if record is None:
        return html(request, "login.html.j2", 401, next=_next(next), name="",
                    message="令牌无效、已吊销或其用户已停用")
    return _signed_in(borrowed, request, record.name, next)


@router.post("/logout", dependencies=[Depends(poster)])
def logout(request: Request, borrowed: Store) -> Response:
    response = RedirectResponse("/login", status_code=303)
    end_session(request, response, borrowed)
    return response
