"""Compare an outcome with the partial expectation a scenario writes under ``expect:``.

Why partial: a reviewer writes down what the regulation decides (a deadline, a penalty,
a refused step) and nothing else, so an unrelated change does not break the test, while
a change to what was written does. Mappings compare only the keys written; lists compare
length and then element by element; numbers compare with a small tolerance. Mismatches
are sentences in Chinese with the values, never a dict dump.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FIELD_WORDS = {
    "state": "状态", "canonical_state": "规范状态", "due": "期限", "original_due": "原期限",
    "extensions_granted": "延期获批次数", "extensions_rejected": "延期被拒次数",
    "returns": "退办次数", "reminders": "提醒", "overdue": "是否逾期", "closed_at": "办结时间",
    "on_time": "是否按时办结", "number": "文号", "penalties": "扣分记录",
    "rejected_steps": "被拒步骤", "kpi": "指标", "total": "督办总数",
    "closed_on_time": "按时办结数", "closure_rate": "办结率", "points": "扣分",
    "coefficient": "绩效系数", "measures": "处理措施", "target": "对象", "rule": "规则",
    "event": "事件", "at": "时间", "code": "错误码", "step": "步骤", "item": "事项",
}


def _word(key: Any) -> str:
    return f"{FIELD_WORDS[key]}({key})" if key in FIELD_WORDS else str(key)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "无"
    return str(value)


def compare(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Every difference between ``expected`` (partial) and ``actual``, as sentences."""
    out: list[str] = []
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [f"{where}：应为映射，实际 {_show(actual)}"]
        for key, exp in expected.items():
            label = f"{where} 的 {_word(key)}" if where else _word(key)
            if key not in actual:
                out.append(f"{label}：结果中没有这一项（应为 {_show(exp)}）")
                continue
            out.extend(compare(exp, actual[key], label))
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}：应为列表，实际 {_show(actual)}"]
        if len(expected) != len(actual):
            out.append(f"{where}：应有 {len(expected)} 条，实际 {len(actual)} 条"
                       + (f"（实际：{'；'.join(_brief(a) for a in actual)}）" if actual else ""))
            return out
        for i, (e, a) in enumerate(zip(expected, actual, strict=True), 1):
            out.extend(compare(e, a, f"{where} 第 {i} 条"))
        return out
    if isinstance(expected, int | float) and not isinstance(expected, bool) and \
            isinstance(actual, int | float) and not isinstance(actual, bool):
        if abs(float(expected) - float(actual)) > 1e-9:
            out.append(f"{where}：应为 {expected:g}，实际 {actual:g}")
        return out
    if expected != actual and str(expected) != str(actual):
        out.append(f"{where}：应为 {_show(expected)}，实际 {_show(actual)}")
    return out


def _brief(value: Any) -> str:
    if isinstance(value, Mapping):
        return "，".join(f"{FIELD_WORDS.get(k, k)} {_show(v)}" for k, v in value.items()
                        if k not in ("message", "cite"))
    return _show(value)


def expectation_for(expect: Mapping[str, Any] | None, policy_id: str) -> Mapping[str, Any] | None:
    """The expectation of one policy: ``expect: {<policy id>: {...}}`` or, for a scenario
    written for one policy, ``expect: {items: …, penalties: …}``."""
    if not expect:
        return None
    if policy_id in expect:
        return expect[policy_id]
    if any(k in expect for k in ("items", "penalties", "rejected_steps", "kpi")):
        return expect
    return None
