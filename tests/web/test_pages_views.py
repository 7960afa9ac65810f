"""The listings' shortcuts (groups by department, state and approver; lights kept as
lamps; no sort) give exactly what the plain rules give: every visible item the filters
select, by light then deadline then id, and 我的待办 the items the waiting rule names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bench.pages_bench import DEPTS, item_life
from duban.policy.loader import load_policy
from duban.reports.taizhang import light
from duban.web.identity import User
from duban.web.items_view import can_see
from duban.web.pages import views
from duban.web.pages.index import Indexed, Snapshot

POLICY = load_policy(Path(__file__).parents[2] / "policies" / "gansu_huizhan.yaml")
NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
OFFICE = User("督办员", ("总经理工作部",), ("总经理工作部",), via="session")
FINANCE = User("财务", ("财务部",), ("承办部门",), via="session")
AUDIT = User("审计", ("审计部",), ("承办部门",), via="session")
LEADER = User("刘总", (), ("督办领导", "分管领导"), via="session")


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    entries = [Indexed.of(POLICY, item_life(POLICY, k)[0]) for k in range(400)]
    return Snapshot.of(sorted(entries, key=lambda e: (e.due, e.item.id)))


def plain(user: User, snapshot: Snapshot, f: views.Filters) -> list[str]:
    """The 台账's rule written out, one item at a time."""
    period = f.period_value()
    out = []
    for e in snapshot.entries:
        it = e.item
        lamp = light(POLICY, it, NOW)
        if not can_see(user, POLICY, it):
            continue
        if f.department and f.department not in (it.department, *it.assist, *it.handoff):
            continue
        if f.state and f.state not in (it.state, POLICY.states[it.state].canonical):
            continue
        if period is not None and not period.contains(it.due, POLICY.timezone):
            continue
        if f.overdue and (f.overdue == "1") != (lamp == "红"):
            continue
        if f.q and not (f.q in it.title or f.q == it.id):
            continue
        out.append((views.LIGHT_ORDER[lamp], it.due or dt.datetime.max.replace(tzinfo=dt.UTC),
                    it.id))
    return [i for _, _, i in sorted(out)]


@pytest.mark.parametrize("user", [OFFICE, FINANCE, AUDIT, LEADER], ids=lambda u: u.name)
@pytest.mark.parametrize("f", [
    views.Filters(), views.Filters(department="财务部"), views.Filters(state="承办中"),
    views.Filters(state="in_progress", department="审计部"), views.Filters(period="2026Q2"),
    views.Filters(period="2026-05", overdue="1"), views.Filters(overdue="0", q="预算"),
    views.Filters(q="B00017"), views.Filters(state="待审核", period="2026")],
    ids=lambda f: ",".join(f"{k}={v}" for k, v in f.query().items()) or "all")
def test_the_ledger_is_the_plain_rule(snapshot: Snapshot, user: User, f: views.Filters) -> None:
    got = [e.item.id for e in views.matching(user, snapshot, f, NOW)]
    assert got == plain(user, snapshot, f)
    book = views.ledger(user, snapshot, f, NOW)
    assert book.total == len(got) and [r.id for r in book.rows] == got[:views.PAGE_SIZE]


def test_confidential_items_reach_only_their_department(snapshot: Snapshot) -> None:
    secret = {e.item.id for e in snapshot.entries if e.item.confidential}
    assert secret  # one in fifty
    audit_sees = {e.item.id for e in views.matching(AUDIT, snapshot, views.Filters(), NOW)}
    mine = {e.item.id for e in snapshot.entries
            if e.item.confidential and e.item.department == "审计部"}
    assert audit_sees & secret == mine
    choices = views.ledger(AUDIT, snapshot, views.Filters(), NOW).choices
    assert set(choices["department"]) <= set(DEPTS) | {"总经理工作部"}


@pytest.mark.parametrize("user", [OFFICE, FINANCE, AUDIT, LEADER], ids=lambda u: u.name)
def test_my_todo_looks_where_things_wait(snapshot: Snapshot, user: User) -> None:
    """The groups are only a shortcut: asking the waiting rule of every item gives the
    same list."""
    rows, counts = views.todo(user, snapshot, NOW)
    waiting = views._Waiting(user)
    everyone = [e for e in snapshot.entries if not (e.item.closed_at and not e.item.pending)
                and waiting(e) and can_see(user, POLICY, e.item)]
    expected = sorted(everyone, key=lambda e: (views.LIGHT_ORDER[light(POLICY, e.item, NOW)],
                                               e.due, e.item.id))
    assert [r.id for r in rows] == [e.item.id for e in expected]
    assert counts["total"] == len(rows)
    reasons = {r.reason for r in rows}
    assert reasons == {OFFICE: {"待您审批：总经理工作部审核"}, LEADER: {"待您审批：分管领导签署意见"},
                       FINANCE: {"待您办理：签收", "待您办理：报结"},
                       AUDIT: {"待您办理：签收", "待您办理：报结"}}[user]
