"""Errors as ``application/problem+json`` (RFC 9457), carrying the engine's own words.

Every refusal the engine or the store gives (``permission_denied``, ``extension_limit``,
``unknown_item`` …) reaches an HTTP client with the same ``code``, the same Chinese
message and, where a rule decided, its ``rule`` and ``cite`` — so an OA system can show
the user exactly what the CLI would have said. The HTTP status only classifies it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from duban.errors import DubanError

log = logging.getLogger("duban.web")
MEDIA_TYPE = "application/problem+json"

#: HTTP status of each error code; anything else a refused action raises is 409.
STATUS = {
    "unauthenticated": 401, "permission_denied": 403, "unknown_item": 404, "not_found": 404,
    "validation_error": 422, "calendar_unknown_date": 422, "policy_error": 422,
    "too_many_attempts": 429, "payload_too_large": 413, "unsupported_media_type": 415,
    "csrf_failed": 403, "store_error": 503, "plugin_error": 500, "internal_error": 500,
}
TITLES = {401: "未登录 / unauthenticated", 403: "无权操作 / forbidden", 404: "未找到 / not found",
          409: "与事项当前状态冲突 / conflict", 413: "文件过大 / payload too large",
          415: "不支持的文件类型 / unsupported media type", 422: "输入有误 / invalid input",
          429: "尝试过多 / too many attempts", 500: "内部错误 / internal error",
          503: "暂不可用 / unavailable"}
#: Titles of the conflicts that are not about an item (the 409 title speaks of the item's
#: state, which would mislead an administrator refused for a user).
CODE_TITLES = {"user_exists": "用户已存在 / user exists",
               "disable_self": "不能停用自己 / cannot disable yourself",
               "admin_self": "不能取消自己的管理员身份 / cannot drop your own admin flag"}


class Problem(DubanError):
    """An error raised by the web layer itself (not the engine), with its HTTP headers."""

    def __init__(self, message: str, code: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message, code)
        self.headers = headers or {}


def problem(status: int, code: str, detail: str, request: Request | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    title = CODE_TITLES.get(code) or TITLES.get(status, code)
    body: dict[str, Any] = {"type": f"urn:duban:error:{code}", "title": title,
                            "status": status, "code": code, "detail": detail}
    if request is not None:
        body["instance"] = request.url.path
    body.update({k: v for k, v in extra.items() if v not in (None, "", [])})
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def status_of(err: DubanError) -> int:
    return STATUS.get(err.code, 409)


async def _duban_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DubanError)
    status = status_of(exc)
    if status >= 500:
        log.error("request failed: %s %s: %s", request.method, request.url.path, exc.code)
    return problem(status, exc.code, str(exc), request,
                   headers=getattr(exc, "headers", None),
                   rule=getattr(exc, "rule", None), cite=getattr(exc, "cite", None),
                   problems=[p.to_dict() for p in exc.problems])


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    pending = getattr(request.state, "pending_caller", None)
    if pending is not None:  # an API token not checked yet (duban.web.auth.DeferredCaller): 401
        try:  # goes before any complaint about the request's contents
            await pending.settle()
        except DubanError as err:
            return await _duban_error(request, err)
    errors = [{"where": ".".join(str(x) for x in e.get("loc", ())),
               "message": str(e.get("msg", ""))} for e in exc.errors()]
    text = "；".join(f"{e['where']}：{e['message']}" for e in errors[:5])
    return problem(422, "validation_error", f"请求有误 / invalid request: {text}", request,
                   errors=errors)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed",
            413: "payload_too_large"}.get(exc.status_code, "http_error")
    return problem(exc.status_code, code, str(exc.detail), request,
                   headers=getattr(exc, "headers", None))


async def _unexpected(request: Request, _exc: Exception) -> JSONResponse:
    """A bug: logged with its traceback for the operator, never shown to the client."""
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(500, "internal_error", "服务器内部错误，已记录 / internal error, logged",
                   request)


def install(app: FastAPI) -> None:
    app.add_exception_handler(DubanError, _duban_error)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)

