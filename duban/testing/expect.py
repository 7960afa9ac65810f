"""Compare an outcome with the partial expectation a scenario writes under ``expect:``.

Why partial: a reviewer writes down what the regulation decides (a deadline, a penalty,
a refused step) and nothing else, so an unrelated change does not break the test, while
a change to what was written does. Mappings compare only the keys written; lists compare
length and then element by element; numbers compare with a small tolerance. Mismatches
are sentences in Chinese with the values, never a dict dump.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from duban import vocabulary

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
        found: Mapping[str, Any] = expect[policy_id]
        return found
    if any(k in expect for k in ("items", "penalties", "rejected_steps", "kpi")):
        return expect
    return None


# -- readable differences and golden updates (duban test, the pytest plugin) ----------------

EVENT_WORDS = vocabulary.TIMER_EVENTS
CODE_WORDS = vocabulary.ERROR_CODES
#: What a golden list keeps of each element when it has to be written afresh.
GOLDEN_KEYS = {"reminders": ("event", "at"), "rejected_steps": ("step", "code"),
               "penalties": ("item", "target", "points", "coefficient", "rule")}
LISTED = 6  # list elements shown when a list has another length than written
_INSTANT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


@dataclass(frozen=True)
class Difference:
    """One field where the outcome differs from what was written.

    ``path`` is where the field lies in the outcome (``("items", "A", "due")``); ``kind``
    is ``value`` (a different value), ``missing`` (the outcome has no such field) or
    ``length`` (a list of another length; ``expected``/``actual`` are then the lists).
    """

    path: tuple[Any, ...]
    kind: str
    expected: Any
    actual: Any

    @property
    def field(self) -> str:
        """The dotted path, for tools (``items.A.due``, ``penalties.0.points``)."""
        return ".".join(str(p) for p in self.path)

    def sentence(self) -> str:
        """The difference in Chinese, with dates written as dates: "事项 A 的期限：应为
        2026-10-14 23:59:59，实际 2026-10-15 23:59:59"."""
        where = label(self.path)
        key = self.path[-1] if self.path else ""
        if self.kind == "missing":
            return f"{where}：结果中没有这一项（应为 {show(self.expected, key)}）"
        if self.kind == "length":
            exp, act = len(self.expected), len(self.actual)
            listed = "；".join(brief(a) for a in self.actual[:LISTED])
            if act > LISTED:
                listed += f"；…（共 {act} 条）"
            head = f"{where}：应没有，实际 {act} 条" if exp == 0 else \
                f"{where}：应有 {exp} 条，实际 {act} 条"
            return head + (f"（实际：{listed}）" if listed else "")
        return f"{where}：应为 {show(self.expected, key)}，实际 {show(self.actual, key)}"

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "kind": self.kind, "expected": self.expected,
                "actual": self.actual, "message": self.sentence()}


def differences(expected: Any, actual: Any, path: tuple[Any, ...] = ()) -> list[Difference]:
    """Every difference between a partial expectation and an outcome, as data.

    The same rules as :func:`compare` (keys written, lists by length then element by
    element, numbers with a tolerance); an instant also equals the same instant written
    with another offset or without one.
    """
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [Difference(path, "value", expected, actual)]
        out: list[Difference] = []
        for key, exp in expected.items():
            if key not in actual:
                out.append(Difference((*path, key), "missing", exp, None))
            else:
                out.extend(differences(exp, actual[key], (*path, key)))
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [Difference(path, "value", expected, actual)]
        if len(expected) != len(actual):
            return [Difference(path, "length", expected, actual)]
        return [d for i, (e, a) in enumerate(zip(expected, actual, strict=True))
                for d in differences(e, a, (*path, i))]
    return [] if same(expected, actual) else [Difference(path, "value", expected, actual)]


def same(expected: Any, actual: Any) -> bool:
    """Whether a written scalar matches the outcome's (numbers with a tolerance, instants as
    instants)."""
    if _number(expected) and _number(actual):
        return abs(float(expected) - float(actual)) <= 1e-9
    if expected == actual or str(expected) == str(actual):
        return True
    a, b = _instant(expected), _instant(actual)
    if a is not None and b is not None:
        if a.tzinfo is None and b.tzinfo is not None:
            a = a.replace(tzinfo=b.tzinfo)
        return a.tzinfo is not None and a == b
    return False


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _instant(v: Any) -> dt.datetime | None:
    if not isinstance(v, str) or len(v) < 16 or not _INSTANT.match(v):
        return None
    try:
        return dt.datetime.fromisoformat(v)
    except ValueError:
        return None


