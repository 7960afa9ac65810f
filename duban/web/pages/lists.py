"""我的待办 (``/``) and the 督办台账 (``/items``, with its CSV/XLSX export).

Both read the listing index (every visible item, current to the last commit of any
process). The 台账's filters are a plain GET form: without JavaScript it reloads the
page; with htmx it swaps only the table and keeps the address in step (``hx-push-url``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from duban.reports import source as sources
from duban.reports import taizhang as tz
from duban.web.api.reports import UserViewer
from duban.web.auth import lease, now
from duban.web.deployment import Lease
from duban.web.identity import User
from duban.web.pages import index, views
from duban.web.pages.index import Snapshot
from duban.web.pages.render import PageRoute, html, viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Viewer = Annotated[User, Depends(viewer)]
Store = Annotated[Lease, Depends(lease)]
Text = Annotated[str, Query(max_length=100)]


def indexed(request: Request, borrowed: Lease) -> Snapshot:
    """Every item, from this process's index."""
    return index.indexed(request.app.state, borrowed.service)


def filters(department: Text = "", category: Text = "", state: Text = "", period: Text = "",
            overdue: Annotated[str, Query(pattern="^[01]?$")] = "",
            q: Annotated[str, Query(max_length=200)] = "",
            page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> views.Filters:
    return views.Filters(department, category, state, period, overdue, q, page)


Chosen = Annotated[views.Filters, Depends(filters)]


@router.get("/")
def my_todo(request: Request, user: Viewer, borrowed: Store,
            page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> Response:
    """我的待办, most urgent first, a page of :data:`views.PAGE_SIZE` at a time (the counts
    are of all of them)."""
    at = now(request)
    rows, counts = views.todo(user, indexed(request, borrowed), at)
    pages = max(1, -(-len(rows) // views.PAGE_SIZE))
    page = min(page, pages)
    shown = rows[(page - 1) * views.PAGE_SIZE:page * views.PAGE_SIZE]
    return html(request, "todo.html.j2", rows=shown, counts=counts, at=at, page=page,
                pages=pages)


@router.get("/items")
def taizhang(request: Request, user: Viewer, borrowed: Store, f: Chosen) -> Response:
    at = now(request)
    book = views.ledger(user, indexed(request, borrowed), f, at)
    fragment = request.headers.get("hx-target") == "ledger"
    return html(request, "ledger_table.html.j2" if fragment else "ledger.html.j2",
                book=book, f=f, at=at)


@router.get("/items/export")
def export(request: Request, user: Viewer, borrowed: Store, f: Chosen,
           format: Literal["csv", "xlsx"] = "xlsx") -> Response:
    """The filtered 台账 through the reports layer's formula-safe writers."""
    from duban.web.api.reports import _audit, _download

    at = now(request)
    chosen = views.matching(user, indexed(request, borrowed), f, at)
    store = borrowed.service.store
    ds = sources.build_dataset([(e.policy, e.item, store.events(e.item.id)) for e in chosen],
                               at, ledger=store.ledger())
    ds = sources.Dataset(ds.entries, ds.ledger, ds.as_of,
                         UserViewer(user.name, None, user.name, user), ds.policies)
    table = tz.rows(ds)
    data = tz.to_csv(table) if format == "csv" else tz.to_xlsx(table, ds)
    _audit(borrowed, user, ds, "taizhang", at)
    return _download(data, format, f"督办台账-{at.astimezone(dt.UTC):%Y%m%d}.{format}")
