"""KPIs per department and period, from the items themselves (correct to the item).

The definitions (docs/reports.md says why):

* **督办总数** of a period: the items in 督办 (opened, not 撤销 — :func:`counted`) whose
  deadline *in force* (after approved extensions and 退办 deadlines) falls in the period;
  an item without a deadline counts in the period it was closed. A monthly 通报 judges
  what was due that month: "按时办结数 / 督办总数" can only be decided for items whose
  deadline has come (seed 002 第1篇 第十四条 2 and 第十五条 2, "当月督办事项").
* **按时办结**: closed, and reported (or closed) by that deadline (:func:`on_time`).
* **逾期**: the deadline passed before the work was reported — whether it was finished
  late or is still open at ``as_of`` (:func:`overdue`).
* **在办**: not closed at ``as_of`` (including reported and awaiting review).
* **办结率** = 按时办结数 / 督办总数 × 100%; a department with no item due has none.
* **扣分/系数**: the penalty-ledger lines *dated* in the period, attributed to the target
  department (or, for a line on a person such as 部门负责人, the item's department).
* **主办/协办**: an item counts for its lead (the responsible department) in the rates;
  assisting departments are counted apart.
* **排名**: by 办结率 (highest first), then fewer overdue items, then the smaller
  coefficient and point deductions, then more items; equal keys share a rank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from duban.engine.closure import counted, on_time, overdue
from duban.engine.model import ItemState, PenaltyEntry
from duban.policy.model import Policy
from duban.reports.period import Bucket, Period


@dataclass(frozen=True)
class ItemRow:
    """One item as a report shows it."""

    id: str
    policy: Policy
    item: ItemState
    on_time: bool
    overdue: bool
    open: bool
    days_late: int
    status: str

    @property
    def lead(self) -> str:
        return self.item.department or "（未定）"


@dataclass
class DeptKpi:
    name: str
    total: int = 0
    closed_on_time: int = 0
    closed_late: int = 0
    overdue: int = 0
    open: int = 0
    extensions: int = 0
    returns: int = 0
    assisting: int = 0
    assisting_overdue: int = 0
    points: float = 0.0
    coefficient: float = 0.0
    measures: list[str] = field(default_factory=list)
    censures: int = 0
    rank: int | None = None

    @property
    def rate(self) -> float | None:
        """办结率 as a fraction, None when nothing was due."""
        return self.closed_on_time / self.total if self.total else None

    def sort_key(self) -> tuple[float, int, float, float, int]:
        return (-(self.rate if self.rate is not None else -1.0), self.overdue,
                -self.coefficient, -self.points, -self.total)


def days_late(due: dt.datetime, done: dt.datetime) -> int:
    """Whole calendar days late; a part of a day counts as a day (as the penalty rules)."""
    if done <= due:
        return 0
    return max((done.date() - due.astimezone(done.tzinfo).date()).days, 1)


def item_row(policy: Policy, item: ItemState, as_of: dt.datetime) -> ItemRow:
    """Classify one item at ``as_of`` (the words a 通报 and a 台账 use)."""
    late = overdue(item, as_of)
    done = item.reported_at or item.closed_at
    n = days_late(item.due, done or as_of) if late and item.due is not None else 0
    canonical = policy.states[item.state].canonical
    is_open = item.closed_at is None
    if canonical == "cancelled":
        status = "已撤销"
    elif not is_open:
        status = "按时办结" if on_time(item) else f"逾期{n}日办结"
    elif item.reported_at is not None:
        status = f"逾期{n}日报结，待审核" if late else "已报结，待审核"
    elif late:
        status = f"逾期{n}日未办结"
    elif canonical in ("draft", "pending_approval"):
        status = "待立项"
    elif canonical == "extension_pending":
        status = "延期审批中"
    elif canonical == "paused":
        status = "暂停"
    elif canonical == "declined":
        status = "已退回"
    else:
        status = "在办"
    return ItemRow(item.id, policy, item, on_time(item), late, is_open, n, status)


def in_period(policy: Policy, item: ItemState, period: Period) -> bool:
    """Whether the item is in the period's 督办总数 (its deadline in force falls in it)."""
    if not counted(policy, item):
        return False
    if item.due is not None:
        return period.contains(item.due, policy.timezone)
    return period.contains(item.closed_at, policy.timezone)


def department_of_line(line: PenaltyEntry, known: set[str]) -> str | None:
    """The department a ledger line counts for: its target if that is a department, else
    the item's department (a line on 部门负责人 counts for the department)."""
    if line.target in known:
        return line.target
    return line.department or None


def compute(rows: Sequence[ItemRow], lines: Iterable[PenaltyEntry],
            known: set[str]) -> tuple[list[DeptKpi], DeptKpi]:
    """Per-department KPIs (ranked) and the total over ``rows`` and ``lines``."""
    depts: dict[str, DeptKpi] = {}
    total = DeptKpi("合计")

    def get(name: str) -> DeptKpi:
        return depts.setdefault(name, DeptKpi(name))

    for r in rows:
        for k in (get(r.lead), total):
            k.total += 1
            k.closed_on_time += r.on_time
            k.closed_late += (not r.open) and not r.on_time
            k.overdue += r.overdue
            k.open += r.open
            k.extensions += r.item.extensions_granted
            k.returns += r.item.returns
        for a in r.item.assist:
            get(a).assisting += 1
            get(a).assisting_overdue += r.overdue
            total.assisting += 1
            total.assisting_overdue += r.overdue
    for line in lines:
        dept = department_of_line(line, known)
        for k in ([get(dept)] if dept else []) + [total]:
            k.points += line.points
            k.coefficient += line.coefficient
            k.censures += line.trigger == "censure" and line.department in (line.target, "")
            for m in line.measures:
                if m not in k.measures:
                    k.measures.append(m)
    ranked = rank(list(depts.values()))
    return ranked, total


def rank(depts: list[DeptKpi]) -> list[DeptKpi]:
    """Order by :meth:`DeptKpi.sort_key`; equal keys share a rank; no rate, no rank."""
    with_rate = sorted((d for d in depts if d.rate is not None),
                       key=lambda d: (d.sort_key(), d.name))
    previous: tuple[float, ...] | None = None
    for n, d in enumerate(with_rate, 1):
        key = d.sort_key()[:4]
        d.rank = with_rate[n - 2].rank if previous == key else n
        previous = key
    rest = sorted((d for d in depts if d.rate is None), key=lambda d: d.name)
    for d in rest:
        d.rank = None
    return with_rate + rest


def trend(rows: Sequence[ItemRow], buckets: Sequence[Bucket]) -> list[tuple[Bucket, int, int]]:
    """Per bucket: (bucket, items due in it, of which overdue)."""
    out = []
    for b in buckets:
        due = [r for r in rows if r.item.due is not None and
               b.start <= r.item.due.astimezone(r.policy.timezone).date() < b.end]
        out.append((b, len(due), sum(r.overdue for r in due)))
    return out


def rate_text(rate: float | None) -> str:
    """``85.7%``, ``100%``, ``—``."""
    if rate is None:
        return "—"
    value = round(rate * 100, 1)
    return f"{value:g}%"
