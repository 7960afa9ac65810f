"""Compiling ``at_least``: "at least N per period" requirements (每两个月不少于3次).

Why its own module: a frequency floor names an action (a transition of the policy, an
action word, or a canonical action), a number, a period and whose duty it is; each of
these is checked against the rest of the compiled policy, and a mistake is reported at
the entry with what to write instead. The engine (``duban.engine.at_least``) counts the
actions and records a shortfall at the end of each period.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from duban import vocabulary
from duban.calendar.duration import Duration
from duban.policy.basis import basis_of
from duban.policy.cel import Expression
from duban.policy.model import AtLeast, Policy, Transition
from duban.vocabulary import CANONICAL_ACTIONS


class Compiler(Protocol):
    """What of the policy compiler this stage uses."""

    def problem(self, code: str, path: tuple[Any, ...], message: str, *,
                value: Any = None, expected: str | None = None,
                hint: str | None = None) -> None: ...
    def did_you_mean(self, word: str, choices: Any) -> str | None: ...
    def duration(self, text: Any, path: tuple[Any, ...], *,
                 allow_zero: bool = False) -> Duration | None: ...
    def expr(self, source: Any, path: tuple[Any, ...]) -> Expression | None: ...
    def roles(self, words: Any, path: tuple[Any, ...]) -> tuple[str, ...]: ...
    def unique_names(self, raw: list[Mapping[str, Any]], section: str) -> None: ...
    def require(self, section: str, i: int, item: Mapping[str, Any],
                keys: tuple[str, ...]) -> bool: ...


def at_least(c: Compiler, raw: list[Mapping[str, Any]], transitions: tuple[Transition, ...],
             actions: Mapping[str, str]) -> tuple[AtLeast, ...]:
    """Every ``at_least`` entry, its action resolved like an event's: a transition's own
    name counts only that transition; an action word or canonical action counts every
    transition of that action."""
    c.unique_names(raw, "at_least")
    names = {t.name: t.action for t in transitions}
    out = []
    for i, spec in enumerate(raw):
        p = ("at_least", i)
        if not c.require("at_least", i, spec, ("action", "times", "every")):
            continue
        written = str(spec["action"])
        if written in names:
            action, only = names[written], written
        elif written in actions or written in CANONICAL_ACTIONS:
            action, only = actions.get(written, written), None
        else:
            c.problem("unknown_action", (*p, "action"),
                      f"“{spec['name']}”计数的动作 '{written}' 不是本策略的转换或动作 / unknown "
                      f"action '{written}'", value=written,
                      expected="transitions 中的转换名、actions 中的动作词或规范动作",
                      hint=c.did_you_mean(written, [*names, *actions]))
            continue
        every = c.duration(spec["every"], (*p, "every"))
        if every is None:
            continue
        out.append(AtLeast(str(spec["name"]), action, only, int(spec["times"]), every,
                           c.roles(spec.get("by"), (*p, "by")),
                           tuple(str(w) for w in spec.get("by") or ()),
                           c.expr(spec.get("when"), (*p, "when")), basis_of(spec)))
    return tuple(out)


def floor_words(policy: Policy, r: AtLeast) -> str:
    """A requirement as explain and diff say it (after its name): ``督察组每两个月内
    “督查记录”不少于3次（周期自交办起算，不足的记为未达次数）``."""
    who = "、".join(r.by_words) or "、".join(policy.word(x) for x in r.by)
    what = f"“{r.transition}”" if r.transition else vocabulary.word(vocabulary.ACTIONS, r.action)
    cond = f"，适用于：{r.when.source}" if r.when is not None else ""
    return (f"{who}每{r.every.text or r.every}内{what}不少于{r.times}次"
            f"（周期自交办起算，不足的记为未达次数{cond}）")
