"""Strict YAML source: the first stage of policy loading.

Why not ``yaml.safe_load``: it silently keeps the last of two duplicate keys, turns
``2026-03-02`` into a date and ``no`` into ``False``, accepts ``1:`` as an integer key, expands
a "billion laughs" document until memory runs out, and forgets where each value was written.
A policy author needs the opposite: every mistake reported at ``file:line:column``, with what
to write instead.

How: libyaml's event parser (``CSafeLoader.get_event``) does the fast part; this module builds
plain Python data from the event stream in one iterative pass, resolving plain scalars by the
YAML 1.2 core schema and recording the start mark of every value (and of its key) by path. We
read events rather than ``yaml.compose`` nodes because libyaml's composer recurses in C, so a
deeply nested input crashes the interpreter, and it cannot stop early; on events we count nodes
and depth as we go and stop at the first node past a limit.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from duban.errors import Location, PolicyError, Problem, clip

MAX_NODES = 100_000
"""Nodes one file may hold, alias expansions included (a real policy has ~1,000)."""
MAX_DEPTH = 64
"""Nested mappings/sequences one file may hold (a real policy needs ~8)."""

#: libyaml when available; the pure-Python parser gives the same events, ~20x slower.
_LOADER: type = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

Path = tuple[Any, ...]
_TAG = "tag:yaml.org,2002:"
_PLAIN: dict[str, Any] = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True,
    "false": False, "False": False, "FALSE": False,
}
_NUM_START = frozenset("-+.0123456789")
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks, as libyaml counts them
_MISSING = object()
_INVALID = object()  # stands for a value already reported as a problem


class _Slot:
    """A path component no real key can equal, for a value that is not stored under its key.

    A duplicate key's value is still read (to find problems inside it) under ``_Slot(key)``,
    so it cannot overwrite the marks of the first occurrence.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


class _Merge(_Slot):
    """Where the value of a merge key ``<<`` is read, before it is merged."""

    __slots__ = ()


_KEY = _Slot("?")  # path of a collection written as a mapping key (refused)


@dataclass(frozen=True)
class Source:
    """A loaded YAML document: plain data plus where each value was written.

    Attributes:
        data: plain Python (dict, list, str, int, float, bool, None); aliases are copied, so it
            is a tree and safe to modify.
        file: the name used in error locations.
        text: the text parsed (without a byte-order mark).
    """

    data: Any
    file: str
    text: str
    _marks: dict[Path, tuple[Any, Any]] = field(default_factory=dict, repr=False, compare=False)
    _redirects: dict[Path, Path] = field(default_factory=dict, repr=False, compare=False)

    def locate(self, path: Sequence[str | int], *, key: bool = False) -> Location | None:
        """Location of the value at ``path`` (or of its key when ``key=True``).

        If the exact path is unknown (e.g. a missing property), the deepest known prefix. A
        value copied by an alias (``*name``) or a merge key (``<<``) is located where it was
        written, inside the anchored node; the alias itself is located at ``*name``.
        """
        p = tuple(path)
        for _ in range(MAX_DEPTH * 4):  # each redirect moves to an earlier anchor; bounded
            for n in range(len(p), -1, -1):
                pre = p[:n]
                hit = self._marks.get(pre)
                if hit is not None and (n == len(p) or pre not in self._redirects):
                    mark = hit[0] if key and n == len(p) and hit[0] is not None else hit[1]
                    return Location(self.file, mark.line + 1, mark.column + 1)
                if pre in self._redirects:
                    p = self._redirects[pre] + p[n:]
                    break
            else:
                return None
        return None


