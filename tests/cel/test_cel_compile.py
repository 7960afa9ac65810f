"""Compile-time checks: every mistake in a condition is a load error with its position.

Why these cases: they are the mistakes an implementer makes when writing a guard in YAML
(a misspelt field, a quoted number, ``now()``, ``has()`` on a declared field …); each must
be a :class:`CelCompileError` that says where and what to write instead.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest

from duban.policy.cel import CelCompileError, Expression, compile_expression


def error_of(source: str, env: dict[str, Any]) -> CelCompileError:
    with pytest.raises(CelCompileError) as info:
        compile_expression(source, env)
    return info.value


def col_of(source: str, needle: str) -> int:
    return source.index(needle) + 1


# -- what compiles ---------------------------------------------------------------------


@pytest.mark.parametrize(("source", "result_type"), [
    ('item.urgency == "紧急" && item.extensions_granted < 2', "bool"),
    ("item.extensions_granted + item.returns * 2", "int"),
    ('"督查室" in actor.roles', "bool"),
    ("size(item.assist)", "int"),
    ("item.due < now", "bool"),
    ('now - item.due > duration("24h")', "bool"),
    ("has(event.extra.reason)", "bool"),
    ("event.limits.days >= 3", "bool"),
    ('event.limits.per_request["第一次"] == 5', "bool"),
    ('actor.roles.exists(r, r == "督查室")', "bool"),
    ("item.score * 2.0", "double"),
    ("item.assist", "list<string>"),
    ("item.tags", "list<dyn>"),
    ("event.payload", "dyn"),
    ("[1, 2].map(item, item * 2)", "list<int>"),  # a comprehension variable may shadow
    ('item.title.startsWith("关于") || item.title.contains("督办")', "bool"),
    ('item.urgency == "紧急" // a comment naming item.urgnecy is not code\n', "bool"),
    ('"item.urgnecy" == item.lead', "bool"),  # so is a string literal
    ("item . urgency == 'x'", "bool"),
    (".item.urgency == 'x'", "bool"),
    ('timestamp("2024-01-01T00:00:00+08:00") < now', "bool"),
])
def test_valid_expressions_compile_with_their_type(
        source: str, result_type: str, env: dict[str, Any]) -> None:
    expr = compile_expression(source, env)
    assert isinstance(expr, Expression)
    assert expr.source == source
    assert expr.result_type == result_type


# -- syntax errors -------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "column"), [
    ("item.urgency ==", 16),            # end of input
    ('item.urgency = "紧急"', 14),       # a single '='
    ('item.urgency == "紧急', 17),       # unterminated string
    ("(item.returns > 1", 18),
    ("item.returns > > 1", 16),
])
def test_syntax_error_has_its_column(source: str, column: int, env: dict[str, Any]) -> None:
    err = error_of(source, env)
    assert err.column == column
    assert err.line == 1
    assert err.message.startswith("语法错误 / syntax error: ")


def test_error_position_on_a_later_line(env: dict[str, Any]) -> None:
    source = 'item.urgency == "紧急" &&\n    item.extnsions_granted < 2'
    err = error_of(source, env)
    assert (err.line, err.column) == (2, 10)
    assert str(err).startswith("2:10: ")


def test_columns_count_characters_not_bytes(env: dict[str, Any]) -> None:
    source = '"特急紧急" == item.urgnecy'
    assert error_of(source, env).column == col_of(source, "urgnecy")


# -- unknown names -------------------------------------------------------------------------


def test_misspelt_field_names_the_field_and_suggests(env: dict[str, Any]) -> None:
    source = 'item.urgnecy == "紧急" && item.extensions_granted < 2'
    err = error_of(source, env)
    assert err.column == 6
    assert err.message.startswith("未知字段 'item.urgnecy'")
    assert "unknown field 'item.urgnecy'" in err.message
    assert "urgency" in err.message  # the available fields are listed
    assert err.hint is not None and "'item.urgency'" in err.hint


@pytest.mark.parametrize(("source", "bad", "suggestion"), [
    ("actor.rolse", "rolse", "actor.roles"),
    ("event.untill < now", "untill", "event.until"),
    ("event.limits.dayz > 1", "dayz", "event.limits.days"),
    ("item . urgnecy == 'x'", "urgnecy", "item.urgency"),
    ("size(item.asist) > 0", "asist", "item.assist"),
    ("item.asist.exists(d, d == 'x')", "asist", "item.assist"),
])
def test_misspelt_nested_field(source: str, bad: str, suggestion: str,
                               env: dict[str, Any]) -> None:
    err = error_of(source, env)
    assert err.column == col_of(source, bad)
    assert "未知字段" in err.message
    assert err.hint is not None and f"'{suggestion}'" in err.hint


def test_unknown_variable_suggests_the_declared_one(env: dict[str, Any]) -> None:
    err = error_of('itme.urgency == "紧急"', env)
    assert err.column == 1
    assert err.message.startswith("未知变量 'itme'")
    assert "actor, event, item, now" in err.message
    assert err.hint is not None and "'item'" in err.hint


def test_unknown_variable_without_a_close_match_has_no_hint(env: dict[str, Any]) -> None:
    err = error_of("zzzz > 1", env)
    assert err.hint is None
    assert err.column == 1


def test_a_whole_object_cannot_be_used(env: dict[str, Any]) -> None:
    err = error_of("item == {}", env)
    assert err.column == 1
    assert "是对象" in err.message and "urgency" in err.message
    err = error_of('item["urgency"] == "紧急"', env)
    assert "是对象" in err.message


def test_dunder_names_are_just_unknown_fields(env: dict[str, Any]) -> None:
    err = error_of("item.__class__", env)
    assert "未知字段 'item.__class__'" in err.message
    err = error_of('item.urgency.__class__ == ""', env)
    assert err.message.startswith("string 类型的值没有字段")


def test_select_on_a_scalar_field(env: dict[str, Any]) -> None:
    source = "item.due.year > 2024"
    err = error_of(source, env)
    assert err.message.startswith("timestamp 类型的值没有字段")
    assert err.column == col_of(source, ".year")


def test_several_mistakes_are_all_reported(env: dict[str, Any]) -> None:
    source = 'item.urgnecy == "x" && actor.rolse == []'
    err = error_of(source, env)
    assert err.column == col_of(source, "urgnecy")
    assert [o.column for o in err.others] == [col_of(source, "rolse")]


# -- types -----------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "op"), [
    ('item.extensions_granted == "2"', "=="),
    ("item.urgency > 1", ">"),
    ('item.due < "2024-01-01"', "<"),
    ('item.confidential == "否"', "=="),
    ("item.score > 1", ">"),  # double vs int: CEL does not convert silently
    ("item.urgency + 1", "+"),
    ('"紧急" in item.returns', "in"),
])
def test_wrong_type_is_a_compile_error(source: str, op: str, env: dict[str, Any]) -> None:
    err = error_of(source, env)
    assert err.message.startswith(f"类型不匹配：'{op}'")
    assert err.column == col_of(source, f" {op} ") + 1
    assert err.hint is not None


def test_declared_fields_are_never_null(env: dict[str, Any]) -> None:
    err = error_of("item.lead != null", env)
    assert "null" in err.message
    assert err.hint is not None and "零值" in err.hint


def test_dyn_fields_may_be_compared_with_null(env: dict[str, Any]) -> None:
    assert compile_expression("event.payload == null", env).result_type == "bool"


# -- has(), functions, the clock -------------------------------------------------------


@pytest.mark.parametrize(("source", "hint"), [
    ("has(item.lead)", 'item.lead != ""'),
    ("has(item.assist)", "size(item.assist) > 0"),
    ("has(event.limits.days)", "event.limits.days != 0"),
    ("has(item.due) && item.due < now", None),
    ("has(event.limits)", None),
])
def test_has_is_refused_on_declared_fields(source: str, hint: str | None,
                                           env: dict[str, Any]) -> None:
    err = error_of(source, env)
    assert err.column == 1
    assert err.message.startswith("has() 不能用于已声明的字段")
    if hint:
        assert err.hint is not None and hint in err.hint
    else:
        assert err.hint is None


def test_now_is_a_variable_not_a_function(env: dict[str, Any]) -> None:
    err = error_of("item.due < now()", env)
    assert err.message.startswith("未知函数 'now'")
    assert err.column == col_of("item.due < now()", "now")
    assert err.hint is not None and "时钟" in err.hint


def test_unknown_function_suggests_a_standard_one(env: dict[str, Any]) -> None:
    err = error_of("sizee(item.assist) > 0", env)
    assert err.message.startswith("未知函数 'sizee'")
    assert err.hint is not None and "'size'" in err.hint
    source = 'item.title.startWith("关于")'
    err = error_of(source, env)
    assert err.column == col_of(source, "startWith")
    assert err.hint is not None and "'startsWith'" in err.hint


@pytest.mark.parametrize("source", [
    '__import__("os")', "import os", 'exec("1")', "item.urgency.__dict__",
    "open('/etc/passwd')", "lambda: 1", "[x for x in item.assist]",
])
def test_python_is_not_reachable(source: str, env: dict[str, Any]) -> None:
    error_of(source, env)


# -- limits ----------------------------------------------------------------------------


def test_empty_expression(env: dict[str, Any]) -> None:
    assert error_of("  ", env).message.startswith("表达式为空")


def test_deep_nesting_is_refused_not_crashed(env: dict[str, Any]) -> None:
    err = error_of("(" * 200 + "1" + ")" * 200, env)
    assert "嵌套过深" in err.message
    err = error_of(" + ".join(["item.returns"] * 40), env)
    assert "嵌套过深" in err.message


def test_long_and_or_chains_are_fine(env: dict[str, Any]) -> None:
    source = " || ".join(f'item.category == "类别{i}"' for i in range(60))
    assert compile_expression(source, env).result_type == "bool"


def test_huge_expression_is_refused(env: dict[str, Any]) -> None:
    err = error_of("1 + " * 30000 + "1", env)
    assert err.message.startswith("表达式过长")


def test_lone_surrogate_is_a_compile_error(env: dict[str, Any]) -> None:
    err = error_of('item.lead == "a\ud800"', env)
    assert err.column == 16


# -- the environment (a programming error, not a user one) --------------------------------


@pytest.mark.parametrize("bad_env", [
    {},
    {"item": "integer"},
    {"item": {"in": "string"}},
    {"item": {"a-b": "string"}},
    {"item": {}},
    {"item": 3},
    {"int": "int"},           # clashes with the built-in type name
    {"m": "map<double, int>"},
    {"m": "list<string, int>"},
    {1: "int"},
])
def test_malformed_environment_is_a_value_error(bad_env: Any) -> None:
    with pytest.raises(ValueError):
        compile_expression("true", bad_env)


def test_generic_types_are_understood() -> None:
    env = {"m": "map< string , list<timestamp> >", "l": "list<map<string, int>>"}
    assert compile_expression('m["a"]', env).result_type == "list<timestamp>"
    assert compile_expression('l[0]["k"] + 1', env).result_type == "int"


def test_a_changed_environment_is_seen(env: dict[str, Any]) -> None:
    local = {"item": {"a": "int"}}
    compile_expression("item.a > 1", local)
    local["item"]["b"] = "string"
    assert compile_expression('item.b == "x"', local).result_type == "bool"
    local["item"]["a"] = "string"
    error_of("item.a > 1", local)


# -- values ------------------------------------------------------------------------------


def test_expressions_compare_by_source_and_environment(env: dict[str, Any]) -> None:
    a = compile_expression("item.returns > 1", env)
    assert a == compile_expression("item.returns > 1", env)
    assert hash(a) == hash(compile_expression("item.returns > 1", env))
    assert a != compile_expression("item.returns > 2", env)
    assert a != compile_expression("item.returns > 1", {"item": {"returns": "int"}})
    assert "item.returns > 1" in repr(a)


def test_expressions_survive_pickle_and_copy(env: dict[str, Any]) -> None:
    expr = compile_expression('item.urgency == "紧急"', env)
    assert copy.deepcopy(expr) is expr
    again = pickle.loads(pickle.dumps(expr))
    assert again == expr
    assert again.evaluate({"item": {"urgency": "紧急"}}) is True


def test_compile_error_pickles(env: dict[str, Any]) -> None:
    err = error_of("item.urgnecy == 'x' && actor.rolse == []", env)
    again = pickle.loads(pickle.dumps(err))
    assert (again.message, again.column, again.line, again.hint) == (
        err.message, err.column, err.line, err.hint)
    assert len(again.others) == 1


def test_compile_error_str_shows_position_and_hint(env: dict[str, Any]) -> None:
    text = str(error_of("item.urgnecy", env))
    assert text.startswith("1:6: 未知字段")
    assert "提示 hint: 是不是要写 'item.urgency'" in text
