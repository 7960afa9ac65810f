"""``/api/v1/items``: list, create, read one, act on one.

Every handler is a thin translation: find the item the caller may see (else 404, the
same answer as for an item that does not exist), build the caller's actor, hand the
command to the service the CLI uses, and render what comes back. The engine decides.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse

from duban.engine.model import Actor, ItemState
from duban.errors import DubanError
from duban.policy.model import Policy
from duban.runtime.offers import offers
from duban.runtime.service import UnknownItem
from duban.web import items_view as view
from duban.web.api.models import (
    ACT_PROBLEMS,
    PROBLEMS,
    ActionBody,
    CreateItem,
    ItemDetail,
    ItemPage,
    OnBehalfOf,
)
from duban.web.auth import DeferredCaller, caller, deployment, lease, now, require_user
from duban.web.deployment import Lease
from duban.web.identity import User, organisation_words
from duban.web.pages.index import indexed
from duban.web.problems import Problem

router = APIRouter(prefix="/api/v1", tags=["items"])
Caller = Annotated[User, Depends(require_user)]
#: The caller of the action endpoint, checked on the action's own thread
Acting = Annotated[DeferredCaller, Depends(caller)]
Store = Annotated[Lease, Depends(lease)]
ItemId = Annotated[str, Path(min_length=1, max_length=64)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                              description="重试同一请求不会重复执行")]


def visible_item(borrowed: Lease, user: User, item_id: str) -> tuple[Policy, ItemState]:
    """The item and its policy, if the caller may see it; otherwise "unknown item" —
    the same answer as for an item that does not exist, so nothing leaks."""
    item = borrowed.service.store.load(item_id)
    if item is None:
        raise UnknownItem(item_id)
    policy = borrowed.service.policy_for(item)
    if not view.can_see(user, policy, item):
        raise UnknownItem(item_id)
    return policy, item


def acting_as(user: User, policy: Policy, item: ItemState | None, department: str | None,
              behalf: OnBehalfOf | None, borrowed: Lease) -> tuple[Actor, str]:
    """The actor the engine judges, and who entered the command (the event's
    ``entered_by``): the user, or for 代录 the clerk as ``部门 姓名``. Whether the policy
    allows 代录 for the role is the engine's to decide (``proxy_entry``). A 代录 decider
    who is a user of the deployment carries the units that user oversees (分管), read
    from the user store, never from the request: the clerk can record 王副局长's paper
    approval of a step only the 督办单位's overseer may take, and cannot make anyone an
    overseer by saying so."""
    if behalf is None:
        return user.actor(policy, item, department), user.name
    if behalf.role not in user.proxy_roles:
        raise Problem(f"用户 {user.name} 没有为“{behalf.role}”代录的权限 / no right to record "
                      "decisions for this role", "permission_denied")
    canonical = policy.canonical_role(behalf.role)
    if canonical is None:
        raise DubanError(f"策略 {policy.id} 没有角色“{behalf.role}” / unknown role",
                         "validation_error")
    if behalf.person == user.name:
        raise DubanError("代录是替他人录入其决定；本人的决定请直接办理，不写 on_behalf_of / 代录 is "
                         "for someone else's decision", "validation_error")
    decider = Actor(behalf.person or behalf.role, behalf.department, frozenset({canonical}),
                    organisation_words(policy, [behalf.role]), _overseen_by(borrowed, behalf.person))
    clerk = f"{'、'.join(user.departments)} {user.name}" if user.departments else user.name
    return decider, clerk


def _overseen_by(borrowed: Lease, person: str | None) -> frozenset[str]:
    """The units a registered, enabled user oversees; nothing for anyone else."""
    record = borrowed.identity.user(person) if person else None
    return frozenset(record.oversees) if record is not None and not record.disabled \
        else frozenset()


def scoped_key(user: User, key: str | None) -> str | None:
    """Idempotency keys belong to their caller: two OA clients cannot collide."""
    return f"{user.name}\x1f{key}" if key else None


def full(borrowed: Lease, user: User, policy: Policy, item: ItemState, at: dt.datetime,
         *, history: bool = True, actions: bool = True) -> dict[str, Any]:
    out = view.detail(policy, item, at)
    actor = user.actor(policy, item)
    out["actions"] = [o.to_json() for o in offers(policy, item, actor,
                                                  at.astimezone(policy.timezone),
                                                  include_refused=True)] if actions else []
    out["history"] = [view.event_json(policy, n, e) for n, e in enumerate(
        borrowed.service.store.events(item.id), 1)] if history else []
    out["attachments"] = [a.to_json() for a in borrowed.identity.attachments(item.id)]
    if item.confidential:
        borrowed.identity.audit_read(user.name, item.id, "detail", at)
    return out


@router.get("/items", response_model=ItemPage, responses=PROBLEMS)
def list_items(request: Request, user: Caller, borrowed: Store,
               policy: Annotated[str | None, Query(max_length=100)] = None,
               state: Annotated[str | None, Query(max_length=100)] = None,
               department: Annotated[str | None, Query(max_length=100)] = None,
               category: Annotated[str | None, Query(max_length=100)] = None,
               overdue: bool | None = None,
               q: Annotated[str | None, Query(max_length=200)] = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 50,
               offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> dict[str, Any]:
    """Items the caller may see, filtered, in id order; ``total`` counts all matches.

    Read from this process's listing index (the items decoded once, refreshed from the
    store's item sequences: :mod:`duban.web.pages.index`), not by decoding every stored
    item per request; a department filter looks only at that department's items."""
    service = borrowed.service
    if policy is not None and policy not in service.policies:
        raise DubanError(f"没有策略 '{policy}' / unknown policy", "validation_error")
    limit = min(limit, deployment(request).settings.page_limit)
    at = now(request)
    snapshot = indexed(request.app.state, service)
    entries = snapshot.entries if department is None else \
        snapshot.by_department.get(department, [])
    matched = sorted((e.item.id, e) for e in entries
                     if (policy is None or e.item.policy_id == policy)
                     and _matches(e.policy, e.item, at, state, category, overdue, q)
                     and view.can_see(user, e.policy, e.item))
    rows = [view.summary(e.policy, e.item, at) for _, e in matched[offset:offset + limit]]
    return {"items": rows, "total": len(matched), "limit": limit, "offset": offset}


