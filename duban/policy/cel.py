"""CEL conditions (guards) for policies: compiled and type-checked when the policy loads.

Why CEL and not Python: a policy is written by an implementer, not a programmer we trust,
so its conditions must not reach Python (no attribute access, no imports, no loops that
never end). CEL (Common Expression Language, the one Kubernetes and Kyverno use) is small,
total and side-effect free. Why this one module: the binding is an implementation detail;
the loader and the engine see only :func:`compile_expression`, :class:`Expression`,
:class:`CelCompileError` and :class:`CelEvaluationError`, so the binding can be swapped.

The binding is ``cel-expr-python`` (the CEL team's wrapper of the official C++
implementation). It has a real type checker: an unknown name, a misspelt field or
``item.extensions_granted == "2"`` is a compile error with its line and column.

How the declared environment is checked. The environment maps top-level names to a *type
schema*: either a type name (``int``, ``uint``, ``double``, ``string``, ``bool``,
``bytes``, ``timestamp``, ``duration``, ``dyn``, ``list``, ``map``, ``list<T>``,
``map<K, V>``) or a dict of field name -> type schema (an object such as ``item``).
Objects are flattened: ``item.urgency`` is declared to the checker as one variable named
``item.urgency`` of type ``string`` (CEL resolves qualified names that way), so every
field reference is checked by name *and* type. At evaluation the nested Python dicts are
flattened the same way, only for the fields the expression names.

Python -> CEL at evaluation (per declared type):

=================  ===========================================  =========================
declared type      Python value accepted                        ``None`` (no value) reads
=================  ===========================================  =========================
string             ``str`` (no NUL characters)                  ``""``
int / uint         ``int`` (a ``bool`` passes as 0 or 1)          ``0``
double             ``float`` or ``int``                         ``0.0``
bool               ``bool``                                     ``false``
bytes              ``bytes``                                    ``b""``
timestamp          tz-aware ``datetime`` (naive is refused)     no value: using it fails
duration           ``timedelta``                                no value: using it fails
list / list<T>     ``list`` or ``tuple``                        ``[]``
map / map<K, V>    ``dict`` (or any Mapping)                    ``{}``
dyn                str/int/float/bool/None/list/dict            ``null``
=================  ===========================================  =========================

A field *missing* from the input (as opposed to ``None``) is not bound; an expression that
uses it fails with :class:`CelEvaluationError` naming the field, so an engine that forgets
to pass a field finds out. CEL -> Python results: bool, int (also for uint), float, str,
bytes, list, dict, ``datetime`` (tz-aware, normalised to UTC: the same instant, so it
compares equal to what went in), ``timedelta``, ``None``; a CEL type value becomes its
name (``"int"``).

Limits (each pinned by a test in tests/cel/): ``has()`` cannot test a declared field (declared fields
always have a value; test ``item.lead != ""``), but works on ``map``/``dyn`` values; a
whole object (``item``) cannot be used as a value, only its fields; objects inside lists
are not declared, so their fields are unchecked (use ``list``/``dyn``); ``dyn`` values
must not contain ``datetime``/``timedelta`` (the binding converts those only where the
declared type says ``timestamp``/``duration``); nesting depth is limited to 32 (a chain
of 33 ``+`` counts as nesting, ``&&``/``||`` chains do not); there is no ``now()``: the
clock is never read, pass ``now`` as a variable.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from cel_expr_python import cel as _cel

__all__ = ["CelCompileError", "CelEvaluationError", "Expression", "compile_expression"]

_T = _cel.Type
_SCALARS: dict[str, Any] = {
    "int": _T.INT, "uint": _T.UINT, "double": _T.DOUBLE, "string": _T.STRING,
    "bool": _T.BOOL, "bytes": _T.BYTES, "timestamp": _T.TIMESTAMP,
    "duration": _T.DURATION, "dyn": _T.DYN, "list": _T.LIST, "map": _T.MAP,
}
_MAP_KEYS = frozenset({"string", "int", "uint", "bool", "dyn"})
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# CEL reserved words can never be reached with dot syntax, so they cannot be field names.
_RESERVED = frozenset({
    "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for",
    "function", "if", "import", "let", "loop", "package", "namespace", "return", "var",
    "void", "while",
})
# Standard functions and macros, for "did you mean" on an unknown function.
_FUNCTIONS = (
    "size", "contains", "startsWith", "endsWith", "matches", "has", "all", "exists",
    "exists_one", "map", "filter", "int", "uint", "double", "string", "bytes", "bool",
    "timestamp", "duration", "dyn", "type", "getFullYear", "getMonth", "getDate",
    "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getHours", "getMinutes",
    "getSeconds", "getMilliseconds",
)
_MISSING: Any = object()


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


class CelCompileError(Exception):
    """An expression does not compile or type-check against the declared variables.

    Attributes:
        message: what is wrong, Chinese first, English after.
        column: 1-based column (in characters) of the mistake within its line of the
            expression text; for a one-line expression, the column within the text.
        line: 1-based line within the expression text (expressions may span lines).
        hint: what to write instead (a "did you mean"), if there is one.
        others: further mistakes in the same expression, in source order.
    """

    def __init__(self, message: str, column: int, hint: str | None = None, *,
                 line: int = 1, others: tuple[CelCompileError, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.line = line
        self.hint = hint
        self.others = others

    def __str__(self) -> str:
        text = f"{self.line}:{self.column}: {self.message}"
        return f"{text}\n  提示 hint: {self.hint}" if self.hint else text

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_compile_error,
                (self.message, self.column, self.hint, self.line, self.others))


def _rebuild_compile_error(message: str, column: int, hint: str | None, line: int,
                           others: tuple[CelCompileError, ...]) -> CelCompileError:
    return CelCompileError(message, column, hint, line=line, others=others)


class CelEvaluationError(Exception):
    """A compiled expression failed at run time (missing input field, wrong value type,
    division by zero, overflow, no such key in a map …).

    Attributes:
        expression: the expression's source text.
        detail: what went wrong, Chinese first, English after.
    """

    def __init__(self, expression: str, detail: str) -> None:
        super().__init__(f"表达式 `{expression}` 求值失败：{detail}")
        self.expression = expression
        self.detail = detail

    def __reduce__(self) -> tuple[Any, ...]:
        return (CelEvaluationError, (self.expression, self.detail))


# --------------------------------------------------------------------------------------
# The declared environment
# --------------------------------------------------------------------------------------


class _Decl(NamedTuple):
    """One checker variable: ``item.urgency`` with its canonical type text ``string``."""

    name: str
    type: str


@functools.lru_cache(maxsize=256)
def _parse_type(text: str) -> str:
    """Canonical form of a type name (``list<string>``, ``map<string, dyn>``)."""
    t = text.strip()
    if t in _SCALARS:
        return t
    m = re.fullmatch(r"(list|map)\s*<(.*)>", t, re.DOTALL)
    if m:
        args = _split_args(m.group(2))
        if m.group(1) == "list" and len(args) == 1:
            return f"list<{_parse_type(args[0])}>"
        if m.group(1) == "map" and len(args) == 2:
            key = _parse_type(args[0])
            if key not in _MAP_KEYS:
                raise ValueError(f"map key type must be one of {sorted(_MAP_KEYS)}: {text!r}")
            return f"map<{key}, {_parse_type(args[1])}>"
    raise ValueError(
        f"unknown CEL type {text!r}; expected one of {sorted(_SCALARS)}, list<T> or map<K, V>")


def _split_args(text: str) -> list[str]:
    """Split ``a, map<b, c>`` at top-level commas."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "<") - (ch == ">")
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _cel_type(text: str) -> Any:
    """The binding's type object for a canonical type text."""
    if text in _SCALARS:
        return _SCALARS[text]
    head, inner = text.split("<", 1)
    args = _split_args(inner[:-1])
    if head == "list":
        return _T.List(_cel_type(args[0].strip()))
    return _T.Map(_cel_type(args[0].strip()), _cel_type(args[1].strip()))


