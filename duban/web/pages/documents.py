"""督查通报 (``/reports``) and the policies (``/policies``).

The 通报 page shows the reports layer's own 通报 (text and charts) for the month, quarter
or year; its downloads are the JSON API's (docx/html/md) and the 台账's. Policies read
back as regulation text (``explain``), as the workflow graph, and as a diff between two
loaded versions.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from duban.reports.documents import report_body
from duban.reports.period import parse_period
from duban.web.api.policies import _policy
from duban.web.api.reports import dataset_for
from duban.web.auth import lease, now
from duban.web.deployment import Lease
from duban.web.identity import User
from duban.web.pages.render import PageRoute, html, viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Viewer = Annotated[User, Depends(viewer)]
Store = Annotated[Lease, Depends(lease)]
Short = Annotated[str, Query(max_length=10)]


@router.get("/reports")
def bulletin(request: Request, user: Viewer, borrowed: Store, month: Short = "",
             quarter: Short = "", year: Short = "") -> Response:
    at = now(request)
    if not (month or quarter or year):
        month = f"{at.astimezone(dt.timezone(dt.timedelta(hours=8))):%Y-%m}"
    period = parse_period(month or None, quarter or None, year or None)
    ds = dataset_for(borrowed.service, user, at, None)
    title, body = report_body(ds, period)
    for e in ds.entries:
        if e.item.confidential:
            borrowed.identity.audit_read(user.name, e.item.id, "bulletin", at)
    query = {"month": month} if month else {"quarter": quarter} if quarter else {"year": year}
    return html(request, "reports.html.j2", title=title, body=Markup(body),
                month=month, quarter=quarter, year=year, query=query)


@router.get("/policies", dependencies=[Depends(viewer)])
def policies(request: Request, borrowed: Store) -> Response:
    return html(request, "policies.html.j2", policies=list(borrowed.service.policies.values()))


@router.get("/policies/diff", dependencies=[Depends(viewer)])
def policy_diff(request: Request, borrowed: Store,
                old: Annotated[str, Query(max_length=100)],
                new: Annotated[str, Query(max_length=100)]) -> Response:
    from duban.diff.render import Report, render_text
    from duban.diff.semantic import diff_policies

    a, b = _policy(borrowed, old), _policy(borrowed, new)
    text = render_text(Report(a, b, diff_policies(a, b)))
    return html(request, "policy_diff.html.j2", old=a, new=b, text=text,
                policies=list(borrowed.service.policies.values()))


@router.get("/policies/{policy_id}", dependencies=[Depends(viewer)])
def policy_page(request: Request, policy_id: str, borrowed: Store) -> Response:
    from duban.graph import to_svg
    from duban.policy.explain import explain_policy

    policy = _policy(borrowed, policy_id[:100])
    return html(request, "policy.html.j2", policy=policy, text=explain_policy(policy),
                graph=Markup(to_svg(policy)),
                policies=list(borrowed.service.policies.values()))

