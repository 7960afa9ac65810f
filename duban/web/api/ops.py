"""``/healthz``, ``/readyz``, ``/metrics`` and ``/api/v1/calendar``: for operators and
load balancers, no login (they reveal no item).

* ``/healthz`` — the process answers (liveness);
* ``/readyz`` — readiness: 503 when the store does not answer or a policy's calendar
  data has run out; ``"status": "degraded"`` (200) when the data ends within
  ``web.calendar_warn_days`` or notices sit in the dead-letter list;
* ``/metrics`` — Prometheus text.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from duban.engine.timers import next_due
from duban.runtime.service import Service
from duban.store.base import outbox_count
from duban.web.auth import deployment, lease
from duban.web.deployment import Lease
from duban.web.observe import render_metrics

router = APIRouter(tags=["operations"])
Store = Annotated[Lease, Depends(lease)]


def calendar_status(service: Service, today: dt.date) -> list[dict[str, Any]]:
    """Per policy: the last day its calendar data answers for, and the days left."""
    out = []
    for policy in service.policies.values():
        first, last = policy.calendar.known_range
        out.append({"policy": policy.id, "first": first.isoformat(), "last": last.isoformat(),
                    "days_left": (last - today).days, "version": policy.calendar.version})
    return out


def timer_lag(service: Service, now: dt.datetime) -> float:
    """Seconds since the most overdue timer was due (0 when nothing is waiting)."""
    ids = service.store.due(now, 1)
    item = service.store.load(ids[0]) if ids else None
    when = next_due(service.policy_for(item), item) if item is not None else None
    return max(0.0, (now - when).total_seconds()) if when is not None else 0.0


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "not ready; the failing checks"}})
def readyz(request: Request, borrowed: Store) -> JSONResponse:
    """Ready (200) while the store answers and every policy's calendar still has data for
    today. A calendar within ``web.calendar_warn_days`` of its end, or notices in the
    dead-letter list, make the answer ``"status": "degraded"`` (still 200: the service
    works, an operator must act) — so a load balancer never drops every server at once
    for what only needs attention."""
    service = borrowed.service
    checks: dict[str, Any] = {}
    try:
        borrowed.identity.ping()
        checks["store"] = {"ok": True, "store": service.store.name}
    except Exception as exc:  # any failure of the store means not ready
        checks["store"] = {"ok": False, "error": str(exc)[:300]}
        return JSONResponse({"status": "unavailable", "checks": checks}, status_code=503)
    dep = deployment(request)
    warn = dep.settings.calendar_warn_days
    cal = calendar_status(service, dep.clock().date())
    short = [c for c in cal if c["days_left"] < warn]
    checks["calendar"] = {"ok": not short, "warn_days": warn,
                          "expiring": [{"policy": c["policy"], "last": c["last"],
                                        "days_left": c["days_left"]} for c in short]}
    dead = outbox_count(service.store, "dead")
    checks["dead_letters"] = {"ok": dead == 0, "count": dead}
    if any(c["days_left"] < 0 for c in cal):
        return JSONResponse({"status": "unavailable", "checks": checks}, status_code=503)
    status = "ok" if all(c["ok"] for c in checks.values()) else "degraded"
    return JSONResponse({"status": status, "checks": checks})


@router.get("/metrics", response_class=Response)
def metrics(request: Request, borrowed: Store) -> Response:
    service = borrowed.service
    now = deployment(request).clock()
    values = {"duban_timer_lag_seconds": timer_lag(service, now),
              "duban_outbox_pending": float(outbox_count(service.store, "pending")),
              "duban_outbox_dead": float(outbox_count(service.store, "dead")),
              "duban_calendar_days_left": float(min(
                  (c["days_left"] for c in calendar_status(service, now.date())), default=0))}
    return Response(render_metrics(values),
                    media_type="text/plain; version=0.0.4; charset=utf-8")


@router.get("/api/v1/calendar", tags=["calendar"])
def calendar(request: Request, borrowed: Store) -> dict[str, Any]:
    """The calendar data each loaded policy uses: known range and days left."""
    return {"policies": calendar_status(borrowed.service, deployment(request).clock().date())}