def _flatten_env(env: Mapping[str, Any]) -> tuple[_Decl, ...]:
    """Flatten the nested type schema into checker variables, validating it."""
    if not isinstance(env, Mapping) or not env:
        raise ValueError("the CEL environment must be a non-empty mapping of variables")
    out: list[_Decl] = []

    def walk(prefix: str, schema: Any) -> None:
        if isinstance(schema, str):
            out.append(_Decl(prefix, _parse_type(schema)))
            return
        if not isinstance(schema, Mapping) or not schema:
            raise ValueError(f"type schema of {prefix!r} must be a type name or a non-empty "
                             f"mapping of fields, not {schema!r}")
        for key, sub in schema.items():
            _check_name(key, prefix)
            walk(f"{prefix}.{key}", sub)

    for name, schema in env.items():
        _check_name(name, "")
        walk(name, schema)
    return tuple(sorted(out))


def _check_name(name: Any, prefix: str) -> None:
    if not (isinstance(name, str) and _usable_name(name)):
        where = f" in {prefix!r}" if prefix else ""
        raise ValueError(f"{name!r}{where} is not a usable CEL identifier")


@functools.lru_cache(maxsize=1024)
def _usable_name(name: str) -> bool:
    return bool(_IDENT.match(name)) and name not in _RESERVED


