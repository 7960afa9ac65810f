"""Ceilings on the handling limit: ``time_limits.maximum`` (最长办理时限).

Why a section of its own: regulations give a *maximum* as often as a default — "普通收文办毕
时间不超过7个工作日，紧急收文办毕时间不超过3个工作日" (公交集团 第十二条 1). A default is what
the engine computes when nobody writes a deadline; a maximum constrains the deadline a
person writes. Each entry names the categories and the urgency it covers (none: all), the
limit, and what happens above it, as the text says: the deadline is refused (``above:
refuse``, the default), or it stands only with the approval of a chain (``above: <chain>``,
used as the item's opening approval).

Compile-time checks: the categories and the urgency exist, the chain exists, and no
default limit the policy computes for a covered item is itself longer than the ceiling
(the engine would then set a deadline the policy forbids).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from duban.calendar.duration import Duration
from duban.policy.basis import basis_of
from duban.policy.model import Category, HandlingLimits, MaximumLimit

#: ``above`` value meaning "a longer deadline is refused".
REFUSE = "refuse"

#: Rough length of each unit in calendar days, only to compare two limits written in
#: different units at compile time (a working day counts as one day: the check errs on
#: the side of silence).
_DAYS = {"hour": 1 / 24, "working_day": 1.0, "day": 1.0, "week": 7.0, "month": 28.0}


class _Compiler(Protocol):
    def problem(self, code: str, path: tuple[Any, ...], message: str, *, value: Any = None,
                expected: str | None = None, hint: str | None = None) -> None: ...

    def duration(self, text: Any, path: tuple[Any, ...], *,
                 allow_zero: bool = False) -> Duration | None: ...

    def did_you_mean(self, word: str, choices: Any) -> str | None: ...

    def chain_ref(self, name: Any, path: tuple[Any, ...]) -> str | None: ...


def compile_maxima(c: _Compiler, raw: list[Mapping[str, Any]], handling: HandlingLimits,
                   categories: Mapping[str, Category]) -> tuple[MaximumLimit, ...]:
    """The policy's ceilings, each checked against its categories, urgency, chain and the
    defaults it covers."""
    out: list[MaximumLimit] = []
    seen: set[str] = set()
    for i, spec in enumerate(raw):
        p = ("time_limits", "maximum", i)
        if spec.get("name") in seen:
            c.problem("duplicate_name", (*p, "name"), f"名称 '{spec['name']}' 重复 / duplicate "
                      f"name '{spec['name']}'", value=spec["name"], hint="每项的 name 须唯一")
        seen.add(str(spec.get("name")))
        if "limit" not in spec:  # a partial override must end up complete after merging
            c.problem("required", p, f"“{spec.get('name')}”缺少必填项 'limit'（继承的同名项也没有）/ "
                      "'limit' is required", hint="加上 `limit: ...`")
            continue
        limit = c.duration(spec.get("limit"), (*p, "limit"))
        cats = tuple(str(x) for x in spec.get("categories") or ())
        for j, name in enumerate(cats):
            if name not in categories:
                c.problem("unknown_category", (*p, "categories", j),
                          f"未定义的类别 '{name}' / unknown category '{name}'", value=name,
                          expected="categories 中定义的类别",
                          hint=c.did_you_mean(name, categories))
        urgency = spec.get("urgency")
        known = all(n in categories for n in cats)
        if urgency is not None and str(urgency) not in handling.by_urgency:
            known = False
            c.problem("unknown_urgency", (*p, "urgency"),
                      f"未定义的紧急程度 '{urgency}' / unknown urgency '{urgency}'", value=urgency,
                      expected="time_limits.handling.by_urgency 中的紧急程度："
                               + ("、".join(handling.by_urgency) or "（未定义）"),
                      hint=c.did_you_mean(str(urgency), handling.by_urgency) or
                      "先在 time_limits.handling.by_urgency 中写明该紧急程度的办理时限")
        above = spec.get("above", REFUSE)
        chain = None if above == REFUSE else c.chain_ref(above, (*p, "above"))
        if limit is None or (above != REFUSE and chain is None):
            continue
        rule = MaximumLimit(str(spec["name"]), limit, cats,
                            None if urgency is None else str(urgency), chain, basis_of(spec))
        if known:  # an unknown scope is reported already; its defaults mean nothing
            _check_defaults(c, p, rule, handling, categories)
        out.append(rule)
    return tuple(out)


def _check_defaults(c: _Compiler, p: tuple[Any, ...], rule: MaximumLimit,
                    handling: HandlingLimits, categories: Mapping[str, Category]) -> None:
    """A default limit the engine would compute for a covered item (category first, then
    urgency, kind, the general default — the engine's order) must not exceed the ceiling;
    only limits in comparable units are compared."""
    covered = [categories[n] for n in rule.categories if n in categories] or \
        list(categories.values())
    urgencies = {rule.urgency: handling.by_urgency[rule.urgency]} \
        if rule.urgency is not None and rule.urgency in handling.by_urgency \
        else dict(handling.by_urgency)
    defaults: dict[str, Duration] = {}
    for cat in covered:
        if cat.time_limit is not None:
            defaults[f"类别“{cat.name}”的默认办理时限"] = cat.time_limit
            continue
        defaults |= {f"{u}事项办理时限": d for u, d in urgencies.items()}
        if rule.urgency is not None and rule.urgency in urgencies:
            continue  # items of this urgency take the urgency's limit
        defaults |= {f"{k} 类事项默认办理时限": d for k, d in handling.by_kind.items()
                     if k in cat.kinds}
        if handling.default is not None and not set(cat.kinds) <= set(handling.by_kind):
            defaults["默认办理时限"] = handling.default
    for what, d in defaults.items():
        if _longer(d, rule.limit):
            c.problem("maximum_below_default", (*p, "limit"),
                      f"最长办理时限“{rule.name}” {rule.limit} 短于{what} {d}：引擎会定出本策略不允许的期限 "
                      f"/ the ceiling is shorter than a default limit it covers", value=rule.limit,
                      hint="核对原文：放宽上限，或缩短默认时限，或用 categories / urgency 缩小适用范围")


def _longer(a: Duration, b: Duration) -> bool:
    """``a`` is certainly longer than ``b``."""
    if a.unit == b.unit:
        return a.amount > b.amount
    return a.amount * _DAYS[a.unit] > b.amount * _DAYS[b.unit] * 1.5


def covers(rule: MaximumLimit, item: Any) -> bool:
    """Whether a ceiling applies to an item (its ``category`` and ``urgency``)."""
    if rule.categories and getattr(item, "category", None) not in rule.categories:
        return False
    return rule.urgency is None or getattr(item, "urgency", None) == rule.urgency


def scope_words(rule: MaximumLimit) -> str:
    """Which items a ceiling covers, in words: ``“公文办理”紧急事项``."""
    cats = "、".join(f"“{n}”" for n in rule.categories)
    return f"{cats}{rule.urgency or ''}事项" if cats or rule.urgency else "各类事项"


__all__ = ["REFUSE", "compile_maxima", "covers", "scope_words"]
