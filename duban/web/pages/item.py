"""One item (``/items/{id}``), acting on it, and 新建事项 (``/items/new``).

The page shows what the JSON API's item answer holds — facts, the deadline and why,
the pending approval, the history, attachments — and the actions *this* viewer may take
as forms with the fields each reads (:func:`duban.runtime.offers.offers`, the engine's
dry run). A post goes through the API's own handlers (same visibility check, 代录,
idempotency and attachment rules); a refusal re-shows the page with the engine's words
and cite.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from duban.engine.entry import may_be_entered_for
from duban.engine.model import Actor
from duban.errors import DubanError
from duban.policy.model import Policy
from duban.reports.taizhang import light
from duban.runtime.offers import CONTENT, offers
from duban.store.base import IdempotencyConflict
from duban.store.base import Request as KeyedRequest
from duban.vocabulary import KINDS
from duban.web.api import attachments as attachments_api
from duban.web.api import items as items_api
from duban.web.api.models import ActionBody, CreateItem, OnBehalfOf
from duban.web.auth import lease, now
from duban.web.deployment import Lease
from duban.web.identity import User
from duban.web.items_view import detail, pending
from duban.web.pages import views
from duban.web.pages.render import PageRoute, html, poster, viewer
from duban.web.problems import status_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Viewer = Annotated[User, Depends(viewer)]
Poster = Annotated[User, Depends(poster)]
Store = Annotated[Lease, Depends(lease)]
TEXT_FIELDS = ("reason", "until", "due", "lead", "defect", "department")


def _item_page(request: Request, user: User, borrowed: Lease, item_id: str,
               status: int = 200, refusal: DubanError | None = None) -> Response:
    policy, item = items_api.visible_item(borrowed, user, item_id)
    at = now(request)
    events = borrowed.service.store.events(item_id)
    files = borrowed.identity.attachments(item_id)
    if item.confidential:
        borrowed.identity.audit_read(user.name, item_id, "page", at)
    actor = user.actor(policy, item)
    proxied = recordable(policy, user)
    if proxied:  # a 代录 clerk is offered what the roles they may record for may do
        actor = replace(actor, roles=actor.roles | user.canonical_roles(policy, proxied),
                        words=actor.words | user.words(policy, proxied))
    moves = views.named(policy, item, offers(policy, item, actor,
                                             at.astimezone(policy.timezone),
                                             include_refused=True))
    return html(request, "item.html.j2", status, item=detail(policy, item, at),
                policy=policy, why=views.deadline_why(policy, item, events),
                pending=pending(policy, item), moments=views.timeline(policy, item, events,
                                                                       files),
                files=files, allowed=[o for o in moves if o.allowed],
                refused=[o for o in moves if not o.allowed], refusal=refusal,
                refusal_cite=getattr(refusal, "cite", None) or "",
                key=secrets.token_urlsafe(12),
                light=light(policy, item, at))


def recordable(policy: Policy, user: User) -> tuple[str, ...]:
    """The user's 代录 roles whose decisions the policy lets someone else enter (the
    engine's own test), so the page offers nothing the engine refuses on submit."""
    return tuple(word for word in user.proxy_roles if may_be_entered_for(policy, Actor(
        word, None, user.canonical_roles(policy, (word,)), user.words(policy, (word,)))))


@router.get("/items/new", dependencies=[Depends(viewer)])
def new_form(request: Request, borrowed: Store) -> Response:
    return html(request, "new.html.j2", policies=list(borrowed.service.policies.values()),
                message="", cite="", values={}, kinds=KINDS)


@router.post("/items/new")
async def create(request: Request, user: Poster, borrowed: Store) -> Response:
    form = await request.form()
    values = {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}
    policy_id, _, category = values.get("category", "").partition("|")
    try:
        body = CreateItem(
            id=values.get("id") or f"{now(request):%Y%m%d}-{secrets.token_hex(3)}", policy=policy_id,
            title=values.get("title", ""), kind=values.get("kind") or "other",
            category=category or None, lead=values.get("lead") or None,
            assist=[d for d in values.get("assist", "").replace("，", ",").replace(
                "、", ",").split(",") if d.strip()],
            due=values.get("due") or None, urgency=values.get("urgency") or None,
            confidential=values.get("confidential") == "1" or None,
            notice=values.get("notice") or None, supervisor=values.get("supervisor") or None,
            on_behalf_of=_behalf(values))
    except ValueError as exc:
        err = DubanError(f"表单有误：{_pydantic_words(exc)}", "validation_error")
        return _new_again(request, borrowed, values, err)
    try:
        created = await run_in_threadpool(items_api.create_item, request, body, user, borrowed,
                                          values.get("key") or None)
    except DubanError as err:
        return _new_again(request, borrowed, values, err)
    return RedirectResponse(f"/items/{created['id']}", status_code=303)


