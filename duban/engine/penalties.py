"""Penalty rules → ledger entries, and yearly counters over the whole ledger.

Why two levels: a rule such as "逾期每日扣1分" is about one item and is decided inside
``apply``; a counter such as "全年被通报3次以上 → 诫勉谈话" is about a department across
items, so it is a fold over the ledger (:func:`apply_counters`), used by the runner and
the reports alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from duban.engine import assessment
from duban.engine.activation import activation, holds
from duban.engine.draft import Draft
from duban.engine.model import Event, ItemState, PenaltyEntry
from duban.policy.model import Policy


def days_late(policy: Policy, due: dt.datetime, done: dt.datetime, unit: str) -> int:
    """Whole days late; a part day counts as a day. Working days when the rule says so."""
    if done <= due:
        return 0
    if unit == "working_day":
        return max(policy.calendar.workdays_between(due.date(), done.date()), 1)
    return max((done.date() - due.date()).days, 1)


def targets(policy: Policy, role: str, department: str | None,
            assist: tuple[str, ...] = ()) -> list[str]:
    """Who a rule's target role means for an item whose responsible department is
    ``department`` and assisting ones ``assist`` (department names where they apply)."""
    if role in ("lead_department", "department_head", "handler", "liaison"):
        return [f"{department}" if role == "lead_department" else
                f"{department}{policy.word(role)}"] if department else [policy.word(role)]
    if role == "assisting_department":
        return list(assist) or [policy.word(role)]
    return [policy.word(role)]


def evaluate(policy: Policy, item: ItemState, w: Draft, trigger: str,
             event: Event) -> list[PenaltyEntry]:
    """Entries for every rule whose ``on`` is ``trigger`` and whose condition holds;
    ``item`` is the item before the event, ``w`` the draft of it after."""
    out: list[PenaltyEntry] = []
    dept = str(w.department or "")
    done = w.reported_at or w.closed_at or event.at
    due = w.due
    late = days_late(policy, due, done, "day") if due is not None else 0
    act = None
    for rule in policy.penalties:
        if rule.on != trigger:
            continue
        if rule.when is not None:
            if act is None:
                act = activation(policy, item, event, event.actor, event.at,
                                 {"days_late": late, "returns": w.returns,
                                  "extension_requests": w.extension_requests,
                                  "extensions_granted": w.extensions_granted,
                                  "extensions_rejected": w.extensions_rejected})
            if not holds(rule.when, act, rule.name):
                continue
        if rule.exempt_if_extension_met and w.extensions_granted and due is not None \
                and done <= due:
            continue
        points = float(rule.points or 0)
        reason = ""
        if rule.assessed is not None:  # 扣1–5分: the assessor's number, checked in bounds
            points = assessment.points_of(event)
            reason = str(event.data.get("reason") or "")
        if rule.points_per_day is not None and due is not None:
            n = days_late(policy, due, done, rule.day_unit)
            points += rule.points_per_day * n
            unit = "工作日" if rule.day_unit == "working_day" else "日"
            reason = f"逾期 {n} {unit}"
        if rule.max_points is not None:
            points = max(points, rule.max_points)
        for target in targets(policy, rule.target, w.department, w.assist):
            out.append(PenaltyEntry(item.id, target, points, float(rule.coefficient or 0),
                                    rule.measures, rule.name, rule.cite,
                                    event.at, reason, item.seq + 1, trigger, dept, rule.kind))
    if trigger in ("censure", "commend") and not out:  # 通报批评/通报表扬 are on record as such
        word, kind = ("通报批评", "penalty") if trigger == "censure" else ("通报表扬", "commendation")
        for target in targets(policy, "lead_department", w.department):
            out.append(PenaltyEntry(item.id, target, 0.0, 0.0, (word,), word, None,
                                    event.at, str(event.data.get("reason") or ""),
                                    item.seq + 1, trigger, dept, kind))
    return out


def _period(at: dt.datetime, per: str) -> tuple[int, int]:
    if per == "month":
        return at.year, at.month
    if per == "quarter":
        return at.year, (at.month - 1) // 3 + 1
    return at.year, 0


def apply_counters(policy: Policy, entries: Iterable[PenaltyEntry]) -> list[PenaltyEntry]:
    """Counter entries triggered by the ledger (in time order), e.g. the third 通报批评.

    A counter counts entries of the penalty rule it names, or, with ``counts: censure``,
    every entry caused by a 通报批评. It fires once per target and period, when the count
    reaches the threshold.
    """
    events = sorted(((e.at, e.rule, e.trigger, e.department or e.target, e.item)
                     for e in entries), key=lambda x: x[0])
    counts: dict[tuple[str, str, tuple[int, int]], int] = {}
    out: list[PenaltyEntry] = []
    for c in policy.counters:
        for at, rule, trigger, target, item in events:
            if c.counts not in (rule, trigger):
                continue
            key = (c.name, target, _period(at, c.per))
            counts[key] = counts.get(key, 0) + 1
            if counts[key] == c.threshold:
                for who in targets(policy, c.target, target):
                    out.append(PenaltyEntry(item, who, float(c.points or 0),
                                            float(c.coefficient or 0), c.measures, c.name,
                                            c.cite, at,
                                            f"{_period_word(c.per)}累计第{c.threshold}次",
                                            0, c.counts, target))
    out.sort(key=lambda e: e.at)
    return out


def _period_word(per: str) -> str:
    return {"year": "全年", "quarter": "本季度", "month": "本月"}[per]
