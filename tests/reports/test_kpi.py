"""KPIs per department, correct to the item, worked out by hand from data/november.yaml.

November 2026, as of 11-30 18:00 (deadlines are the end of the day written):

| item | lead (assist) | deadline in force | what happened | in Nov total | on time | overdue | open |
|---|---|---|---|---|---|---|---|
| H | 财务部 | 10-30 | never reported | no (October) — carried over | | yes | yes |
| A | 财务部 (人力资源部) | 11-13 | reported 11-12, closed 11-13 | yes | yes | | |
| B | 工程部 | 11-10 | reported 11-12, closed 11-13: 2 days late, −2 points | yes | | yes | |
| C | 市场部 | 11-16 → 11-27 | extension approved 11-11 (−0.05), reported 11-26 | yes | yes | | |
| D | 安全环保部 | 11-20 → 11-25 | reported 11-18, 退办 11-19 (new due 11-25), reported 11-24 | yes | yes | | |
| E | 审计部 | 11-18 | never reported; 通报批评 11-23 | yes | | yes | yes |
| F | 人力资源部 (保密) | 11-25 | reported 11-24, closed 11-25 | yes | yes | | |
| G | 市场部 | 12-10 | open | no (December) — upcoming | | | yes |
| I | 工程部 | 11-20 | 撤销 11-05 | no (cancelled) | | | |
| J | 信息中心 | 11-27 | reported 11-27, not yet reviewed | yes | | | yes |

Total 7, on time 4 (A C D F), overdue 2 (B E), open 2 (E J): 办结率 4/7 = 57.1%.
"""

from __future__ import annotations

import datetime as dt

import pytest

from duban.reports import Dataset, Period, Viewer, build_report, from_run, from_store
from duban.reports.kpi import rate_text
from duban.reports.period import SHANGHAI
from duban.runtime.service import Service

NOV = Period.month("2026-11")


def kpis(ds: Dataset, period: Period = NOV) -> dict[str, tuple[object, ...]]:
    r = build_report(ds, period)
    return {d.name: (d.total, d.closed_on_time, d.overdue, d.open, d.extensions, d.returns,
                     d.assisting, d.points, round(d.coefficient, 6), d.rank)
            for d in r.depts}


def test_totals_by_hand(dataset: Dataset) -> None:
    r = build_report(dataset, NOV)
    t = r.total
    assert (t.total, t.closed_on_time, t.closed_late, t.overdue, t.open) == (7, 4, 1, 2, 2)
    assert (t.extensions, t.returns) == (1, 1)
    assert rate_text(t.rate) == "57.1%"
    assert [row.id for row in r.rows] == ["B", "A", "E", "D", "F", "C", "J"]  # by deadline
    assert [row.id for row in r.carried] == ["H"]
    assert [row.id for row in r.upcoming] == ["G"]
    assert sorted(row.id for row in r.overdue_rows) == ["B", "E"]


def test_departments_by_hand(dataset: Dataset) -> None:
    # name: total, on time, overdue, open, extensions, returns, assisting, points, coef, rank
    assert kpis(dataset) == {
        "人力资源部": (1, 1, 0, 0, 0, 0, 1, 0.0, 0.0, 1),
        "安全环保部": (1, 1, 0, 0, 0, 1, 0, 0.0, 0.0, 1),
        "财务部": (1, 1, 0, 0, 0, 0, 0, 0.0, 0.0, 1),
        "市场部": (1, 1, 0, 0, 1, 0, 0, 0.0, -0.05, 4),  # the extension's −0.05 ranks it after
        "信息中心": (1, 0, 0, 1, 0, 0, 0, 0.0, 0.0, 5),
        "审计部": (1, 0, 1, 1, 0, 0, 0, 0.0, 0.0, 6),
        "工程部": (1, 0, 1, 0, 0, 0, 0, -2.0, 0.0, 7),
    }


def test_ranking_order_and_ties(dataset: Dataset) -> None:
    r = build_report(dataset, NOV)
    assert [d.name for d in r.depts] == ["人力资源部", "安全环保部", "财务部", "市场部",
                                         "信息中心", "审计部", "工程部"]
    assert r.departments == [d.name for d in r.depts]  # H's 财务部, G's 市场部 already there


