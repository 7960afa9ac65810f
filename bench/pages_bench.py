"""The web pages over 10,000 items: 我的待办, the 督办台账 with filters, one item page.

What is measured, in one run, on one SQLite file of ``DUBAN_BENCH_PAGE_ITEMS`` items
(default 10,000) under gansu_huizhan — eight departments, every state from 已交办 to
已办结, deadlines over the year, one in fifty confidential, two to seven events each:

* duban's pages from ``duban serve`` (one process), each requested over HTTP by one
  signed-in browser session (its cookie), one request after another, for
  ``DUBAN_BENCH_PAGE_SECONDS`` (default 5 s) after a warm-up; p50 and p99 latency from
  sending the request to the last byte of the page;
* the floor (:mod:`bench.pages_floor`): the same framework under the same server
  rendering a bare template of the same rows each page showed (the item page: the item
  and its events read from the store) — no identity, no rule, no layout.

Goal (issue "The service"): p99 < 100 ms. The ratio duban / floor says what the pages'
own work costs (visibility of each item, filters, lights, layout); the floor says what
the framework and the template engine cost whatever a page does.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from bench.web_bench import Result, _server

N = int(os.environ.get("DUBAN_BENCH_PAGE_ITEMS", "10000"))
SECONDS = float(os.environ.get("DUBAN_BENCH_PAGE_SECONDS", "5"))
WARMUP = 1.0
PASSWORD = "bench-pass-2026"
DEPTS = ("财务部", "工程部", "安全环保部", "市场部", "审计部", "人力资源部", "云天酒店", "信息中心")
TOPICS = ("完成年度预算调整", "展馆消防设施整改", "开展安全生产大检查", "客户投诉整改",
          "配合专项审计", "报送季度统计数据", "国庆接待方案", "信息系统等级保护测评")
TZ = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    who: str  # the user whose session requests it
    floor: str  # the floor's path


# -- data -------------------------------------------------------------------------------------
def item_life(policy: Any, k: int) -> tuple[Any, list[Any]]:
    """Item ``k``: opened, approved, then as far as ``k % 5`` says, through the engine."""
    from duban.engine.core import engine_for
    from duban.engine.model import Actor, Event

    eng = engine_for(policy)
    dept = DEPTS[k % len(DEPTS)]
    opened = dt.datetime(2026, 1, 5, 9, tzinfo=TZ) + dt.timedelta(days=k % 330, minutes=k % 60)
    office = Actor("督办员", "总经理工作部", frozenset({"supervisor_office"}))
    leaders = Actor("领导", None, frozenset({"leadership_group", "leader_in_charge",
                                              "general_manager", "supervisor_office"}))
    lead = Actor("承办人", dept, frozenset({"lead_department"}))
    item = eng.new_item(f"B{k:05d}")
    events: list[Event] = []

    def step(action: str, who: Actor, data: dict[str, Any], hours: int) -> None:
        nonlocal item
        event = Event(action, opened + dt.timedelta(hours=hours), who, data)
        item, _ = eng.apply(item, event)
        events.append(event)

    step("create", office, {"category": "日常督办", "kind": "meeting_decision",
                            "title": f"{TOPICS[k % len(TOPICS)]}（{k}）", "lead": dept,
                            "due": (opened + dt.timedelta(days=10 + k % 30)).date().isoformat(),
                            "confidential": k % 50 == 0 or None}, 0)
    step("approve", leaders, {}, 1)
    stage = k % 5
    if stage >= 1:
        step("confirm", lead, {}, 24)
    if stage == 2:
        step("request_extension", lead, {"reason": "等待外部资料",
                                         "until": (opened + dt.timedelta(days=45)).date()
                                         .isoformat()}, 48)
    if stage >= 3:
        step("report", lead, {"reason": "已办结"}, 72)
    hours = 80
    while stage == 4 and item.pending is not None:
        step("approve", leaders, {}, hours)
        hours += 1
    return item, events


def seed(db: Path) -> str:
    """N items and two users (the office, 财务部); returns one item id for the item page."""
    from duban.engine.timers import next_due
    from duban.policy.loader import load_policy
    from duban.store.base import Commit
    from duban.store.identity import identity_for
    from duban.store.sqlite import SqliteStore
    from duban.web.identity import NewUser, add_user

    root = Path(__file__).resolve().parents[1]
    policy = load_policy(root / "policies" / "gansu_huizhan.yaml")
    store = SqliteStore(str(db))
    store.migrate()
    store.conn.execute("PRAGMA synchronous = OFF")  # seeding is not what is measured
    for k in range(N):
        item, events = item_life(policy, k)
        store.commit(Commit(item, events, 0, next_due(policy, item)))
    identity = identity_for(store)
    at = dt.datetime.now(dt.UTC)
    add_user(identity, NewUser("督办员", ["总经理工作部"], ["总经理工作部"], password=PASSWORD,
                               admin=True), {policy.id: policy}, at)
    add_user(identity, NewUser("财务", ["财务部"], ["承办部门"], password=PASSWORD),
             {policy.id: policy}, at)
    store.close()
    return f"B{(N // 2) // 5 * 5 + 3:05d}"  # reported, with its review pending


def pages(sample: str) -> list[Page]:
    ledger = "/items?" + urlencode({"department": "财务部", "overdue": "1"})
    q3 = "/items?" + urlencode({"period": "2026Q3", "state": "承办中"})
    search = "/items?" + urlencode({"q": "预算"})
    return [Page("我的待办（财务部）", "/", "财务", "/floor/rows/todo"),
            Page(f"督办台账，第 1 页（督办部门，全部 {N} 项）", "/items", "督办员",
                 "/floor/rows/all"),
            Page("台账：财务部、逾期", ledger, "督办员", "/floor/rows/dept_overdue"),
            Page("台账：2026Q3、承办中", q3, "督办员", "/floor/rows/q3"),
            Page("台账：搜索“预算”", search, "督办员", "/floor/rows/search"),
            Page("事项页（待审核，审核待批）", f"/items/{sample}", "督办员",
                 f"/floor/item/{sample}")]


def floor_rows(db: Path) -> dict[str, list[list[str]]]:
    """The rows each listing page shows, computed by duban's own views once: what the
    floor renders."""
    from duban.runtime.app import open_service
    from duban.runtime.config import Config
    from duban.web.identity import User
    from duban.web.pages import views
    from duban.web.pages.index import ItemIndex

    service = open_service(Config(store=f"sqlite:///{db}", policies=[], plugins=None))
    try:
        snapshot = ItemIndex().refresh(service)
    finally:
        service.store.close()
    now = dt.datetime.now(dt.UTC)
    office = User("督办员", ("总经理工作部",), ("总经理工作部",), admin=True, via="session")
    finance = User("财务", ("财务部",), ("承办部门",), via="session")

    def cells(rows: list[views.Row]) -> list[list[str]]:
        return [[r.light, r.title, r.number or r.id, r.category, r.state, r.lead,
                 f"{r.due:%Y-%m-%d %H:%M}" if r.due else "", r.reason] for r in rows]

    def book(**f: Any) -> list[list[str]]:
        return cells(views.ledger(office, snapshot, views.Filters(**f), now).rows)

    return {"todo": cells(views.todo(finance, snapshot, now)[0][:views.PAGE_SIZE]),
            "all": book(), "dept_overdue": book(department="财务部", overdue="1"),
            "q3": book(period="2026Q3", state="承办中"), "search": book(q="预算")}


# -- requests ---------------------------------------------------------------------------------
def _sign_in(port: int, name: str) -> str:
    """The session cookie of a password login (as the login form posts it)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    body = urlencode({"name": name, "password": PASSWORD, "next": "/"})
    conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
    answer = conn.getresponse()
    answer.read()
    cookies = [v.split(";", 1)[0] for k, v in answer.getheaders() if k.lower() == "set-cookie"]
    conn.close()
    if answer.status != 303 or not cookies:
        raise RuntimeError(f"login as {name} failed: {answer.status}")
    return "; ".join(cookies)


