"""One semantic change, and the collector that compares values and records changes.

Why values are compared as display text: two policies are equal where a reviewer would
call them equal. Every comparer first renders a value in domain words (``5个工作日``,
``分管领导、总经理``, ``不得延期``) from the *semantic* parts of the model (canonical roles,
parsed durations), so ``两周`` and ``2 weeks`` compare equal and a role renamed from 主办部门
to 承办部门 is no change, while the text shown is the organisation's own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from duban.diff.words import NONE as UNSET
from duban.policy.model import Policy

T = TypeVar("T")

#: Areas in the order they are printed: key -> Chinese heading.
AREAS: dict[str, str] = {
    "time_limits": "时限",
    "chains": "审批链",
    "extensions": "延期",
    "reminders": "催办",
    "penalties": "考核",
    "lifecycle": "状态与流转",
    "categories": "事项类别",
    "calendar": "日历",
    "documents": "文书",
    "organisation": "组织",
    # behaviour, not rules: outcomes of scenarios and of recorded items replayed
    "scenarios": "场景结果",
    "history": "历史回放",
}
#: The areas of rules (what ``duban diff`` compares without replaying anything).
RULE_AREAS = tuple(a for a in AREAS if a not in ("scenarios", "history"))


@dataclass(frozen=True)
class Change:
    """A rule that differs between OLD and NEW.

    Attributes:
        area: a key of :data:`AREAS`.
        path: where, keyed by ids (names, words, the n-th request), never list positions.
        kind: ``added``, ``removed`` or ``changed``.
        label: the subject in domain words (``提醒“催办预告”``, ``默认办理时限``).
        old, new: the values in domain words (None where absent).
        cite: the basis of the value shown on the side that has it: NEW's (a rule NEW
            inherits without a clause has none, never OLD's clause), or OLD's where NEW
            has no value (a removal, or a change to 未规定).
        source: the file that wrote that value (NEW's side, or OLD's where NEW has none).
        inherited: the source is not the policy file itself but a base it extends.
    """

    area: str
    path: tuple[str, ...]
    kind: str
    label: str
    old: str | None
    new: str | None
    cite: str | None
    source: str | None
    inherited: bool = False

    def sentence(self) -> str:
        """The change as one Chinese sentence, without citation or source."""
        if self.kind == "added":
            return f"新增{self.label}：{self.new}"
        if self.kind == "removed":
            return f"删除{self.label}：{self.old}"
        return f"{self.label}：{self.old or UNSET} → {self.new or UNSET}"

    def to_json(self) -> dict[str, Any]:
        return {"area": self.area, "title": AREAS[self.area], "path": list(self.path),
                "kind": self.kind, "old": self.old, "new": self.new, "cite": self.cite,
                "source": self.source, "text": self.sentence()}


def raw_index(policy: Policy, section: str, name: str) -> tuple[Any, ...]:
    """The merged-document path of a named list item (transitions, reminders, …)."""
    for i, x in enumerate(policy.raw.get(section) or ()):
        if isinstance(x, dict) and x.get("name") == name:
            return (section, i)
    return (section,)


def named_keywords(c: Collector, section: str, name: str, a: Any, b: Any) -> dict[str, Any]:
    """Cites and merged-document paths of a named list item under OLD (``a``) and NEW
    (``b``), as every change sentence about it carries them."""
    return {"cite": b.cite if b else None, "old_cite": a.cite if a else None,
            "raw": raw_index(c.new, section, name), "old_raw": raw_index(c.old, section, name)}


class Collector:
    """Compares rendered values of OLD and NEW and records a :class:`Change` when they
    differ. Comparers call :meth:`value` (one field) and :meth:`presence` (a keyed thing
    that may exist on one side only)."""

    def __init__(self, old: Policy, new: Policy, *, cites: bool = False) -> None:
        self.old = old
        self.new = new
        self.cites = cites  # also list rules whose citation alone changed
        self.changes: list[Change] = []
        # The same policies speaking canonical role names: values rendered with these are
        # the comparison keys, so 主办部门 and 承办部门 (both lead_department) compare equal.
        self.canon_old = replace(old, role_words={})
        self.canon_new = replace(new, role_words={})

    def value(self, area: str, path: Sequence[str], label: str, old: str | None,
              new: str | None, *, cite: str | None = None, old_cite: str | None = None,
              raw: Sequence[Any] = (), old_raw: Sequence[Any] | None = None,
              keys: tuple[Any, Any] | None = None, thing: bool = False) -> None:
        """Record a change if the rendered values differ (None means absent); ``keys``,
        when given, decide equality instead of the rendered text.

        A ``thing`` (a state, a rule, a form — something with an id) that exists on one
        side only is ``added`` or ``removed``; a field of a thing is always ``changed``,
        from or to 未规定 when it is absent on one side.
        """
        if (old == new) if keys is None else (keys[0] == keys[1]):
            return
        kind = "changed" if not thing or (old is not None and new is not None) else \
            "added" if old is None else "removed"
        side, rpath = (self.old, old_raw if old_raw is not None else raw) \
            if new is None else (self.new, raw)
        src = side.source_of(rpath)
        self.changes.append(Change(
            area, tuple(str(p) for p in path), kind, label, old, new,
            cite if new is not None else old_cite, src,
            src is not None and src != side.path))

    def roles_value(self, area: str, path: Sequence[str], label: str,
                    render: Callable[[Policy, T], str | None], old: T | None, new: T | None,
                    **kw: Any) -> None:
        """Like :meth:`value` for a value that names roles: shown in each policy's own
        words, compared by canonical roles."""
        def show(p: Policy, x: T | None) -> str | None:
            return None if x is None else render(p, x)
        self.value(area, path, label, show(self.old, old), show(self.new, new),
                   keys=(show(self.canon_old, old), show(self.canon_new, new)), **kw)

    def presence(self, area: str, path: Sequence[str], label: str, old: str | None,
                 new: str | None, *, cite: str | None = None, old_cite: str | None = None,
                 raw: Sequence[Any] = (), old_raw: Sequence[Any] | None = None) -> bool:
        """Record an added or removed thing; True when it exists on both sides (then the
        caller compares it field by field)."""
        if old is not None and new is not None:
            self.cite(area, path, label, old_cite, cite, raw=raw)
            return True
        self.value(area, path, label, old, new, cite=cite, old_cite=old_cite, raw=raw,
                   old_raw=old_raw, thing=True)
        return False

    def cite(self, area: str, path: Sequence[str], label: str, old: str | None,
             new: str | None, *, raw: Sequence[Any] = ()) -> None:
        """With ``cites``, record a citation that changed while the rule did not."""
        if self.cites and old != new:
            self.value(area, (*path, "cite"), f"{label}的出处", old or "未注明",
                       new or "未注明", cite=new, old_cite=old, raw=raw)