def _matches(policy: Policy, item: ItemState, at: dt.datetime, state: str | None,
             category: str | None, overdue: bool | None, q: str | None) -> bool:
    if state is not None and state != item.state:
        known = policy.states.get(item.state)
        if known is None or state != known.canonical:
            return False
    if category is not None and category != item.category:
        return False
    if overdue is not None and overdue != view.overdue(policy, item, at):
        return False
    return q is None or q in item.title or q == item.id or q == (item.number or "")


@router.post("/items", status_code=201, response_model=ItemDetail, responses=ACT_PROBLEMS)
def create_item(request: Request, body: CreateItem, user: Caller, borrowed: Store,
                idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    """立项: open an item under a policy, as the caller (or 代录 for someone else)."""
    service = borrowed.service
    policy = service.policies.get(body.policy)
    if policy is None:
        raise DubanError(f"没有策略 '{body.policy}'，已加载：{'、'.join(service.policies)} / "
                         "unknown policy", "validation_error")
    if body.parent is not None:
        visible_item(borrowed, user, body.parent)
    actor, entered_by = acting_as(user, policy, None, body.department, body.on_behalf_of,
                                  borrowed)
    at = now(request).astimezone(policy.timezone)
    item = service.create(body.id, policy.id, body.data(), actor, at,
                          scoped_key(user, idempotency_key), entered_by=entered_by)
    return full(borrowed, user, policy, item, at)


@router.get("/items/{item_id}", response_model=ItemDetail, responses=PROBLEMS)
def read_item(request: Request, item_id: ItemId, user: Caller, borrowed: Store
              ) -> dict[str, Any]:
    """One item: facts, deadline and why, pending approval, history, attachments, and the
    actions this caller may take (with the fields each reads) or why not."""
    policy, item = visible_item(borrowed, user, item_id)
    return full(borrowed, user, policy, item, now(request))


@router.post("/items/{item_id}/actions/{action}", response_model=ItemDetail,
             responses=ACT_PROBLEMS)
async def act(request: Request, item_id: ItemId,
              action: Annotated[str, Path(min_length=1, max_length=100)],
              body: ActionBody, who: Acting, idempotency_key: IdempotencyKey = None,
              actions: Annotated[bool, Query(description="也列出此后可办理的动作")] = False,
              ) -> JSONResponse:
    """Act on an item (approve, confirm, report, request_extension …, or the policy's own
    words). A refusal is the engine's: its code, message and cite. The answer is the item
    as it now stands (without its history; with ``?actions=true`` also what the caller
    may do next).

    Async only to hand the whole request — the caller's token, the item, the command,
    the answer's encoding — to one store thread in one call (:meth:`ServicePool.run`)."""

    def work(borrowed: Lease) -> JSONResponse:
        user = who.user(borrowed)  # first: 401 before anything else is looked at
        return perform(request, borrowed, user, item_id, action, body, idempotency_key,
                       actions)

    return await deployment(request).pool.run(work)


def perform(request: Request, borrowed: Lease, user: User, item_id: str, action: str,
            body: ActionBody, idempotency_key: str | None, actions: bool = False
            ) -> JSONResponse:
    """The action of a signed-in user (the API's, and the item page's form's)."""
    policy, item = visible_item(borrowed, user, item_id)
    actor, entered_by = acting_as(user, policy, item, body.department, body.on_behalf_of,
                                  borrowed)
    known = {a.id for a in borrowed.identity.attachments(item_id)} if body.attachments \
        else set()
    missing = [a for a in body.attachments if a not in known]
    if missing:
        raise DubanError(f"附件 {'、'.join(missing)} 不属于事项 {item_id} / unknown attachment",
                         "validation_error")
    at = now(request).astimezone(policy.timezone)
    new = borrowed.service.act(item_id, action, actor, body.data(), at,
                               scoped_key(user, idempotency_key), entered_by=entered_by,
                               read=item)
    # returned as a response: the dict is built from typed values already, and skipping
    # the re-validation against ItemDetail (still the documented schema) saves CPU on the
    # hottest endpoint
    return JSONResponse(full(borrowed, user, borrowed.service.policy_for(new), new, at,
                             history=False, actions=actions))
