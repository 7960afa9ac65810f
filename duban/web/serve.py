"""Running the app under uvicorn: one process, or ``--workers N`` processes.

Why uvicorn: the reference ASGI server, well kept, with a process supervisor for
several workers and graceful shutdown on SIGTERM. Each worker process builds its own
app from the environment (``DUBAN_CONFIG``, ``DUBAN_STORE``, ``DUBAN_WEB_*``), which
:func:`serve` sets from its options, so every process serves the same deployment.

``--tick`` runs the timer/outbox worker in the serving command's own process (a thread,
one per deployment whatever ``--workers`` is); without it run ``duban tick --loop``
separately (several of them on PostgreSQL).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import sys
import tempfile
import threading

from fastapi import FastAPI

from duban.runtime.config import load_config
from duban.web.settings import web_settings

log = logging.getLogger("duban.web")
#: How duban runs uvicorn, whoever starts it (``duban serve``, the demo): no proxy
#: headers unless configured (duban reads them itself, from trusted addresses only), no
#: server banner, no access log (it would carry item ids; duban logs requests itself),
#: and 20 s for requests in flight on shutdown.
UVICORN = {"proxy_headers": False, "server_header": False, "access_log": False,
           "timeout_graceful_shutdown": 20}


def app_from_env() -> FastAPI:
    """The uvicorn factory (``duban.web.serve:app_from_env``) each worker calls."""
    from duban.web.app import create_app

    cfg = load_config(os.environ.get("DUBAN_CONFIG") or None)
    return create_app(cfg, web_settings(cfg))


def _tick_loop(interval: float, stop: threading.Event) -> None:
    from duban.runtime.app import open_service
    from duban.runtime.workers import TickWorker

    service = open_service(load_config(os.environ.get("DUBAN_CONFIG") or None))
    worker = TickWorker(service, None)
    try:
        while not stop.is_set():
            try:
                r = worker.run_once(dt.datetime.now(dt.UTC))
                if r.fired or r.sent or r.failed:
                    log.info("tick: fired %d, sent %d, failed %d", r.fired, r.sent, r.failed)
            except Exception:  # a store outage: try again next interval
                log.exception("tick failed; retrying in %.0f s", interval)
            stop.wait(interval)
    finally:
        service.store.close()


def configure_logging() -> None:
    """Plain lines on stdout at INFO: duban's access log (one JSON line per request) and
    its operational messages. The state-machine library's own step-by-step lines
    (``transitions``: several INFO lines per action, naming callbacks) stay off — a
    debugging aid, not an operator's log — and with them the engine's slower logged way
    of firing a transition (:meth:`duban.engine.machine.Firing.fire`)."""
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    logging.getLogger("transitions").setLevel(logging.WARNING)


def serve(*, host: str, port: int, workers: int, tick: bool, tick_interval: float,
          config: str | None, store: str | None) -> None:
    import uvicorn

    if config:
        os.environ["DUBAN_CONFIG"] = config
    if store:
        os.environ["DUBAN_STORE"] = store
    configure_logging()
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="duban-metrics-")
    app_from_env()  # check the deployment here: a bad config stops before any worker
    stop = threading.Event()
    ticker = None
    if tick:
        ticker = threading.Thread(target=_tick_loop, args=(tick_interval, stop),
                                  name="duban-tick", daemon=True)
        ticker.start()
    try:
        uvicorn.run("duban.web.serve:app_from_env", factory=True, host=host, port=port,
                    workers=workers if workers > 1 else None, log_level="info",
                    **UVICORN)  # type: ignore[arg-type]
    finally:
        stop.set()
        if ticker is not None:
            ticker.join(timeout=10)


def run_app(app: FastAPI, sock: socket.socket, log_level: str = "warning") -> None:
    """Serve an app built in this process (the demo's, with its own clock) on a socket
    the caller bound, until SIGINT/SIGTERM."""
    import uvicorn

    config = uvicorn.Config(app, log_level=log_level, **UVICORN)  # type: ignore[arg-type]
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl-C after its
        uvicorn.Server(config).run(sockets=[sock])  # graceful shutdown
