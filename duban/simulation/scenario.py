"""Scenarios: one story (items and dated steps) that can be run under any policy.

The file format and the outcome JSON are a contract (docs/scenarios.md); other tools
rely on them. A malformed scenario is a :class:`PolicyError`
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
from duban.policy.yamlsrc import Source, load_yaml, load_yaml_file
from duban.vocabulary import CANONICAL_KINDS

ITEM_KEYS = frozenset({"kind", "title", "lead", "assist", "due", "urgency", "category",
                       "categories", "confidential", "parent", "departments", "notice",
                       "supervisor"})
STEP_KEYS = frozenset({"at", "item", "action", "as", "actor", "until", "reason", "due",
                       "lead", "assist", "defect", "note", "key", "tick", "reach", "approve",
                       "request_extension", "decided", "report", "pause", "points", "end",
                       "contents"})
#: Intent steps: a milestone the policy's own flow reaches (docs/scenarios.md).
INTENTS = ("reach", "approve", "request_extension", "pause", "report")
#: The canonical states along an item's main line, in order; ``reach: X`` is met by X or
#: any state after it.
MAIN_LINE = ("draft", "pending_approval", "assigned", "in_progress", "reported", "closed",
             "archived")
REACHABLE = MAIN_LINE[2:]
DECISIONS = ("approved", "refused")
REQUESTS = ("request_extension", "pause")  # intents that ask, then are decided
REPORT_OUTCOMES = ("accepted", "returned")
DATA_KEYS = ("until", "reason", "due", "lead", "assist", "defect", "points", "end", "contents")


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
    notice: str | None = None  # 一单多事: the item whose notice this one joins
    supervisor: str | None = None  # the supervising unit (督办单位), where the policy has one

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
        if self.notice is not None:
            data["notice"] = self.notice
        if self.supervisor is not None:
            data["supervisor"] = self.supervisor
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
    intent: str | None = None  # reach | approve | request_extension | report
    goal: str | None = None  # the state reached, "all", or accepted | returned
    decided: str | None = None  # approved | refused, for request_extension

    def describe(self) -> str:
        """The step as its author wrote it (``approve``, ``reach: closed``)."""
        if self.intent is None:
            return self.action or ""
        if self.intent in REQUESTS:
            return self.intent + (f", decided: {self.decided}" if self.decided else "")
        return f"{self.intent}: {self.goal}"


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
    ticks: str | None = None  # "auto": every timer fires at its instant, up to `end`
    end: str | None = None  # the scenario's end (default: its last step)


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
    """Check a loaded scenario document; every problem is collected, then raised at once."""
    return _Parser(src).scenario()


TOP_KEYS = ("name", "start", "items", "steps", "people", "expect", "description", "checks",
            "policies", "ticks", "end")
TICK_MODES = ("auto", "steps")


class _Parser:
    """One pass over a scenario document, collecting located problems."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.problems: list[Problem] = []
        self.items: dict[str, ItemSpec] = {}

    def bad(self, path: tuple[Any, ...], message: str, hint: str | None = None,
            value: Any = None) -> None:
        if path[:1] == ("steps",) and len(path) > 1:
            ctx = f"At 第 {path[1] + 1} 步 (step {path[1] + 1})" + (
                " > " + " > ".join(map(str, path[2:])) if len(path) > 2 else "")
        else:
            ctx = "At " + " > ".join(map(str, path)) if path else "At 顶层"
        self.problems.append(Problem("scenario.invalid", message, self.src.locate(path), ctx,
                                     None if value is None else str(value), None, hint))

    def scenario(self) -> Scenario:
        data = self.src.data
        if not isinstance(data, dict):
            self.bad((), "场景文件须是映射，含 name、items、steps / a scenario is a mapping")
            raise PolicyError(self.problems)
        for k in data:
            if k not in TOP_KEYS:
                self.bad((k,), f"不认识的键 '{k}' / unknown key",
                         "可用：name, start, items, steps, people")
        self.parse_items(data.get("items"))
        steps = self.parse_steps(data.get("steps"))
        if data.get("ticks") is not None and data["ticks"] not in TICK_MODES:
            self.bad(("ticks",), f"ticks 须是 {' 或 '.join(TICK_MODES)} / `ticks` is auto or steps",
                     "auto：每个定时器在应发时刻自动触发，直到场景结束", data["ticks"])
        if data.get("end") is not None and not _valid_instant(data["end"]):
            self.bad(("end",), f"不是有效时间 '{data['end']}' / not a time", "写 2026-10-31T18:00",
                     data["end"])
        if self.problems:
            raise PolicyError(self.problems)
        return Scenario(str(data.get("name", self.src.file)), data.get("start"), self.items,
                        tuple(steps), dict(data.get("people") or {}), self.src.file,
                        data.get("expect"), tuple(str(c) for c in data.get("checks") or ()),
                        tuple(str(c) for c in data.get("policies") or ()),
                        _opt(data.get("ticks")), _opt(data.get("end")))

    # -- items -------------------------------------------------------------------------------
    def parse_items(self, raw: Any) -> None:
        if not isinstance(raw, dict) or not raw:
            self.bad(("items",), "缺少 items（事项）/ `items` is required",
                     "如 items: {A: {kind: other}}")
            raw = {}
        for key, spec in raw.items():
            item = self.parse_item(("items", key), str(key), spec)
            if item is not None:
                self.items[item.key] = item
        for it in self.items.values():
            if it.parent is not None and it.parent not in self.items:
                self.bad(("items", it.key, "parent"), f"父事项 '{it.parent}' 不存在 / unknown parent")
            if it.notice is not None and it.notice not in self.items:
                self.bad(("items", it.key, "notice"), f"通知单 '{it.notice}' 不是本剧本的事项 / "
                         "unknown notice", "写通知单第一项的事项键，如 notice: A")

    def parse_item(self, p: tuple[Any, ...], key: str, spec: Any) -> ItemSpec | None:
        if not isinstance(spec, dict):
            self.bad(p, "事项须是映射 / an item is a mapping")
            return None
        for k in spec:
            if k not in ITEM_KEYS:
                self.bad((*p, k), f"不认识的事项字段 '{k}' / unknown item field",
                         "可用：" + ", ".join(sorted(ITEM_KEYS)))
        kind = spec.get("kind", "other")
        if kind not in CANONICAL_KINDS:
            self.bad((*p, "kind"), f"未知事项类型 '{kind}' / unknown kind",
                     "可用：" + ", ".join(CANONICAL_KINDS), kind)
        if spec.get("due") is not None and not _valid_instant(spec["due"]):
            self.bad((*p, "due"), f"不是有效日期 '{spec['due']}' / not a date", "写 YYYY-MM-DD",
                     spec["due"])
        cats = spec.get("categories") or {}
        if not isinstance(cats, dict):
            self.bad((*p, "categories"), "categories 须是 {策略id: 类别} / a mapping")
            cats = {}
        return ItemSpec(
            key, str(kind), str(spec.get("title", key)), _opt(spec.get("lead")),
            tuple(str(x) for x in spec.get("assist") or ()), _opt(spec.get("due")),
            _opt(spec.get("urgency")), _opt(spec.get("category")),
            {str(k): str(v) for k, v in cats.items()}, spec.get("confidential"),
            _opt(spec.get("parent")), tuple(str(x) for x in spec.get("departments") or ()),
            _opt(spec.get("notice")), _opt(spec.get("supervisor")))

    # -- steps -------------------------------------------------------------------------------
    def parse_steps(self, raw: Any) -> list[Step]:
        if not isinstance(raw, list):
            self.bad(("steps",), "缺少 steps（步骤列表）/ `steps` must be a list")
            raw = []
        steps: list[Step] = []
        last: str | None = None
        for i, st in enumerate(raw):
            step = self.parse_step(("steps", i), i, st, last)
            if step is not None:
                steps.append(step)
                if not step.tick:
                    last = step.at
        return steps

    def parse_step(self, p: tuple[Any, ...], i: int, st: Any, last: str | None) -> Step | None:
        if not isinstance(st, dict):
            self.bad(p, "步骤须是映射 / a step is a mapping")
            return None
        for k in st:
            if k not in STEP_KEYS:
                self.bad((*p, k), f"不认识的步骤字段 '{k}' / unknown step field",
                         "可用：" + ", ".join(sorted(STEP_KEYS)))
        if "tick" in st:
            if not _valid_instant(st["tick"]):
                self.bad((*p, "tick"), f"不是有效时间 '{st['tick']}'", "写 2026-03-02T18:00",
                         st["tick"])
                return None
            return Step(i + 1, str(st["tick"]), tick=True)
        intents = [k for k in INTENTS if k in st]
        if intents:
            return self.parse_intent(p, i, st, intents, last)
        for req in ("at", "item", "action"):
            if st.get(req) is None:
                self.bad(p, f"缺少 '{req}' / `{req}` is required",
                         "如 {at: 2026-03-02T09:00, item: A, action: create}，"
                         "或写意图 reach/approve/request_extension/report")
        if "decided" in st:
            self.bad((*p, "decided"), "decided 只用于 request_extension、pause 意图步骤 / "
                     "`decided` belongs to a request_extension or pause intent")
        self.check_fields(p, st)
        if not self.ordered(p, st, last) or st.get("action") is None:
            return None
        return Step(i + 1, str(st["at"]), str(st["item"]), str(st["action"]), _opt(st.get("as")),
                    _opt(st.get("actor")), {k: st[k] for k in DATA_KEYS if st.get(k) is not None},
                    _opt(st.get("key")))

    def ordered(self, p: tuple[Any, ...], st: dict[str, Any], last: str | None) -> bool:
        """Whether the step is complete enough to keep; checks it is not before the last."""
        if any(st.get(k) is None for k in ("at", "item")) or str(st["item"]) not in self.items:
            return False
        at = str(st["at"])
        if last is not None and _valid_instant(at) and _valid_instant(last) and \
                _naive(at) < _naive(last):
            self.bad((*p, "at"), f"步骤时间 {at} 早于上一步 {last} / steps must be in time order")
        return True

    def parse_intent(self, p: tuple[Any, ...], i: int, st: dict[str, Any],
                     intents: list[str], last: str | None) -> Step | None:
        """An intent step: a milestone, planned under each policy (docs/scenarios.md)."""
        for req in ("at", "item"):
            if st.get(req) is None:
                self.bad(p, f"缺少 '{req}' / `{req}` is required",
                         "如 {at: 2026-03-02T09:00, item: A, reach: assigned}")
        if len(intents) > 1 or "action" in st:
            self.bad(p, f"一步只能写一个动作或意图，这里有 {'、'.join(intents + ['action'] * ('action' in st))}"
                     " / one action or intent per step")
        for k in ("as", "actor"):
            if k in st:
                self.bad((*p, k), f"意图步骤不写 {k}：由各制度规定的角色办理 / an intent step is "
                         "taken by the roles each policy names", "要指定角色请写具体动作 action")
        intent = intents[0]
        goal, data = self.intent_goal(p, intent, st)
        decided = st.get("decided")
        if decided is not None and (intent not in REQUESTS or decided not in DECISIONS):
            self.bad((*p, "decided"), f"decided 须是 {' 或 '.join(DECISIONS)}，且只用于 "
                     "request_extension、pause / `decided` is approved or refused",
                     value=decided)
        self.check_fields(p, {**st, **data})
        if not self.ordered(p, st, last):
            return None
        return Step(i + 1, str(st["at"]), str(st["item"]), None, None, None, data,
                    _opt(st.get("key")), intent=intent, goal=goal, decided=_opt(decided))

    def intent_goal(self, p: tuple[Any, ...], intent: str, st: dict[str, Any]
                    ) -> tuple[str | None, dict[str, Any]]:
        """The goal of an intent and the data it carries; problems are collected."""
        value = st[intent]
        if intent == "reach":
            if value not in REACHABLE:
                self.bad((*p, "reach"), f"reach 须是规范状态之一 / not a reachable state: {value}",
                         "可用：" + ", ".join(REACHABLE), value)
            return _opt(value), {}
        if intent == "approve":
            if value != "all":
                self.bad((*p, "approve"), "approve 意图只能写 all（批完全部待批）/ write approve: all",
                         value=value)
            return "all", {}
        if intent == "report":
            if value not in REPORT_OUTCOMES:
                self.bad((*p, "report"), f"report 须是 {' 或 '.join(REPORT_OUTCOMES)} / "
                         "accepted or returned", value=value)
            return _opt(value), {k: st[k] for k in ("due",) if st.get(k) is not None}
        needed = ("until",) if intent == "request_extension" else ()
        if not isinstance(value, dict) or any(value.get(k) is None for k in needed):
            self.bad((*p, intent), f"{intent} 须写 {{until: 日期, reason: 理由}}（pause 只写 reason）"
                     " / a mapping with `until` and `reason`", "如 request_extension: "
                     "{until: 2026-10-23, reason: 数据未到}；pause: {reason: 等待批复}")
            return None, {}
        for k in value:
            if k not in ("until", "reason") or (intent == "pause" and k == "until"):
                self.bad((*p, intent, k), f"不认识的字段 '{k}' / unknown field",
                         "可用：until, reason" if intent == "request_extension" else "可用：reason")
        return None, {k: value[k] for k in ("until", "reason") if value.get(k) is not None}

    def check_fields(self, p: tuple[Any, ...], st: dict[str, Any]) -> None:
        """The fields of an action step that must be times, and its item."""
        if "at" in st and not _valid_instant(st["at"]):
            self.bad((*p, "at"), f"不是有效时间 '{st['at']}' / not a time", "写 2026-03-02T09:00",
                     st["at"])
        if st.get("item") is not None and str(st["item"]) not in self.items:
            self.bad((*p, "item"), f"未定义的事项 '{st['item']}' / unknown item",
                     "可用：" + ", ".join(self.items), st["item"])
        for dk in ("until", "due"):
            if st.get(dk) is not None and not _valid_instant(st[dk]):
                self.bad((*p, dk), f"不是有效日期 '{st[dk]}'", "写 YYYY-MM-DD", st[dk])


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _naive(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=None)