@functools.lru_cache(maxsize=32)
def _cel_env(decls: tuple[_Decl, ...]) -> Any:
    """One binding environment per distinct declaration set (creating one costs ~0.1 ms).

    The binding reports a name clash with a built-in (a variable called ``int``) only at
    the first compile, so a trivial compile here turns it into a ValueError up front.
    """
    env = _cel.NewEnv(variables={d.name: _cel_type(d.type) for d in decls})
    try:
        env.compile("true")
    except Exception as exc:
        raise ValueError(f"the CEL environment is not usable: {_strip_status(str(exc))}") \
            from None
    return env


class _Schema:
    """Lookups over the declared environment for error messages and the binding plan."""

    def __init__(self, decls: tuple[_Decl, ...]) -> None:
        self.leaves: dict[tuple[str, ...], str] = {
            tuple(d.name.split(".")): d.type for d in decls}
        self.objects: dict[tuple[str, ...], list[str]] = {}
        for path in self.leaves:
            for i in range(len(path)):
                kids = self.objects.setdefault(path[:i], [])
                if path[i] not in kids:
                    kids.append(path[i])
        for kids in self.objects.values():
            kids.sort()

    def fields(self, path: tuple[str, ...]) -> list[str]:
        return self.objects.get(path, [])


# --------------------------------------------------------------------------------------
# A small CEL lexer: finds identifier chains (a.b.c) outside string literals and comments.
# It never fails: on text that is not valid CEL it still returns some tokens, and only the
# has() check (a best effort) runs before the binding has parsed the text.
# --------------------------------------------------------------------------------------

# Whitespace and comments are swallowed (possessively) in front of each token, so one
# match is one token; a match without a token is trailing whitespace or a comment.
_TOKEN = re.compile(r"""
    (?:\s|//[^\n]*+)*+
    (?:
      (?P<lit>
          [bB]?[rR][bB]?(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"[^"\n]*"|'[^'\n]*')
        | [bB]?(?:\"\"\"(?:\\[\s\S]|[^\\])*?\"\"\"|'''(?:\\[\s\S]|[^\\])*?'''
                 |"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')
        | 0[xX][0-9a-fA-F]+[uU]?|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[uU]?|\.\d+(?:[eE][+-]?\d+)?
      )
    | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    | `(?P<quoted>[^`\n]*)`
    | (?P<punct>\S)
    )?
""", re.VERBOSE)


