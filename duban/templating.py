"""The one sandbox every policy-authored template renders in: notices and documents.

Why one module, low in the stack: a policy's ``documents.templates`` are written by
whoever authors the YAML, so they are untrusted code. The policy compiler checks them when
the policy loads, the notifiers render notices, the reports render forms and 通报 — all
with the same sandbox and the same checks, so no path is weaker than another.

Two walls:

1. **At load** (:func:`notice_offences`, :func:`document_offences`) a template is parsed
   and refused if it reaches for what it must not: attributes that start with ``_`` or
   belong to functions and frames (``''.__class__.__mro__``, ``cycler.__init__.__globals__``),
   a subscript that spells one (``title['__cla'+'ss__']``), ``|attr``, ``.format``, and
   anything whose size is known to run away (``'x' * 10000000000``, ``range(10**9)``).
   Notices are stricter still: text, variables, a short list of filters and ``if``.
2. **At render** (:class:`LimitedSandbox`, :func:`render`) jinja2's
   :class:`~jinja2.sandbox.SandboxedEnvironment` with ``StrictUndefined``, plus limits
   (:class:`Limits`) so that no template can exhaust memory or time: ``*``, ``+``, ``~``
   and every call or filter result are size-checked, ``range`` is bounded, every loop
   iteration counts against a budget, every piece of output counts against the output
   size, and a deadline is checked at each of those steps. A template that crosses a
   limit stops with a :class:`TemplateLimit` naming the limit — never a MemoryError.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import functools
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, meta, nodes, pass_context
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
    SandboxedEnvironment,
)
from jinja2.visitor import NodeTransformer

from duban import vocabulary
from duban.errors import DubanError


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one render may use. ``max_value``: characters (or items) of any one value a
    template builds; ``steps``: loop iterations and ``range`` items in all; ``output``:
    characters written in all (macros and blocks included); ``seconds``: wall time."""

    max_source: int
    max_value: int
    steps: int
    output: int
    seconds: float


NOTICE_LIMITS = Limits(max_source=8_000, max_value=4_000, steps=10_000, output=16_000,
                       seconds=2.0)
DOCUMENT_LIMITS = Limits(max_source=200_000, max_value=1_000_000, steps=2_000_000,
                         output=20_000_000, seconds=30.0)


