"""Property tests: whatever text an implementer writes, compiling either succeeds or raises
:class:`CelCompileError` with a position inside the text (never another exception), and
evaluating a compiled expression either returns or raises :class:`CelEvaluationError`.

Why: the loader promises "nothing but its own error type, always with a location"; this
module is where arbitrary user text meets a C++ library.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duban.policy.cel import CelCompileError, CelEvaluationError, compile_expression

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

NAMES = ["item", "actor", "event", "now", "urgency", "extensions_granted", "roles", "due",
         "assist", "limits", "days", "extra", "payload", "has", "size", "exists", "r",
         "urgnecy", "itme", "int", "timestamp", "duration"]
PIECES = ['"紧急"', "'x'", "1", "2.5", "3u", "true", "null", "[]", "{}", ".", " ", "(", ")",
          "[", "]", ",", " == ", " != ", " < ", " && ", " || ", " + ", " - ", " * ", " / ",
          " in ", "!", "?", ":", "//c\n", "\n", 'duration("1h")', "b'z'", "r'\\'", "`"]

VALID = [
    'item.urgency == "紧急" && item.extensions_granted < 2',
    '"督查室" in actor.roles && size(item.assist) > 0',
    'item.due < now && now - item.due > duration("24h")',
    "event.limits.days >= 3 || has(event.extra.reason)",
    'actor.roles.exists(r, r == "督查室")',
]

ACTIVATION: dict[str, Any] = {
    "item": {"id": "1", "kind": "批示件", "category": "专项", "urgency": "紧急",
             "title": "关于督办", "lead": "办公室", "assist": ["财务部"],
             "confidential": False, "extensions_granted": 1, "returns": 0, "score": 1.0,
             "due": datetime(2024, 3, 1, tzinfo=UTC), "tags": ["a", 1],
             "paused_for": timedelta(hours=2)},
    "actor": {"person": "张三", "department": "办公室", "roles": ["督查室"]},
    "event": {"action": "extend", "until": datetime(2024, 3, 5, tzinfo=UTC), "reason": "",
              "extra": {"reason": "x"}, "payload": {"a": [1, "b"]},
              "limits": {"days": 3, "per_request": {"一": 1}}},
    "now": datetime(2024, 3, 2, tzinfo=UTC),
}


def compile_or_error(source: str, env: dict[str, Any]) -> Any:
    """Compile; a failure must be our error type with a position inside the text."""
    try:
        return compile_expression(source, env)
    except CelCompileError as err:
        lines = source.split("\n")
        assert err.message
        assert 1 <= err.line <= len(lines)
        assert 1 <= err.column <= len(lines[err.line - 1]) + 1
        for other in err.others:
            assert 1 <= other.line <= len(lines)
        return None


def evaluate_or_error(expr: Any) -> None:
    try:
        expr.evaluate(ACTIVATION)
    except CelEvaluationError as err:
        assert err.detail


@SETTINGS
@given(st.text(max_size=80))
def test_random_text_compiles_or_raises_compile_error(env: dict[str, Any],
                                                      source: str) -> None:
    expr = compile_or_error(source, env)
    if expr is not None:
        evaluate_or_error(expr)


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(NAMES), st.sampled_from(PIECES)), max_size=25))
def test_cel_shaped_text_compiles_or_raises_compile_error(env: dict[str, Any],
                                                          parts: list[str]) -> None:
    expr = compile_or_error("".join(parts), env)
    if expr is not None:
        evaluate_or_error(expr)


@SETTINGS
@given(st.sampled_from(VALID), st.data())
def test_mutated_valid_expressions(env: dict[str, Any], source: str,
                                   data: st.DataObject) -> None:
    for _ in range(data.draw(st.integers(1, 3))):
        pos = data.draw(st.integers(0, len(source)))
        op = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        ch = data.draw(st.one_of(st.characters(), st.sampled_from(list('."()[]` \n\\'))))
        if op == "insert":
            source = source[:pos] + ch + source[pos:]
        elif op == "delete":
            source = source[:pos] + source[pos + 1:]
        else:
            source = source[:pos] + ch + source[pos + 1:]
    expr = compile_or_error(source, env)
    if expr is not None:
        evaluate_or_error(expr)


@SETTINGS
@given(st.sampled_from(VALID), st.dictionaries(
    st.sampled_from(["item", "actor", "event", "now"]),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5)
                 | st.floats(allow_nan=False),
                 lambda kids: st.lists(kids, max_size=3)
                 | st.dictionaries(st.sampled_from(NAMES), kids, max_size=3),
                 max_leaves=8)))
def test_any_activation_evaluates_or_raises_evaluation_error(
        env: dict[str, Any], source: str, activation: dict[str, Any]) -> None:
    expr = compile_expression(source, env)
    try:
        expr.evaluate(activation)
    except CelEvaluationError as err:
        assert err.detail
