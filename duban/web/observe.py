"""What an operator sees of the service: security headers on every answer, one JSON log
line per request, Prometheus metrics.

Why a plain ASGI middleware (not Starlette's ``BaseHTTPMiddleware``): it adds no task or
stream per request, which matters at hundreds of requests a second on two cores.

Logs carry the route *template* (``/api/v1/items/{item_id}``), the status, the time and
the user name — never a title, a reason or a query string, so a confidential item's
content cannot reach a log file. Metrics: ``duban_http_requests_total``,
``duban_http_request_seconds`` (per route template and status), and, read from the store
at each scrape, ``duban_timer_lag_seconds``, ``duban_outbox_pending`` and
``duban_outbox_dead``. With several processes (``duban serve --workers N``) the request
metrics use prometheus_client's multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access = logging.getLogger("duban.web.access")

REQUESTS = Counter("duban_http_requests_total", "HTTP requests answered",
                   ["method", "route", "status"])
LATENCY = Histogram("duban_http_request_seconds", "Time to answer an HTTP request",
                    ["method", "route"],
                    buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))

#: Sent with every answer. The CSP allows only same-origin scripts and styles (no inline
#: script), which the server-rendered pages are written for.
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     b"frame-ancestors 'none'; base-uri 'self'; form-action 'self'"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_DOCS_CSP = (b"default-src 'self'; img-src 'self' data: https:; style-src 'self' "
             b"'unsafe-inline' https:; script-src 'self' 'unsafe-inline' https:; "
             b"frame-ancestors 'none'")


class BodyTooLarge(HTTPException):
    """The request body passed the limit; answered 413 before it is all read. (An HTTP
    exception, so that the framework's body parsing passes it on as it is.)"""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"请求体超过 {limit} 字节的上限 / request body over {limit} bytes")


class ObserveMiddleware:
    """Security headers, one access-log line, the request metrics and a limit on the
    request body, per request. The limit holds while the body streams in, so a huge
    upload is cut off instead of being spooled to disk first."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False, max_body: int = 0) -> None:
        self.app = app
        self.hsts = hsts
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]
        received = [0]
        started = [False]

        async def receive_limited() -> Message:
            message = await receive()
            if message["type"] == "http.request" and self.max_body:
                received[0] += len(message.get("body", b""))
                if received[0] > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                started[0] = True
                status[0] = message["status"]
                headers = list(message.get("headers", []))
                names = {h[0].lower() for h in headers}
                for name, value in SECURITY_HEADERS:
                    if name not in names:
                        if name == b"content-security-policy" and \
                                scope["path"] in ("/api/docs", "/api/redoc"):
                            value = _DOCS_CSP
                        headers.append((name, value))
                if self.hsts:
                    headers.append((b"strict-transport-security",
                                    b"max-age=31536000; includeSubDomains"))
                if scope["path"].startswith("/api/") and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive_limited, send_wrapper)
        except BodyTooLarge:
            if started[0]:
                raise
            await _too_large(send_wrapper, self.max_body)
        finally:
            elapsed = time.perf_counter() - start
            route = getattr(scope.get("route"), "path", None) or "(unmatched)"
            REQUESTS.labels(scope["method"], route, str(status[0])).inc()
            LATENCY.labels(scope["method"], route).observe(elapsed)
            user = getattr(scope.get("state", {}).get("user"), "name", None)
            if access.isEnabledFor(logging.INFO):
                access.info(json.dumps({
                    "method": scope["method"], "route": route, "status": status[0],
                    "ms": round(elapsed * 1000, 2), "user": user,
                    "client": (scope.get("client") or ("", 0))[0]}, ensure_ascii=False))


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"type": "urn:duban:error:payload_too_large", "status": 413,
                       "title": "请求过大 / payload too large", "code": "payload_too_large",
                       "detail": f"请求体超过 {limit} 字节的上限 / request body over {limit} "
                                 "bytes"}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class StoreGauges(Collector):
    """Gauges read from the store at scrape time (the same in every process)."""

    def __init__(self, values: dict[str, float]) -> None:
        self.values = values

    def collect(self) -> Iterable[GaugeMetricFamily]:
        docs = {"duban_timer_lag_seconds": "How late the most overdue timer is (0: none due)",
                "duban_outbox_pending": "Notices waiting for delivery",
                "duban_outbox_dead": "Notices in the dead-letter list",
                "duban_calendar_days_left": "Days until the calendar data runs out"}
        for name, value in self.values.items():
            yield GaugeMetricFamily(name, docs.get(name, name), value=value)


def render_metrics(store_values: dict[str, float]) -> bytes:
    """The exposition text: request metrics (all processes) plus the store gauges."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Default())
    registry.register(StoreGauges(store_values))
    return generate_latest(registry)


class _Default(Collector):
    def collect(self) -> Iterable[Any]:
        yield from REQUESTS.collect()
        yield from LATENCY.collect()