def label(path: tuple[Any, ...]) -> str:
    """A path of the outcome in words: ``("items", "A", "reminders", 0, "at")`` →
    "事项 A 的第 1 次提醒的时间"."""
    parts: list[str] = []
    i = 0
    while i < len(path):
        p = path[i]
        nxt = path[i + 1] if i + 1 < len(path) else None
        if p == "items" and nxt is not None and i == 0:
            parts.append(f"事项 {nxt}")
            i += 2
            continue
        if p == "kpi" and nxt is not None and i == 0:
            i += 1
            continue
        if isinstance(nxt, int) and not isinstance(nxt, bool):
            noun = {"penalties": "条扣分记录", "rejected_steps": "条被拒步骤", "reminders": "次提醒",
                    "measures": "项处理措施"}.get(p, f"条{FIELD_WORDS.get(p, p)}")
            parts.append(f"第 {nxt + 1} {noun}")
            i += 2
            continue
        if isinstance(p, int) and not isinstance(p, bool):
            parts.append(f"第 {p + 1} 条")
        else:
            parts.append(FIELD_WORDS.get(p, str(p)))
        i += 1
    out = ""
    for part in parts:  # a space between a key written in Latin letters and 的
        if out:
            out += (" " if _latin(out[-1]) else "") + "的" + (" " if _latin(part[0]) else "")
        out += part
    return out or "结果"


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def show(value: Any, key: Any = None) -> str:
    """A value as a reader expects it: dates without ``T`` and the local offset, 是/否,
    rates as percentages, event and error codes with their Chinese words."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "无"
    if key == "closure_rate" and _number(value):
        return f"{float(value) * 100:.4g}%"
    if _number(value):
        return f"{value:g}"
    if isinstance(value, str):
        m = _INSTANT.match(value)
        if m:
            date, clock, zone = m.groups()
            return f"{date} {clock}" + ("" if zone in (None, "+08:00") else f"（UTC{zone}）")
        if key == "event" and value in EVENT_WORDS:
            return f"{EVENT_WORDS[value]}（{value}）"
        if key == "code" and value in CODE_WORDS:
            return f"{CODE_WORDS[value]}（{value}）"
        return value
    if isinstance(value, list):
        return "、".join(show(v, key) for v in value) if value else "（空）"
    if isinstance(value, Mapping):
        return brief(value)
    return str(value)


def brief(value: Any) -> str:
    """One list element in a line: "环节超时（step_overdue） 2026-10-10 00:00:00"."""
    if isinstance(value, Mapping):
        return "，".join(f"{FIELD_WORDS.get(k, k)} {show(v, k)}" for k, v in value.items()
                        if k not in ("message", "cite"))
    return show(value)


def updated(expected: Any, actual: Any, key: Any = None) -> Any:
    """The expectation rewritten to what the outcome is, as partial as it was written: the
    keys written keep their place (a key the outcome lacks is dropped), a list of another
    length is written afresh with the keys its elements had (or :data:`GOLDEN_KEYS`)."""
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return actual
        return {k: updated(v, actual[k], k) for k, v in expected.items() if k in actual}
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return actual
        if len(expected) == len(actual):
            return [updated(e, a, key) for e, a in zip(expected, actual, strict=True)]
        keys = [k for e in expected if isinstance(e, Mapping) for k in e] or \
            list(GOLDEN_KEYS.get(key, ()))
        return [_project(a, keys) for a in actual]
    return expected if same(expected, actual) else actual


def _project(value: Any, keys: list[Any]) -> Any:
    if not isinstance(value, Mapping) or not keys:
        return value
    return {k: value[k] for k in dict.fromkeys(keys) if k in value}


def golden(outcome: Mapping[str, Any]) -> dict[str, Any]:
    """A first expectation for an outcome that has none: what the regulation decides
    (state, deadline, timeliness, reminders, penalties, refused steps, 办结率)."""
    items: dict[str, Any] = {}
    for key, it in outcome.get("items", {}).items():
        entry = {"state": it["state"], "due": it["due"], "on_time": it["on_time"]}
        for extra in ("extensions_granted", "returns"):
            if it.get(extra):
                entry[extra] = it[extra]
        entry["reminders"] = [_project(r, ["event", "at"]) for r in it.get("reminders", [])]
        items[key] = entry
    return {"items": items,
            "penalties": [_project(p, list(GOLDEN_KEYS["penalties"]))
                          for p in outcome.get("penalties", [])],
            "rejected_steps": [_project(r, list(GOLDEN_KEYS["rejected_steps"]))
                               for r in outcome.get("rejected_steps", [])],
            "kpi": dict(outcome.get("kpi", {}))}