def load_yaml(text: str, file: str = "<string>", *, max_nodes: int = MAX_NODES,
              max_depth: int = MAX_DEPTH) -> Source:
    """Parse one YAML document strictly; raise :class:`PolicyError` listing every problem found.

    A syntax error or a limit stops parsing; problems found before it are reported with it.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    builder = _Builder(text, file, max_nodes, max_depth)
    builder.run()
    if builder.problems:
        raise PolicyError(sorted(builder.problems, key=_order))
    return Source(builder.root, file, text, builder.marks, builder.redirects)


def load_yaml_file(path: str | os.PathLike[str], *, max_nodes: int = MAX_NODES,
                   max_depth: int = MAX_DEPTH) -> Source:
    """Read a UTF-8 file (BOM and CRLF allowed) and :func:`load_yaml` it; errors name ``path``."""
    file = os.fsdecode(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        why = ("找不到文件" if isinstance(exc, FileNotFoundError) else
               "这是一个目录" if isinstance(exc, IsADirectoryError) else "读取失败")
        raise PolicyError([Problem(
            "yaml.io", f"无法读取文件（{why}）/ cannot read the file: {exc.strerror or exc}",
            None, value=file,
            hint="检查路径和读取权限 / check the path and the permissions")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError([_decode_problem(raw, exc, file)]) from None
    return load_yaml(text, file, max_nodes=max_nodes, max_depth=max_depth)


# --------------------------------------------------------------------------- building


class _Frame:
    """An open mapping or sequence while its events are read."""

    __slots__ = ("anchor", "height", "is_key", "is_map", "key", "key_mark", "merge", "path",
                 "start", "value")

    def __init__(self, value: Any, path: Path, anchor: str | None, start: int,
                 is_key: bool) -> None:
        self.value = value
        self.is_map = type(value) is dict
        self.path = path
        self.anchor = anchor
        self.start = start
        self.is_key = is_key
        self.key: Any = None  # None: a key comes next; else the key (or a _Slot) of the value
        self.key_mark: Any = None
        self.height = 0  # of the tallest child
        self.merge: tuple[Any, Path, Any] | None = None


class _Stop(Exception):
    """Parsing cannot go on (a limit, a second document); the problem is already recorded."""


class _Builder:
    """Turns parser events into data, marks and problems; one instance per document."""

    def __init__(self, text: str, file: str, max_nodes: int, max_depth: int) -> None:
        self.text, self.file = text, file
        self.max_nodes, self.max_depth = max_nodes, max_depth
        self.problems: list[Problem] = []
        self.marks: dict[Path, tuple[Any, Any]] = {}
        self.redirects: dict[Path, Path] = {}
        self.anchors: dict[str, tuple[Any, Path, int, int]] = {}  # value, path, size, height
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.count = 0
        self.docs = 0
        self.empty = False

    def run(self) -> None:
        """Read the whole stream, turning parser exceptions into problems."""
        try:
            parser = _LOADER(self.text)
            try:
                self._events(parser)
            finally:
                dispose = getattr(parser, "dispose", None)
                if dispose is not None:
                    dispose()
        except _Stop:
            return
        except yaml.MarkedYAMLError as exc:
            if "maximum nesting depth" in (exc.problem or ""):
                self.problems.append(self._scanner_too_deep(exc))
            else:
                self.problems.append(_syntax_problem(exc, self.text, self.file))
            return
        except yaml.reader.ReaderError as exc:
            self.problems.append(self._reader_problem(exc))
            return
        except UnicodeEncodeError as exc:  # lone surrogates in a str that came from elsewhere
            line, col = _line_col(self.text[: exc.start])
            self.problems.append(Problem(
                "yaml.encoding", f"文本含有无效的 Unicode 字符 U+{ord(self.text[exc.start]):04X}"
                f" / the text holds an invalid Unicode character", self._at(line, col),
                hint="删除该字符 / delete the character"))
            return
        except yaml.YAMLError as exc:  # not raised by PyYAML 6 parsers; kept so nothing escapes
            self.problems.append(Problem("yaml.syntax", f"YAML 错误 / YAML error: {exc}",
                                         self._at(1, 1)))
            return
        if self.docs == 0 or self.empty:
            self.problems.append(Problem(
                "yaml.empty", "文件为空 / the file is empty (no YAML document)", self._at(1, 1),
                expected="一个映射（键: 值）/ a mapping (key: value)",
                hint="至少写上 id: 与 name: / write at least id: and name:"))

    def _events(self, parser: Any) -> None:
        """The hot loop: one pass over the events, kept flat because it runs per node."""
        get = parser.get_event
        stack = self.stack
        marks = self.marks
        while True:
            ev = get()
            cls = type(ev)
            if cls is ScalarEvent:
                self.count += 1
                if self.count > self.max_nodes:
                    self._too_large(ev.start_mark)
                tag = ev.tag
                plain = not ev.style
                if tag is not None:
                    value = self._tagged_scalar(ev)
                elif plain:
                    value = _PLAIN.get(ev.value, _MISSING)
                    if value is _MISSING:
                        value = ev.value
                        if value[0] in _NUM_START:
                            value = _number(value)
                else:
                    value = ev.value
                if ev.anchor is not None:
                    self.anchors[ev.anchor] = (value, self._path_of_next(), 1, 0)
                if not stack:
                    self._root(value, ev.start_mark)
                    self.empty = plain and tag is None and ev.value == ""
                    continue
                top = stack[-1]
                if not top.is_map:
                    seq = top.value
                    marks[(*top.path, len(seq))] = (None, ev.start_mark)
                    seq.append(value)
                elif top.key is None:
                    self._key(top, value, ev.start_mark, plain and tag is None and value == "<<")
                else:
                    self._place(top, value, ev.start_mark)
                    top.key = None
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                self.count += 1
                if self.count > self.max_nodes:
                    self._too_large(ev.start_mark)
                if len(stack) >= self.max_depth:
                    self._too_deep(ev.start_mark, len(stack) + 1)
                is_map = cls is MappingStartEvent
                value = {} if is_map else []
                if ev.tag is not None and ev.tag != _TAG + ("map" if is_map else "seq"):
                    self._bad_tag(ev.tag, ev.start_mark, None)
                is_key = False
                if not stack:
                    path: Path = ()
                    self._root(value, ev.start_mark)
                else:
                    top = stack[-1]
                    if top.is_map and top.key is None:
                        is_key = True
                        path = (*top.path, _KEY)
                        self._refuse_key(top, value, ev.start_mark)
                        top.key, top.key_mark = _Slot("?"), ev.start_mark
                    else:
                        path = self._place(top, value, ev.start_mark)
                stack.append(_Frame(value, path, ev.anchor, self.count, is_key))
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                frame = stack.pop()
                if frame.merge is not None:
                    self._merge(frame)
                height = frame.height + 1
                if frame.anchor is not None:
                    size = self.count - frame.start + 1
                    self.anchors[frame.anchor] = (frame.value, frame.path, size, height)
                if stack:
                    top = stack[-1]
                    if height > top.height:
                        top.height = height
                    if top.is_map and not frame.is_key:
                        top.key = None
            elif cls is AliasEvent:
                self._alias(ev)
            elif cls is DocumentStartEvent:
                self.docs += 1
                if self.docs > 1:
                    self._second_document(ev.start_mark)
            elif cls is StreamEndEvent:
                return

    # -- placing values

    def _path_of_next(self) -> Path:
        """The path the node being read will get (for anchors on scalars)."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.is_map:
            return (*top.path, _KEY if top.key is None else top.key)
        return (*top.path, len(top.value))

    def _root(self, value: Any, mark: Any) -> None:
        self.root = value
        self.marks[()] = (None, mark)

    def _place(self, top: _Frame, value: Any, mark: Any) -> Path:
        """Put a value into the open collection ``top``; return its path."""
        if not top.is_map:
            path = (*top.path, len(top.value))
            self.marks[path] = (None, mark)
            top.value.append(value)
            return path
        key = top.key
        path = (*top.path, key)
        self.marks[path] = (top.key_mark, mark)
        if type(key) is str:
            top.value[key] = value
        elif type(key) is _Merge:
            top.merge = (value, path, mark)
        return path

    def _key(self, top: _Frame, key: Any, mark: Any, merge: bool) -> None:
        """Accept ``key`` for the mapping ``top`` or record why not (then drop its value)."""
        top.key_mark = mark
        if merge:
            if top.merge is not None:
                self._duplicate(top, "<<", self.marks[top.merge[1]][0], mark)
                top.key = _Slot("<<")
            else:
                top.key = _Merge("<<")
        elif type(key) is str:
            if key in top.value:
                first = self.marks[(*top.path, key)][0]
                self._duplicate(top, key, first, mark)
                top.key = _Slot(key)
            else:
                top.key = key
        else:
            if key is not _INVALID:
                self._refuse_key(top, key, mark)
            top.key = _Slot("?")

    def _alias(self, ev: Any) -> None:
        """Copy an anchored value, counting its nodes and depth against the limits."""
        name = ev.anchor
        hit = self.anchors.get(name)
        if hit is None:
            value: Any = _INVALID
            self._undefined_alias(name, ev.start_mark)
            size = height = 0
            origin: Path | None = None
        else:
            value, origin, size, height = hit
            self.count += size
            if self.count > self.max_nodes:
                self._too_large(ev.start_mark, name)
            if len(self.stack) + height > self.max_depth:
                self._too_deep(ev.start_mark, len(self.stack) + height, name)
            value = _copy(value)
        if not self.stack:
            self._root(value, ev.start_mark)
            return
        top = self.stack[-1]
        if top.is_map and top.key is None:
            self._key(top, value, ev.start_mark, False)
            return
        path = self._place(top, value, ev.start_mark)
        if origin is not None:
            self.redirects[path] = origin
        if height > top.height:
            top.height = height
        if top.is_map:
            top.key = None

    def _merge(self, frame: _Frame) -> None:
        """Apply ``<<: *base`` / ``<<: [*a, *b]``: explicit keys win, then earlier sources."""
        src, spath, smark = frame.merge  # type: ignore[misc]
        if src is _INVALID:
            return
        sources: list[tuple[Any, Path]]
        if type(src) is dict:
            sources = [(src, spath)]
        elif type(src) is list and src:
            sources = [(s, (*spath, i)) for i, s in enumerate(src)]
        else:
            sources = [(src, spath)]
        d = frame.value
        for value, vpath in sources:
            if type(value) is not dict:
                if value is not _INVALID:
                    mark = self.marks.get(vpath, (None, smark))[1]
                    self.problems.append(Problem(
                        "yaml.merge", "合并键 '<<' 只能合并映射 / the merge key '<<' can only "
                        "merge mappings", self._loc(mark), _context(frame.path),
                        _show(value), "*锚点名 或 [*甲, *乙] / *anchor or [*a, *b]",
                        "让 '<<:' 引用一个映射的锚点，例如 <<: *defaults / point '<<:' at an "
                        "anchored mapping, e.g. <<: *defaults"))
                continue
            for k, v in value.items():
                if k not in d:
                    d[k] = v
                    self.redirects[(*frame.path, k)] = (*vpath, k)

    # -- problems

    def _loc(self, mark: Any) -> Location:
        return Location(self.file, mark.line + 1, mark.column + 1)

    def _at(self, line: int, column: int) -> Location:
        return Location(self.file, line, column)

    def _duplicate(self, top: _Frame, key: str, first: Any, mark: Any) -> None:
        line, first_line = mark.line + 1, first.line + 1
        self.problems.append(Problem(
            "yaml.duplicate_key",
            f"键 '{key}' 重复：第 {line} 行与第 {first_line} 行，YAML 只会保留其中一个 / "
            f"duplicate key '{key}': line {line} and line {first_line}; YAML would silently "
            "keep only one", self._loc(mark), _context(top.path), key,
            hint=f"删除其中一个，或把两处内容合并到第 {first_line} 行 / remove one of them, or "
            f"merge both into line {first_line}"))

    def _refuse_key(self, top: _Frame, key: Any, mark: Any) -> None:
        shown = ""
        if isinstance(key, dict | list):
            kind = "映射" if isinstance(key, dict) else "列表"
            en = "mapping" if isinstance(key, dict) else "sequence"
            msg = f"映射的键不能是{kind} / a mapping key cannot be a {en}"
            hint = "键只写字符串；检查是否多写了 '?'、'[' 或 '{' / keys are strings; look for a " \
                   "stray '?', '[' or '{'"
        elif not (shown := _written(self.text, mark)):
            msg = "缺少键名 / the key is missing before ':'"
            hint = "在冒号前写上键名 / write the key before the ':'"
        else:
            en = type(key).__name__ if key is not None else "null"
            msg = (f"映射的键必须是字符串，{shown} 会被读成{_kind(key)} / mapping keys must be "
                   f"strings; {shown} reads as {en}")
            hint = f'给键加引号，例如 "{shown}": / quote the key, e.g. "{shown}":'
        self.problems.append(Problem("yaml.key_type", msg, self._loc(mark), _context(top.path),
                                     shown or None, "字符串键 / a string key", hint))

    def _tagged_scalar(self, ev: Any) -> Any:
        tag, v = ev.tag, ev.value
        if tag == _TAG + "str":
            return v
        if tag == _TAG + "int" and _INT.fullmatch(v):
            return _number(v)
        if tag == _TAG + "float" and (_INT.fullmatch(v) or _FLOAT.fullmatch(v)):
            f = float(v)
            if math.isfinite(f):
                return f
        if tag == _TAG + "bool" and type(_PLAIN.get(v)) is bool:
            return _PLAIN[v]
        if tag == _TAG + "null" and v in _PLAIN and _PLAIN[v] is None:
            return None
        known = tag in {_TAG + t for t in ("int", "float", "bool", "null")}
        self._bad_tag(tag, ev.start_mark, v if known else None)
        return _INVALID

    def _bad_tag(self, tag: str, mark: Any, value: str | None) -> None:
        shown = "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag
        if value is not None:
            kind = {"!!int": "十进制整数 / a decimal integer", "!!float": "十进制数 / a decimal "
                    "number", "!!bool": "true 或 false / true or false",
                    "!!null": "null、~ 或空 / null, ~ or nothing"}[shown]
            self.problems.append(Problem(
                "yaml.tag", f"值 '{value}' 不符合标签 {shown} / value '{value}' does not match "
                f"its tag {shown}", self._loc(mark), self._here_context(), value, kind,
                f"改写成{kind.split(' / ')[0]}，或去掉 {shown} / write {kind.split(' / ')[1]}, "
                f"or remove {shown}"))
            return
        self.problems.append(Problem(
            "yaml.tag", f"不支持的标签 {shown}：政策文件只用普通的 YAML 值 / unsupported tag "
            f"{shown}: policy files use plain YAML values", self._loc(mark), self._here_context(),
            shown, "!!str、!!int、!!float、!!bool、!!null、!!map、!!seq，或不写标签 / one of "
            "those, or no tag",
            f"删除 {shown}；要写字符串就给值加引号 / remove {shown}; quote the value if you "
            "mean a string"))

    def _here_context(self) -> str:
        return _context(self._path_of_next()) if self.stack else ""

    def _undefined_alias(self, name: str, mark: Any) -> None:
        recursive = any(f.anchor == name for f in self.stack)
        zh, en = (("它引用了包含它自身的锚点", "it refers to the node that contains it")
                  if recursive else ("前面没有定义这个锚点", "no anchor of that name comes before it"))
        self.problems.append(Problem(
            "yaml.alias", f"别名 *{name} 无法解析：{zh} / alias *{name} cannot be resolved: {en}",
            self._loc(mark),
            self._here_context(), f"*{name}", f"先用 &{name} 定义的锚点 / an anchor &{name} "
            "defined earlier",
            f"先在前面用 &{name} 定义，或者检查拼写；'*' 开头的普通文字要加引号 / define &{name}"
            " earlier or fix the spelling; quote text that starts with '*'"))

    def _too_large(self, mark: Any, alias: str | None = None) -> None:
        via = f"（展开别名 *{alias} 时）" if alias else ""
        via_en = f" when expanding alias *{alias}" if alias else ""
        self.problems.append(Problem(
            "yaml.too_large", f"文件展开后超过 {self.max_nodes} 个节点{via}，拒绝加载 / more than "
            f"{self.max_nodes} nodes{via_en}; refusing to load (nested aliases, a 'billion "
            "laughs' document?)", self._loc(mark), self._here_context(),
            expected=f"不超过 {self.max_nodes} 个节点 / at most {self.max_nodes} nodes",
            hint="不要层层嵌套地引用别名；一个政策通常只有上千个值 / do not nest aliases inside "
            "aliased nodes; a policy has about a thousand values"))
        raise _Stop

    def _too_deep(self, mark: Any, depth: int, alias: str | None = None) -> None:
        self.problems.append(self._too_deep_problem(self._loc(mark), depth, alias))
        raise _Stop

    def _too_deep_problem(self, where: Location, depth: int, alias: str | None = None) -> Problem:
        via = f"（展开别名 *{alias} 后）" if alias else ""
        via_en = f" after expanding alias *{alias}" if alias else ""
        return Problem(
            "yaml.too_deep", f"嵌套层数 {depth} 超过上限 {self.max_depth}{via} / nesting depth "
            f"{depth} exceeds {self.max_depth}{via_en}", where, "",
            expected=f"最多 {self.max_depth} 层 / at most {self.max_depth} levels",
            hint="政策不需要这么深的结构；检查是否有未闭合的 '[' 或 '{' / a policy never needs "
            "this; look for an unclosed '[' or '{'")

    def _scanner_too_deep(self, exc: yaml.MarkedYAMLError) -> Problem:
        """libyaml's own flow-depth limit, told as ours: same code, place and words.

        libyaml (PyYAML ≥ 6.0.4) scans ahead and refuses flow nesting past 1,000 levels
        before our event loop reaches its own, lower limit; the user sees one message
        whichever layer stops first, located at the opener that crossed our limit.
        """
        end = exc.problem_mark.index if exc.problem_mark else len(self.text)
        at = _flow_opener_past(self.text, end, self.max_depth)
        line, col = _line_col(self.text[:at])
        return self._too_deep_problem(self._at(line, col), self.max_depth + 1)

    def _second_document(self, mark: Any) -> None:
        self.problems.append(Problem(
            "yaml.multiple_documents", "一个文件只能写一个政策，这里开始了第二个 YAML 文档 / one "
            "policy per file: a second YAML document starts here", self._loc(mark),
            expected="一个文档 / one document",
            hint="删除多余的 '---'，或把第二个政策放进单独的文件 / remove the extra '---' or "
            "move the second policy to its own file"))
        raise _Stop

    def _reader_problem(self, exc: yaml.reader.ReaderError) -> Problem:
        if _LOADER.__module__.startswith("yaml.cyaml"):  # libyaml: a byte offset in UTF-8
            prefix = self.text.encode("utf-8")[: exc.position].decode("utf-8", "replace")
        else:
            prefix = self.text[: exc.position]
        line, col = _line_col(prefix)
        ch = self.text[len(prefix)] if len(prefix) < len(self.text) else None
        code = f"U+{ord(ch):04X}" if ch else "?"
        return Problem(
            "yaml.encoding", f"文件含有 YAML 不允许的控制字符 {code} / the file contains the "
            f"control character {code}, which YAML does not allow", self._at(line, col),
            value=code, hint="删除这个不可见字符（常见于从 Word 或网页复制的文字）/ delete this "
            "invisible character (often pasted from Word or a web page)")