def _new_again(request: Request, borrowed: Lease, values: dict[str, str],
               err: DubanError) -> Response:
    return html(request, "new.html.j2", 422 if err.code == "validation_error" else
                status_of(err), policies=list(borrowed.service.policies.values()),
                message=str(err), cite=getattr(err, "cite", None) or "", values=values,
                kinds=KINDS)


def _pydantic_words(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return "；".join(f"{'.'.join(str(x) for x in e.get('loc', ()))}：{e.get('msg', '')}"
                        for e in errors()[:5])
    return str(exc)


def _behalf(values: dict[str, str]) -> OnBehalfOf | None:
    role = values.get("behalf_role", "")
    return OnBehalfOf(role=role, person=values.get("behalf_person") or None) if role else None


@router.get("/items/{item_id}")
def item_page(request: Request, item_id: str, user: Viewer, borrowed: Store) -> Response:
    return _item_page(request, user, borrowed, item_id[:64])


@router.post("/items/{item_id}/act/{action}")
async def act(request: Request, item_id: str, action: str, user: Poster,
              borrowed: Store) -> Response:
    """One action from a form of the item page: an optional file first (as the API's
    upload), then the action through the API's handler with the file's id. Upload and
    action succeed or fail together: a file whose action did not happen is withdrawn."""
    item_id, action = item_id[:64], action[:100]
    form = await request.form()
    try:
        return await _act(request, item_id, action, user, borrowed, form)
    finally:
        await form.close()  # the spooled upload, if any


async def _act(request: Request, item_id: str, action: str, user: User, borrowed: Lease,
               form: Any) -> Response:
    values = {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}
    key = values.get("key") or None
    sent: bool = bool(key) and await run_in_threadpool(_sent_before, borrowed, user, key or "",
                                                      item_id, action)
    if sent:  # a double click: the first submission stands
        return RedirectResponse(f"/items/{item_id}", status_code=303)
    uploaded: str | None = None
    try:
        data: dict[str, Any] = {k: values[k] for k in TEXT_FIELDS if values.get(k)}
        contents = {k[len(CONTENT):]: v for k, v in values.items()
                    if k.startswith(CONTENT) and v}
        if contents:
            data["contents"] = contents
        body = ActionBody(**data, on_behalf_of=_behalf(values))  # the form checked first
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            kind = "办结报告" if values.get("file_kind") == "办结报告" else "佐证材料"
            record = await attachments_api.upload(  # the API's checks: size, type, rights
                request, item_id, user, borrowed, upload, kind)  # type: ignore[arg-type]
            uploaded = str(record["id"])
            body = body.model_copy(update={"attachments": [uploaded]})
        await run_in_threadpool(items_api.perform, request, borrowed, user, item_id, action,
                                body, key)
    except ValueError as exc:
        err = DubanError(f"表单有误：{_pydantic_words(exc)}", "validation_error")
        return _item_page(request, user, borrowed, item_id, 422, err)
    except DubanError as err:
        if uploaded is not None:
            await run_in_threadpool(_withdraw_unused, request, borrowed, item_id, uploaded)
        if err.code in ("unknown_item", "csrf_failed", "unauthenticated"):
            raise
        return _item_page(request, user, borrowed, item_id, status_of(err), err)
    return RedirectResponse(f"/items/{item_id}", status_code=303)


def _sent_before(borrowed: Lease, user: User, key: str, item_id: str, action: str) -> bool:
    """Whether this form (its idempotency key, one per rendered form) was already sent and
    taken: then the first submission stands and nothing is uploaded again. A refused
    submission recorded nothing, so it may be sent again."""
    probe = KeyedRequest(items_api.scoped_key(user, key) or key, item_id, action, "")
    try:
        return borrowed.service.store.request_result(probe) is not None
    except IdempotencyConflict:  # used, by a request with its own fingerprint
        return True


def _withdraw_unused(request: Request, borrowed: Lease, item_id: str, attachment_id: str) -> None:
    """Withdraw the upload unless an event of the item names it (a store error after the
    commit leaves the outcome unknown: the history says whether the action happened)."""
    events = borrowed.service.store.events(item_id)
    if not any(attachment_id in (e.data.get("attachments") or ()) for e in events):
        attachments_api.withdraw(request, borrowed, attachment_id)