def test_ledger_lines_dated_in_period(dataset: Dataset) -> None:
    r = build_report(dataset, NOV)
    assert [(x.item, x.target, x.points, x.coefficient, x.rule) for x in r.lines] == [
        ("C", "市场部", 0.0, -0.05, "申请延期"),
        ("B", "工程部", -2.0, 0.0, "逾期扣分"),
        ("E", "审计部", 0.0, 0.0, "通报批评"),
    ]
    audit = next(d for d in r.depts if d.name == "审计部")
    assert audit.censures == 1 and "通报批评" in audit.measures


def test_october_counts_only_h(dataset: Dataset) -> None:
    r = build_report(dataset, Period.month("2026-10"))
    assert [(row.id, row.status) for row in r.rows] == [("H", "逾期31日未办结")]
    assert r.total.overdue == 1 and r.total.rate == 0
    # "next month's" items are those still open at as_of (11-30) and due in November
    assert [row.id for row in r.upcoming] == ["E", "J"]


def test_quarter_and_year_sum_their_months(dataset: Dataset) -> None:
    q = build_report(dataset, Period.quarter("2026Q4"))
    y = build_report(dataset, Period.whole_year("2026"))
    assert (q.total.total, q.total.closed_on_time, q.total.overdue) == (9, 4, 3)  # + H, G
    assert [s.period.title for s in q.subperiods] == ["2026年10月", "2026年11月", "2026年12月"]
    assert [s.total.total for s in q.subperiods] == [1, 7, 1]
    assert y.total.total == q.total.total
    assert sum(s.total.total for s in y.subperiods) == y.total.total


def test_as_of_replays_the_history(run: object) -> None:
    """As of 11-12 12:00: B was reported late that morning, C's extension was granted,
    A was reported but not closed; the ledger holds only C's line."""
    ds = from_run(run, as_of=dt.datetime(2026, 11, 12, 12, tzinfo=SHANGHAI))
    r = build_report(ds, NOV)
    status = {row.id: row.status for row in r.rows}
    assert status["A"] == "已报结，待审核"
    assert status["B"] == "逾期2日报结，待审核"
    assert status["E"] == "在办"
    assert status["C"] == "在办"  # the extension moved it to 11-27, still November
    assert next(row for row in r.rows if row.id == "C").item.due.day == 27
    assert [x.item for x in r.lines] == ["C"]
    assert "G" not in {e.item.id for e in ds.entries}  # created on 11-28


def test_store_and_run_agree(service: Service, dataset: Dataset, as_of: dt.datetime) -> None:
    """The service (SQLite, ticks, outbox) and the in-memory runner give the same KPIs."""
    from_db = from_store(service, as_of=as_of)
    assert kpis(from_db) == kpis(dataset)
    assert [(x.item, x.rule, x.at) for x in from_db.ledger] == \
        [(x.item, x.rule, x.at) for x in dataset.ledger]


def test_viewer_without_right_does_not_count_confidential(dataset: Dataset, run: object,
        as_of: dt.datetime) -> None:
    market = from_run(run, as_of=as_of, viewer=Viewer("主办部门", "市场部"))
    hr = from_run(run, as_of=as_of, viewer=Viewer("主办部门", "人力资源部"))
    leader = from_run(run, as_of=as_of, viewer=Viewer("分管领导"))
    assert "F" not in {e.item.id for e in market.entries}
    assert "F" in {e.item.id for e in hr.entries}
    assert "F" in {e.item.id for e in leader.entries}
    assert kpis(market)["人力资源部"][:2] == (0, 0)  # still named: it assists A
    assert kpis(market)["人力资源部"][6] == 1
    assert build_report(market, NOV).total.total == 6
    assert build_report(hr, NOV).total.total == 7


def test_unknown_viewer_role_is_an_error(run: object, as_of: dt.datetime) -> None:
    from duban.errors import DubanError

    with pytest.raises(DubanError, match="没有角色"):
        from_run(run, as_of=as_of, viewer=Viewer("局长"))