# --------------------------------------------------------------------------- helpers


def _number(v: str) -> Any:
    """A plain scalar that starts like a number: int or float by the core schema, else str."""
    if _INT.fullmatch(v):
        try:
            return int(v)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            return v
    if _FLOAT.fullmatch(v):
        f = float(v)
        return f if math.isfinite(f) else v
    return v


def _copy(value: Any) -> Any:
    """A fresh copy of aliased data, so the result is a tree (depth is bounded by the limit)."""
    t = type(value)
    if t is dict:
        return {k: _copy(v) for k, v in value.items()}
    if t is list:
        return [_copy(v) for v in value]
    return value


def _order(p: Problem) -> tuple[int, int]:
    loc = p.location
    return (loc.line, loc.column) if loc else (0, 0)


def _context(path: Path) -> str:
    """``transitions[3] > roles`` for a path, as problems name where they are."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"{out.pop() if out else ''}[{part}]")
        else:
            out.append(str(part))
    return " > ".join(out)


def _kind(value: Any) -> str:
    if value is None:
        return "空值 null"
    return {bool: "布尔值", int: "整数", float: "小数"}.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    """A short YAML-like rendering of a value for messages."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return clip(text)


def _flow_opener_past(text: str, end: int, limit: int) -> int:
    """Index of the ``[``/``{`` that opens flow level ``limit + 1`` before ``end`` (else ``end``).

    Quoted scalars and comments are skipped, so brackets inside them do not count.
    """
    depth, i, quote = 0, 0, ""
    while i < end:
        ch = text[i]
        if quote == '"' and ch == "\\":
            i += 1  # the escaped character cannot close the string
        elif quote == "'" and ch == "'" and text[i + 1 : i + 2] == "'":
            i += 1  # '' is a quote inside single quotes
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'" and (i == 0 or text[i - 1] in " \t\n[{,:"):
            quote = ch  # a quote opens a scalar only where a scalar can start
        elif ch == "#" and (i == 0 or text[i - 1] in " \t\n"):
            nl = text.find("\n", i)
            i = end if nl < 0 else nl
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return i
        elif ch in "]}":
            depth -= 1
        i += 1
    return end


