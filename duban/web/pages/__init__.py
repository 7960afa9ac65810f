"""The web app: server-rendered Chinese pages over the same service the JSON API uses.

One router per resource — :mod:`.account` (登录), :mod:`.lists` (我的待办, 督办台账),
:mod:`.item` (the item page, actions, 新建事项), :mod:`.documents` (通报, 制度) and
:mod:`.admin` (管理) — included by :func:`duban.web.app.create_app`, which serves the package's
assets at ``/static`` (htmx, the style sheet, the icon: no build step, no CDN).
"""

from __future__ import annotations

from fastapi import APIRouter

from duban.web.pages import account, admin, documents, item, lists

router = APIRouter(include_in_schema=False)
for _module in (account, lists, item, documents, admin):
    router.include_router(_module.router)

__all__ = ["router"]