class TemplateError(DubanError):
    """A template is malformed, unsafe or ran past a limit; says which, where, why."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "validation_error")


class TemplateLimit(SecurityError):
    """A render crossed one of its :class:`Limits` (a SecurityError, so every caller that
    handles the sandbox's refusals handles this one too)."""


def _limit(what: str, hint: str) -> TemplateLimit:
    return TemplateLimit(f"{what}；{hint}")


# -- the budget of one render -----------------------------------------------------------------
@dataclasses.dataclass
class _Budget:
    limits: Limits
    deadline: float
    steps: int
    output: int

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise _limit(f"渲染超过 {self.limits.seconds:g} 秒", "简化模板中的循环")

    def step(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            raise _limit(f"循环与 range 合计超过 {self.limits.steps} 次", "减少循环嵌套或次数")
        if not self.steps & 0x3FF:
            self.tick()

    def write(self, n: int) -> None:
        self.output -= n
        if self.output < 0:
            raise _limit(f"生成的内容超过 {self.limits.output} 个字符", "缩短模板输出")
        self.tick()


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("duban_template_budget",
                                                                         default=None)


def _budget() -> _Budget | None:
    return _BUDGET.get()


def _sized(value: Any, limits: Limits) -> Any:
    """``value`` if it is no larger than ``limits.max_value``."""
    if isinstance(value, str | bytes | list | tuple | dict | set | frozenset) and \
            len(value) > limits.max_value:
        raise _limit(f"生成了超过 {limits.max_value} 个字符（或项）的值", "缩短重复或拼接")
    return value


# -- guards compiled into every template --------------------------------------------------------
@pass_context
def _guard_loop(_context: Any, iterable: Any) -> Iterator[Any]:
    budget = _budget()
    for value in iterable:
        if budget is not None:
            budget.step()
        yield value


@pass_context
def _guard_concat(context: Any, parts: list[Any]) -> str:
    env = context.environment
    texts = [str(p) for p in parts]
    if sum(map(len, texts)) > env.limits.max_value:
        raise _limit(f"用 ~ 拼接出超过 {env.limits.max_value} 个字符", "缩短拼接")
    return "".join(texts)


@pass_context
def _guard_output(_context: Any, value: Any) -> Any:
    budget = _budget()
    if budget is not None:
        budget.write(len(str(value)) if value is not None else 0)
    return value


GUARDS: dict[str, Callable[..., Any]] = {
    "_duban_loop": _guard_loop, "_duban_concat": _guard_concat, "_duban_out": _guard_output}


class _Guard(NodeTransformer):
    """Routes every loop, ``~`` and piece of output through :data:`GUARDS`."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "_duban_loop", [], [], None, None,
                                 lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), "_duban_concat", [],
                            [], None, None, lineno=node.lineno)

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        self.generic_visit(node)
        node.nodes = [nodes.Filter(n, "_duban_out", [], [], None, None, lineno=n.lineno)
                      for n in node.nodes]
        return node


class _GuardedCodeGenerator(CodeGenerator):
    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        _Guard().visit(node)
        super().visit_Template(node, frame)


# -- the environment ------------------------------------------------------------------------------
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


class LimitedSandbox(SandboxedEnvironment):
    """jinja2's sandbox under :class:`Limits`: sizes checked on ``*``, ``**``, ``%``,
    ``+``, every call and filter, ``range`` bounded, loops and output budgeted."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _GuardedCodeGenerator

    def __init__(self, limits: Limits, **options: Any) -> None:
        options.setdefault("undefined", StrictUndefined)
        options.setdefault("autoescape", False)
        super().__init__(**options)
        self.limits = limits
        self.globals["range"] = self._range
        self.filters = {name: self._checked(f) for name, f in self.filters.items()}
        self.filters.update(GUARDS)

    def _range(self, *args: int) -> range:
        r = range(*args)
        if len(r) > self.limits.max_value:
            raise _limit(f"range 超过 {self.limits.max_value} 项", "缩小范围")
        budget = _budget()
        if budget is not None:
            budget.steps -= len(r)
            budget.step()
        return r

    def _checked(self, f: Callable[..., Any]) -> Callable[..., Any]:
        """A filter whose width arguments and result are size-checked."""
        @functools.wraps(f)
        def checked(*args: Any, **kwargs: Any) -> Any:
            self._check_args(args, kwargs)
            return _sized(f(*args, **kwargs), self.limits)
        return checked

    def _check_args(self, args: Iterable[Any], kwargs: Mapping[str, Any]) -> None:
        budget = _budget()
        if budget is not None:
            budget.tick()
        for a in (*args, *kwargs.values()):
            if isinstance(a, int) and not isinstance(a, bool) and abs(a) > self.limits.max_value:
                raise _limit(f"参数 {a} 过大（上限 {self.limits.max_value}）", "缩小宽度或次数")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "%" and isinstance(left, str):
            raise _limit("“%” 字符串格式化", "用 ~ 连接文字，如 {{ '期限：' ~ due }}")
        if operator == "**" and (not isinstance(right, int | float) or abs(right) > 64 or
                                 not isinstance(left, int | float) or abs(left) > 10**6):
            raise _limit("过大的乘方 **", "去掉乘方")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int) and \
                        len(seq) * n > self.limits.max_value:
                    raise _limit(f"重复生成超过 {self.limits.max_value} 个字符的内容", "缩短重复次数")
        if operator == "+" and isinstance(left, str | list | tuple) and \
                isinstance(right, str | list | tuple) and \
                len(left) + len(right) > self.limits.max_value:
            raise _limit(f"用 + 拼接出超过 {self.limits.max_value} 个字符", "缩短拼接")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str):
            if name in ("format", "format_map"):
                raise _limit("不允许 .format", "用 ~ 连接文字，如 {{ '期限：' ~ due }}")
            if name == "join":
                parts = list(args[0]) if args else []
                size = sum(len(str(p)) for p in parts) + len(__obj.__self__) * len(parts)
                if size > __self.limits.max_value:
                    raise _limit(f"join 生成超过 {__self.limits.max_value} 个字符", "缩短内容")
                args = (parts, *args[1:])
            if name in _WIDTH_METHODS or name == "replace":
                __self._check_args(args, kwargs)
        budget = _budget()
        if budget is not None:
            budget.tick()
        return _sized(super().call(__context, __obj, *args, **kwargs), __self.limits)


def render(template: Any, context: Mapping[str, Any]) -> str:
    """Render ``template`` (compiled by a :class:`LimitedSandbox`) within its limits."""
    env = template.environment
    limits: Limits = env.limits
    budget = _Budget(limits, time.monotonic() + limits.seconds, limits.steps, limits.output * 4)
    token = _BUDGET.set(budget)
    try:
        out: list[str] = []
        size = 0
        for chunk in template.generate(dict(context)):
            size += len(chunk)
            if size > limits.output:
                raise _limit(f"生成的内容超过 {limits.output} 个字符", "缩短模板输出")
            out.append(chunk)
        return "".join(out)
    except RecursionError:
        raise _limit("宏或循环递归过深", "去掉递归") from None
    finally:
        _BUDGET.reset(token)


