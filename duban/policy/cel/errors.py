"""Errors of CEL conditions, and the binding's messages told in an author's words.

The binding reports ``ERROR: <input>:L:C: …`` in English with C++ type names; each becomes a
:class:`CelCompileError` (Chinese first, English after) with line, column and a hint.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any

from duban.policy.cel.tokenizer import _chains, _tokens

if TYPE_CHECKING:
    from duban.policy.cel.tokenizer import _Chain
    from duban.policy.cel.types import _Schema

_FUNCTIONS = (
    "size", "contains", "startsWith", "endsWith", "matches", "has", "all", "exists",
    "exists_one", "map", "filter", "int", "uint", "double", "string", "bytes", "bool",
    "timestamp", "duration", "dyn", "type", "getFullYear", "getMonth", "getDate",
    "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getHours", "getMinutes",
    "getSeconds", "getMilliseconds",
)

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
