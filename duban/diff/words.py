"""Values rendered in domain words, the way a regulation would write them.

Each function takes the policy the value belongs to, so roles come out in that
organisation's words (:meth:`Policy.word`) while comparisons stay semantic: callers
compare the output, and the output is built only from canonical parts plus words.
"""

from __future__ import annotations

from collections.abc import Iterable

from duban import vocabulary
from duban.calendar.duration import Duration
from duban.policy.explain import trigger_words
from duban.policy.model import Chain, ExtensionRules, PenaltyRule, Policy, ProxyEntry, Reminder
from duban.vocabulary import CANONICAL_ROLES

KIND_WORDS = vocabulary.KINDS
ACTION_WORDS = vocabulary.ACTIONS
PURPOSE_WORDS = vocabulary.APPROVAL_PURPOSES
COUNTS_FROM = vocabulary.DEADLINE_ANCHORS
EVENT_WORDS = vocabulary.TIMER_EVENTS
PERIOD_WORDS = {"year": "全年", "quarter": "一季度内", "month": "一月内"}
NONE = "未规定"


def dur(d: Duration | None) -> str | None:
    return d.to_text_zh() if d is not None else None


def yes(flag: bool) -> str:
    return "是" if flag else "否"


def num(x: float) -> str:
    return f"{x:g}"


def roles(policy: Policy, canonical: Iterable[str]) -> str:
    """Canonical roles in the policy's words, in the canonical order (stable)."""
    order = {r: i for i, r in enumerate(CANONICAL_ROLES)}
    words = [policy.word(r) for r in sorted(set(canonical), key=lambda r: order.get(r, 99))]
    return "、".join(words) or "（无）"


#: What a step's approver must oversee besides holding the word (``oversees``), in words
#: that do not depend on the organisation, so two policies compare by meaning. A fixed
#: unit (``oversees: {unit: 党政办}``) is said by its own name: it is the organisation's,
#: and a different unit is a different rule.
OVERSIGHT = {"supervisor": "（须分管本事项的督办单位）", "lead": "（须分管本事项的主办部门）"}


def chain(policy: Policy, chain: Chain | None) -> str:
    """An approval chain as its approvers in order: ``行政管理部、分管领导（2个工作日内）``;
    an approver judged against one of the item's units says so (``分管领导（须分管本事项的
    主办部门）``), so narrowing who may approve is a change the diff shows."""
    if chain is None or not chain.steps:
        return "无需审批"
    return "、".join(policy.word(s.role) + _oversight(policy, s.options())
                    + (f"（{dur(s.limit)}内）" if s.limit else "") for s in chain.steps)


def _oversight(policy: Policy, options: Iterable[tuple[str, str]]) -> str:
    marks = (f"（须分管{r.unit}）" if r.oversees == "unit" else OVERSIGHT.get(r.oversees or "", "")
             for _, w in options if (r := policy.roles.get(w)) and r.oversees)
    return "".join(dict.fromkeys(marks))


def chain_named(policy: Policy, name: str | None) -> str:
    return chain(policy, policy.chains.get(name or ""))


def max_extensions(ext: ExtensionRules) -> str:
    return "不限次数" if ext.max is None else "不得延期" if ext.max == 0 else f"{ext.max}次"


def approver_chain(ext: ExtensionRules, n: int) -> str | None:
    """The chain that decides the n-th extension request (None: not allowed)."""
    if ext.max is not None and n > ext.max:
        return None
    if n <= len(ext.approvers):
        return ext.approvers[n - 1]
    if ext.max is None and ext.approvers:
        return ext.approvers[-1]
    return None


def approver(policy: Policy, ext: ExtensionRules, n: int) -> str | None:
    """Who approves the n-th extension request (None: that request is not allowed)."""
    name = approver_chain(ext, n)
    return None if name is None else chain_named(policy, name)


def nth(n: int) -> str:
    zh = "一二三四五六七八九十"
    return f"第{zh[n - 1] if n <= 10 else n}次"


def reminder_when(r: Reminder) -> str:
    if r.after_assigned is not None:
        return f"交办后{dur(r.after_assigned)}" if r.after_assigned.amount else "交办即"
    if r.before_due is not None:
        return f"期限前{dur(r.before_due)}"
    return f"期限后{dur(r.after_due)}" if r.after_due is not None else "到期时"


def reminder(policy: Policy, r: Reminder) -> str:
    """A reminder in one phrase: when, to whom, how often."""
    text = reminder_when(r)
    if r.to:
        text += f"，发给{roles(policy, r.to)}"
    if r.repeat_every:
        text += f"，此后每{dur(r.repeat_every)}重复" + (f"至多{r.repeat_times}次"
                                                   if r.repeat_times else "")
    if r.when is not None:
        text += f"（条件：{r.when.source}）"
    return text


def trigger(on: str) -> str:
    return trigger_words(on)


def points(x: float | None) -> str | None:
    if x is None:
        return None
    return f"{'扣' if x < 0 else '加'}{num(abs(x))}分"


def coefficient(x: float | None) -> str | None:
    return None if x is None else f"{x:+g}"


def penalty(policy: Policy, x: PenaltyRule) -> str:
    """A penalty rule in one phrase: ``逾期办结：对主办部门每逾期一日扣1分``."""
    parts = []
    if x.points_per_day:
        unit = "个工作日" if x.day_unit == "working_day" else "日"
        parts.append(f"每逾期一{unit}{points(x.points_per_day)}")
    if x.points:
        parts.append(points(x.points) or "")
    if x.max_points is not None:
        parts.append(f"最多{num(abs(x.max_points))}分")
    if x.coefficient:
        parts.append(f"绩效系数{coefficient(x.coefficient)}")
    if x.measures:
        parts.append("、".join(x.measures))
    cond = f"（条件：{x.when.source}）" if x.when is not None else ""
    exempt = "；经批准延期并按期完成的不扣分" if x.exempt_if_extension_met else ""
    return (f"{trigger(x.on)}{cond}：对{policy.word(x.target)}"
            f"{'，'.join(parts) or '记录在案'}{exempt}")


def kinds(ks: Iterable[str]) -> str:
    return "、".join(KIND_WORDS.get(k, k) for k in ks) or "（无）"


def words(xs: Iterable[str]) -> str:
    return "、".join(xs) or "（无）"


def proxy_entry(rule: ProxyEntry | None) -> str:
    """代录 in words: ``不限制（未规定）``, ``仅 总经理、分管领导``, ``不得代录（须本人录入）``."""
    if rule is None:
        return "不限制（未规定）"
    return f"仅 {'、'.join(rule.words)}" if rule.words else "不得代录（须本人录入）"