# -- what notice templates may name ---------------------------------------------------------------
GENERIC = "notice"
NOTICE_NAMES: frozenset[str] = frozenset({
    *vocabulary.NOTICE_KINDS, GENERIC, "subject",
    *(f"{k}.subject" for k in (*vocabulary.NOTICE_KINDS, GENERIC))})

#: Every variable a notice template sees (always present; ``None`` when not known).
NOTICE_VARIABLES: dict[str, str] = {
    "recipient": "收件部门或角色，如 财务部",
    "item": "事项编号",
    "title": "事项标题（保密事项为空）",
    "what": "事项的称呼：“标题”（编号），保密事项只写编号",
    "confidential": "是否保密事项",
    "kind": "通知种类，如 overdue_notice",
    "label": "通知种类的中文名，如 催办通知",
    "name": "规则或审批环节的名称",
    "subject": "系统拟定的标题",
    "due": "办理期限（中文写法）",
    "due_iso": "办理期限（ISO 8601）",
    "at": "触发时间（中文写法）",
    "at_iso": "触发时间（ISO 8601）",
    "number": "督办文号",
    "message": "附加说明",
    "dedupe_key": "通知编号（去重键）",
    "channel": "通知渠道",
}
NOTICE_FILTERS = frozenset({
    "abs", "capitalize", "cn_date", "cn_datetime", "count", "d", "default", "e", "escape",
    "first", "float", "int", "join", "last", "length", "list", "lower", "max", "min",
    "reverse", "round", "sort", "string", "striptags", "sum", "title", "trim", "truncate",
    "unique", "upper", "wordcount",
})


def cn_datetime(value: Any) -> str | None:
    """``2026-03-31T23:59:59+08:00`` → ``2026年3月31日 23:59`` (the date alone at end of day)."""
    if value in (None, ""):
        return None
    try:
        t = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    day = f"{t.year}年{t.month}月{t.day}日"
    return day if (t.hour, t.minute) in ((23, 59), (0, 0)) else f"{day} {t:%H:%M}"


def cn_date(value: Any) -> str | None:
    text = cn_datetime(value)
    return text.split(" ")[0] if text else text


def notice_environment() -> LimitedSandbox:
    """The sandbox of notices: no globals, the :data:`NOTICE_FILTERS` only."""
    env = LimitedSandbox(NOTICE_LIMITS, keep_trailing_newline=False)
    env.globals.clear()  # no range, cycler, joiner, namespace, lipsum, dict
    env.filters = {k: v for k, v in env.filters.items() if k in NOTICE_FILTERS or k in GUARDS}
    env.filters["cn_datetime"] = env._checked(cn_datetime)
    env.filters["cn_date"] = env._checked(cn_date)
    return env


NOTICE_ENV = notice_environment()


# -- load-time checks -----------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Refused:
    """One reason to refuse a template; ``rank`` 0 marks an injection attempt."""

    what: str
    hint: str
    line: int | None = None
    rank: int = 2


_UNSAFE_ATTRS = (UNSAFE_FUNCTION_ATTRIBUTES | UNSAFE_METHOD_ATTRIBUTES |
                 UNSAFE_GENERATOR_ATTRIBUTES | UNSAFE_COROUTINE_ATTRIBUTES |
                 UNSAFE_ASYNC_GENERATOR_ATTRIBUTES | {"mro", "format", "format_map"})
_NOTICE_REFUSED_NODES: dict[type[nodes.Node], str] = {
    nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "from … import",
    nodes.Extends: "extends", nodes.Macro: "macro", nodes.CallBlock: "call", nodes.For: "for",
}


class _NotConstant(Exception):
    pass


def _fold(node: nodes.Node) -> Any:
    """The value of a constant expression (literals, + ~ * of literals), else _NotConstant."""
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.List | nodes.Tuple):
        return [_fold(n) for n in node.items]
    if isinstance(node, nodes.Concat):
        return "".join(str(_fold(n)) for n in node.nodes)
    if isinstance(node, nodes.Add | nodes.Mul):
        left, right = _fold(node.left), _fold(node.right)
        if isinstance(node, nodes.Add):
            return left + right
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, str | list) and isinstance(n, int):
                return ("<size>", len(seq) * n)  # the size is what matters
        return left * right if isinstance(left, int | float) and isinstance(right, int | float) \
            else ("<size>", 0)
    raise _NotConstant


