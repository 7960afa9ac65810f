"""Evaluation plans: which flattened variables an expression reads, and how each
Python value is prepared for the binding (the conversion table in the package doc).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from duban.policy.cel.tokenizer import _Chain
from duban.policy.cel.types import _Schema

_MISSING: Any = object()

# --------------------------------------------------------------------------------------
# Evaluation plan: which flattened variables to bind, and how to prepare each value
# --------------------------------------------------------------------------------------

_Prep = Callable[[Any], Any]


def _aware(v: Any) -> Any:
    if isinstance(v, datetime) and v.utcoffset() is None:
        raise ValueError("时间没有时区（naive datetime）/ a timestamp must be timezone-aware")
    return v


def _prep_for(type_text: str) -> _Prep:
    """How a Python value is readied for a variable of this declared type."""
    if type_text == "string":
        return _prep_string
    zeros = {"int": 0, "uint": 0, "double": 0.0, "bool": False, "bytes": b""}
    if type_text in zeros:
        zero = zeros[type_text]
        return lambda v: zero if v is None else v
    if type_text in ("timestamp", "duration"):
        return lambda v: _MISSING if v is None else _aware(v)
    if type_text == "dyn":
        return lambda v: list(v) if type(v) is tuple else v
    if type_text.startswith("list"):
        return _prep_list(type_text)
    return _prep_map  # map, map<K, V>


def _prep_string(v: Any) -> Any:
    if v is None:
        return ""
    if type(v) is str and "\x00" in v:
        raise ValueError("字符串含 NUL 字符 / a string contains a NUL character")
    return v


def _prep_list(type_text: str) -> _Prep:
    elem = _prep_for(type_text[5:-1]) if type_text.startswith("list<") else None
    needs_elem = elem is not None and "timestamp" in type_text

    def prep_list(v: Any) -> Any:
        if v is None:
            return []
        if type(v) is tuple:
            v = list(v)
        if needs_elem and isinstance(v, list) and elem is not None:
            v = [elem(x) for x in v]
        return v
    return prep_list


def _prep_map(v: Any) -> Any:
    if v is None:
        return {}
    if type(v) is not dict and isinstance(v, Mapping):
        return dict(v)
    return v


class _Binding(NamedTuple):
    name: str                # flattened checker variable, e.g. "item.urgency"
    path: tuple[str, ...]    # where it lives in the nested activation
    prep: _Prep


def _plan(chains: list[_Chain], schema: _Schema) -> tuple[_Binding, ...]:
    """The declared fields an expression names. It may over-approximate (a comprehension
    variable that shadows a top-level name); binding a field too many is harmless."""
    seen: dict[tuple[str, ...], _Binding] = {}
    for ch in chains:
        names = ch.names[:-1] if ch.call is not None else ch.names
        for k in range(len(names), 0, -1):
            path = names[:k]
            if path in schema.leaves:
                if path not in seen:
                    seen[path] = _Binding(".".join(path), path,
                                          _prep_for(schema.leaves[path]))
                break
    return tuple(seen[p] for p in sorted(seen))
