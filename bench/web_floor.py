"""The floor for the service benchmark: a bare endpoint of the same framework (FastAPI
under uvicorn, same thread pool, same store connection pool) that does the same store
work a duban action does at its core — read the item, append one event and rewrite its
projection in one transaction — with no authentication, no engine and no answer body
beyond a status. What duban adds on top of this is what the benchmark's ratio measures.

Run by ``bench.web_bench`` as ``uvicorn bench.web_floor:app_from_env --factory``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from typing import Any

from fastapi import FastAPI

from duban.engine.model import Event
from duban.runtime.config import load_config
from duban.store.base import Commit
from duban.web.deployment import ServicePool


def app_from_env() -> FastAPI:
    from duban.plugins import Hooks, make_plugin_manager

    cfg = load_config(None, store=os.environ["DUBAN_STORE"])
    pool = ServicePool(cfg, Hooks(make_plugin_manager(folder=None)), size=8)
    pool.policies()
    app = FastAPI()

    @app.post("/floor/{item_id}")
    def act(item_id: str) -> dict[str, Any]:
        with pool.lease() as lease:
            store = lease.service.store
            item = store.load(item_id)
            assert item is not None
            at = dt.datetime.now(dt.UTC)
            event = Event("progress", at, None, {"reason": "floor"})
            store.commit(Commit(dataclasses.replace(item, seq=item.seq + 1, last_at=at),
                                [event], item.seq, None))
        return {"ok": True}

    return app
