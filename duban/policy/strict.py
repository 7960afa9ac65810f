"""``duban validate --strict``: every rule in force has a basis.

Why a separate stage: a policy can be correct and still claim more than its regulation
says. Strict mode walks the merged document and asks, of every limit, count, timing,
approver, reminder and penalty that the engine will enforce, "where does this come
from?" — a ``cite`` (the clause) or a ``because`` (the organisation's explicit default).
A rule inherited from a base without either is reported at the organisation's own file
(its ``extends`` line), with the inherited line as context, because that is where the
author must act: override it with a cite or a default, or remove it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from duban.errors import Location, Problem
from duban.policy.basis import basis_of
from duban.policy.model import EXTENSION_SETTINGS
from duban.policy.yamlsrc import Source

Locator = Callable[[tuple[Any, ...]], Location | None]
Path = tuple[Any, ...]

_HINT = ("写 cite: <条款>（制度原文这样规定），或 because: <做法与理由>（制度未规定，本单位自定，"
         "显示为“制度未规定，本单位按…”）；制度没有规定又不想自定的，删除这条规则 / add `cite:` "
         "(the clause that says it) or `because:` (your own default, with its reason), or "
         "remove the rule")


def _request_windows(d: Mapping[str, Any]) -> Iterator[tuple[Path, str, Mapping[str, Any], str]]:
    """The times to ask: 退回 (decline.within) and 申请协调 (coordination.within)."""
    for key, label in (("decline", "退回时限"), ("coordination", "申请协调时限")):
        spec = d.get(key) or {}
        if spec.get("within"):
            yield (key,), label, spec, ""


def rules_in_force(d: Mapping[str, Any]) -> Iterator[tuple[Path, str, Mapping[str, Any], str]]:
    """(path, what, spec, setting) of every rule the engine enforces in a merged policy;
    ``setting`` names the one setting of ``spec`` whose basis is asked ("" for the whole)."""
    for name, spec in (d.get("categories") or {}).items():
        if spec and spec.get("time_limit"):
            yield ("categories", name), f"类别“{name}”的默认办理时限", spec, ""
    tl = d.get("time_limits") or {}
    h = tl.get("handling") or {}
    if any(h.get(k) for k in ("default", "by_kind", "by_urgency", "longest")):
        yield ("time_limits", "handling"), "办理时限", h, ""
    for key, field in (("rework", "default"), ("per_department", "limit")):
        spec = tl.get(key) or {}
        if spec.get(field):
            yield ("time_limits", key), {"rework": "退办后时限", "per_department": "分部门时限"}[key], \
                spec, ""
    for name, spec in (tl.get("steps") or {}).items():
        yield ("time_limits", "steps", name), f"环节时限“{name}”", spec, ""
    for i, spec in enumerate(tl.get("maximum") or ()):
        yield ("time_limits", "maximum", i), f"最长办理时限“{spec.get('name')}”", spec, ""
    yield from _request_windows(d)
    if any(t.get("action") == "request_extension" for t in d.get("transitions") or ()):
        yield from _extension_rules(d)
    for i, r in enumerate(d.get("reminders") or ()):
        yield ("reminders", i), f"提醒“{r.get('name')}”", r, ""
    if d.get("proxy_entry"):
        yield ("proxy_entry",), "代录规则", d["proxy_entry"], ""
    if d.get("progress_reports"):
        yield ("progress_reports",), "定时反馈", d["progress_reports"], ""
    for section, what in (("at_least", "次数要求"), ("penalties", "考核规则"),
                          ("commendations", "表彰规则"), ("counters", "累计规则")):
        for i, x in enumerate(d.get(section) or ()):
            yield (section, i), f"{what}“{x.get('name')}”", x, ""
    yield from _chains_in_force(d)


def _extension_rules(d: Mapping[str, Any]) -> Iterator[tuple[Path, str, Mapping[str, Any], str]]:
    scopes: list[tuple[Path, Mapping[str, Any]]] = [(("extensions",), d.get("extensions") or {})]
    scopes += [(("categories", n, "extensions"), c["extensions"])
               for n, c in (d.get("categories") or {}).items() if c and c.get("extensions")]
    for path, spec in scopes:
        for setting in EXTENSION_SETTINGS:
            if setting == "approvers":  # the chains' own steps carry their basis
                continue
            value = spec.get(setting)
            if value is None or value is False or (setting == "max" and value == "unlimited"):
                continue
            yield path, f"延期规则 {setting}", spec, setting


def _chains_in_force(d: Mapping[str, Any]) -> Iterator[tuple[Path, str, Mapping[str, Any], str]]:
    used: set[str] = set()
    purposes = {s.get("approval") for s in (d.get("states") or {}).values() if s}
    top_approvals = d.get("approvals") or {}
    top_ext = (d.get("extensions") or {}).get("approvers") or ()
    for cat in ((c or {}) for c in (d.get("categories") or {}).values()):
        own = cat.get("approvals") or {}
        for purpose in purposes - {"extension", None}:  # the chain each category really uses
            chain = own.get(purpose, top_approvals.get(purpose))
            if chain:
                used.add(str(chain))
        if "extension" in purposes:
            used.update(str(c) for c in (cat.get("extensions") or {}).get("approvers", top_ext))
    for name, chain in (d.get("chains") or {}).items():
        if name not in used or not chain:
            continue
        for i, step in enumerate(chain.get("steps") or ()):
            if not basis_of(step):
                yield ("chains", name, "steps", i), f"审批链“{name}”的审批人“{step.get('role')}”", \
                    chain, ""


def check(d: Mapping[str, Any], locate: Locator, own: Source) -> list[Problem]:
    """Problems for every rule in force without a basis, and for rules that give both a
    clause and a default for the same thing."""
    problems: list[Problem] = []
    for path, what, spec, setting in rules_in_force(d):
        if spec.get("cite") and isinstance(spec.get("because"), str):
            problems.append(_problem(
                "basis_twice", path, locate, own,
                f"{what} 同时写了 cite 和 because：一条规则要么出自制度，要么是本单位默认 / both "
                "`cite` and `because`", "删去其一；部分设置自定时写 because: {设置: 理由}"))
        elif not basis_of(spec, setting or None):
            problems.append(_problem(
                "no_basis", path, locate, own,
                f"{what} 正在生效，但没有出处（cite）也没有本单位默认（because）/ rule in force "
                "without a cite or an explicit default", _HINT))
    return problems


def _problem(code: str, path: Path, locate: Locator, own: Source, message: str,
             hint: str) -> Problem:
    where = locate(path)
    context = "At " + " > ".join(map(str, path))
    if where is not None and where.file != own.file:  # inherited: the author acts in own file
        context += f"（继承自 {where.file}:{where.line}:{where.column}）"
        where = own.locate(("extends",)) or where
        message = "继承的" + message
        hint = "在本策略中覆盖（同名重写并写 cite 或 because）或删除它；" + hint
    return Problem(f"strict.{code}", message, where, context, None, None, hint)
