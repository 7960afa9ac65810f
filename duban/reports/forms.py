"""The forms of the seeds, filled from one item's state and history.

Which fields each form has comes from the regulations: the 跟进督办事项通知单 and its
存根 and the 报告单 of seed 003 附件1/附件2 (文号, 被督办部门, 牵头/协办部门 with signatures,
完成时限 "限 年 月 日前完成工作", 督办部门签章, 收件人签字; 收到时间, 存档编号, 完成时间,
完成情况, 承办部门意见, 督办领导小组意见), the 任务确认单 and 过程记录单 of seed 000
4.2.1 (the seven points a 主办部门's feedback must cover), the 延期办理申请表 and
催办通知单 of seed 002 第3篇 第九条（五）（六）, and the 顺延事项审批单 of 第6篇 五、（二）.
Signatures already given in the history (an approval step) are printed with who and
when; the others are left blank for ink.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from duban import vocabulary
from duban.engine.closure import overdue
from duban.engine.model import Event, ItemState
from duban.policy.model import Policy
from duban.reports.history import (
    ApprovalRound,
    TrailStep,
    approval_rounds,
    extension_requests,
    returns,
    trail,
)
from duban.reports.kpi import item_row
from duban.reports.render import DOCUMENTS
from duban.reports.words import (
    cn_date,
    cn_datetime,
    day_text,
    form_title,
    office,
    organisation,
    signed,
)

#: Actions that are bookkeeping, not steps a 过程记录单 lists.
INTERNAL = frozenset(vocabulary.INTERNAL_ACTIONS)


def _ymd(moment: dt.datetime | None, tz: dt.tzinfo) -> dict[str, str]:
    if moment is None:
        return {"y": "　　", "m": "　", "d": "　"}
    local = moment.astimezone(tz)
    return {"y": str(local.year), "m": str(local.month), "d": str(local.day)}


def _note(s: TrailStep) -> str:
    parts = []
    for key, label in (("reason", "理由"), ("until", "延期至"), ("due", "期限"), ("lead", "主办"),
                       ("supervisor", "督办单位"), ("defect", "问题"), ("note", "说明")):
        value = s.data.get(key)
        if value not in (None, "", []):
            parts.append(f"{label}：{day_text(value, True) if key in ('until', 'due') else value}")
    if s.canonical == "timer":
        parts.append(f"发给：{'、'.join(map(str, s.data.get('to') or ())) or '承办部门'}")
    return "；".join(parts)


def _decision(s: TrailStep, tz: dt.tzinfo) -> dict[str, str]:
    verdict = "同意" if s.canonical == "approve" else "不同意"
    return {"step": s.step_name or s.word, "verdict": verdict, "actor": s.actor,
            "at": cn_date(s.at, tz)}


def _chain_steps(policy: Policy, item: ItemState, purpose: str, n: int = 1) -> list[str]:
    """The step names of the chain that decides ``purpose`` for this item."""
    cat = policy.categories.get(item.category)
    if purpose == "extension":
        rules = cat.extensions if cat is not None and cat.extensions.approvers else \
            policy.extensions
        names = rules.approvers
        chain_name = names[min(n, len(names)) - 1] if names else None
    else:
        approvals = cat.approvals if cat is not None else policy.approvals
        chain_name = getattr(approvals, purpose, None) or getattr(policy.approvals, purpose, None)
    chain = policy.chains.get(chain_name or "")
    return [s.name for s in chain.steps] if chain else []


def _signatures(names: Sequence[str], decided: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """One row per chain step: the decision given, or blank for a signature."""
    out, pool = [], list(decided)
    for name in names:
        hit = next((d for d in pool if d["step"] == name), None)
        if hit is not None:
            pool.remove(hit)
            out.append({"step": name, "text": f"{hit['verdict']}（{hit['actor']}，{hit['at']}）"})
        else:
            out.append({"step": name, "text": "签字：　　　　　　年　　月　　日"})
    out.extend({"step": d["step"], "text": f"{d['verdict']}（{d['actor']}，{d['at']}）"}
               for d in pool)
    return out


#: Approvals a 过程记录单 prints as signature rows of their own, beside 立项/延期/办结 (which
#: have their own forms): a progress report's 审核 (反馈须经审核同意), a department's share
#: extension (部门时间的延期手续), a coordination request (送督办单位协调解决).
ROUND_PURPOSES = tuple(vocabulary.APPROVAL_REQUESTS)
BLANK_SIGNATURE = {"signer": "签字：", "opinion": "", "date": "　　年　　月　　日"}


def _opinion(s: TrailStep) -> str:
    """同意 / 不同意 (or 退办), with the opinion written with it."""
    words = [str(s.data[k]) for k in ("opinion", "reason", "note") if s.data.get(k)]
    verdict = "同意" if s.canonical == "approve" else "不同意"
    return f"{verdict}：{'；'.join(words)}" if words else verdict


def _round_rows(policy: Policy, r: ApprovalRound, tz: dt.tzinfo) -> list[dict[str, str]]:
    """One signature row per chain step: signed (who, opinion, date), or — while the
    request still waits — blank for ink. A decided round shows only the steps that signed
    (a refusal or a chain ending early leaves the rest unneeded)."""
    chain = policy.chains.get(r.chain)
    steps = list(chain.steps) if chain else []
    words = {st.name: st.word or policy.word(st.role) for st in steps}
    rows = [{"step": d.step_name or d.word, "role": words.get(d.step_name or "", ""),
             "signer": d.actor, "opinion": _opinion(d), "date": cn_date(d.at, tz)}
            for d in r.decisions]
    if not r.done:
        rows += [{"step": st.name, "role": words[st.name], **BLANK_SIGNATURE}
                 for st in steps[len(r.decisions):]]
    return rows


def _rounds(policy: Policy, steps: Sequence[TrailStep], tz: dt.tzinfo) -> list[dict[str, Any]]:
    """Every such request of the item, in the order they were made."""
    rounds = sorted((r for p in ROUND_PURPOSES for r in approval_rounds(steps, p)),
                    key=lambda r: r.request.seq)
    return [{"purpose": vocabulary.word(vocabulary.APPROVAL_PURPOSES, r.purpose),
             "request": f"第{r.number}次{vocabulary.APPROVAL_REQUESTS[r.purpose]}", "by": r.request.actor,
             "date": cn_date(r.request.at, tz), "note": _note(r.request),
             "rows": _round_rows(policy, r, tz)} for r in rounds]


def _latest_contents(steps: Sequence[TrailStep]) -> list[dict[str, str]]:
    """The named contents of the latest report that carried them (反馈必须包括的各项), for
    the 过程记录单's feedback table; empty when no report did (the table is left blank)."""
    for s in reversed(steps):
        given = s.data.get("contents")
        if s.canonical == "progress" and isinstance(given, dict) and given:
            return [{"name": str(k), "text": str(v)} for k, v in given.items()]
    return []


