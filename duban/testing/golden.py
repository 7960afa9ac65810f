"""Rewrite an expected outcome inside a YAML file, touching as little text as possible.

Why text surgery and not load-and-dump: scenario files are written by people, with
comments that explain each date ("09-30(1) 10-08(2) 10-09(3)"); dumping the document
again would drop them all. So the file is parsed once more for the start and end of
every node, and only the nodes whose value changed are replaced: a scalar by a scalar
(the comment after it stays), a collection whose shape changed by a fresh dump indented
where it was. A key missing altogether is added to the nearest mapping that exists
(at the end of the file for a new top-level ``expect:``). The result is parsed again and
must hold exactly the new value before the file is written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceStartEvent,
)

from duban.errors import DubanError
from duban.policy.yamlsrc import load_yaml

Path = tuple[Any, ...]
_MISSING = object()


@dataclass
class _Node:
    start: int
    end: int
    flow: bool


@dataclass
class _Frame:
    path: Path
    mapping: bool
    node: _Node
    key: Any = _MISSING
    index: int = 0


def node_spans(text: str) -> dict[Path, _Node]:
    """Where every value of the document starts and ends (character offsets), by path.

    Block collections end at their last child, so a comment after them stays outside.
    """
    spans: dict[Path, _Node] = {}
    stack: list[_Frame] = []

    def child_path() -> Path | None:
        if not stack:
            return ()
        top = stack[-1]
        if top.mapping:
            return None if top.key is _MISSING else (*top.path, top.key)
        return (*top.path, top.index)

    def done(path: Path, node: _Node) -> None:
        spans[path] = node
        if stack:
            top = stack[-1]
            top.node.end = max(top.node.end, node.end)
            if top.mapping:
                top.key = _MISSING
            else:
                top.index += 1

    for ev in yaml.parse(text, Loader=yaml.SafeLoader):  # pure Python: offsets in characters
        if not isinstance(ev, NodeEvent | CollectionEndEvent):
            continue
        start, end = _index(ev.start_mark), _index(ev.end_mark)
        if isinstance(ev, CollectionEndEvent):
            frame = stack.pop()
            if frame.node.flow:
                frame.node.end = end
            done(frame.path, frame.node)
            continue
        path = child_path()
        if path is None:  # a mapping key
            stack[-1].key = _key(ev)
            continue
        if isinstance(ev, MappingStartEvent | SequenceStartEvent):
            flow = bool(ev.flow_style)
            stack.append(_Frame(path, isinstance(ev, MappingStartEvent),
                                _Node(start, start, flow)))
        elif isinstance(ev, ScalarEvent | AliasEvent):
            done(path, _Node(start, end, True))
    return spans


def _index(mark: Any) -> int:
    return int(mark.index) if mark is not None else 0


def _key(ev: Any) -> Any:
    return getattr(ev, "value", None)  # the strict loader keeps every key a string


class _Dumper(yaml.SafeDumper):
    """Double quotes where quotes are needed, as the project's files write instants."""

    def choose_scalar_style(self) -> str:
        style: str = super().choose_scalar_style()
        return '"' if style == "'" else style


def dump_flow(value: Any) -> str:
    """A value on one line (``{state: 已办结, on_time: true}``)."""
    out = yaml.dump(value, Dumper=_Dumper, default_flow_style=True, allow_unicode=True,
                    sort_keys=False, width=10**9)
    return out.removesuffix("\n").removesuffix("\n...").strip()


def dump_block(value: Any, column: int) -> str:
    """A collection in block style whose leaves are flow mappings, as people write
    expectations, indented to start at ``column``."""
    if not isinstance(value, dict | list) or not value:
        return dump_flow(value)
    out = yaml.dump(value, Dumper=_Dumper, default_flow_style=None, allow_unicode=True,
                    sort_keys=False, width=100).rstrip("\n")
    return ("\n" + " " * column).join(out.split("\n"))


def rewrite(file: str | os.PathLike[str], path: Path, value: Any) -> bool:
    """Set the value at ``path`` in the YAML file to ``value``; return whether it changed."""
    with open(file, encoding="utf-8") as fh:
        text = fh.read()
    name = os.fsdecode(file)
    data = load_yaml(text, name).data
    new_text = rewritten(text, data, path, value)
    if new_text == text:
        return False
    check = load_yaml(new_text, name).data
    if _get(check, path) != value:
        raise DubanError(f"{name}：无法在保持文件有效的前提下写入预期结果，请手工修改 / could not "
                         "rewrite the expectation safely; edit it by hand")
    with open(file, "w", encoding="utf-8") as fh:
        fh.write(new_text)
    return True


def rewritten(text: str, data: Any, path: Path, value: Any) -> str:
    """The text with the value at ``path`` replaced (or added)."""
    spans = node_spans(text)
    edits: list[tuple[int, int, str]] = []
    old = _get(data, path)
    if old is not _MISSING:
        _diff(text, old, value, path, spans, edits)
    else:
        depth = len(path) - 1
        while depth > 0 and not isinstance(_get(data, path[:depth]), dict):
            depth -= 1
        base = path[:depth]
        if not base:
            top = {path[0]: _nest(path[1:], value)}
            return text.rstrip("\n") + "\n" + dump_block(top, 0) + "\n"
        node = spans[base]
        entry = {path[depth]: _nest(path[depth + 1:], value)}
        if node.flow:
            _replace(text, base, {**_get(data, base), **entry}, spans, edits)
        else:  # a new last line of the block mapping, at its indentation
            column = _column(text, node.start)
            edits.append((node.end, node.end, "\n" + " " * column + dump_block(entry, column)))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _nest(path: Path, value: Any) -> Any:
    for key in reversed(path):
        value = {key: value}
    return value


def _get(data: Any, path: Path) -> Any:
    for key in path:
        found = key in data if isinstance(data, dict) else \
            isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data)
        if not found:
            return _MISSING
        data = data[key]
    return data


def _diff(text: str, old: Any, new: Any, path: Path, spans: dict[Path, _Node],
          edits: list[tuple[int, int, str]]) -> None:
    if isinstance(old, dict) and isinstance(new, dict) and list(old) == list(new):
        for key in old:
            _diff(text, old[key], new[key], (*path, key), spans, edits)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (o, n) in enumerate(zip(old, new, strict=True)):
            _diff(text, o, n, (*path, i), spans, edits)
    elif old != new or type(old) is not type(new):
        _replace(text, path, new, spans, edits)


def _replace(text: str, path: Path, value: Any, spans: dict[Path, _Node],
             edits: list[tuple[int, int, str]]) -> None:
    node = spans[path]
    if node.flow:
        edits.append((node.start, node.end, dump_flow(value)))
        return
    end = node.end  # a comment after the last element goes with it (it may be gone)
    eol = text.find("\n", end)
    eol = len(text) if eol < 0 else eol
    if text[end:eol].strip().startswith("#"):
        end = eol
    edits.append((node.start, end, dump_block(value, _column(text, node.start))))


def _column(text: str, index: int) -> int:
    return index - (text.rfind("\n", 0, index) + 1)
