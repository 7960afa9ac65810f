"""The floor for the page benchmark: the same framework (FastAPI and Jinja2 under uvicorn)
rendering a bare template of the same rows each duban page shows, with no
authentication, no visibility rule, no filter, no 红/黄/绿 light and no layout — what is
left when every question a page answers is already answered. What duban adds on top of
this is what the benchmark's ratio measures.

* ``/floor/rows/{name}``: the rows duban's page ``name`` showed (computed once by
  :mod:`bench.pages_bench` and handed over in the JSON file ``DUBAN_BENCH_ROWS``), as a
  table;
* ``/floor/item/{id}``: the item and its events read from the store, as a list.

Run by ``bench.pages_bench`` as ``uvicorn bench.pages_floor:app_from_env --factory``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from jinja2 import Environment

from duban.runtime.config import load_config
from duban.web.deployment import ServicePool

_ENV = Environment(autoescape=True)
ROWS = _ENV.from_string(
    "<!DOCTYPE html><title>{{ name }}</title><table>{% for r in rows %}<tr>"
    "{% for v in r %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</table>")
ITEM = _ENV.from_string(
    "<!DOCTYPE html><title>{{ item.title }}</title><h1>{{ item.title }}</h1><dl>"
    "<dt>状态</dt><dd>{{ item.state }}</dd><dt>主办</dt><dd>{{ item.department }}</dd>"
    "<dt>期限</dt><dd>{{ item.due }}</dd></dl><ol>{% for e in events %}<li>{{ e.at }} "
    "{{ e.action }} {{ e.data }}</li>{% endfor %}</ol>")


def app_from_env() -> FastAPI:
    from duban.plugins import Hooks, make_plugin_manager

    cfg = load_config(None, store=os.environ["DUBAN_STORE"])
    pool = ServicePool(cfg, Hooks(make_plugin_manager(folder=None)), size=8)
    pool.policies()
    rows: dict[str, list[list[Any]]] = json.loads(
        Path(os.environ["DUBAN_BENCH_ROWS"]).read_text("utf-8"))
    app = FastAPI()

    @app.get("/floor/rows/{name}")
    def listing(name: str) -> HTMLResponse:
        return HTMLResponse(ROWS.render(name=name, rows=rows[name]))

    @app.get("/floor/item/{item_id}")
    def item(item_id: str) -> HTMLResponse:
        with pool.lease() as lease:
            store = lease.service.store
            found = store.load(item_id)
            assert found is not None
            events = store.events(item_id)
        return HTMLResponse(ITEM.render(item=found, events=events))

    return app
