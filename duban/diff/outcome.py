"""Comparing two outcomes (the contract's JSON for one run) in Chinese with dates.

Shared by the scenario replay (:mod:`duban.diff.behaviour`) and the history replay
(:mod:`duban.diff.history`): both end with one outcome per policy and ask what differs —
deadlines, reminders, penalties, rejected steps and 办结率.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from duban import vocabulary
from duban.diff.change import Change
from duban.diff.words import EVENT_WORDS

CODE_WORDS = vocabulary.ERROR_CODES


def when(iso: str | None) -> str:
    """``2026-03-31`` for an end of day, ``2026-03-02 09:00`` otherwise; ``无`` for None."""
    if not iso:
        return "无"
    t = dt.datetime.fromisoformat(iso)
    if (t.hour, t.minute, t.second) == (23, 59, 59):
        return f"{t:%Y-%m-%d}"
    return f"{t:%Y-%m-%d %H:%M}"


def _yes(x: Any) -> str:
    return "是" if x else "否"


def _reminders(rs: Sequence[Mapping[str, Any]]) -> str:
    return "、".join(f"{EVENT_WORDS.get(r['event'], r['event'])} {when(r['at'])}" for r in rs) \
        or "无"


def penalty_text(e: Mapping[str, Any]) -> str:
    parts = []
    if e.get("points"):
        parts.append(f"{'扣' if e['points'] < 0 else '加'}{abs(e['points']):g}分")
    if e.get("coefficient"):
        parts.append(f"绩效系数{e['coefficient']:+g}")
    parts += list(e.get("measures") or ())
    cite = f"，{e['cite']}" if e.get("cite") else ""
    return f"{e['target']} {'、'.join(parts) or '记录'}（{e['rule']}{cite}）{when(e['at'])}"


ITEM_FIELDS: tuple[tuple[str, str, Any], ...] = (
    ("canonical_state", "状态", None),
    ("due", "期限", when),
    ("original_due", "原定期限", when),
    ("extensions_granted", "获批延期次数", str),
    ("extensions_rejected", "被驳回延期次数", str),
    ("returns", "退办次数", str),
    ("reminders", "提醒", _reminders),
    ("overdue", "逾期", _yes),
    ("closed_at", "办结时间", when),
    ("on_time", "按时办结", _yes),
    ("number", "文号", lambda x: x or "无"),
)


def compare_outcomes(old: Mapping[str, Any], new: Mapping[str, Any], *, area: str,
                     where: tuple[str, ...], source: str,
                     steps: Mapping[int, str] | None = None) -> list[Change]:
    """What differs between two outcomes, each difference one :class:`Change` (kind
    ``changed``; values are Chinese text with dates)."""
    out: list[Change] = []

    def add(path: tuple[str, ...], label: str, a: str, b: str, cite: str | None = None) -> None:
        if a != b:
            out.append(Change(area, (*where, *path), "changed", label, a, b, cite, source))

    items_o, items_n = old.get("items", {}), new.get("items", {})
    for key in list(items_o) + [k for k in items_n if k not in items_o]:
        a, b = items_o.get(key, {}), items_n.get(key, {})
        for field, label, show in ITEM_FIELDS:
            if field not in a and field not in b:
                continue
            va, vb = a.get(field), b.get(field)
            if field == "canonical_state":
                ta = f"{a.get('state')}（{va}）" if va else "无"
                tb = f"{b.get('state')}（{vb}）" if vb else "无"
                if va != vb:
                    add((key, "state"), f"事项 {key} 的{label}", ta, tb)
                continue
            add((key, field), f"事项 {key} 的{label}", show(va) if va is not None else "无",
                show(vb) if vb is not None else "无")
        pa = [penalty_text(e) for e in old.get("penalties", []) if e.get("item") == key]
        pb = [penalty_text(e) for e in new.get("penalties", []) if e.get("item") == key]
        add((key, "penalties"), f"事项 {key} 的考核", "；".join(pa) or "无", "；".join(pb) or "无",
            next((e.get("cite") for e in new.get("penalties", []) if e.get("item") == key
                  and e.get("cite")), None))
    others_o = [penalty_text(e) for e in old.get("penalties", []) if e.get("item") not in items_o]
    others_n = [penalty_text(e) for e in new.get("penalties", []) if e.get("item") not in items_n]
    add(("penalties",), "其他考核", "；".join(others_o) or "无", "；".join(others_n) or "无")
    ro = {r["step"]: r for r in old.get("rejected_steps", [])}
    rn = {r["step"]: r for r in new.get("rejected_steps", [])}
    for step in sorted(set(ro) | set(rn)):
        a2, b2 = ro.get(step), rn.get(step)

        def verdict(r: Mapping[str, Any] | None) -> str:
            return "受理" if r is None else \
                f"被拒绝（{CODE_WORDS.get(r['code'], r['code'])}，{r['code']}）"
        what = (steps or {}).get(step, "")
        add(("steps", str(step)), f"第 {step} 步{what}", verdict(a2), verdict(b2))
    ka, kb = old.get("kpi", {}), new.get("kpi", {})
    add(("kpi", "closure_rate"), "办结率", _rate(ka), _rate(kb))
    return out


def _rate(k: Mapping[str, Any]) -> str:
    if not k:
        return "无"
    return f"{k.get('closure_rate', 0) * 100:.1f}%（按时办结 {k.get('closed_on_time', 0)}/" \
           f"{k.get('total', 0)}）"