def _folded(node: nodes.Node) -> Any:
    try:
        return _fold(node)
    except (_NotConstant, TypeError, ValueError, OverflowError):
        return _NotConstant


def _callee(node: nodes.Call) -> str:
    target = node.node
    if isinstance(target, nodes.Name):
        return target.name
    return target.attr if isinstance(target, nodes.Getattr) else "…"


def _injection(node: nodes.Node, allowed: str) -> Refused | None:
    """The reaches for Python internals a template must never make."""
    line = getattr(node, "lineno", None)
    if isinstance(node, nodes.Getattr) and (node.attr.startswith("_") or
                                            node.attr in _UNSAFE_ATTRS):
        return Refused(f"不允许访问属性 “{node.attr}”（模板注入的常见手法）", allowed, line, 0)
    if isinstance(node, nodes.Getitem):
        key = _folded(node.arg)
        if isinstance(key, str) and (key.startswith("_") or key in _UNSAFE_ATTRS):
            return Refused(f"不允许访问 “{key}”（模板注入的常见手法）", allowed, line, 0)
    if isinstance(node, nodes.Filter) and node.name == "attr":
        return Refused("不允许使用过滤器 “attr”（模板注入的常见手法）", allowed, line, 0)
    if isinstance(node, nodes.Name) and node.name == "self":
        return Refused("不允许使用 self（模板注入的常见手法）", allowed, line, 0)
    return None


def _runaway(node: nodes.Node, limits: Limits) -> Refused | None:
    """Sizes known at load that would cross the render limits."""
    line = getattr(node, "lineno", None)
    if isinstance(node, nodes.Mul):
        size = _folded(node)
        if isinstance(size, tuple) and size[1] > limits.max_value:
            return Refused(f"重复生成 {size[1]} 个字符，超过上限 {limits.max_value}",
                           "缩短重复次数", line, 1)
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and \
            node.node.name == "range":
        bounds = [_folded(a) for a in node.args]
        if bounds and all(isinstance(b, int) for b in bounds):
            try:
                n = len(range(*bounds))
            except (ValueError, OverflowError):
                n = limits.max_value + 1
            if n > limits.max_value:
                return Refused(f"range 有 {n} 项，超过上限 {limits.max_value}", "缩小范围",
                               line, 1)
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) and \
            node.node.attr in ("format", "format_map"):
        return Refused("不允许 .format", "用 ~ 连接文字，如 {{ '期限：' ~ due }}", line, 1)
    return None


def document_offences(ast: nodes.Template, limits: Limits = DOCUMENT_LIMITS) -> list[Refused]:
    """What a document (form, 通报) template must never do, by line."""
    hint = "表单模板只能使用文书的字段（见 docs/reports.md）"
    found = [r for node in ast.find_all(nodes.Node)
             for r in (_injection(node, hint), _runaway(node, limits)) if r is not None]
    return sorted(found, key=lambda r: (r.rank, r.line or 0))


def notice_offences(ast: nodes.Template) -> list[Refused]:
    """Everything a notice never needs: injection attempts first, then by line."""
    allowed = ", ".join(NOTICE_VARIABLES)
    found: list[Refused] = []
    for node in ast.find_all(nodes.Node):
        line = getattr(node, "lineno", None)
        for r in (_injection(node, f"只能使用这些变量：{allowed}"), _runaway(node, NOTICE_LIMITS)):
            if r is not None:
                found.append(r)
        for kind, word in _NOTICE_REFUSED_NODES.items():
            if isinstance(node, kind):
                found.append(Refused(f"不允许使用 {{% {word} %}}",
                                     "通知模板只能写文字、变量、过滤器和 if", line, 1))
        if isinstance(node, nodes.Getitem) and not isinstance(_folded(node.arg), int):
            found.append(Refused("不允许用下标取值（如 title['…']）", "直接写变量名", line, 1))
        if isinstance(node, nodes.Call):
            found.append(Refused(f"不允许在模板里调用函数或方法 {_callee(node)}()",
                                 "改用过滤器，如 {{ title|upper }}、{{ due_iso|cn_date }}", line))
        if isinstance(node, nodes.Filter | nodes.FilterBlock):
            name = node.name if isinstance(node, nodes.Filter) else node.filter.name
            if name not in NOTICE_FILTERS:
                found.append(Refused(f"不允许使用过滤器 “{name}”",
                                     f"可用过滤器：{', '.join(sorted(NOTICE_FILTERS))}", line))
    try:
        unknown = sorted(meta.find_undeclared_variables(ast) - set(NOTICE_VARIABLES))
    except JinjaTemplateError:  # an unknown filter or test, already reported above
        unknown = []
    if unknown:
        found.append(Refused(f"不认识的变量 {', '.join(unknown)}", f"可用变量：{allowed}", None, 3))
    return sorted(found, key=lambda r: (r.rank, r.line or 0))