def _line_col(prefix: str) -> tuple[int, int]:
    """1-based line and column of the character just after ``prefix``."""
    line, start = 1, 0
    for m in _BREAK.finditer(prefix):
        line, start = line + 1, m.end()
    return line, len(prefix) - start + 1


def _lines(text: str) -> list[str]:
    return _BREAK.split(text)


def _written(text: str, mark: Any) -> str:
    """The plain token written at ``mark`` (a key such as ``1`` or ``true``), or ''."""
    lines = _lines(text)
    if mark.line >= len(lines):
        return ""
    m = re.match(r"[^\s:,\[\]{}#]*", lines[mark.line][mark.column:])
    return m.group(0) if m else ""


def _decode_problem(raw: bytes, exc: UnicodeDecodeError, file: str) -> Problem:
    """Where the first non-UTF-8 byte is, by line and column, and a likely cause."""
    offset = exc.start
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
    byte = raw[offset]
    hint = "用 UTF-8 编码另存文件 / save the file as UTF-8"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        hint = "文件是 UTF-16 编码；" + hint
    else:
        try:
            raw.decode("gb18030")
            hint = "文件看起来是 GBK/GB18030 编码；" + hint + " (it looks like GBK)"
        except UnicodeDecodeError:
            pass
    return Problem(
        "yaml.encoding", f"第 {line} 行（字节偏移 {offset}）的字节 0x{byte:02X} 不是有效的 UTF-8 / "
        f"byte 0x{byte:02X} at offset {offset} (line {line}) is not valid UTF-8",
        Location(file, line, column), value=f"0x{byte:02X}", expected="UTF-8", hint=hint)