def _timed(port: int, path: str, headers: dict[str, str]) -> Iterator[tuple[float, int]]:
    """(seconds, status) of each GET of ``path`` on one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    target = quote(path, safe="/?=&%")
    try:
        while True:
            start = time.perf_counter()
            conn.request("GET", target, headers=headers)
            answer = conn.getresponse()
            answer.read()
            yield time.perf_counter() - start, answer.status
    finally:
        conn.close()


def measure(name: str, port: int, path: str, headers: dict[str, str]) -> Result:
    """One client, one request after another: SECONDS after a warm-up (the first request,
    which builds the listing index, comes before it)."""
    latencies: list[float] = []
    errors: list[int] = []
    requests = _timed(port, path, headers)
    next(requests)
    warm_until = time.perf_counter() + WARMUP
    stop_at = warm_until + SECONDS
    for seconds, status in requests:
        now = time.perf_counter()
        if status != 200:
            errors.append(status)
        elif now >= warm_until:
            latencies.append(seconds)
        if now >= stop_at:
            break
    codes = ", ".join(f"{c}×{errors.count(c)}" for c in sorted(set(errors)))
    return Result(name, len(latencies), SECONDS, latencies, len(errors), codes)


def run() -> list[tuple[Result, Result]]:
    out: list[tuple[Result, Result]] = []
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        db = cwd / "pages.db"
        sample = seed(db)
        rows = cwd / "rows.json"
        rows.write_text(json.dumps(floor_rows(db), ensure_ascii=False), "utf-8")
        (cwd / "duban.yaml").write_text("policies: []\nplugins: null\nnotifiers: {console: {}}\n",
                                        "utf-8")
        store = f"sqlite:///{db}"
        os.environ["DUBAN_BENCH_ROWS"] = str(rows)
        with _server("duban", store, 1, cwd) as duban, \
                _server("floor", store, 1, cwd, "bench.pages_floor:app_from_env") as floor:
            duban_port, floor_port = duban.port, floor.port
            cookies = {who: _sign_in(duban_port, who) for who in ("督办员", "财务")}
            for page in pages(sample):
                mine = measure(page.name, duban_port, page.path, {"Cookie": cookies[page.who]})
                bare = measure(page.name, floor_port, page.floor, {})
                out.append((mine, bare))
    return out


def format_table(results: list[tuple[Result, Result]]) -> str:
    out = [f"the web pages over {N} items (SQLite, one server process, one browser session "
           f"asking again and again, {SECONDS:g} s each)",
           f"  {'page':<34}  {'duban p50':>9}  {'p99':>7}  {'floor p50':>9}  {'p99':>7}  "
           "duban/floor p50"]
    worst = 0.0
    for mine, bare in results:
        ratio = mine.pct(0.5) / bare.pct(0.5) if bare.latencies and mine.latencies else \
            float("nan")
        worst = max(worst, mine.pct(0.99))
        errors = f"  errors {mine.errors + bare.errors} ({mine.codes or bare.codes})" \
            if mine.errors or bare.errors else ""
        out.append(f"  {mine.name:<34}  {mine.pct(0.5):7.1f} ms  {mine.pct(0.99):5.1f} ms  "
                   f"{bare.pct(0.5):7.1f} ms  {bare.pct(0.99):5.1f} ms  {ratio:6.1f}×{errors}")
    out.append(f"  goal p99 < 100 ms on every page: {'met' if worst < 100 else 'NOT met'} "
               f"(worst p99 {worst:.1f} ms)")
    return "\n".join(out)


if __name__ == "__main__":
    print(format_table(run()))
