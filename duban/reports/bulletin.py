"""The 督查通报 of a period: the numbers and the named lists, as one value.

A monthly 通报 names every department it speaks of (seed 002 第2篇 第十五条: 发布情况通报应
指名道姓，不得使用“有的单位”): the KPI table has one row per department, and every
overdue, extended, returned or penalised item is listed with its department. The
quarterly ranking and the yearly summary are the same value over a longer period, with
the months of the period as sub-periods.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from duban.engine.model import PenaltyEntry, Shortfall
from duban.reports.kpi import DeptKpi, ItemRow, compute, in_period, item_row, trend
from duban.reports.period import SHANGHAI, Bucket, Period
from duban.reports.source import Dataset, Entry


@dataclass(frozen=True)
class SubPeriod:
    period: Period
    total: DeptKpi


@dataclass(frozen=True)
class Report:
    period: Period
    as_of: dt.datetime
    dataset: Dataset
    rows: tuple[ItemRow, ...]  # the period's 督办总数, by deadline
    depts: tuple[DeptKpi, ...]  # ranked
    total: DeptKpi
    lines: tuple[PenaltyEntry, ...]  # ledger lines dated in the period
    carried: tuple[ItemRow, ...]  # due before the period, still not done at as_of
    upcoming: tuple[ItemRow, ...]  # open, due in the next period
    trend: tuple[tuple[Bucket, int, int], ...]
    subperiods: tuple[SubPeriod, ...]  # the months of a quarter or a year
    #: periods of an "at least N" requirement (每两个月不少于3次) that ended in the period
    #: short of the floor, with the item they were counted on
    shortfalls: tuple[tuple[Entry, Shortfall], ...] = ()

    @property
    def overdue_rows(self) -> list[ItemRow]:
        return [r for r in self.rows if r.overdue]

    @property
    def extended_rows(self) -> list[ItemRow]:
        return [r for r in self.rows if r.item.extensions_granted]

    @property
    def returned_rows(self) -> list[ItemRow]:
        return [r for r in self.rows if r.item.returns]

    @property
    def departments(self) -> list[str]:
        """Every department the report names."""
        names = [d.name for d in self.depts]
        for r in (*self.carried, *self.upcoming):
            if r.lead not in names:
                names.append(r.lead)
        return names


def known_departments(dataset: Dataset) -> set[str]:
    out: set[str] = set()
    for e in dataset.entries:
        it = e.item
        out.update(x for x in (it.lead, *it.assist, *it.handoff) if x)
    return out


def build_report(dataset: Dataset, period: Period) -> Report:
    """The 通报 of ``period`` as of the dataset's instant."""
    as_of = dataset.as_of
    known = known_departments(dataset)
    all_rows = [item_row(e.policy, e.item, as_of) for e in dataset.entries]
    rows = [r for r in all_rows if in_period(r.policy, r.item, period)]
    rows.sort(key=lambda r: (r.item.due or as_of, r.id))
    tz = dataset.entries[0].policy.timezone if dataset.entries else SHANGHAI
    lines = [x for x in dataset.ledger if period.contains(x.at, tz)]
    depts, total = compute(rows, lines, known)
    start, _ = period.bounds(tz)
    carried = [r for r in all_rows if r.overdue and r.open and r.item.due is not None
               and r.item.due < start and r.status != "已撤销"]
    nxt = period.next()
    upcoming = [r for r in all_rows if r.open and r.status != "已撤销"
                and in_period(r.policy, r.item, nxt)]
    extra = {r.lead for r in (*carried, *upcoming)} - {d.name for d in depts}
    depts = depts + [DeptKpi(name) for name in sorted(extra)]
    subs: list[SubPeriod] = []
    if period.kind != "month":
        for b in period.buckets():
            month = Period("month", b.start.year, b.start.month)
            sub_rows = [r for r in rows if in_period(r.policy, r.item, month)]
            subs.append(SubPeriod(month, compute(sub_rows, (), known)[1]))
    return Report(period, as_of, dataset, tuple(rows), tuple(depts), total, tuple(lines),
                  tuple(sorted(carried, key=lambda r: (r.item.due or as_of, r.id))),
                  tuple(sorted(upcoming, key=lambda r: (r.item.due or as_of, r.id))),
                  tuple(trend(rows, period.buckets())), tuple(subs),
                  period_shortfalls(dataset, period, tz))


def period_shortfalls(dataset: Dataset, period: Period,
                      tz: dt.tzinfo) -> tuple[tuple[Entry, Shortfall], ...]:
    """Shortfalls whose counting period ended in ``period``: the 通报 names them as a fact
    (the texts that set a floor attach no points to missing it), in the order they ended."""
    found = [(e, s) for e in dataset.entries for s in e.item.shortfalls
             if period.contains(s.end, tz)]
    return tuple(sorted(found, key=lambda x: (x[1].end, x[0].item.id, x[1].requirement)))
