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
* 至少N次每周期 — the end of each period counted from the hand-over (``at_least``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from duban.calendar.deadline import add_months, compute_deadline, workdays_before
from duban.calendar.duration import Duration
from duban.engine import at_least, lateness
from duban.engine.model import OPEN_STATES, ItemState
from duban.policy.cel import Expression
from duban.policy.model import Policy, Reminder

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
    """Every timer not yet fired for the item, in firing order.

    Timers due at the same instant fire in the policy's order: reminders, step limits,
    the per-department share, the pending approval step, then 定时反馈.
    """
    fired = {f.key for f in item.fired}
    state = policy.states[item.state]
    running = not state.clock_stopped
    is_open = state.canonical in OPEN_STATES and running
    out: list[Timer] = []
    order = 0
    if is_open:
        out += _reminders(policy, item, fired)
    order += len(policy.reminders) if is_open else 0
    if item.state_since is not None and running:
        out += _step_limits(policy, item, fired, order)
        order += len(policy.step_limits)
    late = lateness.pending(policy, item)
    if late is not None:  # not a notice: the instant lateness becomes fact (on: late)
        order += 1
        out.append(Timer(late[0], order, lateness.NAME, lateness.DEADLINE_PASSED, late[1]))
    if item.handoff and policy.per_department is not None and item.state_since is not None \
            and is_open:
        order += 1
        out += _department_share(policy, item, fired, order)
    if item.pending is not None:
        order += 1
        out += _approval_step(policy, item, fired, order)
    if policy.progress is not None and is_open and item.assigned_at:
        out += _progress_report(policy, item, fired, order + 1)
    if policy.at_least and is_open and item.assigned_at:
        out += _period_ends(policy, item, fired, order + 2)
    out.sort()
    return out


def _reminders(policy: Policy, item: ItemState, fired: set[str]) -> list[Timer]:
    """The next occurrence of each reminder, anchored at the deadline or the hand-over."""
    # a reminder whose time passed before the item was handed over is not sent late
    start = item.assigned_at or item.created_at or item.due
    out = []
    for order, r in enumerate(policy.reminders, 1):
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
        timer = _next_occurrence(policy, item, r, first, (key_anchor, order), fired, start)
        if timer is not None:
            out.append(timer)
    return out


def _next_occurrence(policy: Policy, item: ItemState, r: Reminder, first: dt.datetime,
                     anchor: tuple[str, int], fired: set[str], start: dt.datetime | None
                     ) -> Timer | None:
    """The first occurrence of a (repeating) reminder not fired yet and not before
    ``start``; only the next one is scheduled. ``anchor``: the key's anchor, the order."""
    key_anchor, order = anchor
    times = 1 + (r.repeat_times if r.repeat_times is not None else
                 (MAX_REPEATS if r.repeat_every else 0))
    at = first
    for n in range(times):
        key = f"{r.name}#{n}@{key_anchor}"
        if key not in fired and start is not None and at >= start:
            return Timer(at, order, r.name, r.event, key, r.to)
        if r.repeat_every is None:
            return None
        at = _next_repeat(policy, at, r.repeat_every)
        if r.before_due and item.due is not None and at > item.due:
            return None
    return None


def _step_limits(policy: Policy, item: ItemState, fired: set[str], order: int) -> list[Timer]:
    """The limit on time spent in the current state (环节时限), if the policy sets one."""
    assert item.state_since is not None
    out = []
    for n, s in enumerate(policy.step_limits, order + 1):
        if s.state == item.state:
            key = f"{s.name}@{item.state_since.isoformat()}"
            if key not in fired:
                out.append(Timer(_step_deadline(policy, item.state_since, s.limit), n,
                                 s.name, "step_overdue", key, s.to))
    return out


def share_end(policy: Policy, item: ItemState) -> dt.datetime | None:
    """The end of the current department's share: as extended (or held while a request is
    decided, ``duban.engine.share``), else its limit counted from when the department
    received the item."""
    if item.share_due is not None and item.share_of == item.handoff_index:
        return item.share_due
    if policy.per_department is None or item.state_since is None:
        return None
    return compute_deadline(policy.calendar, item.state_since, policy.per_department,
                            roll_forward=policy.roll_forward, end_of_day=policy.end_of_day).at


def _department_share(policy: Policy, item: ItemState, fired: set[str],
                      order: int) -> list[Timer]:
    """One department's share of the limit when departments take the item in turn."""
    assert item.state_since is not None and policy.per_department is not None
    end = share_end(policy, item)  # as extended (部门时限延期) or counted from arrival
    assert end is not None
    held = item.share_due is not None and item.share_of == item.handoff_index
    key = f"分部门时限#{item.handoff_index}@" + (end.isoformat() if held else
                                               item.state_since.isoformat())
    if key in fired:
        return []
    return [Timer(end + ONE_SECOND, order, "分部门时限", "step_overdue", key,
                  ("lead_department",))]


def _approval_step(policy: Policy, item: ItemState, fired: set[str], order: int) -> list[Timer]:
    """The limit of the pending approval step (an extension's review limit by default)."""
    pending = item.pending
    assert pending is not None
    chain = policy.chains.get(pending.chain)
    if not chain or pending.step >= len(chain.steps):
        return []
    step = chain.steps[pending.step]
    limit = step.limit or (policy.extensions.review_limit
                           if pending.purpose == "extension" else None)
    if limit is None:
        return []
    key = f"{step.name}#{pending.step}@{pending.since.isoformat()}"
    if key in fired:
        return []
    return [Timer(_step_deadline(policy, pending.since, limit), order, step.name,
                  "step_overdue", key, (step.role,))]


def _progress_report(policy: Policy, item: ItemState, fired: set[str], order: int) -> list[Timer]:
    """定时反馈: one period after the last progress report (or the hand-over), plus grace."""
    pr = policy.progress
    assert pr is not None and item.assigned_at is not None
    if pr.when is not None and not _holds(pr.when, policy, item, "定时反馈"):
        return []
    anchor = item.last_progress_at or item.assigned_at
    at = _next_repeat(policy, anchor, pr.every)
    if pr.grace is not None:
        at = _next_repeat(policy, at, pr.grace)
    key = f"定时反馈@{anchor.isoformat()}"
    if key in fired or (item.due is not None and at > item.due):
        return []
    return [Timer(at, order, "定时反馈", "step_overdue", key, pr.to)]


def _period_ends(policy: Policy, item: ItemState, fired: set[str], order: int) -> list[Timer]:
    """至少N次每周期: the end of each requirement's next unchecked period, counted as a whole
    from the hand-over (a check of what was done, not a notice)."""
    handed_over = item.assigned_at
    assert handed_over is not None
    out = []
    for r in policy.at_least:
        if r.when is not None and not _holds(r.when, policy, item, r.name):
            continue
        n = 1
        while at_least.key_for(r, n, handed_over) in fired:
            n += 1
        out.append(Timer(_next_repeat(policy, handed_over, at_least.period_length(r, n)),
                         order, r.name, at_least.PERIOD_END, at_least.key_for(r, n, handed_over),
                         r.by))
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
