"""Stage 2 of loading: check a document against ``schemas/policy.schema.json``.

Every schema error becomes a :class:`~duban.errors.Problem` with the file:line:column of
the offending value (found through the line marks the strict loader kept), the object by
its id (``At Transition(name='报结') > roles``), the bad value, what was expected and a hint
— in Chinese, then English. All errors are collected; nothing is printed here.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from duban.errors import Problem, clip
from duban.policy.schema_src import DURATION_PATTERN
from duban.policy.yamlsrc import Source

#: What the object at a path is called in messages, by the section it lives in.
_SECTION_NAMES = {
    "transitions": "Transition", "reminders": "Reminder", "penalties": "Penalty",
    "counters": "Counter", "chains": "Chain", "categories": "Category", "states": "State",
    "roles": "Role", "steps": "Step", "people": "Person", "kpis": "KPI",
}
DURATION_HINT = ("可写：2个工作日、7日、7天、48小时、两周、一个月、半个月（或 2 working days、7 days、"
                 "48 hours、2 weeks、1 month）/ accepted: N working days, N days, N hours, "
                 "N weeks, N months")


def schema_path() -> Path:
    """The schema file, whether running from a checkout or an installed package."""
    here = Path(__file__).resolve().parents[2] / "schemas" / "policy.schema.json"
    if here.exists():
        return here
    return Path(str(resources.files("duban") / "schemas" / "policy.schema.json"))


@cache
def load_schema() -> dict[str, Any]:
    with schema_path().open(encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


@cache
def _fast_validator() -> Any:
    """A fastjsonschema-compiled check for the common case (a valid document, ~1 ms);
    only a failing document is re-checked by jsonschema for every located error."""
    import fastjsonschema

    return fastjsonschema.compile(load_schema())


@cache
def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(load_schema(),
                                      format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def context_of(data: Any, path: Sequence[Any]) -> str:
    """``At Transition(name='报结') > roles`` for a path into a policy document."""
    parts: list[str] = []
    node = data
    parent_key: Any = None
    for key in path:
        if isinstance(node, list) and isinstance(key, int) and key < len(node):
            item = node[key]
            kind = _SECTION_NAMES.get(str(parent_key), str(parent_key))
            name = item.get("name") if isinstance(item, dict) else None
            label = f"{kind}(name={clip(str(name))!r})" if name else f"{kind}[{key}]"
            if parts and parts[-1] == str(parent_key):
                parts[-1] = label  # "extra_holidays[1]", not "extra_holidays > extra_holidays[1]"
            else:
                parts.append(label)
            node = item
        elif isinstance(node, dict) and key in node:
            if parent_key in _SECTION_NAMES and not isinstance(node.get(key), list) and \
                    parent_key not in ("steps",):
                parts[-1:] = [f"{_SECTION_NAMES[parent_key]}({clip(str(key))!r})"]
            else:
                parts.append(clip(str(key)))
            node = node[key]
        else:
            parts.append(clip(str(key)))
            node = None
        parent_key = key
    return "At " + " > ".join(parts) if parts else "At 顶层 (top level)"


def _show(value: Any) -> str:
    return clip(json.dumps(value, ensure_ascii=False))


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def _explain(err: ValidationError) -> tuple[str, str | None, str | None, Sequence[Any]]:
    """(message, expected, hint, path) for one jsonschema error, in Chinese then English."""
    v = err.validator
    schema = err.schema if isinstance(err.schema, dict) else {}
    path = list(err.absolute_path)
    title = schema.get("title")
    if v == "additionalProperties":
        props = sorted(schema.get("properties", {}))
        extra = sorted(set(err.instance) - set(props)) if isinstance(err.instance, dict) else []
        key = extra[0] if extra else "?"
        guess = _suggest(key, props)
        hint = f"是不是要写 '{guess}'？/ did you mean '{guess}'?" if guess else \
            "删除该键，或查看 `duban schema` 中的可用键 / remove it, see `duban schema`"
        return (f"不认识的键 '{key}' / unknown key '{key}'", "可用的键: " + ", ".join(props),
                hint, [*path, key])
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return (f"缺少必填项 '{missing}' / '{missing}' is required", None,
                f"在此处加上 `{missing}: ...` / add `{missing}: ...` here", path)
    if v == "enum":
        allowed = [str(x) for x in schema.get("enum", [])]
        guess = _suggest(str(err.instance), allowed)
        enum_hint = f"是不是要写 '{guess}'？/ did you mean '{guess}'?" if guess else None
        return ("取值不在允许范围内 / value is not one of the allowed values"
                + (f" ({title})" if title else ""), ", ".join(allowed), enum_hint, path)
    if v == "pattern" and schema.get("pattern") == DURATION_PATTERN:
        return ("不是有效的时长 / not a valid duration", "时长，如 2个工作日", DURATION_HINT, path)
    if v == "pattern":
        return ("格式不对 / does not match the expected format"
                + (f" ({title})" if title else ""), f"匹配 {schema.get('pattern')}",
                _examples_hint(schema), path)
    if v == "type":
        want = schema.get("type")
        names = {"string": "文字 string", "integer": "整数 integer", "number": "数字 number",
                 "boolean": "true/false", "object": "映射 mapping", "array": "列表 list",
                 "null": "空 null"}
        wants = [names.get(str(t), str(t)) for t in (want if isinstance(want, list) else [want])]
        type_hint: str | None = None
        if want == "boolean" and isinstance(err.instance, str):
            type_hint = "布尔值只能写 true 或 false（yes/no/on/off 不是布尔值）/ write true or false"
        elif want == "string" and isinstance(err.instance, int | float):
            type_hint = "加引号写成文字 / quote it"
        return ("类型不对 / wrong type" + (f" ({title})" if title else ""), " 或 ".join(wants),
                type_hint, path)
    if v == "const":
        return ("取值不对 / wrong value", _show(schema.get("const")), None, path)
    if v in ("minimum", "exclusiveMinimum", "maximum"):
        bound = schema.get(str(v))
        want = {"minimum": f"≥ {bound}", "exclusiveMinimum": f"> {bound}",
                "maximum": f"≤ {bound}"}[str(v)]
        return (f"数值超出范围 / out of range: {err.instance}", want, None, path)
    if v in ("minLength", "minItems"):
        return ("不能为空 / must not be empty", None, None, path)
    if v == "uniqueItems":
        return ("列表中有重复项 / duplicate entries in the list", None, "删除重复项 / remove them", path)
    if v == "format":
        return (f"日期无效 / not a valid {schema.get('format')}", "YYYY-MM-DD（真实存在的日期）",
                "检查月份与日期，如 2026-02-30 不存在 / check the date exists", path)
    return (err.message, None, None, path)


def _examples_hint(schema: dict[str, Any]) -> str | None:
    ex = schema.get("examples")
    return f"例如 / e.g. {_show(ex[0])}" if ex else None


def _leaf(err: ValidationError) -> ValidationError:
    """For anyOf/oneOf, descend into the alternative the author most likely meant: drop
    alternatives that fail on the value's very type (a number written where a list or
    ``unlimited`` was also allowed), then take the deepest remaining error."""
    while err.context:
        by_branch: dict[Any, list[ValidationError]] = {}
        for sub in err.context:
            by_branch.setdefault(sub.schema_path[0] if sub.schema_path else 0, []).append(sub)
        plausible = [errs for errs in by_branch.values()
                     if not any(e.validator in ("type", "const", "enum") and not e.path
                                for e in errs)]
        pool = [e for errs in (plausible or list(by_branch.values())) for e in errs]
        deeper = best_match(pool, key=lambda e: (-len(e.path), *_relevance(e)))
        if deeper is None:
            break
        err = deeper
    return err


def _relevance(e: ValidationError) -> tuple[int, int]:
    weak = e.validator in ("anyOf", "oneOf")
    return (1 if weak else 0, 0)


def _alternatives(err: ValidationError) -> int:
    schema = err.schema if isinstance(err.schema, dict) else {}
    return len(schema.get(str(err.validator), []) or [])


def check(source: Source) -> list[Problem]:
    """Every schema problem in ``source``, located; empty when the document is valid."""
    return check_data(source.data, source)


def check_data(data: Any, source: Source) -> list[Problem]:
    try:
        _fast_validator()(data)
        return []
    except Exception:  # any failure: let jsonschema explain it fully
        pass
    problems: list[Problem] = []
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    for err in errors:
        alternatives = _alternatives(err) if err.validator in ("anyOf", "oneOf") else 0
        leaf = _leaf(err)
        message, expected, hint, path = _explain(leaf)
        if alternatives > 1:
            message += f"（另有 {alternatives - 1} 种写法也不匹配 / {alternatives - 1} other " \
                       "form(s) did not match either)"
        is_key = leaf.validator == "additionalProperties"
        loc = source.locate(path, key=is_key)
        value = None if is_key else _show(leaf.instance)
        code = f"schema.{leaf.validator}"
        problems.append(Problem(code, message, loc, context_of(data, path), value,
                                expected, hint))
    return sorted(problems, key=lambda p: (p.location.line, p.location.column)
                  if p.location else (0, 0))