class _Tok(NamedTuple):
    kind: str  # "ident", "lit" (string/number), "punct"
    text: str  # identifier name (backticks removed) or the punctuation character
    pos: int   # offset in the source


def _tokens(src: str) -> list[_Tok]:
    out: list[_Tok] = []
    for m in _TOKEN.finditer(src):
        kind = m.lastgroup
        if kind is None:  # trailing whitespace or comment
            continue
        if kind == "quoted":
            out.append(_Tok("ident", m.group(kind), m.start(kind) - 1))
        else:
            out.append(_Tok(kind, "" if kind == "lit" else m.group(kind), m.start(kind)))
    return out


class _Chain(NamedTuple):
    """``a.b.c`` as written: names, their offsets, and the '(' offset if it is a call."""

    names: tuple[str, ...]
    offsets: tuple[int, ...]
    call: int | None


def _chains(toks: list[_Tok]) -> Iterator[tuple[int, _Chain]]:
    """Yield (index of first token, chain) for every name chain that is not a member of a
    larger expression (``f().x`` is not a chain; ``.x.y``, a root-scoped name, is)."""
    i = 0
    while i < len(toks):
        t = toks[i]
        prev = toks[i - 1] if i else None
        is_member = (prev is not None and prev.text == "." and prev.kind == "punct"
                     and i >= 2 and (toks[i - 2].kind in ("ident", "lit")
                                     or toks[i - 2].text in ")]}"))
        if t.kind != "ident" or is_member:
            i += 1
            continue
        names, offsets, j = [t.text], [t.pos], i + 1
        while (j + 1 < len(toks) and toks[j].text == "." and toks[j].kind == "punct"
               and toks[j + 1].kind == "ident"):
            names.append(toks[j + 1].text)
            offsets.append(toks[j + 1].pos)
            j += 2
        call = toks[j].pos if j < len(toks) and toks[j].text == "(" else None
        yield i, _Chain(tuple(names), tuple(offsets), call)
        i = j


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
        def prep_string(v: Any) -> Any:
            if v is None:
                return ""
            if type(v) is str and "\x00" in v:
                raise ValueError("字符串含 NUL 字符 / a string contains a NUL character")
            return v
        return prep_string
    zeros = {"int": 0, "uint": 0, "double": 0.0, "bool": False, "bytes": b""}
    if type_text in zeros:
        zero = zeros[type_text]
        return lambda v: zero if v is None else v
    if type_text in ("timestamp", "duration"):
        return lambda v: _MISSING if v is None else _aware(v)
    if type_text == "dyn":
        return lambda v: list(v) if type(v) is tuple else v
    if type_text.startswith("list"):
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

    def prep_map(v: Any) -> Any:  # map, map<K, V>
        if v is None:
            return {}
        if type(v) is not dict and isinstance(v, Mapping):
            return dict(v)
        return v
    return prep_map


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


def _has_hint(dotted: str, type_text: str | None) -> str | None:
    zero = {"string": '""', "int": "0", "uint": "0u", "double": "0.0", "bool": "false",
            "bytes": 'b""'}.get(type_text or "")
    if zero:
        return f"写 {dotted} != {zero} / write {dotted} != {zero}"
    if type_text and type_text.startswith("list"):
        return f"写 size({dotted}) > 0 / write size({dotted}) > 0"
    return None


def _line_col(source: str, offset: int) -> tuple[int, int]:
    line = source.count("\n", 0, offset) + 1
    return line, offset - (source.rfind("\n", 0, offset) + 1) + 1


def _offset(source: str, line: int, col: int) -> int:
    start = 0
    for _ in range(line - 1):
        nl = source.find("\n", start)
        if nl < 0:
            break
        start = nl + 1
    return start + col - 1


