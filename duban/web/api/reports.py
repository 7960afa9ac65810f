"""``/api/v1/reports``: the 督查通报 (md/html/docx) and the 督办台账 (csv/xlsx), and
``/api/v1/items/{id}/forms/{kind}``: one form of one item — as the caller may see them.

The same builders as ``duban report``, ``duban taizhang`` and ``duban form``; the viewer
is the signed-in user, so confidential (保密) items they are not entitled to are left
out, and every confidential item that goes into a download is recorded in the read audit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from duban.engine.model import Actor
from duban.errors import DubanError
from duban.policy.model import Policy
from duban.reports import source as sources
from duban.reports import taizhang as tz
from duban.reports.documents import render_form, render_report
from duban.reports.period import parse_period
from duban.reports.render import resolve_kind
from duban.reports.source import Dataset, Viewer
from duban.runtime.service import Service
from duban.web.api.items import visible_item
from duban.web.api.models import PROBLEMS
from duban.web.auth import lease, now, require_user
from duban.web.deployment import Lease
from duban.web.identity import User
from duban.web.items_view import can_see

router = APIRouter(prefix="/api/v1", tags=["reports"])
Caller = Annotated[User, Depends(require_user)]
Store = Annotated[Lease, Depends(lease)]
MEDIA = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
         "csv": "text/csv; charset=utf-8",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class UserViewer(Viewer):
    """A report's viewer made from a signed-in user: all their roles; visible when any
    of their departments entitles them (as on every other endpoint)."""

    user: User | None = None

    def actor(self, policy: Policy) -> Actor:
        assert self.user is not None
        return self.user.actor(policy)

    def check(self, _policies: object) -> None:
        return None  # the user's role words were checked when the user was added

    @property
    def label(self) -> str:
        return self.user.name if self.user else ""


def dataset_for(service: Service, user: User, at: dt.datetime,
                policy_id: str | None) -> Dataset:
    """The store's items as of ``at`` that ``user`` may see (any of their departments)."""
    if policy_id is not None and policy_id not in service.policies:
        raise DubanError(f"没有策略 '{policy_id}' / unknown policy", "validation_error")
    records = []
    for item in service.store.items(policy_id=policy_id):
        policy = service.policy_for(item)
        if can_see(user, policy, item):
            records.append((policy, item, service.store.events(item.id)))
    ds = sources.build_dataset(records, at, ledger=service.store.ledger())
    return replace(ds, viewer=UserViewer(user.name, None, user.name, user))


def _audit(borrowed: Lease, user: User, ds: Dataset, what: str, at: dt.datetime) -> None:
    for e in ds.entries:
        if e.item.confidential:
            borrowed.identity.audit_read(user.name, e.item.id, what, at)


def _download(data: bytes, fmt: str, name: str) -> Response:
    return Response(data, media_type=MEDIA.get(fmt, "application/octet-stream"), headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.get("/reports/bulletin", response_class=Response, responses=PROBLEMS)
def bulletin(request: Request, user: Caller, borrowed: Store,
             month: Annotated[str | None, Query(max_length=10, examples=["2026-10"])] = None,
             quarter: Annotated[str | None, Query(max_length=10)] = None,
             year: Annotated[str | None, Query(max_length=10)] = None,
             format: Literal["md", "html", "docx"] = "md",
             policy: Annotated[str | None, Query(max_length=100)] = None) -> Response:
    """督查通报: the monthly 通报 (``month``), the quarterly ranking (``quarter``, 2026Q3)
    or the yearly summary (``year``)."""
    period = parse_period(month, quarter, year)
    at = now(request)
    ds = dataset_for(borrowed.service, user, at, policy)
    renderers = dict(borrowed.service.hooks.renderers.entries) if borrowed.service.hooks \
        else {}
    rendered = render_report(ds, period, format, renderers=renderers)
    _audit(borrowed, user, ds, "bulletin", at)
    return _download(rendered.data, format, f"督查通报-{month or quarter or year}.{format}")


@router.get("/reports/taizhang", response_class=Response, responses=PROBLEMS)
def taizhang(request: Request, user: Caller, borrowed: Store,
             format: Literal["csv", "xlsx"] = "csv",
             policy: Annotated[str | None, Query(max_length=100)] = None) -> Response:
    """督办台账: every item the caller may see, with 红/黄/绿 lights."""
    at = now(request)
    ds = dataset_for(borrowed.service, user, at, policy)
    table = tz.rows(ds)
    data = tz.to_csv(table) if format == "csv" else tz.to_xlsx(table, ds)
    _audit(borrowed, user, ds, "taizhang", at)
    return _download(data, format, f"督办台账.{format}")


@router.get("/items/{item_id}/forms/{kind}", response_class=Response, responses=PROBLEMS)
def form(request: Request, item_id: Annotated[str, Path(max_length=64)],
         kind: Annotated[str, Path(max_length=40)], user: Caller, borrowed: Store,
         format: Literal["md", "html", "docx"] = "md") -> Response:
    """One form of one item: 任务通知单, 任务确认单, 催办通知单, 延期办理申请表 …"""
    policy, item = visible_item(borrowed, user, item_id)
    kind_id = resolve_kind(kind)
    at = now(request)
    events = borrowed.service.store.events(item_id)
    state, prefix = sources.state_at(policy, item, events, at)
    if state is None:
        raise DubanError(f"事项 '{item_id}' 尚未立项 / the item did not exist yet",
                         "unknown_item")
    renderers = dict(borrowed.service.hooks.renderers.entries) if borrowed.service.hooks \
        else {}
    members = sources.notice_members(borrowed.service.store.items(policy_id=policy.id), state,
                                     at, lambda i: can_see(user, policy, i))
    rendered = render_form(kind_id, policy, state, list(prefix), at, format,
                           renderers=renderers, notice=members)
    if item.confidential:
        borrowed.identity.audit_read(user.name, item_id, f"form:{kind_id}", at)
    return _download(rendered.data, format, f"{item_id}-{kind}.{format}")
