"""Areas 组织, 事项类别, 日历 and 文书: who is who, what counts as an item, which days
count, and which papers go out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from duban import vocabulary
from duban.diff import words as w
from duban.diff.change import Collector
from duban.diff.keyed import pairs, render, union
from duban.policy.model import Category, Policy, ProxyEntry, Role
from duban.policy.supervision import field_words
from duban.vocabulary import CANONICAL_KINDS


def _members(c: Collector, area: str, path: tuple[str, ...], label: str,
             old: Iterable[str], new: Iterable[str], *, cite: str | None = None,
             old_cite: str | None = None, raw: tuple[Any, ...] = ()) -> None:
    """A set compared member by member: ``新增部门：财务部``."""
    a, b = list(old), list(new)
    for x in union(a, b):
        c.value(area, (*path, x), label, x if x in a else None, x if x in b else None,
                cite=cite, old_cite=old_cite, raw=raw, thing=True)


def _cite(p: Policy, *path: str) -> str | None:
    node: Any = p.raw
    for k in path:
        node = node.get(k) if isinstance(node, dict) else None
    return node.get("cite") if isinstance(node, dict) else None


def organisation(c: Collector) -> None:
    o, n = c.old, c.new
    c.value("organisation", ("name",), "制度名称", o.name, n.name, raw=("name",))
    c.value("organisation", ("organisation_name",), "适用单位",
            o.raw.get("organisation_name") or w.NONE, n.raw.get("organisation_name") or w.NONE,
            raw=("organisation_name",))
    ro = {k: r for k, r in o.roles.items() if r.word != r.canonical}
    rn = {k: r for k, r in n.roles.items() if r.word != r.canonical}
    for word, a, b in pairs(ro, rn):
        path = ("organisation", "roles", word)
        if c.presence("organisation", path, f"角色“{word}”", render(a, _role),
                      render(b, _role), cite=b.cite if b else None,
                      old_cite=a.cite if a else None, raw=path):
            assert a is not None and b is not None
            c.value("organisation", path, f"角色“{word}”", _role(a), _role(b),
                    cite=b.cite, old_cite=a.cite, raw=path)
    so, sn = o.supervision, n.supervision
    c.value("organisation", ("organisation", "supervisor"), "督办单位（每个事项）",
            field_words(so), field_words(sn), cite=sn.cite if sn else None,
            old_cite=so.cite if so else None, raw=("organisation", "supervisor"))
    cite, old_cite = _cite(n, "organisation"), _cite(o, "organisation")
    _members(c, "organisation", ("organisation", "departments"), "部门", o.departments,
             n.departments, cite=cite, old_cite=old_cite, raw=("organisation", "departments"))
    for person, a2, b2 in pairs(o.people, n.people):
        def who(x: Any) -> str:
            roles = "、".join(str(r) for r in x.get("roles") or ()) or "（无角色）"
            return roles + (f"，{x['department']}" if x.get("department") else "") + \
                (f"，分管 {'、'.join(map(str, x['oversees']))}" if x.get("oversees") else "")
        c.value("organisation", ("organisation", "people", person), f"人员“{person}”",
                render(a2, who), render(b2, who),
                raw=("organisation", "people", person), thing=True)
    c.roles_value("organisation", ("confidentiality", "visible_to"), "保密事项可见范围（承办部门以外）",
                  lambda p, x: w.roles(p, x), o.confidential_visible_to, n.confidential_visible_to,
            cite=_cite(n, "confidentiality"), old_cite=_cite(o, "confidentiality"),
            raw=("confidentiality", "visible_to"))
    _proxy_entry(c)


def _role(r: Role) -> str:
    """A role word's meaning: its canonical role, and whether it is judged against the
    item's supervising unit (督办单位分管局领导), its lead department (主办部门的分管领导)
    or a fixed unit (党政办分管领导)."""
    if r.oversees == "unit":
        return f"{r.canonical}，须分管{r.unit}"
    return r.canonical + {"supervisor": "，须分管本事项的督办单位",
                          "lead": "，须分管本事项的主办部门"}.get(r.oversees or "", "")


def _proxy_entry(c: Collector) -> None:
    """代录: whose decisions someone else may enter (compared by canonical roles)."""
    a, b = c.old.proxy_entry, c.new.proxy_entry

    def key(p: Policy, rule: ProxyEntry | None) -> tuple[str, ...] | None:
        return None if rule is None else tuple(sorted(
            p.canonical_role(x) or x for x in rule.words))

    cite, old_cite = (b.cite if b else None), (a.cite if a else None)
    keys = (key(c.old, a), key(c.new, b))
    if keys[0] == keys[1]:
        c.cite("organisation", ("proxy_entry",), "代录", old_cite, cite, raw=("proxy_entry",))
        return
    c.value("organisation", ("proxy_entry", "roles"), "可由他人代录决定的角色", w.proxy_entry(a),
            w.proxy_entry(b), cite=cite, old_cite=old_cite, raw=("proxy_entry",), keys=keys)


def _category(p: Policy, cat: Category) -> str:
    ext = cat.extensions
    parts = [f"覆盖{w.kinds(cat.kinds)}",
             f"立项审批：{w.chain_named(p, cat.approvals.opening)}",
             f"办结审核：{w.chain_named(p, cat.approvals.review)}",
             f"延期：{w.max_extensions(ext)}"]
    if cat.time_limit:
        parts.append(f"未明确时限的{w.dur(cat.time_limit)}内办结")
    if cat.due_required:
        parts.append("立项须明确期限")
    if cat.confidential:
        parts.append("默认保密")
    return "；".join(parts)


def categories(c: Collector) -> None:
    o, n = c.old, c.new
    for name, a, b in pairs(o.categories, n.categories):
        path = ("categories", name)
        cite, old_cite = (b.cite if b else None), (a.cite if a else None)
        if not c.presence("categories", path, f"事项类别“{name}”",
                          render(a, lambda x: _category(o, x)),
                          render(b, lambda x: _category(n, x)), cite=cite, old_cite=old_cite,
                          raw=path):
            continue
        assert a is not None and b is not None
        kw: dict[str, Any] = {"cite": cite, "old_cite": old_cite, "raw": path}
        c.value("categories", (*path, "kinds"), f"“{name}”覆盖的事项类型", w.kinds(a.kinds),
                w.kinds(b.kinds), **kw)
        _members(c, "categories", (*path, "sources"), f"“{name}”的来源", a.sources, b.sources,
                 **kw)
        c.value("categories", (*path, "confidential"), f"“{name}”默认保密", w.yes(a.confidential),
                w.yes(b.confidential), **kw)
        c.value("categories", (*path, "due_required"), f"“{name}”立项须明确期限",
                w.yes(a.due_required), w.yes(b.due_required), **kw)
    for kind in CANONICAL_KINDS:
        a3, b3 = o.category_for(kind), n.category_for(kind)
        c.value("categories", ("kinds", kind), f"{w.KIND_WORDS[kind]}（{kind}）默认归入",
                f"“{a3.name}”", f"“{b3.name}”", cite=b3.cite, old_cite=a3.cite,
                raw=("categories", b3.name), old_raw=("categories", a3.name))


def calendar(c: Collector) -> None:
    o, n = c.old, c.new
    cal_o, cal_n = o.raw.get("calendar") or {}, n.raw.get("calendar") or {}
    kw: dict[str, Any] = {"cite": cal_n.get("cite"), "old_cite": cal_o.get("cite")}
    c.value("calendar", ("timezone",), "时区", str(o.timezone), str(n.timezone),
            raw=("timezone",), **kw)
    c.value("calendar", ("calendar", "roll_forward"), "期限落在休息日时顺延",
            w.yes(o.roll_forward), w.yes(n.roll_forward), raw=("calendar", "roll_forward"), **kw)

    def eod(p: Policy) -> str:
        return f"{p.end_of_day:%H:%M}" if p.end_of_day else "当日结束（23:59:59）"
    c.value("calendar", ("calendar", "end_of_day"), "期限截止时刻", eod(o), eod(n),
            raw=("calendar", "end_of_day"), **kw)
    beyond = {"error": "报错", "weekends_only": "只按周末推算"}
    c.value("calendar", ("calendar", "beyond_known_data"), "超出已知日历数据时",
            beyond.get(str(cal_o.get("beyond_known_data", "error")),
                       str(cal_o.get("beyond_known_data"))),
            beyond.get(str(cal_n.get("beyond_known_data", "error")),
                       str(cal_n.get("beyond_known_data"))),
            raw=("calendar", "beyond_known_data"), **kw)
    for key, label in (("extra_holidays", "另加休息日"), ("extra_workdays", "另加工作日（调休）")):
        _members(c, "calendar", ("calendar", key), label,
                 [str(x) for x in cal_o.get(key) or ()], [str(x) for x in cal_n.get(key) or ()],
                 raw=("calendar", key), **kw)


def documents(c: Collector) -> None:
    o, n = c.old, c.new
    kw: dict[str, Any] = {"cite": _cite(n, "documents"), "old_cite": _cite(o, "documents")}

    def number(p: Policy) -> str | None:
        if not p.numbering:
            return None
        return f"{p.numbering}（如 {p.numbering.format(year=2026, seq=7)}）"
    c.value("documents", ("documents", "numbering"), "通知单文号", number(o), number(n),
            cite=_cite(n, "documents", "numbering"), old_cite=_cite(o, "documents", "numbering"),
            raw=("documents", "numbering"))
    on = {"create": f"{vocabulary.ACTIONS['create']}时",
          "opened": f"{vocabulary.DEADLINE_ANCHORS['opened']}时"}
    if o.numbering and n.numbering:
        c.value("documents", ("documents", "numbering", "assign_on"), "文号编号时点",
                on.get(o.numbering_on, o.numbering_on), on.get(n.numbering_on, n.numbering_on),
                raw=("documents", "numbering"))
    per = {"item": "每个事项一个文号", "notice": "每张通知单一个文号（一单多事共用，各项编第N项）"}
    if o.numbering and n.numbering:
        c.value("documents", ("documents", "numbering", "per"), "文号编号单位",
                per[o.numbering_per], per[n.numbering_per],
                cite=_cite(n, "documents", "numbering"), old_cite=_cite(o, "documents", "numbering"),
                raw=("documents", "numbering"))
    _members(c, "documents", ("documents", "forms"), "表单", o.forms, n.forms,
             raw=("documents", "forms"), **kw)
    mode = {"single": "一单一事", "multiple": "一单多事", "either": "一单一事或一单多事"}
    c.value("documents", ("documents", "list_mode"), "督办通知单形式",
            mode.get(o.list_mode or "", w.NONE), mode.get(n.list_mode or "", w.NONE),
            raw=("documents", "list_mode"), **kw)
    for name, a, b in pairs(o.kpis, n.kpis):
        c.value("documents", ("reports", "kpis", name), f"指标“{name}”", a, b,
                cite=_cite(n, "reports", "kpis", name), old_cite=_cite(o, "reports", "kpis", name),
                raw=("reports", "kpis", name), thing=True)
    periods = {"week": "每周", "month": "每月", "quarter": "每季", "year": "每年",
               "adhoc": "随时"}
    rep_o, rep_n = o.raw.get("reports") or {}, n.raw.get("reports") or {}
    c.value("documents", ("reports", "periods"), "通报周期",
            w.words(periods.get(str(x), str(x)) for x in rep_o.get("periods") or ()),
            w.words(periods.get(str(x), str(x)) for x in rep_n.get("periods") or ()),
            cite=rep_n.get("cite"), old_cite=rep_o.get("cite"), raw=("reports", "periods"))