def _strip_status(text: str) -> str:
    """Drop the binding's ``INVALID_ARGUMENT: `` prefix and `` [INVALID_ARGUMENT]`` tail."""
    text = re.sub(r"^[A-Z_]+: ", "", text.strip())
    return re.sub(r"\s*\[[A-Z_]+\]$", "", text)


# Each error of the binding starts a line "ERROR: <input>:L:C: message" (the first one
# after a status prefix); echoed source lines start with " | ", so they cannot fake one.
_ERROR_LINE = re.compile(r"^(?:[A-Z_]+: )?ERROR: <input>:(-?\d+):(-?\d+): (.*)$", re.MULTILINE)


def _compile_error(source: str, raw: str, schema: _Schema) -> CelCompileError:
    found = [(int(m.group(1)), int(m.group(2)), _strip_status(m.group(3)))
             for m in _ERROR_LINE.finditer(raw)]
    if not found:
        found = [(1, 1, _strip_status(raw))]
    errors = [_translate(source, line, col, msg, schema) for line, col, msg in found]
    unique: list[CelCompileError] = []
    for e in errors:
        if not any((u.line, u.column, u.message) == (e.line, e.column, e.message)
                   for u in unique):
            unique.append(e)
    first = unique[0]
    first.others = tuple(unique[1:])
    return first


_OPERATORS = {
    "_==_": "==", "_!=_": "!=", "_<_": "<", "_<=_": "<=", "_>_": ">", "_>=_": ">=",
    "_+_": "+", "_-_": "-", "_*_": "*", "_/_": "/", "_%_": "%", "_&&_": "&&",
    "_||_": "||", "!_": "!", "-_": "-", "@in": "in", "_[_]": "[]", "_?_:_": "?:",
}


def _translate(source: str, line: int, col: int, msg: str,
               schema: _Schema) -> CelCompileError:
    """One binding error -> a Chinese-first :class:`CelCompileError`."""
    msg = msg.replace("google.protobuf.Timestamp", "timestamp").replace(
        "google.protobuf.Duration", "duration")
    if line < 1 or col < 1:
        line, col = 1, 1
    m = re.match(r"undeclared reference to '([^']*)'", msg)
    if m:
        return _unknown_reference(source, line, col, m.group(1), schema)
    m = re.match(r"found no matching overload for '([^']*)' applied to '\((.*)\)'", msg)
    if m:
        op = _OPERATORS.get(m.group(1), m.group(1))
        args = m.group(2)
        hint = ("已声明类型的字段不会是 null；没有值时读作零值（\"\"、0、false、[]）/ a declared "
                "field is never null; no value reads as \"\", 0, false or []"
                if "null_type" in args else
                "两边类型要一致：字符串加引号、数字不加；int 与 double 不能直接比较，可写 "
                "double(x) / both sides must have the same type: quote strings, not numbers; "
                "convert int to double with double(x)")
        return CelCompileError(
            f"类型不匹配：'{op}' 不能用于 ({args}) / type mismatch: no matching overload "
            f"for '{op}' applied to ({args})", col, hint, line=line)
    m = re.match(r"expression of type '([^']*)' cannot be the operand of a select", msg)
    if m:
        return CelCompileError(
            f"{m.group(1)} 类型的值没有字段 / a value of type {m.group(1)} has no fields",
            col, None, line=line)
    if msg.startswith("Syntax error"):
        detail = msg.split(":", 1)[1].strip() if ":" in msg else msg
        return CelCompileError(f"语法错误 / syntax error: {detail}", col, None, line=line)
    if "recursion" in msg.lower():
        return CelCompileError(
            "表达式嵌套过深（最多 32 层）/ the expression is nested too deeply (limit 32)",
            col, "拆成几个条件，或用 && / || 连接 / split it, or join parts with && and ||",
            line=line)
    if "exceeds codepoint limit" in msg:
        return CelCompileError("表达式过长 / the expression is too long", col, None, line=line)
    return CelCompileError(f"CEL 编译错误 / CEL compile error: {msg}", col, None, line=line)


