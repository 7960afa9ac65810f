"""At least N per period (每两个月不少于3次), with the shortfall recorded.

Why its own shape: some duties are frequencies, not deadlines — "督察组对公司级重点工作执行的
督查每两个月不少于3次" (wuliu_gongsi 第九条). Nothing is late at any one instant; what the text
asks is a count per period. Each requirement counts the actions it names on each item it
applies to; at the end of every period (counted from the item's hand-over, while the item
is open) the count is compared with the floor, and a period that ended short is recorded
on the item as a :class:`~duban.engine.model.Shortfall`: whose duty, which period, how many
were done and required, and the clause. It is a record, not a penalty; a policy whose text
punishes a shortfall says so in a penalty rule of its own.

The period ends are timers (event :data:`PERIOD_END`) derived from the item's state like
every other timer, so a tick fires them at their scheduled instants and replay gives the
same record. Counted instants are kept only until the period they fall in is checked.
"""

from __future__ import annotations

import datetime as dt

from duban.calendar.duration import Duration
from duban.engine.draft import Draft
from duban.engine.model import ItemState, Shortfall
from duban.policy.model import AtLeast, Policy, Transition

#: The timer event at the end of each period (a check, not a notice).
PERIOD_END = "period_end"


def period_length(r: AtLeast, n: int) -> Duration:
    """``n`` periods of the requirement (the end of period n-1 from the hand-over): counted
    as a whole from the hand-over so that month ends do not drift (01-31 + 2 个月 ...)."""
    return Duration(r.every.amount * n, r.every.unit)


def key_for(r: AtLeast, n: int, handed_over: dt.datetime) -> str:
    return f"{r.name}#{n}@{handed_over.isoformat()}"


def tally(policy: Policy, t: Transition, draft: Draft, at: dt.datetime) -> None:
    """Count a transition that has just fired, for every requirement that counts it (only
    once the item was handed over: its periods start then)."""
    if draft.assigned_at is None:
        return
    hits = tuple((r.name, at) for r in policy.at_least if r.counts(t))
    if hits:
        draft.counted = (*draft.counted, *hits)


def requirement(policy: Policy, name: str) -> AtLeast | None:
    return next((r for r in policy.at_least if r.name == name), None)


def check(policy: Policy, item: ItemState, name: str, end: dt.datetime,
          draft: Draft) -> Shortfall | None:
    """The end of a period: compare what was counted in it with the floor; record the
    shortfall, if any, and forget the counted instants of the period."""
    r = requirement(policy, name)
    if r is None:
        return None
    start = max((f.at for f in item.fired if f.event == PERIOD_END and f.name == r.name),
                default=item.assigned_at)
    assert start is not None
    done = sum(1 for name, at in item.counted if name == r.name and start <= at < end)
    draft.counted = tuple((n, a) for n, a in item.counted
                              if n != r.name or a >= end)
    if done >= r.times:
        return None
    short = Shortfall(r.name, "、".join(r.by_words), start, end, done, r.times, r.cite)
    draft.shortfalls = (*item.shortfalls, short)
    return short
