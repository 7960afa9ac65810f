"""Scenarios: one story (items and dated steps) that can be run under any policy.

The file format and the outcome JSON are a contract (DESIGN.md, "Scenarios and
outcomes"); other tools rely on them. A malformed scenario is a :class:`PolicyError`
naming the step and its file:line:column; a step the policy forbids is not an error but
a ``rejected_steps`` entry, and the run goes on.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from duban.errors import PolicyError, Problem
from duban.policy.schema_src import CANONICAL_KINDS
from duban.policy.yamlsrc import Source, load_yaml, load_yaml_file

ITEM_KEYS = frozenset({"kind", "title", "lead", "assist", "due", "urgency", "category",
                       "categories", "confidential", "parent", "departments"})
STEP_KEYS = frozenset({"at", "item", "action", "as", "actor", "until", "reason", "due",
                       "lead", "assist", "defect", "note", "key", "tick"})
DATA_KEYS = ("until", "reason", "due", "lead", "assist", "defect")


@dataclass(frozen=True)
class ItemSpec:
    key: str
    kind: str = "other"
    title: str = ""
    lead: str | None = None
    assist: tuple[str, ...] = ()
    due: str | None = None
    urgency: str | None = None
    category: str | None = None
    categories: Mapping[str, str] = field(default_factory=dict)
    confidential: bool | None = None
    parent: str | None = None
    departments: tuple[str, ...] = ()

    def create_data(self, policy_id: str) -> dict[str, Any]:
        """What the ``create`` event carries under one policy."""
        data: dict[str, Any] = {"kind": self.kind, "title": self.title, "lead": self.lead,
                                "assist": list(self.assist), "due": self.due,
                                "urgency": self.urgency, "parent": self.parent,
                                "departments": list(self.departments)}
        cat = self.categories.get(policy_id, self.category)
        if cat is not None:
            data["category"] = cat
        if self.confidential is not None:
            data["confidential"] = self.confidential
        return data


@dataclass(frozen=True)
class Step:
    index: int  # 1-based position in `steps` (ticks count)
    at: str
    item: str | None = None
    action: str | None = None
    role: str | None = None  # `as:`
    actor: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    key: str | None = None
    tick: bool = False


@dataclass(frozen=True)
class Scenario:
    name: str
    start: str | None
    items: Mapping[str, ItemSpec]
    steps: tuple[Step, ...]
    people: Mapping[str, Mapping[str, Any]]
    path: str
    expect: Mapping[str, Any] | None = None
    checks: tuple[str, ...] = ()  # the clauses (cites) this scenario tests
    policies: tuple[str, ...] = ()  # the policies it is meant for (default: its folder's)


def parse_instant(text: str, tz: dt.tzinfo) -> dt.datetime:
    """A scenario time: ``2026-03-02T09:00`` (local), with an offset, or a date (start of
    day for ``at``/``tick``)."""
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=tz)


def _valid_instant(text: Any) -> bool:
    try:
        dt.datetime.fromisoformat(str(text))
        return True
    except ValueError:
        return False


def load_scenario(path: str | os.PathLike[str] | None = None, *, text: str | None = None,
                  name: str = "<scenario>") -> Scenario:
    """Parse and check a scenario file; every problem is reported with its location."""
    src = load_yaml(text, name) if text is not None else load_yaml_file(str(path))
    return parse_scenario(src)


def parse_scenario(src: Source) -> Scenario:
    problems: list[Problem] = []
    data = src.data

    def bad(path: tuple[Any, ...], message: str, hint: str | None = None,
            value: Any = None) -> None:
        ctx = "At " + " > ".join(
            f"Step({p})" if i == 1 and path[0] == "steps" and isinstance(p, int) else str(p)
            for i, p in enumerate(path)) if path else "At 顶层"
        if path[:1] == ("steps",) and len(path) > 1:
            ctx = f"At 第 {path[1] + 1} 步 (step {path[1] + 1})" + (
                " > " + " > ".join(map(str, path[2:])) if len(path) > 2 else "")
        problems.append(Problem("scenario.invalid", message, src.locate(path), ctx,
                                None if value is None else str(value), None, hint))

    if not isinstance(data, dict):
        bad((), "场景文件须是映射，含 name、items、steps / a scenario is a mapping")
        raise PolicyError(problems)
    for k in data:
        if k not in ("name", "start", "items", "steps", "people", "expect", "description",
                     "checks", "policies"):
            bad((k,), f"不认识的键 '{k}' / unknown key", "可用：name, start, items, steps, people")
    items: dict[str, ItemSpec] = {}
    raw_items = data.get("items")
    if not isinstance(raw_items, dict) or not raw_items:
        bad(("items",), "缺少 items（事项）/ `items` is required", "如 items: {A: {kind: other}}")
        raw_items = {}
    for key, spec in raw_items.items():
        p = ("items", key)
        if not isinstance(spec, dict):
            bad(p, "事项须是映射 / an item is a mapping")
            continue
        for k in spec:
            if k not in ITEM_KEYS:
                bad((*p, k), f"不认识的事项字段 '{k}' / unknown item field",
                    "可用：" + ", ".join(sorted(ITEM_KEYS)))
        kind = spec.get("kind", "other")
        if kind not in CANONICAL_KINDS:
            bad((*p, "kind"), f"未知事项类型 '{kind}' / unknown kind",
                "可用：" + ", ".join(CANONICAL_KINDS), kind)
        for dk in ("due",):
            if spec.get(dk) is not None and not _valid_instant(spec[dk]):
                bad((*p, dk), f"不是有效日期 '{spec[dk]}' / not a date", "写 YYYY-MM-DD", spec[dk])
        cats = spec.get("categories") or {}
        if not isinstance(cats, dict):
            bad((*p, "categories"), "categories 须是 {策略id: 类别} / a mapping")
            cats = {}
        items[str(key)] = ItemSpec(
            str(key), str(kind), str(spec.get("title", key)),
            None if spec.get("lead") is None else str(spec["lead"]),
            tuple(str(x) for x in spec.get("assist") or ()),
            None if spec.get("due") is None else str(spec["due"]),
            None if spec.get("urgency") is None else str(spec["urgency"]),
            None if spec.get("category") is None else str(spec["category"]),
            {str(k): str(v) for k, v in cats.items()},
            spec.get("confidential"),
            None if spec.get("parent") is None else str(spec["parent"]),
            tuple(str(x) for x in spec.get("departments") or ()))
    for it in items.values():
        if it.parent is not None and it.parent not in items:
            bad(("items", it.key, "parent"), f"父事项 '{it.parent}' 不存在 / unknown parent")
    steps: list[Step] = []
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list):
        bad(("steps",), "缺少 steps（步骤列表）/ `steps` must be a list")
        raw_steps = []
    last: str | None = None
    for i, st in enumerate(raw_steps):
        p = ("steps", i)
        if not isinstance(st, dict):
            bad(p, "步骤须是映射 / a step is a mapping")
            continue
        for k in st:
            if k not in STEP_KEYS:
                bad((*p, k), f"不认识的步骤字段 '{k}' / unknown step field",
                    "可用：" + ", ".join(sorted(STEP_KEYS)))
        if "tick" in st:
            if not _valid_instant(st["tick"]):
                bad((*p, "tick"), f"不是有效时间 '{st['tick']}'", "写 2026-03-02T18:00", st["tick"])
                continue
            steps.append(Step(i + 1, str(st["tick"]), tick=True))
            continue
        for req in ("at", "item", "action"):
            if st.get(req) is None:
                bad(p, f"缺少 '{req}' / `{req}` is required", "如 {at: 2026-03-02T09:00, item: A, "
                    "action: create}")
        if "at" in st and not _valid_instant(st["at"]):
            bad((*p, "at"), f"不是有效时间 '{st['at']}' / not a time", "写 2026-03-02T09:00",
                st["at"])
        if st.get("item") is not None and str(st["item"]) not in items:
            bad((*p, "item"), f"未定义的事项 '{st['item']}' / unknown item",
                "可用：" + ", ".join(items), st["item"])
        for dk in ("until", "due"):
            if st.get(dk) is not None and not _valid_instant(st[dk]):
                bad((*p, dk), f"不是有效日期 '{st[dk]}'", "写 YYYY-MM-DD", st[dk])
        if all(st.get(k) is not None for k in ("at", "item", "action")) and \
                str(st["item"]) in items:
            at = str(st["at"])
            if last is not None and _valid_instant(at) and _valid_instant(last) and \
                    dt.datetime.fromisoformat(at).replace(tzinfo=None) < \
                    dt.datetime.fromisoformat(last).replace(tzinfo=None):
                bad((*p, "at"), f"步骤时间 {at} 早于上一步 {last} / steps must be in time order")
            steps.append(Step(i + 1, at, str(st["item"]), str(st["action"]),
                              None if st.get("as") is None else str(st["as"]),
                              None if st.get("actor") is None else str(st["actor"]),
                              {k: st[k] for k in DATA_KEYS if st.get(k) is not None},
                              None if st.get("key") is None else str(st["key"])))
            last = at
    if problems:
        raise PolicyError(problems)
    return Scenario(str(data.get("name", src.file)), data.get("start"), items, tuple(steps),
                    dict(data.get("people") or {}), src.file, data.get("expect"),
                    tuple(str(c) for c in data.get("checks") or ()),
                    tuple(str(c) for c in data.get("policies") or ()))