def _unknown_reference(source: str, line: int, col: int, ref: str,
                       schema: _Schema) -> CelCompileError:
    """An undeclared name: unknown variable, misspelt field, whole object, or function."""
    where = _offset(source, line, col)
    parts = tuple(ref.lstrip(".").split("."))
    chains = [c for _, c in _chains(_tokens(source))]
    func = next((c for c in chains if c.call == where and c.names[-1] == parts[-1]), None)
    if func is not None or (len(parts) == 1 and _followed_by_paren(source, where)):
        name = parts[-1]
        pos = func.offsets[-1] if func is not None else where
        line, col = _line_col(source, pos)
        hint = _did_you_mean(name, _FUNCTIONS, cutoff=0.6)
        if name == "now" and ("now",) in schema.leaves:
            hint = ("CEL 不读时钟；“现在”是变量 now，不要加括号 / CEL never reads the clock: "
                    "'now' is a variable, write it without ()")
        return CelCompileError(f"未知函数 '{name}' / unknown function '{name}'", col, hint,
                               line=line)
    chain = _chain_at(chains, parts, where)
    top = sorted(schema.fields(()))
    if parts[0] not in top:
        pos = chain.offsets[0] if chain else where
        line, col = _line_col(source, pos)
        return CelCompileError(
            f"未知变量 '{parts[0]}'；可用变量：{', '.join(top)} / unknown variable "
            f"'{parts[0]}'; available: {', '.join(top)}",
            col, _did_you_mean(parts[0], top), line=line)
    for k in range(1, len(parts) + 1):
        path = parts[:k]
        if path in schema.leaves:  # not expected from the checker; say it plainly
            return CelCompileError(f"未知名称 '{ref}' / undeclared reference '{ref}'",
                                   col, None, line=line)
        if path not in schema.objects:
            owner = ".".join(path[:-1])
            fields = schema.fields(path[:-1])
            pos = chain.offsets[k - 1] if chain and len(chain.offsets) >= k else where
            line, col = _line_col(source, pos)
            close = difflib.get_close_matches(path[-1], fields, n=1, cutoff=0.5)
            hint = (f"是不是要写 '{owner}.{close[0]}'？/ did you mean '{owner}.{close[0]}'?"
                    if close else None)
            return CelCompileError(
                f"未知字段 '{'.'.join(path)}'；{owner} 的字段有：{', '.join(fields)} / "
                f"unknown field '{'.'.join(path)}'; {owner} has fields: {', '.join(fields)}",
                col, hint, line=line)
    dotted = ".".join(parts)  # every part is an object: the object itself was used
    fields = schema.fields(parts)
    pos = chain.offsets[0] if chain else where
    line, col = _line_col(source, pos)
    example = f"{dotted}.{fields[0]}" if fields else dotted
    return CelCompileError(
        f"'{dotted}' 是对象，不能整体使用，只能用它的字段：{', '.join(fields)} / '{dotted}' "
        f"is an object and cannot be used as a value; use one of its fields: "
        f"{', '.join(fields)}",
        col, f"例如 {example} / e.g. {example}", line=line)


def _followed_by_paren(source: str, where: int) -> bool:
    return 0 <= where < len(source) and source[where] == "("


def _chain_at(chains: list[_Chain], parts: tuple[str, ...], where: int) -> _Chain | None:
    """The written chain the binding's error points into (it points at the last '.')."""
    best = None
    for c in chains:
        if c.names[: len(parts)] != parts:
            continue
        end = c.offsets[len(parts) - 1] + len(parts[-1])
        if c.offsets[0] <= where <= end:
            return c
        best = best or c
    return best


def _did_you_mean(word: str, choices: Any, cutoff: float = 0.5) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"是不是要写 '{close[0]}'？/ did you mean '{close[0]}'?" if close else None
