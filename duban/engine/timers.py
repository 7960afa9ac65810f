"""Timers as data: what will fire for an item, and when, derived from its state.

Why derived and not stored: every timer (催办预告, 催办通知, escalation, step limits,
定时反馈) is a function of the item's deadline, state and what already fired. Computing
the schedule from the state means a moved deadline re-arms its reminders, a closed item
has none, and replay gives the same schedule. The store indexes the *next* instant
(:func:`next_due`) so a tick never scans items.

Instants (documented in docs/lifecycle.md):

* ``after_assigned: N`` — N after the item reached the department (0: on arrival);
* ``before_due: N working days`` — 00:00 of the N-th working day before the due date;
  ``before_due`` in days/hours — due minus that time.
* ``after_due: N working days`` — N = 0: the first instant after the deadline; N ≥ 1:
  00:00 of the N-th working day after the due date; in days/hours — due plus that time.
* ``repeat: {every, times}`` — further occurrences every interval after the first.
* step limits and approval-step limits — the first instant after the step's own deadline.
* 定时反馈 — one period after the last progress report (or assignment), plus the grace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from duban.calendar.deadline import add_months, compute_deadline, workdays_before
from duban.calendar.duration import Duration
from duban.engine.model import OPEN_STATES, ItemState
from duban.policy.cel import Expression
from duban.policy.model import Policy

ONE_SECOND = dt.timedelta(seconds=1)
MAX_REPEATS = 100  # a repeating reminder without `times` stops after this many


@dataclass(frozen=True, slots=True, order=True)
class Timer:
    at: dt.datetime
    order: int
    name: str
    event: str
    key: str
    to: tuple[str, ...] = ()


def _shift(policy: Policy, moment: dt.datetime, d: Duration, sign: int) -> dt.datetime:
    """``moment`` moved by a duration, forwards (sign 1) or backwards (sign -1)."""
    cal = policy.calendar
    if d.unit == "working_day":
        if sign < 0:
            return workdays_before(cal, moment, d.amount)
        day = cal.add_workdays(moment.date(), d.amount) if d.amount else moment.date()
        return dt.datetime.combine(day, dt.time(0), tzinfo=moment.tzinfo) if d.amount else \
            moment + ONE_SECOND
    return shift_calendar(moment, d, sign)


def shift_calendar(moment: dt.datetime, d: Duration, sign: int) -> dt.datetime:
    """``moment`` moved by hours, days, weeks or calendar months (same day of the month,
    clamped to the month's end), keeping the time of day."""
    if d.unit == "hour":
        return moment + sign * dt.timedelta(hours=d.amount)
    if d.unit == "month":
        day = add_months(moment.date(), sign * d.amount)
        return dt.datetime.combine(day, moment.timetz())
    days = d.amount * (7 if d.unit == "week" else 1)
    return moment + sign * dt.timedelta(days=days)


def _step_deadline(policy: Policy, since: dt.datetime, limit: Duration) -> dt.datetime:
    return compute_deadline(policy.calendar, since, limit, roll_forward=policy.roll_forward,
                            end_of_day=policy.end_of_day).at + ONE_SECOND


def schedule(policy: Policy, item: ItemState) -> list[Timer]:
    """Every timer not yet fired for the item, in firing order."""
    fired = {f.key for f in item.fired}
    out: list[Timer] = []
    canonical = policy.states[item.state].canonical
    stopped = policy.states[item.state].clock_stopped
    order = 0
    if canonical in OPEN_STATES and not stopped:
        # a reminder whose time passed before the item was handed over is not sent late
        start = item.assigned_at or item.created_at or item.due
        for r in policy.reminders:
            order += 1
            if r.after_assigned is not None:  # 到达提醒: anchored at the hand-over
                if item.assigned_at is None:
                    continue
                key_anchor, first = f"assigned:{item.assigned_at.isoformat()}", \
                    _shift(policy, item.assigned_at, r.after_assigned, 1) \
                    if r.after_assigned.amount else item.assigned_at
            elif item.due is not None:
                key_anchor = item.due.isoformat()
                first = _shift(policy, item.due, r.before_due, -1) if r.before_due else \
                    _shift(policy, item.due, r.after_due, 1) if r.after_due else item.due
            else:
                continue
            if r.when is not None and not _holds(r.when, policy, item, r.name):
                continue
            times = 1 + (r.repeat_times if r.repeat_times is not None else
                         (MAX_REPEATS if r.repeat_every else 0))
            at = first
            for n in range(times):
                key = f"{r.name}#{n}@{key_anchor}"
                if key not in fired and start is not None and at >= start:
                    out.append(Timer(at, order, r.name, r.event, key, r.to))
                    break  # only the next occurrence of each reminder is scheduled
                if r.repeat_every is None:
                    break
                at = _next_repeat(policy, at, r.repeat_every)
                if r.before_due and item.due is not None and at > item.due:
                    break
    if item.state_since is not None and not stopped:
        for s in policy.step_limits:
            order += 1
            if s.state == item.state:
                key = f"{s.name}@{item.state_since.isoformat()}"
                if key not in fired:
                    out.append(Timer(_step_deadline(policy, item.state_since, s.limit), order,
                                     s.name, "step_overdue", key, s.to))
    if item.handoff and policy.per_department is not None and item.state_since is not None \
            and canonical in OPEN_STATES and not stopped:
        order += 1
        key = f"分部门时限#{item.handoff_index}@{item.state_since.isoformat()}"
        if key not in fired:
            out.append(Timer(_step_deadline(policy, item.state_since, policy.per_department),
                             order, "分部门时限", "step_overdue", key, ("lead_department",)))
    if item.pending is not None:
        order += 1
        chain = policy.chains.get(item.pending.chain)
        if chain and item.pending.step < len(chain.steps):
            step = chain.steps[item.pending.step]
            limit = step.limit or (policy.extensions.review_limit
                                   if item.pending.purpose == "extension" else None)
            if limit is not None:
                key = f"{step.name}#{item.pending.step}@{item.pending.since.isoformat()}"
                if key not in fired:
                    out.append(Timer(_step_deadline(policy, item.pending.since, limit), order,
                                     step.name, "step_overdue", key, (step.role,)))
    pr = policy.progress
    if pr is not None and canonical in OPEN_STATES and not stopped and item.assigned_at:
        order += 1
        if pr.when is None or _holds(pr.when, policy, item, "定时反馈"):
            anchor = item.last_progress_at or item.assigned_at
            at = _next_repeat(policy, anchor, pr.every)
            if pr.grace is not None:
                at = _next_repeat(policy, at, pr.grace)
            key = f"定时反馈@{anchor.isoformat()}"
            if key not in fired and (item.due is None or at <= item.due):
                out.append(Timer(at, order, "定时反馈", "step_overdue", key, pr.to))
    out.sort()
    return out


def _next_repeat(policy: Policy, at: dt.datetime, every: Duration) -> dt.datetime:
    if every.unit == "working_day":
        day = policy.calendar.add_workdays(at.date(), every.amount)
        return dt.datetime.combine(day, at.timetz())
    return _shift(policy, at, every, 1)


def due_timers(policy: Policy, item: ItemState, now: dt.datetime) -> list[Timer]:
    """Timers whose scheduled instant is at or before ``now``, in order."""
    return [t for t in schedule(policy, item) if t.at <= now]


def next_due(policy: Policy, item: ItemState) -> dt.datetime | None:
    """The next instant anything fires for the item (what a store indexes)."""
    s = schedule(policy, item)
    return s[0].at if s else None


def _holds(expr: Expression, policy: Policy, item: ItemState, where: str) -> bool:
    from duban.engine.activation import activation, holds

    return holds(expr, activation(policy, item, None, None, item.last_at or _EPOCH), where)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