def checked_ast(env: LimitedSandbox, name: str, source: Any, origin: str,
                offences: Callable[[nodes.Template], list[Refused]]) -> nodes.Template:
    """Parse ``source`` and refuse it (TemplateError) for its first offence."""
    where = f"模板 {name}（{origin}）"
    if not isinstance(source, str):
        raise TemplateError(f"{where} 必须是文字，写的是 {type(source).__name__} / "
                            f"template {name} must be a string")
    if len(source) > env.limits.max_source:
        raise TemplateError(f"{where} 超过 {env.limits.max_source} 个字符 / template {name} "
                            "too long")
    try:
        ast = env.parse(source)
    except JinjaTemplateError as exc:
        line = getattr(exc, "lineno", None)
        at = f"第 {line} 行" if line else ""
        raise TemplateError(f"{where}{at}有语法错误：{exc.message} / template syntax error: "
                            f"{exc.message}") from None
    found = offences(ast)
    if found:
        whats = list(dict.fromkeys(r.what for r in found))
        first = found[0]
        at = f"第 {first.line} 行" if first.line else ""
        raise TemplateError(f"{where}{at}被拒绝：{'；'.join(whats)}。{first.hint} / template {name} "
                            f"from {origin} refused as unsafe ({len(whats)} problem(s))")
    return ast


def compile_notice(name: str, source: Any, origin: str) -> Any:
    """Parse, check and compile one notice template; a clear TemplateError if refused."""
    return NOTICE_ENV.from_string(checked_ast(NOTICE_ENV, name, source, origin,
                                              notice_offences))


_DOCUMENT_CHECKER = LimitedSandbox(DOCUMENT_LIMITS, trim_blocks=True, lstrip_blocks=True)


def check_templates(templates: Mapping[str, Any], origin: str) -> list[str]:
    """Every problem in a policy's ``documents.templates`` (notices and documents) for
    ``duban validate``; [] if none. A document template given as a ``.j2`` path is
    checked by the policy compiler, which knows the folder."""
    problems = []
    for name, source in templates.items():
        try:
            if name in NOTICE_NAMES:
                compile_notice(name, source, origin)
            elif not (isinstance(source, str) and "\n" not in source and
                      source.endswith(".j2")):
                checked_ast(_DOCUMENT_CHECKER, name, source, origin, document_offences)
        except TemplateError as err:
            problems.append(str(err))
    return problems


def template_file(folder: Path, written: str, limits: Limits = DOCUMENT_LIMITS) -> str:
    """The text of the ``.j2`` file a policy names for a document: a regular file inside
    the policy's ``folder`` (no ``..`` or symlink out of it), no larger than the limits
    allow. ValueError naming the path as written — never the content of what is there."""
    base = folder.resolve()
    target = (base / written).resolve()
    if not target.is_relative_to(base):
        raise ValueError(f"模板文件 {written} 不在策略所在的文件夹 {base} 内 / template file "
                         "outside the policy's folder")
    try:
        st = target.stat()
    except OSError:
        raise ValueError(f"模板文件 {written} 不存在 / template file not found") from None
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"模板文件 {written} 不是普通文件 / not a regular file")
    if st.st_size > limits.max_source * 4:
        raise ValueError(f"模板文件 {written} 过大（{st.st_size} 字节）/ template file too large")
    with open(target, "rb") as fh:
        raw = fh.read(limits.max_source * 4 + 1)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"模板文件 {written} 不是 UTF-8 文本 / not UTF-8") from None


def template_file_problem(folder: Path, written: str, name: str, origin: str) -> str | None:
    """Why the ``.j2`` file named for document ``name`` is refused, or None."""
    try:
        checked_ast(_DOCUMENT_CHECKER, name, template_file(folder, written), origin,
                    document_offences)
    except (ValueError, TemplateError) as exc:
        return str(exc)
    return None


__all__ = ["DOCUMENT_LIMITS", "NOTICE_ENV", "NOTICE_LIMITS", "NOTICE_NAMES",
           "NOTICE_VARIABLES", "LimitedSandbox", "Limits", "TemplateError", "TemplateLimit",
           "check_templates", "checked_ast", "compile_notice", "document_offences",
           "notice_offences", "render", "template_file", "template_file_problem"]