def _notice(policy: Policy, item: ItemState, others: Sequence[ItemState]) -> dict[str, Any]:
    """The notice's part of a form: one entry per item on it (一单多事: the reader's
    visible items of the notice, in their order), the departments of all of them, and the
    item's own place (第N项) when the notice has several."""
    tz = policy.timezone
    on_it = sorted((item, *others), key=lambda i: i.notice_item)
    entries = [{"place": i.notice_item, "title": i.title or i.id, "confidential": i.confidential,
                "lead": i.department or "", "assist": "、".join(i.assist),
                "due_ymd": _ymd(i.due, tz)} for i in on_it]
    departments = dict.fromkeys(d for i in on_it for d in (i.department, *i.assist) if d)
    several = len(on_it) > 1
    return {"entries": entries, "notice_departments": "、".join(departments),
            "place": f"第{item.notice_item}项" if several else ""}


def form_context(kind: str, policy: Policy, item: ItemState, events: Sequence[Event],
                 as_of: dt.datetime, notice: Sequence[ItemState] = ()) -> dict[str, Any]:
    """Everything the form templates print (plain values only); ``notice`` are the other
    items on the item's notice the reader may see (一单多事)."""
    tz = policy.timezone
    steps = trail(policy, item.id, events)
    row = item_row(policy, item, as_of)
    requests = extension_requests(steps)
    opening = [_decision(s, tz) for s in steps if s.purpose == "opening"]
    review = [_decision(s, tz) for s in steps if s.purpose == "review"]
    latest = requests[-1] if requests else None
    n = latest.number if latest else item.extension_requests + 1
    ext_decisions = [_decision(s, tz) for s in latest.decisions] if latest else []
    assigned = item.assigned_at or item.opened_at
    return {
        "kind": kind, "kind_name": DOCUMENTS[kind][0],
        "form_title": form_title(policy, "notice" if kind == "stub" else kind,
                                 _DEFAULT_TITLES.get(kind, DOCUMENTS[kind][0])),
        # the unit the item names as its supervisor (督办单位), else the supervising office
        "organisation": organisation([policy]), "office": item.supervisor or office([policy]),
        "policy": {"id": policy.id, "name": policy.name},
        "roles": {"lead": policy.word("lead_department"),
                  "assist": policy.word("assisting_department"),
                  "leader": policy.word("leader_in_charge"),
                  "gm": policy.word("general_manager"),
                  "group": policy.word("leadership_group"),
                  "head": policy.word("department_head")},
        "id": item.id, "number": item.number or "", "ref": item.number or item.id,
        "title": item.title or item.id, "kind_word": vocabulary.word(vocabulary.KINDS, item.kind),
        "category": item.category, "urgency": item.urgency or "",
        "lead": item.department or "", "assist": "、".join(item.assist),
        "departments": "、".join(x for x in (item.department, *item.assist) if x),
        "confidential": item.confidential, "state": item.state, "status": row.status,
        "overdue": overdue(item, as_of), "days_late": row.days_late,
        "created": cn_date(item.created_at, tz), "opened": cn_date(item.opened_at, tz),
        "assigned": cn_date(assigned, tz), "confirmed": cn_date(item.confirmed_at, tz),
        "reported": cn_datetime(item.reported_at, tz),
        "reported_date": cn_date(item.reported_at, tz), "closed": cn_date(item.closed_at, tz),
        "due": cn_date(item.due, tz), "due_ymd": _ymd(item.due, tz),
        "original_due": cn_date(item.original_due, tz),
        "due_rule": item.due_info.rule if item.due_info else "",
        "due_cite": (item.due_info.cite or "") if item.due_info else "",
        "as_of": cn_datetime(as_of, tz),
        "issued": cn_date(item.issued_at or item.opened_at or as_of, tz),
        "today": cn_date(as_of, tz),
        "trail": [{"date": cn_datetime(s.at, tz), "word": s.word, "actor": s.actor,
                   "note": _note(s), "state": s.after} for s in steps
                  if s.canonical not in INTERNAL],
        "reminders": [{"name": f.name, "event": f.event, "date": cn_date(f.at, tz)}
                      for f in item.fired if f.event in ("pre_due_reminder", "overdue_notice",
                                                         "escalation")],
        "penalties": [{"target": x.target, "rule": x.rule, "points": signed(x.points, 1),
                       "coefficient": signed(x.coefficient), "measures": "、".join(x.measures),
                       "cite": x.cite or "", "date": cn_date(x.at, tz), "reason": x.reason}
                      for x in item.penalties],
        "censures": [{"date": cn_date(s.at, tz), "reason": str(s.data.get("reason") or "")}
                     for s in steps if s.canonical == "censure"],
        "returns": [{"date": cn_date(s.at, tz), "reason": str(s.data.get("reason") or ""),
                     "due": str(s.data.get("due") or "")[:10], "actor": s.actor}
                    for s in returns(steps)],
        "extensions_granted": item.extensions_granted,
        "request": {
            "n": n, "date": cn_date(latest.at, tz) if latest else "",
            "until": day_text(latest.until, True) if latest else "",
            "reason": latest.reason if latest else "",
            "due_before": cn_date(latest.due_before, tz) if latest else cn_date(item.due, tz),
            "granted": {True: "已批准", False: "未批准", None: "审批中"}[latest.granted]
            if latest else "",
            "signatures": _signatures(_chain_steps(policy, item, "extension", n), ext_decisions),
        },
        "opening": _signatures(_chain_steps(policy, item, "opening"), opening),
        "rounds": _rounds(policy, steps, tz),
        "feedback": _latest_contents(steps),
        "review": _signatures(_chain_steps(policy, item, "review"), review),
        **_notice(policy, item, notice),
    }


_DEFAULT_TITLES = {"notice": "督办事项通知单", "stub": "督办事项通知单", "report": "督办事项报告单",
                   "reminder": "督办事项催办通知单", "extension": "督办事项延期办理申请表",
                   "confirmation": "督办任务确认单", "process": "督办过程记录单"}
