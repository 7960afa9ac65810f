"""Evaluation: Python values in, Python values out, deterministically, never reaching Python.

Why: guards run on every action, so their meaning must not depend on the machine (time
zone, clock) and a bad input must be a :class:`CelEvaluationError` naming the expression,
never a crash or a silently wrong answer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pendulum
import pytest

from duban.policy.cel import CelEvaluationError, compile_expression

CST = timezone(timedelta(hours=8))
NOW = datetime(2024, 3, 1, 9, 0, tzinfo=CST)


def ev(source: str, env: dict[str, Any], **activation: Any) -> Any:
    return compile_expression(source, env).evaluate(activation)


def failure(source: str, env: dict[str, Any], **activation: Any) -> CelEvaluationError:
    expr = compile_expression(source, env)
    with pytest.raises(CelEvaluationError) as info:
        expr.evaluate(activation)
    assert info.value.expression == source
    assert f"`{source}`" in str(info.value)  # the message names the expression
    return info.value


# -- the guard of the brief, and friends -------------------------------------------------


@pytest.mark.parametrize(("urgency", "granted", "expected"), [
    ("紧急", 0, True), ("紧急", 1, True), ("紧急", 2, False), ("一般", 0, False),
])
def test_chinese_string_compare_and_int(urgency: str, granted: int, expected: bool,
                                        env: dict[str, Any]) -> None:
    item = {"urgency": urgency, "extensions_granted": granted, "title": "不相关"}
    assert ev('item.urgency == "紧急" && item.extensions_granted < 2', env,
              item=item) is expected


def test_int_arithmetic(env: dict[str, Any]) -> None:
    item = {"extensions_granted": 2, "returns": 3}
    assert ev("item.extensions_granted + item.returns * 2 - 1", env, item=item) == 7
    assert ev("item.returns / 2", env, item=item) == 1
    assert ev("item.returns % 2", env, item=item) == 1
    assert ev("-item.returns", env, item=item) == -3


def test_double_arithmetic(env: dict[str, Any]) -> None:
    assert ev("item.score * 0.5", env, item={"score": 3.0}) == 1.5
    assert ev("double(item.returns) / 2.0", env, item={"returns": 3}) == 1.5


@pytest.mark.parametrize(("roles", "expected"), [
    (["督查室", "承办人"], True), (("督查室",), True), ([], False), (None, False),
])
def test_in_on_lists(roles: Any, expected: bool, env: dict[str, Any]) -> None:
    assert ev('"督查室" in actor.roles', env, actor={"roles": roles}) is expected


def test_size(env: dict[str, Any]) -> None:
    item = {"assist": ["财务部", "人事部"], "title": "关于督办"}
    assert ev("size(item.assist)", env, item=item) == 2
    assert ev("size(item.title)", env, item=item) == 4  # characters, not bytes
    assert ev("item.title.size()", env, item=item) == 4


def test_comprehensions(env: dict[str, Any]) -> None:
    item = {"assist": ["财务部", "人事部"]}
    assert ev('item.assist.exists(d, d == "财务部")', env, item=item) is True
    assert ev('item.assist.all(d, d.endsWith("部"))', env, item=item) is True
    assert ev("item.assist.filter(d, d != '财务部')", env, item=item) == ["人事部"]
    assert ev("[1, 2].map(item, item * 2)", env) == [2, 4]


def test_string_functions(env: dict[str, Any]) -> None:
    item = {"title": "关于加快督办的通知"}
    assert ev('item.title.startsWith("关于")', env, item=item) is True
    assert ev('item.title.contains("督办")', env, item=item) is True
    assert ev('item.title.matches("^关于.*通知$")', env, item=item) is True


def test_has_on_map_and_dyn_values(env: dict[str, Any]) -> None:
    event = {"extra": {"reason": "x"}, "payload": {"a": 1}}
    assert ev("has(event.extra.reason)", env, event=event) is True
    assert ev("has(event.extra.other)", env, event=event) is False
    assert ev("has(event.payload.a) && event.payload.a == 1", env, event=event) is True


def test_nested_objects(env: dict[str, Any]) -> None:
    event = {"limits": {"days": 5, "per_request": {"第一次": 5, "第二次": 3}}}
    assert ev("event.limits.days >= 3", env, event=event) is True
    assert ev('event.limits.per_request["第二次"]', env, event=event) == 3


# -- time ------------------------------------------------------------------------------


def test_timestamps_compare_across_time_zones(env: dict[str, Any]) -> None:
    due = datetime(2024, 3, 1, 0, 30, tzinfo=UTC)  # 08:30 in Beijing
    assert ev("item.due < now", env, item={"due": due}, now=NOW) is True
    assert ev("item.due < now", env, item={"due": due + timedelta(hours=1)},
              now=NOW) is False


def test_timestamp_and_duration_arithmetic(env: dict[str, Any]) -> None:
    due = datetime(2024, 2, 28, 9, 0, tzinfo=CST)
    assert ev('now - item.due > duration("24h")', env, item={"due": due}, now=NOW) is True
    assert ev("now - item.due", env, item={"due": due}, now=NOW) == timedelta(days=2)
    assert ev('event.until <= item.due + duration("720h")', env,
              event={"until": NOW}, item={"due": due}) is True
    assert ev("item.paused_for", env, item={"paused_for": timedelta(hours=3)}) == \
        timedelta(hours=3)


def test_timestamps_round_trip_as_the_same_instant(env: dict[str, Any]) -> None:
    out = ev("item.due", env, item={"due": NOW})
    assert out == NOW
    assert out.utcoffset() == timedelta(0)  # normalised to UTC
    assert ev('item.due + duration("1h")', env, item={"due": NOW}) == NOW + timedelta(hours=1)


def test_pendulum_datetimes_are_accepted(env: dict[str, Any]) -> None:
    due = pendulum.datetime(2024, 3, 1, 8, 0, tz="Asia/Shanghai")
    assert ev("item.due < now", env, item={"due": due}, now=NOW) is True


def test_calendar_parts_use_the_named_time_zone(env: dict[str, Any]) -> None:
    assert ev('now.getHours("Asia/Shanghai")', env, now=NOW) == 9
    assert ev("now.getHours()", env, now=NOW) == 1  # UTC unless a zone is named


def test_naive_datetimes_are_refused(env: dict[str, Any]) -> None:
    err = failure("item.due < now", env, item={"due": datetime(2024, 3, 1)}, now=NOW)
    assert "naive" in err.detail and "item.due" in err.detail


def test_no_clock_is_read(env: dict[str, Any]) -> None:
    expr = compile_expression('timestamp("2024-03-01T00:00:00Z") < now', env)
    assert expr.evaluate({"now": NOW}) is True
    assert expr.evaluate({"now": datetime(2000, 1, 1, tzinfo=UTC)}) is False


# -- results -------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "expected"), [
    ("true", True),
    ("1 + 2", 3),
    ("2u", 2),
    ("1.5", 1.5),
    ("'督办'", "督办"),
    ("b'ab'", b"ab"),
    ("null", None),
    ("[1, 'a', [true]]", [1, "a", [True]]),
    ("{'k': [b'x', 1.0]}", {"k": [b"x", 1.0]}),
    ("type(1)", "int"),
    ("duration('90m')", timedelta(minutes=90)),
])
def test_results_are_plain_python(source: str, expected: Any, env: dict[str, Any]) -> None:
    out = ev(source, env)
    assert out == expected
    assert type(out) is type(expected)


def test_dyn_and_map_values_pass_through(env: dict[str, Any]) -> None:
    payload = {"a": [1, 2.5, "x", None, True], "b": {"c": "d"}}
    assert ev("event.payload", env, event={"payload": payload}) == payload
    assert ev("event.extra", env, event={"extra": {"k": 1}}) == {"k": 1}
    assert ev("event.payload == null", env, event={"payload": None}) is True


def test_evaluation_is_repeatable(env: dict[str, Any]) -> None:
    expr = compile_expression('item.urgency == "紧急" && item.extensions_granted < 2', env)
    activation = {"item": {"urgency": "紧急", "extensions_granted": 1}}
    assert {expr.evaluate(activation) for _ in range(200)} == {True}
    assert activation == {"item": {"urgency": "紧急", "extensions_granted": 1}}


# -- no value, missing values, wrong values -----------------------------------------------


@pytest.mark.parametrize(("source", "expected"), [
    ('item.lead == ""', True),
    ("item.returns == 0", True),
    ("item.score == 0.0", True),
    ("item.confidential", False),
    ("size(item.assist) == 0", True),
    ("size(event.extra) == 0", True),
])
def test_none_reads_as_the_zero_value(source: str, expected: Any,
                                      env: dict[str, Any]) -> None:
    item = {"lead": None, "returns": None, "score": None, "confidential": None,
            "assist": None}
    assert ev(source, env, item=item, event={"extra": None}) == expected


def test_a_missing_field_is_an_error_naming_it(env: dict[str, Any]) -> None:
    err = failure('item.urgency == "紧急"', env, item={"kind": "批示件"})
    assert "缺少字段 item.urgency" in err.detail
    err = failure('item.urgency == "紧急"', env)
    assert "item.urgency" in err.detail


def test_a_timestamp_without_value_is_an_error(env: dict[str, Any]) -> None:
    err = failure("item.due < now", env, item={"due": None}, now=NOW)
    assert "item.due 没有值" in err.detail


def test_a_missing_field_not_used_on_this_path_is_fine(env: dict[str, Any]) -> None:
    expr = compile_expression('item.urgency == "紧急" && item.due < now', env)
    assert expr.evaluate({"item": {"urgency": "一般"}}) is False  # && short-circuits


def test_wrong_runtime_type_is_an_error(env: dict[str, Any]) -> None:
    err = failure("item.extensions_granted < 2", env, item={"extensions_granted": "1"})
    assert "item.extensions_granted" in err.detail and "int" in err.detail
    failure("item.due < now", env, item={"due": "2024-03-01"}, now=NOW)
    failure("item.score > 1.0", env, item={"score": "2.0"})
    assert ev("item.score > 1.0", env, item={"score": 2}) is True  # an int is a fine double
    failure("size(item.assist) > 0", env, item={"assist": [1, 2]})


@pytest.mark.parametrize(("source", "activation"), [
    ("item.returns / 0", {"item": {"returns": 1}}),
    ("item.returns + 1", {"item": {"returns": 2**63 - 1}}),
    ("item.returns", {"item": {"returns": 2**70}}),
    ('event.extra["nope"]', {"event": {"extra": {}}}),
    ("event.extra.nope", {"event": {"extra": {"yes": 1}}}),
    ("item.assist[5]", {"item": {"assist": ["a"]}}),
    ('int("三")', {}),
    ("event.payload", {"event": {"payload": {"when": NOW}}}),   # no datetime inside dyn
])
def test_runtime_failures_are_evaluation_errors(source: str, activation: dict[str, Any],
                                                env: dict[str, Any]) -> None:
    failure(source, env, **activation)


def test_no_such_key_is_explained(env: dict[str, Any]) -> None:
    err = failure("event.extra.nope", env, event={"extra": {"yes": 1}})
    assert "nope" in err.detail and "映射中没有键" in err.detail


def test_nul_characters_are_refused_not_truncated(env: dict[str, Any]) -> None:
    err = failure('item.lead == "a"', env, item={"lead": "a\x00b"})
    assert "NUL" in err.detail


# -- Python stays out of reach ---------------------------------------------------------


class Spy:
    """An object whose attributes must never be read by the evaluator."""

    touched: list[str]

    def __init__(self) -> None:
        object.__setattr__(self, "touched", [])

    def __getattribute__(self, name: str) -> Any:
        if name not in ("touched", "__class__", "__dict__"):
            object.__getattribute__(self, "touched").append(name)
        return object.__getattribute__(self, name)

    urgency = "紧急"


def test_python_object_attributes_are_never_read(env: dict[str, Any]) -> None:
    spy = Spy()
    err = failure('item.urgency == "紧急"', env, item=spy)
    assert "item.urgency" in err.detail
    assert "urgency" not in spy.touched


def test_python_objects_in_dyn_values_are_refused(env: dict[str, Any]) -> None:
    failure("event.payload", env, event={"payload": object()})
    failure("event.payload.x", env, event={"payload": {"x": Spy()}})


def test_callables_in_the_activation_are_data_not_functions(env: dict[str, Any]) -> None:
    failure("event.payload", env, event={"payload": print})
