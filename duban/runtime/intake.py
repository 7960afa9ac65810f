"""What a new item must be before it is written: checked at the door, for every
interface (CLI, HTTP API, Python) that creates items through the service.

Why at the door: an id with a newline or 5,000 characters breaks every listing, path and
URL it later appears in; ``--lead ''`` makes an item no department can ever act on; an
unknown kind or urgency silently falls back to a default limit; a parent that does not
exist (or is the item itself) leaves a roll-up waiting forever. Each is refused with the
field it concerns and what to write instead, and nothing is written.

Departments are checked against the ones the policy knows — ``organisation.departments``
and the departments of its ``people`` — when it names any; a policy that names none
leaves the department names to the organisation (they are still required to be a
non-blank name on one line).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from duban.engine.model import ItemState
from duban.errors import DubanError
from duban.policy.model import Policy
from duban.vocabulary import CANONICAL_KINDS

#: An item id: letters (any script), digits and ``_-.:#〔〕（）()``, up to 64 characters,
#: starting with a letter, digit or opening bracket — no spaces, slashes or control
#: characters (ids appear in file names, URLs and one-line listings).
ID_PATTERN = re.compile(r"[\w〔（(][\w\-.:#〔〕（）()]{0,63}")
MAX_NAME = 64       # characters of a department name
MAX_TITLE = 2_000   # characters of a title


def _refuse(field: str, message: str) -> DubanError:
    return DubanError(f"{field}：{message}", "validation_error")


def _printable_line(value: str) -> bool:
    return bool(value.strip()) and not any(
        unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value)


def check_id(item_id: str) -> None:
    if not ID_PATTERN.fullmatch(item_id or ""):
        shown = item_id[:40] + ("…" if len(item_id) > 40 else "")
        raise _refuse("事项编号", f"{shown!r} 不可用：须为 1–64 个字母、数字或 _-.:#〔〕（）()，不含空格、"
                      "斜杠和控制字符，如 A、2026-督-07、陕秦安督字〔2026〕7号 / invalid item id")


def known_departments(policy: Policy) -> frozenset[str]:
    """The departments the policy names (its list and its people's), possibly none."""
    people = (str(p.get("department")) for p in policy.people.values() if p.get("department"))
    return frozenset((*policy.departments, *people))


def check_departments(policy: Policy, lead: Any, assist: Iterable[Any]) -> None:
    known = known_departments(policy)
    for field, value in (("主办部门（--lead）", lead), *(("协办部门（--assist）", a) for a in assist)):
        if value is None:
            continue
        name = str(value)
        if not _printable_line(name) or len(name) > MAX_NAME:
            raise _refuse(field, f"{name!r} 不是部门名称：须为一行、非空、不超过 {MAX_NAME} 个字 / "
                          "not a department name")
        if known and name not in known:
            raise _refuse(field, f"策略 {policy.id} 没有部门 '{name}'；可用：{'、'.join(sorted(known))} "
                          "/ unknown department")


def check_kind_and_urgency(policy: Policy, kind: Any, urgency: Any) -> None:
    if kind is not None and str(kind) not in CANONICAL_KINDS:
        raise _refuse("事项类型（--kind）", f"没有类型 '{kind}'；可用：{'、'.join(CANONICAL_KINDS)} / "
                      "unknown kind")
    if urgency is None:
        return
    levels = tuple(policy.handling.by_urgency)
    if levels and str(urgency) not in levels:
        raise _refuse("紧急程度（--urgency）", f"策略 {policy.id} 没有紧急程度 '{urgency}'；可用："
                      f"{'、'.join(levels)} / unknown urgency")
    if not _printable_line(str(urgency)) or len(str(urgency)) > MAX_NAME:
        raise _refuse("紧急程度（--urgency）", f"{urgency!r} 不可用 / invalid urgency")


def check_new_item(policy: Policy, item_id: str, data: Mapping[str, Any],
                   load: Callable[[str], ItemState | None]) -> None:
    """Refuse (DubanError ``validation_error``) a new item that could not be worked."""
    check_id(item_id)
    check_kind_and_urgency(policy, data.get("kind"), data.get("urgency"))
    check_departments(policy, data.get("lead"), data.get("assist") or ())
    title = data.get("title")
    if title is not None and len(str(title)) > MAX_TITLE:
        raise _refuse("标题（--title）", f"超过 {MAX_TITLE} 个字 / title too long")
    parent = data.get("parent")
    if parent is not None:
        if str(parent) == item_id:
            raise _refuse("上级事项（--parent）", f"'{parent}' 就是本事项，不能作自己的上级 / an item "
                          "cannot be its own parent")
        if load(str(parent)) is None:
            raise _refuse("上级事项（--parent）", f"没有事项 '{parent}'；请先立项上级事项 / the parent "
                          "does not exist")


__all__ = ["ID_PATTERN", "check_new_item", "known_departments"]
