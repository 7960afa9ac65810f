"""What each page shows, gathered from the runtime and reports layers (the engine decides;
a page adds no rule of its own).

* :func:`ledger` — the 督办台账: visible items with their 红/黄/绿 light
  (:func:`duban.reports.taizhang.light`), filtered, searched and paged;
* :func:`todo` — 我的待办: the items on which the policy gives the viewer the next move
  (a pending approval step in their role word, or a transition from the item's state that
  moves the work and is fired by one of their roles on an item of their department);
  the item page then asks the engine itself (:func:`duban.runtime.offers.offers`);
* :func:`deadline_why` — the deadline in force, the rule and cite that set it, the
  working days counted and the rest days skipped, from the item's calendar;
* :func:`timeline` — the history in the policy's words (:func:`duban.reports.history.trail`)
  with who entered each event (代录) and its attachments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from duban.calendar.days import describe_day
from duban.engine.closure import overdue as is_overdue
from duban.engine.model import Event, ItemState
from duban.errors import DubanError
from duban.policy.model import Policy
from duban.reports.history import decision_word, trail
from duban.reports.period import Period, parse_period
from duban.reports.taizhang import light
from duban.runtime.offers import Offer
from duban.store.identity import AttachmentRecord
from duban.web.identity import User
from duban.web.items_view import can_see
from duban.web.pages.index import Indexed

#: Canonical actions that move an item's work on (what "waiting for you" means); the
#: office's discretionary moves (催办, 通报批评, 归档) wait for nobody.
MOVING = frozenset({"approve", "reject", "assign", "confirm", "reassign", "report", "resume",
                    "close", "verify"})
LIGHT_ORDER = {"红": 0, "黄": 1, "绿": 2, "": 3}
PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """The 台账's filters, as the query string gives them."""

    department: str = ""
    category: str = ""
    state: str = ""
    period: str = ""
    overdue: str = ""  # "" | "1" (overdue only) | "0" (not overdue)
    q: str = ""
    page: int = 1

    def period_value(self) -> Period | None:
        text = self.period.strip()
        if not text:
            return None
        if "Q" in text.upper():
            return parse_period(None, text.upper(), None)
        return parse_period(text, None, None) if "-" in text else parse_period(None, None, text)

    def query(self, **change: Any) -> dict[str, str]:
        """The query string of these filters with ``change`` applied (for links)."""
        values = {k: str(v) for k, v in self.__dict__.items() if v not in ("", None)}
        values.update({k: str(v) for k, v in change.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}


@dataclass(frozen=True)
class Row:
    """One item in a listing."""

    id: str
    title: str
    number: str
    category: str
    state: str
    lead: str
    assist: str
    due: dt.datetime | None
    light: str
    overdue: bool
    confidential: bool
    policy: str
    reason: str = ""  # 我的待办: what waits for the viewer


def local(moment: dt.datetime | None, policy: Policy) -> str:
    return moment.astimezone(policy.timezone).strftime("%Y-%m-%d %H:%M") if moment else ""


def row_of(entry: Indexed, now: dt.datetime, reason: str = "") -> Row:
    p, it = entry.policy, entry.item
    lamp = light(p, it, now, entry.warn_from)
    return Row(it.id, it.title or it.id, it.number or "", it.category, it.state,
               it.department or "", "、".join(it.assist), it.due, lamp, lamp == "红" and
               is_overdue(it, now), it.confidential, p.id, reason)


def visible(user: User, entries: Iterable[Indexed]) -> list[Indexed]:
    """The entries ``user`` may see (保密 items only for those entitled)."""
    return [e for e in entries if can_see(user, e.policy, e.item)]


def _matches(e: Indexed, f: Filters, period: Period | None, now: dt.datetime) -> bool:
    it = e.item
    if f.department and f.department not in (it.department, *it.assist, *it.handoff):
        return False
    if f.category and f.category != it.category:
        return False
    if f.state and f.state not in (it.state, e.policy.states[it.state].canonical):
        return False
    if period is not None and not period.contains(it.due, e.policy.timezone):
        return False
    if f.overdue and (f.overdue == "1") != is_overdue_now(e, now):
        return False
    q = f.q.strip()
    return not q or q in (it.title or "") or q == it.id or q == (it.number or "")


def is_overdue_now(e: Indexed, now: dt.datetime) -> bool:
    return light(e.policy, e.item, now, e.warn_from) == "红"


@dataclass
class Ledger:
    rows: list[Row]
    total: int
    page: int
    pages: int
    counts: dict[str, int]
    choices: dict[str, list[str]] = field(default_factory=dict)


def matching(user: User, entries: Iterable[Indexed], f: Filters,
             now: dt.datetime) -> list[Indexed]:
    """The visible entries the filters select, by light then deadline then id."""
    period = f.period_value()
    chosen = [e for e in visible(user, entries) if _matches(e, f, period, now)]
    keyed = [(LIGHT_ORDER[light(e.policy, e.item, now, e.warn_from)], e) for e in chosen]
    keyed.sort(key=lambda x: (x[0], x[1].item.due is None, x[1].item.due or now, x[1].item.id))
    return [e for _, e in keyed]


def ledger(user: User, entries: Sequence[Indexed], f: Filters, now: dt.datetime) -> Ledger:
    seen = visible(user, entries)
    chosen = matching(user, seen, f, now)
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    page = min(max(1, f.page), pages)
    rows = [row_of(e, now) for e in chosen[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]]
    counts = {"红": 0, "黄": 0, "绿": 0}
    for e in chosen:
        lamp = light(e.policy, e.item, now, e.warn_from)
        if lamp:
            counts[lamp] += 1
    choices = {
        "department": sorted({d for e in seen for d in (e.item.department, *e.item.assist) if d}),
        "category": sorted({e.item.category for e in seen if e.item.category}),
        "state": sorted({e.item.state for e in seen}),
    }
    return Ledger(rows, len(chosen), page, pages, counts, choices)


# -- 我的待办 ------------------------------------------------------------------------------------
def _pending_for(user: User, policy: Policy, item: ItemState) -> str:
    """"待您审批：<step>" when the pending approval's current step is in one of the
    user's role words (the policy's own word, so two words of one canonical role stay
    different approvers)."""
    p = item.pending
    chain = policy.chains.get(p.chain) if p else None
    if p is None or chain is None or p.step >= len(chain.steps):
        return ""
    step = chain.steps[p.step]
    word = step.word or policy.word(step.role)
    mine = word in user.roles if step.word else step.role in user.canonical_roles(policy)
    return f"待您审批：{step.name}" if mine else ""


def _move_for(user: User, policy: Policy, item: ItemState) -> str:
    roles = user.canonical_roles(policy)
    related = not user.departments or bool(
        set(user.departments) & {item.department, *item.assist, *item.handoff})
    words = {c: w for w, c in policy.actions.items()}
    for t in policy.transitions:
        if item.state in t.sources and t.action in MOVING and t.roles & roles and (
                related or "supervisor_office" in t.roles & roles):
            return f"待您办理：{t.name or words.get(t.action, t.action)}"
    return ""


def todo(user: User, entries: Sequence[Indexed], now: dt.datetime) -> tuple[list[Row],
                                                                            dict[str, int]]:
    """我的待办: rows by urgency (红, 黄, 绿) then deadline, and the counts shown on top."""
    rows: list[tuple[int, Row]] = []
    for e in visible(user, entries):
        if e.item.closed_at is not None and e.item.pending is None:
            continue
        reason = _pending_for(user, e.policy, e.item) or _move_for(user, e.policy, e.item)
        if reason:
            r = row_of(e, now, reason)
            rows.append((LIGHT_ORDER[r.light], r))
    rows.sort(key=lambda x: (x[0], x[1].due is None, x[1].due or now, x[1].id))
    out = [r for _, r in rows]
    counts = {"total": len(out), "红": sum(r.light == "红" for r in out),
              "黄": sum(r.light == "黄" for r in out),
              "approvals": sum(r.reason.startswith("待您审批") for r in out)}
    return out, counts


# -- the item page -------------------------------------------------------------------------
@dataclass(frozen=True)
class DeadlineWhy:
    due: str
    original_due: str
    rule: str
    cite: str
    start: str  # the instant the count ran from (the event that set it)
    workdays: int | None  # working days from the start's date to the deadline's
    rest_days: tuple[str, ...]  # each with the calendar's reason
    provisional: bool
    calendar_version: str


def deadline_why(policy: Policy, item: ItemState, events: Sequence[Event]) -> DeadlineWhy | None:
    info = item.due_info
    if item.due is None:
        return None
    setter = events[info.event_seq - 1] if info and 0 < info.event_seq <= len(events) else None
    start_day = setter.at.astimezone(policy.timezone).date() if setter else None
    due_day = item.due.astimezone(policy.timezone).date()
    workdays: int | None = None
    rest: tuple[str, ...] = ()
    if start_day is not None and start_day <= due_day:
        cal = policy.calendar
        try:
            workdays = cal.workdays_between(start_day, due_day)
            rest = tuple(f"{d:%m-%d} {describe_day(cal, d).label_zh()}"
                         for d in cal.rest_days_between(start_day, due_day))
        except DubanError:  # beyond the calendar's data: show the rule without the count
            workdays = None
    return DeadlineWhy(local(item.due, policy), local(item.original_due, policy),
                       info.rule if info else "", (info.cite or "") if info else "",
                       local(setter.at, policy) if setter else "", workdays, rest,
                       bool(info and info.provisional), info.calendar_version if info else "")


@dataclass(frozen=True)
class Moment:
    """One line of the timeline."""

    at: str
    word: str
    actor: str
    entered_by: str
    details: tuple[tuple[str, str], ...]
    attachments: tuple[AttachmentRecord, ...]


def named(policy: Policy, item: ItemState, moves: Iterable[Offer]) -> list[Offer]:
    """The actions as their buttons say them: approve/reject by the pending step they
    decide (督办领导批准：同意 / 不同意, 总经理工作部审核：退办), the others in the policy's word."""
    p = item.pending
    return [replace(o, word=decision_word(policy, p, o.action))
            if p is not None and o.action in ("approve", "reject") else o for o in moves]


DETAIL_WORDS = {"reason": "理由/说明", "until": "延期至", "due": "期限", "lead": "主办部门",
                "defect": "问题类型", "title": "事项", "urgency": "紧急程度"}


def timeline(policy: Policy, item: ItemState, events: Sequence[Event],
             attachments: Sequence[AttachmentRecord]) -> list[Moment]:
    by_id = {a.id: a for a in attachments}
    out = []
    for step in trail(policy, item.id, events):
        data = step.data
        details = tuple((DETAIL_WORDS[k], str(data[k])) for k in DETAIL_WORDS
                        if k != "title" and data.get(k) not in (None, ""))
        files = tuple(by_id[a] for a in data.get("attachments") or () if a in by_id)
        out.append(Moment(local(step.at, policy), step.word, step.actor,
                          str(data.get("entered_by") or ""), details, files))
    return out


__all__ = ["Filters", "Ledger", "Row", "deadline_why", "ledger", "matching", "named",
           "timeline", "todo", "visible"]
