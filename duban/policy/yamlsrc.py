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

from duban.errors import Location, PolicyError, Problem
from duban.policy import yaml_problems as problems

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
        raise PolicyError([problems.decode_problem(raw, exc, file)]) from None
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
                self.problems.append(problems.scanner_too_deep(exc, self.text, self.file,
                                                                      self.max_depth))
            else:
                self.problems.append(problems.syntax_problem(exc, self.text, self.file))
            return
        except yaml.reader.ReaderError as exc:
            self.problems.append(problems.reader_problem(
                exc, self.text, self.file, _LOADER.__module__.startswith("yaml.cyaml")))
            return
        except UnicodeEncodeError as exc:  # lone surrogates in a str that came from elsewhere
            line, col = problems.line_col(self.text[: exc.start])
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
        """The hot loop: one pass over the events; each kind of event has its method."""
        get = parser.get_event
        scalar, start, end = self._scalar, self._start, self._end
        while True:
            ev = get()
            cls = type(ev)
            if cls is ScalarEvent:
                scalar(ev)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                start(ev, cls is MappingStartEvent)
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                end()
            elif cls is AliasEvent:
                self._alias(ev)
            elif cls is DocumentStartEvent:
                self.docs += 1
                if self.docs > 1:
                    self._second_document(ev.start_mark)
            elif cls is StreamEndEvent:
                return

    def _scalar(self, ev: Any) -> None:
        """A scalar: resolved by the YAML 1.2 core schema, then placed as a key or value."""
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
        stack = self.stack
        if not stack:
            self._root(value, ev.start_mark)
            self.empty = plain and tag is None and ev.value == ""
            return
        top = stack[-1]
        if not top.is_map:
            seq = top.value
            self.marks[(*top.path, len(seq))] = (None, ev.start_mark)
            seq.append(value)
        elif top.key is None:
            self._key(top, value, ev.start_mark, plain and tag is None and value == "<<")
        else:
            self._place(top, value, ev.start_mark)
            top.key = None

    def _start(self, ev: Any, is_map: bool) -> None:
        """A mapping or sequence opens: counted and depth-checked before it is read."""
        self.count += 1
        if self.count > self.max_nodes:
            self._too_large(ev.start_mark)
        stack = self.stack
        if len(stack) >= self.max_depth:
            self._too_deep(ev.start_mark, len(stack) + 1)
        value: Any = {} if is_map else []
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

    def _end(self) -> None:
        """A mapping or sequence closes: merge keys applied, anchor recorded with its size."""
        stack = self.stack
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
                        "merge mappings", self._loc(mark), problems.context_of(frame.path),
                        problems.show(value), "*锚点名 或 [*甲, *乙] / *anchor or [*a, *b]",
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
        where = problems.context_of(top.path)
        self.problems.append(problems.duplicate_key(self._loc(mark), where, key,
                                                    mark.line + 1, first.line + 1))

    def _refuse_key(self, top: _Frame, key: Any, mark: Any) -> None:
        shown = "" if isinstance(key, dict | list) else problems.written(self.text, mark)
        self.problems.append(problems.key_type(self._loc(mark), problems.context_of(top.path),
                                               key, shown))

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
        self.problems.append(problems.bad_tag(self._loc(mark), self._here_context(), tag, value))

    def _here_context(self) -> str:
        return problems.context_of(self._path_of_next()) if self.stack else ""

    def _undefined_alias(self, name: str, mark: Any) -> None:
        recursive = any(f.anchor == name for f in self.stack)
        self.problems.append(problems.undefined_alias(self._loc(mark), self._here_context(),
                                                      name, recursive))

    def _too_large(self, mark: Any, alias: str | None = None) -> None:
        self.problems.append(problems.too_large(self._loc(mark), self._here_context(),
                                                self.max_nodes, alias))
        raise _Stop

    def _too_deep(self, mark: Any, depth: int, alias: str | None = None) -> None:
        self.problems.append(problems.too_deep(self._loc(mark), depth, self.max_depth, alias))
        raise _Stop

    def _second_document(self, mark: Any) -> None:
        self.problems.append(problems.second_document(self._loc(mark)))
        raise _Stop


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
