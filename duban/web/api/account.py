"""Signing in and out, who am I, API tokens, and user administration.

``POST /auth/login`` takes a JSON body or a form (the HTML login page posts one) and
answers with the session cookie and the CSRF token for later forms; ``GET
/auth/sso/{provider}`` is where an OAuth provider sends the browser back (a plugin's
``duban_authenticate`` reads the ``code``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from duban.errors import DubanError
from duban.store.identity import UserRecord
from duban.web.api.models import (
    PROBLEMS,
    LoginBody,
    NewUserBody,
    ProblemBody,
    TokenBody,
    UserChangeBody,
)
from duban.web.auth import (
    auth_request,
    csrf_token,
    deployment,
    end_session,
    lease,
    now,
    password_login,
    require_user,
    start_session,
)
from duban.web.deployment import Lease
from duban.web.identity import (
    NewUser,
    User,
    add_user,
    issue_token,
    revoke,
    set_enabled,
    update_user,
)
from duban.web.problems import Problem

router = APIRouter(tags=["account"])
Caller = Annotated[User, Depends(require_user)]
Store = Annotated[Lease, Depends(lease)]
CONFLICT = {"model": ProblemBody, "description": "不能停用自己 / cannot disable yourself"}
ADMIN_SELF = {"model": ProblemBody,
              "description": "不能取消自己的管理员身份 / cannot remove your own admin flag"}
FORBIDDEN = {"model": ProblemBody, "description": "只有管理员 / administrators only"}


async def _login_body(request: Request) -> LoginBody:
    kind = request.headers.get("content-type", "")
    try:
        if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            return LoginBody(name=str(form.get("name") or ""),
                             password=str(form.get("password") or ""))
        return LoginBody.model_validate_json(await request.body())
    except ValidationError:
        raise DubanError("请提供用户名与密码（name、password）/ name and password are "
                         "required", "validation_error") from None


@router.post("/auth/login", responses={**PROBLEMS, 429: PROBLEMS[401]},
             openapi_extra={"requestBody": {"content": {"application/json": {
                 "schema": LoginBody.model_json_schema()}}, "required": True}})
def login(request: Request, response: Response, borrowed: Store,
          body: Annotated[LoginBody, Depends(_login_body)]) -> dict[str, Any]:
    """Password login for browsers: sets the session cookie; returns the CSRF token that
    forms and scripts send back with every change (``X-CSRF-Token``)."""
    dep = deployment(request)
    user = password_login(request, borrowed, dep, body.name, body.password)
    csrf = start_session(response, borrowed, dep, user.name)
    return {"user": user.to_json(), "csrf_token": csrf}


@router.post("/auth/logout", status_code=204)
def logout(request: Request, borrowed: Store) -> Response:
    response = Response(status_code=204)
    end_session(request, response, borrowed)
    return response


@router.get("/auth/sso/{provider}", include_in_schema=False)
def sso_callback(provider: str, request: Request, borrowed: Store) -> Response:
    """Where an OAuth/OIDC provider returns the browser; a plugin recognises the user."""
    dep = deployment(request)
    name = dep.hooks.authenticate(auth_request(request, dep))
    record = borrowed.identity.user(name) if name else None
    if record is None or record.disabled:
        raise Problem(f"单点登录（{provider[:40]}）未能确认身份 / the provider did not "
                      "identify an enabled user", "unauthenticated")
    target = request.query_params.get("next") or "/"
    if not target.startswith("/") or target.startswith("//"):
        target = "/"  # never an open redirect
    response = RedirectResponse(target, status_code=303)
    start_session(response, borrowed, dep, record.name)
    return response


@router.get("/api/v1/me", tags=["account"], responses=PROBLEMS)
def me(request: Request, user: Caller) -> dict[str, Any]:
    """The caller, and (for a browser session) the CSRF token."""
    return {**user.to_json(), "csrf_token": csrf_token(request) or None}


@router.post("/api/v1/tokens", status_code=201, responses=PROBLEMS)
def new_token(request: Request, body: TokenBody, user: Caller, borrowed: Store) -> dict[str, str]:
    """A new API token for the caller; ``token`` is shown this once and never again."""
    return {"token": issue_token(borrowed.identity, user.name, body.label, now(request))}


@router.get("/api/v1/tokens", responses=PROBLEMS)
def list_tokens(user: Caller, borrowed: Store) -> list[dict[str, Any]]:
    return [{"id": t.id, "label": t.label, "created_at": t.created_at,
             "revoked_at": t.revoked_at, "last_used": t.last_used}
            for t in borrowed.identity.tokens(user.name)]


@router.delete("/api/v1/tokens/{token_id}", status_code=204, responses=PROBLEMS)
def revoke_token(request: Request, token_id: str, user: Caller, borrowed: Store) -> Response:
    """Revoke one of the caller's tokens (an administrator may revoke anyone's); it stops
    working on every server process at once."""
    revoke(borrowed.identity, token_id, user, now(request))
    return Response(status_code=204)


def _admin(user: User) -> None:
    if not user.admin:
        raise Problem("只有管理员可以管理用户 / administrators only", "permission_denied")


def listed(u: UserRecord) -> dict[str, Any]:
    """A user as ``GET /api/v1/users`` lists them (and ``PATCH`` answers)."""
    return {"name": u.name, "departments": list(u.departments), "roles": list(u.roles),
            "proxy_roles": list(u.proxy_roles), "oversees": list(u.oversees),
            "admin": u.admin, "disabled": u.disabled,
            "password": bool(u.password_hash), "created_at": u.created_at}


@router.get("/api/v1/users", responses=PROBLEMS)
def list_users(user: Caller, borrowed: Store) -> list[dict[str, Any]]:
    _admin(user)
    return [listed(u) for u in borrowed.identity.users()]


@router.patch("/api/v1/users/{name}", responses={**PROBLEMS, 403: FORBIDDEN, 409: ADMIN_SELF})
def change_user(name: str, body: UserChangeBody, user: Caller, borrowed: Store
                ) -> dict[str, Any]:
    """Change a user's departments, roles, 代录 roles, 分管 units or admin flag
    (administrators); a field absent from the body stays as it is, a list given replaces
    the user's. Takes effect on the user's next request (局领导分工 changes with people).
    An administrator cannot remove their own admin flag (409 ``admin_self``)."""
    _admin(user)
    record = update_user(borrowed.identity, name[:100], body.change(),
                         borrowed.service.policies, user.name)
    return listed(record)


@router.post("/api/v1/users", status_code=201, responses=PROBLEMS)
def create_user(request: Request, body: NewUserBody, user: Caller, borrowed: Store) -> dict[str, str]:
    """Add a user (administrators); the answer carries their first API token, once."""
    _admin(user)
    token = add_user(borrowed.identity, NewUser(**body.model_dump()),
                     borrowed.service.policies, now(request))
    return {"name": body.name, "token": token}


@router.post("/api/v1/users/{name}/disable", status_code=204,
             responses={**PROBLEMS, 409: CONFLICT})
def disable_user(name: str, user: Caller, borrowed: Store) -> Response:
    """Disable a user: their tokens and sessions stop working at once. An administrator
    cannot disable themselves (409 ``disable_self``)."""
    _admin(user)
    set_enabled(borrowed.identity, name[:100], False, user.name)
    return Response(status_code=204)


@router.post("/api/v1/users/{name}/enable", status_code=204, responses=PROBLEMS)
def enable_user(name: str, user: Caller, borrowed: Store) -> Response:
    """Enable a disabled user again; their old tokens work again unless revoked (their
    sessions ended when they were disabled)."""
    _admin(user)
    set_enabled(borrowed.identity, name[:100], True, user.name)
    return Response(status_code=204)


@router.get("/api/v1/audit/reads", responses=PROBLEMS)
def read_audit(user: Caller, borrowed: Store,
               item: Annotated[str | None, Query(max_length=64)] = None
               ) -> list[dict[str, str]]:
    """Who read which confidential item, when, and what (administrators only)."""
    _admin(user)
    return borrowed.identity.read_audit(item)
