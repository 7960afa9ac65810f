"""Areas 时限, 延期, 催办 and 考核: the numbers a regulation change usually touches.

Extensions are compared once for the policy-wide default and then per category only where
the category's change is not simply the default's (a policy with eight categories that
share one rule gets one line, not nine).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from duban.diff import words as w
from duban.diff.change import Collector, named_keywords
from duban.diff.keyed import by_name, pairs, render, union
from duban.policy.frequency import floor_words
from duban.policy.maximum import scope_words
from duban.policy.model import (
    Counter,
    ExtensionRules,
    MaximumLimit,
    PenaltyRule,
    Policy,
    Reminder,
)


def time_limits(c: Collector) -> None:
    o, n = c.old, c.new
    ho, hn = o.handling, n.handling
    h = ("time_limits", "handling")

    def field(key: str, label: str, old: str | None, new: str | None) -> None:
        c.value("time_limits", (*h, key), label, old, new, cite=hn.cite, old_cite=ho.cite,
                raw=(*h, key))

    c.cite("time_limits", h, "办理时限", ho.cite, hn.cite, raw=h)
    c.cite("time_limits", ("time_limits", "rework"), "退办后时限", o.rework_cite, n.rework_cite,
           raw=("time_limits", "rework"))
    c.cite("time_limits", ("decline",), "退回时限", o.decline_cite, n.decline_cite,
           raw=("decline",))
    c.cite("time_limits", ("coordination",), "申请协调时限", o.coordination_cite,
           n.coordination_cite, raw=("coordination",))
    field("default", "默认办理时限（领导未明确时限的）", w.dur(ho.default), w.dur(hn.default))
    field("from", "办理时限起算点", w.COUNTS_FROM[ho.counts_from], w.COUNTS_FROM[hn.counts_from])
    for u in union(ho.by_urgency, hn.by_urgency):
        c.value("time_limits", (*h, "by_urgency", u), f"{u}事项办理时限",
                w.dur(ho.by_urgency.get(u)), w.dur(hn.by_urgency.get(u)), cite=hn.cite,
                old_cite=ho.cite, raw=(*h, "by_urgency"))
    for k in union(ho.by_kind, hn.by_kind):
        c.value("time_limits", (*h, "by_kind", k), f"{w.KIND_WORDS.get(k, k)}办理时限",
                w.dur(ho.by_kind.get(k)), w.dur(hn.by_kind.get(k)), cite=hn.cite,
                old_cite=ho.cite, raw=(*h, "by_kind"))
    field("longest", "办理时限上限", w.dur(ho.longest), w.dur(hn.longest))
    c.value("time_limits", ("time_limits", "rework"), "退办后重新办理时限（未另定期限的）",
            w.dur(o.rework), w.dur(n.rework), cite=n.rework_cite, old_cite=o.rework_cite,
            raw=("time_limits", "rework", "default"))
    c.value("time_limits", ("time_limits", "per_department"), "多部门依次办理时每个部门的时限",
            w.dur(o.per_department), w.dur(n.per_department),
            cite=_cite(n, "time_limits", "per_department"),
            old_cite=_cite(o, "time_limits", "per_department"),
            raw=("time_limits", "per_department", "limit"))
    c.value("time_limits", ("time_limits", "per_department", "ask_before_end"),
            "部门时间的延期须在届满前申请", "是" if o.share_ask_before else "否",
            "是" if n.share_ask_before else "否", cite=n.share_cite, old_cite=o.share_cite,
            raw=("time_limits", "per_department"))
    c.value("time_limits", ("decline", "within"), "非本部门职责的退回时限",
            w.dur(o.decline_within), w.dur(n.decline_within), cite=n.decline_cite,
            old_cite=o.decline_cite, raw=("decline", "within"))
    c.value("time_limits", ("coordination", "within"), "申请协调时限（自交办起）",
            w.dur(o.coordination_within), w.dur(n.coordination_within),
            cite=n.coordination_cite, old_cite=o.coordination_cite,
            raw=("coordination", "within"))
    so, sn = {s.name: s for s in o.step_limits}, {s.name: s for s in n.step_limits}
    for name, a, b in pairs(so, sn):
        path, raw = ("time_limits", "steps", name), ("time_limits", "steps", name)
        label = f"环节时限“{name}”"

        def step(p: Policy, s: Any) -> str:
            to = f"，超时提示{w.roles(p, s.to)}" if s.to else ""
            return f"在“{s.state}”环节不超过{w.dur(s.limit)}{to}"
        cite, old_cite = (b.cite if b else None), (a.cite if a else None)
        if not c.presence("time_limits", path, label, render(a, lambda s: step(o, s)),
                          render(b, lambda s: step(n, s)), cite=cite, old_cite=old_cite,
                          raw=raw):
            continue
        assert a is not None and b is not None
        c.value("time_limits", (*path, "limit"), label, f"“{a.state}”环节{w.dur(a.limit)}",
                f"“{b.state}”环节{w.dur(b.limit)}", cite=cite, old_cite=old_cite, raw=raw)
        c.roles_value("time_limits", (*path, "to"), f"{label}超时提示",
                      lambda p, s: w.roles(p, s.to), a, b, cite=cite, old_cite=old_cite, raw=raw)
    _maxima(c)
    for name in _shared(o, n):
        co, cn = o.categories[name], n.categories[name]
        c.value("time_limits", ("categories", name, "time_limit"), f"“{name}”默认办理时限",
                w.dur(co.time_limit), w.dur(cn.time_limit), cite=cn.cite, old_cite=co.cite,
                raw=("categories", name, "time_limit"))


def _maxima(c: Collector) -> None:
    """Ceilings on the written deadline (time_limits.maximum), compared by name: scope,
    limit and what happens above it."""
    o, n = c.old, c.new

    def raw(p: Policy, name: str) -> tuple[Any, ...]:
        entries = (p.raw.get("time_limits") or {}).get("maximum") or ()
        return next((("time_limits", "maximum", i) for i, x in enumerate(entries)
                     if x.get("name") == name), ("time_limits", "maximum"))

    def above(p: Policy, m: MaximumLimit) -> str:
        return "超过的不予接受" if m.above is None else \
            f"超过的须经“{m.above}”（{w.chain_named(p, m.above)}）审批"

    def whole(p: Policy, m: MaximumLimit) -> str:
        return f"{scope_words(m)}不超过{w.dur(m.limit)}，{above(p, m)}"
    for name, a, b in pairs(by_name(o.maxima), by_name(n.maxima)):
        path, label = ("time_limits", "maximum", name), f"最长办理时限“{name}”"
        kw: dict[str, Any] = {"cite": b.cite if b else None, "old_cite": a.cite if a else None,
                              "raw": raw(n, name), "old_raw": raw(o, name)}
        if not c.presence("time_limits", path, label, render(a, lambda m: whole(o, m)),
                          render(b, lambda m: whole(n, m)), **kw):
            continue
        assert a is not None and b is not None
        c.value("time_limits", (*path, "scope"), f"{label}适用范围", scope_words(a),
                scope_words(b), **kw)
        c.value("time_limits", (*path, "limit"), label, w.dur(a.limit), w.dur(b.limit), **kw)
        c.value("time_limits", (*path, "above"), f"{label}超过时", above(o, a), above(n, b),
                **kw)


def _cite(p: Policy, *path: str) -> str | None:
    node: Any = p.raw
    for k in path:
        node = node.get(k) if isinstance(node, dict) else None
    return node.get("cite") if isinstance(node, dict) else None


def _shared(o: Policy, n: Policy) -> list[str]:
    return [k for k in o.categories if k in n.categories]


# -- extensions --------------------------------------------------------------------------------

ExtField = tuple[str, str, Callable[[Policy, ExtensionRules], str | None]]


def _ext_fields(a: ExtensionRules, b: ExtensionRules) -> list[ExtField]:
    """(key, label, render) for every compared field of two extension rule sets."""
    out: list[ExtField] = [("max", "最多延期次数", lambda _p, e: w.max_extensions(e))]
    for k in range(1, max(_requests(a), _requests(b)) + 1):
        out.append((f"approvers/{k}", f"{w.nth(k)}延期审批人", _nth_approver(k)))
    out += [
        ("before_due", "须在期限届满前申请延期", lambda _p, e: w.yes(e.before_due)),
        ("lead_time", "申请延期至迟提前", lambda _p, e: w.dur(e.lead_time)),
        ("longest", "单次延期最长", lambda _p, e: w.dur(e.longest)),
        ("unit", "延期计量", lambda _p, e: "按小时" if e.unit == "hour" else "按日"),
        ("exempt_penalties", "经批准延期并按期完成的免于考核",
         lambda _p, e: w.yes(e.exempt_penalties)),
        ("review_limit", "延期审批时限", lambda _p, e: w.dur(e.review_limit)),
    ]
    return out


def _nth_approver(k: int) -> Callable[[Policy, ExtensionRules], str | None]:
    return lambda p, e: w.approver(p, e, k) or "不得延期"


def _requests(e: ExtensionRules) -> int:
    return max(len(e.approvers), 1) if e.max is None else e.max


def _same_chain(c: Collector, key: str, a: ExtensionRules, b: ExtensionRules) -> bool:
    """Both use one chain, present in both: a change to it is listed under 审批链 by name."""
    if not key.startswith("approvers/"):
        return False
    k = int(key.split("/")[1])
    x, y = w.approver_chain(a, k), w.approver_chain(b, k)
    return x is not None and x == y and x in c.old.chains and x in c.new.chains


def _ext_basis(c: Collector, key: str, a: ExtensionRules, b: ExtensionRules,
               where: tuple[str, ...]) -> dict[str, Any]:
    """Basis and origin of one extension setting on each side: the setting's own (a
    ``because`` may name it), and for the n-th approver the chain it names, whose steps
    are where the approvers were written."""
    setting = key.split("/")[0]

    def side(p: Policy, e: ExtensionRules) -> tuple[str | None, tuple[str, ...]]:
        if setting == "approvers":
            chain = p.chains.get(w.approver_chain(e, int(key.split("/")[1])) or "")
            if chain is not None:
                return chain.cite or e.basis_for(setting), ("chains", chain.name, "steps")
        return e.basis_for(setting), (*where, setting)
    (old_cite, old_raw), (cite, raw) = side(c.old, a), side(c.new, b)
    return {"cite": cite, "old_cite": old_cite, "raw": raw, "old_raw": old_raw}


def extensions(c: Collector) -> None:
    o, n = c.old, c.new
    c.cite("extensions", ("extensions",), "延期规则", o.extensions.cite, n.extensions.cite,
           raw=("extensions",))
    seen: dict[str, tuple[str | None, str | None]] = {}
    for key, label, f in _ext_fields(o.extensions, n.extensions):
        if _same_chain(c, key, o.extensions, n.extensions):
            seen[key] = ("", "")  # categories on the same chain are covered too
            continue
        c.roles_value("extensions", ("extensions", *key.split("/")), label, f, o.extensions,
                      n.extensions, **_ext_basis(c, key, o.extensions, n.extensions,
                                                 ("extensions",)))
        seen[key] = (f(c.canon_old, o.extensions), f(c.canon_new, n.extensions))
    for name in _shared(o, n):
        co, cn = o.categories[name].extensions, n.categories[name].extensions
        for key, label, f in _ext_fields(co, cn):
            if _same_chain(c, key, co, cn) or \
                    seen.get(key) == (f(c.canon_old, co), f(c.canon_new, cn)):
                continue  # the category follows the policy-wide rule (or its change)
            c.roles_value("extensions", ("categories", name, "extensions", *key.split("/")),
                          f"“{name}”{label}", f, co, cn,
                          **_ext_basis(c, key, co, cn, ("categories", name, "extensions")))


# -- reminders and progress reports ------------------------------------------------------------

def reminders(c: Collector) -> None:
    o, n = c.old, c.new
    for name, a, b in pairs(by_name(o.reminders), by_name(n.reminders)):
        _reminder(c, name, a, b)
    po, pn = o.progress, n.progress

    def prog(p: Policy, x: Any) -> str:
        return f"每{w.dur(x.every)}反馈一次办理进展" + (
            f"，宽限{w.dur(x.grace)}" if x.grace else "") + (
            f"，报{w.roles(p, x.to)}" if x.to else "")
    c.roles_value("reminders", ("progress_reports",), "定时反馈", prog, po, pn,
                  cite=pn.cite if pn else None, old_cite=po.cite if po else None,
                  raw=("progress_reports",))
    for name, x, y in pairs(by_name(o.at_least), by_name(n.at_least)):  # 至少N次每周期
        c.roles_value("reminders", ("at_least", name), f"次数要求“{name}”", floor_words, x, y,
                      thing=x is None or y is None,
                      **named_keywords(c, "at_least", name, x, y))


def _reminder(c: Collector, name: str, a: Reminder | None, b: Reminder | None) -> None:
    o, n = c.old, c.new
    path, label = ("reminders", name), f"提醒“{name}”"
    kw = named_keywords(c, "reminders", name, a, b)
    if not c.presence("reminders", path, label, render(a, lambda r: w.reminder(o, r)),
                      render(b, lambda r: w.reminder(n, r)), **kw):
        return
    assert a is not None and b is not None
    c.value("reminders", (*path, "event"), f"{label}类型", w.EVENT_WORDS.get(a.event, a.event),
            w.EVENT_WORDS.get(b.event, b.event), **kw)
    c.value("reminders", (*path, "at"), f"{label}发出时间", w.reminder_when(a),
            w.reminder_when(b), **kw)
    c.roles_value("reminders", (*path, "to"), f"{label}发送对象",
                  lambda p, r: w.roles(p, r.to) if r.to else "承办部门", a, b, **kw)

    def rep(r: Reminder) -> str:
        if not r.repeat_every:
            return "不重复"
        return f"每{w.dur(r.repeat_every)}" + (f"，至多{r.repeat_times}次" if r.repeat_times else "")
    c.value("reminders", (*path, "repeat"), f"{label}重复", rep(a), rep(b), **kw)
    c.value("reminders", (*path, "when"), f"{label}条件", a.when.source if a.when else w.NONE,
            b.when.source if b.when else w.NONE, **kw)


# -- penalties and counters --------------------------------------------------------------------

def penalties(c: Collector) -> None:
    o, n = c.old, c.new
    for name, a, b in pairs(by_name(o.penalties), by_name(n.penalties)):
        _penalty(c, name, a, b)
    for name, x, y in pairs(by_name(o.counters), by_name(n.counters)):
        _counter(c, name, x, y)


def _penalty(c: Collector, name: str, a: PenaltyRule | None, b: PenaltyRule | None) -> None:
    o, n = c.old, c.new
    path, label = ("penalties", name), f"考核规则“{name}”"
    kw = named_keywords(c, "penalties", name, a, b)
    if not c.presence("penalties", path, label, render(a, lambda x: w.penalty(o, x)),
                      render(b, lambda x: w.penalty(n, x)), **kw):
        return
    assert a is not None and b is not None

    def per_day(x: PenaltyRule) -> str | None:
        if not x.points_per_day:
            return None
        unit = "个工作日" if x.day_unit == "working_day" else "日"
        return f"每逾期一{unit}{w.points(x.points_per_day)}"
    fields = [
        ("on", "触发", w.trigger(a.on), w.trigger(b.on)),
        ("points_per_day", "按日扣分", per_day(a), per_day(b)),
        ("points", "扣分", w.points(a.points or None), w.points(b.points or None)),
        ("max_points", "最多扣分", render(a.max_points, lambda v: f"{abs(v):g}分"),
         render(b.max_points, lambda v: f"{abs(v):g}分")),
        ("coefficient", "绩效系数", w.coefficient(a.coefficient or None),
         w.coefficient(b.coefficient or None)),
        ("measures", "处理措施", w.words(a.measures), w.words(b.measures)),
        ("when", "条件", a.when.source if a.when else w.NONE, b.when.source if b.when else w.NONE),
        ("exempt_if_extension_met", "经批准延期并按期完成的不扣分", w.yes(a.exempt_if_extension_met),
         w.yes(b.exempt_if_extension_met)),
    ]
    for key, what, x, y in fields:
        c.value("penalties", (*path, key), f"{label}{what}", x, y, **kw)
    c.roles_value("penalties", (*path, "target"), f"{label}考核对象", lambda p, x: p.word(x.target),
                  a, b, **kw)


def _counter(c: Collector, name: str, a: Counter | None, b: Counter | None) -> None:
    o, n = c.old, c.new

    def what(x: Counter) -> str:
        return "被通报批评" if x.counts == "censure" else f"“{x.counts}”"

    def desc(p: Policy, x: Counter) -> str:
        result = [v for v in (w.points(x.points), render(x.coefficient, lambda v: f"绩效系数{v:+g}"))
                  if v] + list(x.measures)
        return (f"{w.PERIOD_WORDS.get(x.per, x.per)}{p.word(x.target)}{what(x)}达{x.threshold}次的："
                f"{'、'.join(result) or '另行处理'}")
    path, label = ("counters", name), f"累计规则“{name}”"
    kw = named_keywords(c, "counters", name, a, b)
    if not c.presence("penalties", path, label, render(a, lambda x: desc(o, x)),
                      render(b, lambda x: desc(n, x)), **kw):
        return
    assert a is not None and b is not None
    for key, text, x, y in (
            ("counts", "累计", what(a), what(b)),
            ("per", "周期", w.PERIOD_WORDS.get(a.per, a.per), w.PERIOD_WORDS.get(b.per, b.per)),
            ("threshold", "次数", f"{a.threshold}次", f"{b.threshold}次"),
            ("points", "扣分", w.points(a.points), w.points(b.points)),
            ("coefficient", "绩效系数", w.coefficient(a.coefficient), w.coefficient(b.coefficient)),
            ("measures", "处理措施", w.words(a.measures), w.words(b.measures))):
        c.value("penalties", (*path, key), f"{label}{text}", x, y, **kw)
    c.roles_value("penalties", (*path, "target"), f"{label}对象", lambda p, x: p.word(x.target),
                  a, b, **kw)