# --------------------------------------------------------------------------- syntax errors

_FLOW_CLOSE = {"]": "[", "}": "{"}


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    """Explain a libyaml (or PyYAML) syntax error in words an author can act on."""
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = _lines(text)
    src_line = lines[line - 1] if line - 1 < len(lines) else ""
    ch = text[mark.index] if mark and 0 <= mark.index < len(text) else ""
    ctx = exc.context_mark
    opened = (f"第 {ctx.line + 1} 行第 {ctx.column + 1} 列", f"line {ctx.line + 1}, column "
              f"{ctx.column + 1}") if ctx else ("", "")
    raw = f"{context}: {problem}" if context else problem
    code, hint = "yaml.syntax", None
    value = repr(src_line) if src_line else None

    if ch == "\t" or "tab" in problem:
        code = "yaml.tab"
        zh, en = "不能用制表符(Tab)缩进，请改用空格", "tabs cannot indent YAML; use spaces"
        hint = "把行首的 Tab 换成空格（通常每层 2 个）/ replace the tab with spaces (2 per level)"
    elif "end of stream" in problem and "quoted scalar" in context and ctx:
        line, col = ctx.line + 1, ctx.column + 1
        value = repr(lines[ctx.line]) if ctx.line < len(lines) else None
        zh = "引号没有闭合：从这里开始的字符串直到文件末尾都没有结束"
        en = "unclosed quote: the string that starts here never ends"
        hint = "在字符串末尾补上同样的引号；字符串里的引号写成 \\\" 或 '' / close the string " \
               "with the same quote; write \\\" (or '' inside single quotes) for a quote inside"
    elif "escape" in problem:
        zh, en = "双引号字符串里的反斜杠转义无效", "invalid backslash escape in double quotes"
        hint = "改用单引号，或把 \\ 写成 \\\\ / use single quotes, or write \\\\ for a backslash"
    elif "mapping values are not allowed" in problem:
        zh = "这里不能出现 ': '：可能是上一行冒号后缺少空格、缩进不对，或者值里含有 ': ' 需要加引号"
        en = ("mapping values are not allowed here: probably a missing space after a colon "
              "above, a bad indent, or a value containing ': ' that needs quotes")
        hint = "写成 '键: 值'（冒号后加空格）；值里有冒号时给整个值加引号 / write 'key: value' " \
               "with a space after the colon; quote a value that contains ': '"
        for n in range(line - 2, max(line - 5, -1), -1):
            if n < len(lines) and re.match(r"\s*(?:- +)?[^\s#:'\"-][^:#]*:[^\s:/]", lines[n]):
                zh += f"（第 {n + 1} 行 '{lines[n].strip()}' 的冒号后是否缺少空格？）"
                en += f" (line {n + 1}: missing space after ':'?)"
                break
    elif ch == "-" and ("expected key" in problem or "block end" in problem):
        zh = "这里出现了列表项 '-'，但这一层是映射（键: 值）"
        en = "a list item '-' appears where a mapping key was expected"
        hint = "把列表写在某个键下面并缩进，例如 '键:' 换行 '  - 项' / put the list under a key " \
               "and indent it, e.g. 'key:' then '  - item'"
    elif "expected key" in problem or "block end" in problem:
        zh = "缩进不一致：这一行与同一层的键没有对齐"
        en = "inconsistent indentation: this line does not line up with its siblings"
        hint = "同一层的键必须从同一列开始，只用空格缩进 / keys at one level start in the same " \
               "column; indent with spaces only"
    elif "'-' indicator" in problem:
        zh, en = "列表里混入了不以 '- ' 开头的行", "a line inside a list does not start with '- '"
        hint = "每个列表项以 '- ' 开头；若属于上一项，请再缩进 / start each item with '- ', or " \
               "indent it further if it belongs to the item above"
    elif "sequence entries are not allowed" in problem:
        zh, en = "'- ' 不能出现在这里", "a '- ' list entry cannot appear here"
        hint = "列表项另起一行并缩进 / start list items on their own, indented lines"
    elif ("',' or ']'" in problem or "',' or '}'" in problem
          or "flow sequence" in context or "flow mapping" in context):
        close = "]" if "]" in problem or "sequence" in context else "}"
        zh = f"'{_FLOW_CLOSE[close]}'（{opened[0]}）没有闭合，或元素之间缺少逗号"
        en = f"unclosed '{_FLOW_CLOSE[close]}' (opened at {opened[1]}) or a missing ','"
        hint = f"补上 '{close}'；元素里含 ':'、',' 或括号时加引号 / add the '{close}'; quote " \
               "items that contain ':', ',' or brackets"
    elif "cannot start any token" in problem and ch in "@`":
        zh, en = f"'{ch}' 是 YAML 保留字符，不能作为无引号值的开头", f"'{ch}' is reserved in YAML"
        hint = f"给值加引号，例如 \"{ch}...\" / quote the value"
    elif "cannot start any token" in problem:
        zh, en = "这个字符不能出现在这里", "this character cannot start a value here"
        hint = "给值加引号 / quote the value"
    elif "anchor" in context or "alias" in context:
        zh, en = "'&' 或 '*' 后面的锚点名无效", "invalid anchor or alias name after '&' or '*'"
        hint = "'&'、'*' 开头的普通文字要加引号 / quote text that starts with '&' or '*'"
    elif "expected ':'" in problem:
        zh, en = "缺少冒号", "a ':' is missing"
        hint = "写成 '键: 值' / write 'key: value'"
    elif "expected node content" in problem or "expected the node content" in problem:
        zh, en = "这里缺少一个值", "a value is missing here"
        hint = "补上值，或删除多余的符号 / add the value or remove the stray character"
    elif "directive" in context or "directive" in problem:
        zh, en = "以 '%' 开头的行是 YAML 指令", "a line starting with '%' is a YAML directive"
        hint = "政策文件不需要指令；以 '%' 开头的文字要加引号 / policies need no directives; " \
               "quote text that starts with '%'"
    elif "tag handle" in problem or "tag" in context:
        code = "yaml.tag"
        zh, en = "无法识别的标签", "unrecognised tag"
        hint = "删除标签；要写字符串就加引号 / remove the tag; quote the value for a string"
    else:
        zh, en = "YAML 语法错误", "YAML syntax error"
        hint = "检查这一行：冒号后要有空格，缩进只用空格，含 : # [ ] { } , & * ! | > % @ ` 等符号的" \
               "值要加引号 / check this line: a space after each colon, spaces for indentation, " \
               "quotes around values with YAML symbols"
    return Problem(code, f"{zh} / {en} (libyaml: {raw})", Location(file, line, col),
                   value=value, hint=hint)
