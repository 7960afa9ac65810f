"""The app factory: ``create_app(config, settings)`` → a FastAPI (ASGI) application.

Why FastAPI: request and response models written once give validation, limits and the
OpenAPI document an OA integrator reads (``/api/openapi.json``); dependencies inject the
caller and a store connection per request; it runs on Starlette, so the server-rendered
pages (Jinja2) live in the same app. The work itself is synchronous (the engine, SQLite,
psycopg), so handlers are plain functions run in the server's thread pool.

HTML routes (``duban.web.pages``) register through :func:`create_app` too: they reuse :func:`duban.web.auth.require_user`, the session login
and the CSRF token.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from duban.runtime.config import Config
from duban.web import pages, problems
from duban.web.api import account, attachments, items, ops, policies, reports
from duban.web.deployment import Deployment
from duban.web.observe import ObserveMiddleware
from duban.web.pages.render import STATIC
from duban.web.settings import WebSettings

ROUTERS = (items.router, account.router, ops.router, reports.router, policies.router,
           attachments.router, pages.router)


def create_app(config: Config, settings: WebSettings | None = None,
               deployment: Deployment | None = None) -> FastAPI:
    """The application for one deployment. Opens the store at once (a bad policy or an
    unreachable store stops start-up with its message, not the first request)."""
    settings = settings or WebSettings()
    dep = deployment or Deployment.open(config, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        dep.pool.close()

    app = FastAPI(title="duban 督办 API", version="1", lifespan=lifespan,
                  openapi_url="/api/openapi.json", docs_url="/api/docs", redoc_url=None,
                  description="督查督办：事项、办理、通报与台账。错误为 application/problem+json，"
                              "`code` 为引擎的错误码。Authorization: Bearer <API 令牌>。")
    app.state.deployment = dep
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router)
    # On the app, not the pages' router: FastAPI before 0.16x drops a router's mounts
    # when it is included.
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(ObserveMiddleware, hsts=settings.secure_cookies,
                       max_body=settings.attachment_max_bytes + 1024 * 1024)
    return app
