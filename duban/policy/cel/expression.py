"""Compiling a condition against the declared variables, and the compiled
:class:`Expression` that evaluates it (immutable, shared by every item).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from duban.policy.cel.errors import (
    CelCompileError,
    CelEvaluationError,
    _compile_error,
    _has_hint,
    _line_col,
    _strip_status,
)
from duban.policy.cel.plans import _MISSING, _Binding, _plan
from duban.policy.cel.tokenizer import _chains, _Tok, _tokens
from duban.policy.cel.types import _T, _cel_env, _Decl, _flatten_env, _Schema

# --------------------------------------------------------------------------------------
# The compiled expression
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    """A compiled, type-checked CEL expression; immutable and safe to share.

    Made only by :func:`compile_expression`. Two expressions are equal when their source
    and declared environment are; copying returns the same object, and pickling
    recompiles from the source.

    Attributes:
        source: the expression text as written.
        result_type: the checked CEL result type, lower case (``bool``, ``int``,
            ``list<dyn>``, ``dyn`` …); a guard should be ``bool``.
    """

    source: str
    result_type: str
    _decls: tuple[_Decl, ...] = field(repr=False)
    _program: Any = field(repr=False, compare=False)
    _bindings: tuple[_Binding, ...] = field(repr=False, compare=False)

    def evaluate(self, activation: Mapping[str, Any]) -> Any:
        """Evaluate with nested Python values (``{"item": {"urgency": "紧急"}, "now": …}``).

        Only mappings are walked to find a field: attributes of Python objects are never
        read. Raises :class:`CelEvaluationError` on any run-time failure.
        """
        flat: dict[str, Any] = {}
        try:
            for name, path, prep in self._bindings:
                v = activation.get(path[0], _MISSING)
                for seg in path[1:]:
                    if type(v) is dict or isinstance(v, Mapping):
                        v = v.get(seg, _MISSING)
                    else:  # never getattr: a Python object is as good as missing
                        v = _MISSING
                        break
                if v is not _MISSING:
                    v = prep(v)
                    if v is not _MISSING:
                        flat[name] = v
        except ValueError as exc:
            raise CelEvaluationError(self.source, f"{name}: {exc}") from None
        try:
            result = self._program.eval(data=flat)
            value = result.value()  # cheap for scalars; containers hold binding objects
            kind = type(value)
            if kind is bool or kind is int or kind is float or value is None:
                return value
            if kind is str:
                if result.type().name() == "ERROR":
                    raise CelEvaluationError(self.source, self._explain(value, activation))
                return value
            if kind is list or kind is dict:
                value = result.plain_value()
            return _to_python(value)
        except CelEvaluationError:
            raise
        except Exception as exc:  # the binding's own conversion errors
            raise CelEvaluationError(
                self.source, f"求值出错 / evaluation failed: {_strip_status(str(exc))}"
            ) from None

    def _explain(self, raw: str, activation: Mapping[str, Any]) -> str:
        """Chinese-first text for a binding error value."""
        detail = _strip_status(raw)
        m = re.search(r'No value with name "([^"]+)" found in Activation', detail)
        if m:
            name = m.group(1)
            for b in self._bindings:
                if b.name == name and _lookup(activation, b.path) is None:
                    return f"字段 {name} 没有值（None）/ field {name} has no value (None)"
            return f"输入中缺少字段 {name} / the input has no field {name}"
        m = re.search(r"Unexpected value type for '([^']+)': (\w+)\. \(Expected (\w+)\)",
                      detail)
        if m:
            return (f"字段 {m.group(1)} 的值类型不对：应为 {m.group(3).lower()}，"
                    f"实际是 Python {m.group(2)} / field {m.group(1)} should be "
                    f"{m.group(3).lower()}, got Python {m.group(2)}")
        m = re.search(r'Key not found in map : "?(.*?)"?$', detail)
        if m:
            return f"映射中没有键 '{m.group(1)}' / no such key in map: '{m.group(1)}'"
        return f"求值出错 / evaluation failed: {detail}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_expression, (self.source, self._decls))

    def __copy__(self) -> Expression:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Expression:
        return self


def _lookup(activation: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    v: Any = activation
    for seg in path:
        v = v.get(seg, _MISSING) if isinstance(v, Mapping) else _MISSING
    return v


def _to_python(value: Any) -> Any:
    """Make a binding result plain Python (bytearray -> bytes, CEL type -> its name)."""
    if isinstance(value, list):
        return [_to_python(v) for v in value]
    if isinstance(value, dict):
        return {_to_python(k): _to_python(v) for k, v in value.items()}
    if isinstance(value, bytearray):
        return bytes(value)
    if isinstance(value, _T):
        return value.name().lower()
    return value


def _rebuild_expression(source: str, decls: tuple[_Decl, ...]) -> Expression:
    return _compile(source, decls)


# --------------------------------------------------------------------------------------
# Compiling
# --------------------------------------------------------------------------------------


def compile_expression(source: str, env: Mapping[str, Any]) -> Expression:
    """Compile and type-check ``source`` against the declared variables ``env``.

    Raises :class:`CelCompileError` for any mistake in the expression (with line and
    column), and ``ValueError`` if ``env`` itself is malformed (a programming error).
    """
    if not isinstance(source, str):
        raise TypeError(f"a CEL expression must be a str, not {type(source).__name__}")
    return _compile(source, _declarations(env))


# The loader compiles every condition of a policy against the same environment object;
# flattening it each time would cost more than compiling. Keyed by id() and confirmed by
# comparing with a private copy (a C-level dict comparison), so a mutated or recycled
# mapping is flattened afresh.
_ENV_CACHE: dict[int, tuple[Any, tuple[_Decl, ...]]] = {}


def _declarations(env: Mapping[str, Any]) -> tuple[_Decl, ...]:
    hit = _ENV_CACHE.get(id(env))
    if hit is not None and hit[0] == env:
        return hit[1]
    decls = _flatten_env(env)
    if len(_ENV_CACHE) >= 32:
        _ENV_CACHE.clear()
    _ENV_CACHE[id(env)] = (_plain_copy(env), decls)
    return decls


def _plain_copy(schema: Any) -> Any:
    if isinstance(schema, Mapping):
        return {k: _plain_copy(v) for k, v in schema.items()}
    return schema


def _compile(source: str, decls: tuple[_Decl, ...]) -> Expression:
    env = _cel_env(decls)
    schema = _schema(decls)
    bad = re.search(r"[\ud800-\udfff]", source)
    if bad:
        line, col = _line_col(source, bad.start())
        raise CelCompileError("表达式含有无效字符（孤立代理项）/ the expression contains an "
                              "invalid character (a lone surrogate)", col, line=line)
    if not source.strip():
        raise CelCompileError("表达式为空 / the expression is empty", 1)
    toks = _tokens(source)
    # Before the checker: it would resolve has(item.lead) to the field's value and then
    # report a confusing type error further on.
    _check_has(source, toks, schema)
    try:
        program = env.compile(source)
    except Exception as exc:
        raise _compile_error(source, str(exc), schema) from None
    chains = list(_chains(toks))
    return Expression(source, program.return_type().name().lower(), decls, program,
                      _plan([c for _, c in chains], schema))


@functools.lru_cache(maxsize=32)
def _schema(decls: tuple[_Decl, ...]) -> _Schema:
    return _Schema(decls)


def _check_has(source: str, toks: list[_Tok], schema: _Schema) -> None:
    """Refuse ``has(item.lead)``: with flattened fields it would not test presence."""
    for i, ch in _chains(toks):
        if ch.names != ("has",) or ch.call is None:
            continue
        inner = next((c for j, c in _chains(toks[i + 2:]) if j == 0), None)
        if inner is None or inner.call is not None:
            continue
        if inner.names in schema.leaves or inner.names in schema.objects:
            dotted = ".".join(inner.names)
            line, col = _line_col(source, ch.offsets[0])
            raise CelCompileError(
                f"has() 不能用于已声明的字段 '{dotted}'：已声明的字段总有值，没有值时读作"
                f"零值（\"\"、0、false、[]）/ has() cannot test the declared field "
                f"'{dotted}': declared fields always have a value (None reads as \"\", 0, "
                f"false, [])",
                col, _has_hint(dotted, schema.leaves.get(inner.names)), line=line)
