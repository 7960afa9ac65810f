"""Compiling ``organisation.supervisor``: a supervising unit per item (督办单位).

Why its own module: "经督办单位分管局领导批准" names an approver by the unit that
supervises the item, not by a role alone. The policy declares the item field (which
units may be named, whether 立项 must name one) and marks the role words that are judged
against it (``oversees: supervisor``); the people who hold such a word say which units
they oversee (``oversees: [办公室]`` — in ``people`` here, on the user in a deployment).
Each mistake is reported at its own line with what to write instead. The engine
(``duban.engine.access``) does the judging.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from duban.policy.basis import basis_of
from duban.policy.model import Policy, Role, Supervision


class Compiler(Protocol):
    """What of the policy compiler this stage uses."""

    def problem(self, code: str, path: tuple[Any, ...], message: str, *,
                value: Any = None, expected: str | None = None,
                hint: str | None = None) -> None: ...
    def did_you_mean(self, word: str, choices: Any) -> str | None: ...


def supervision(c: Compiler, org: Mapping[str, Any],
                roles: Mapping[str, Role]) -> Supervision | None:
    """The item field, if declared; a role judged against it, or a person overseeing a
    unit, needs it, and a unit a person oversees must be one that may supervise."""
    spec = org.get("supervisor")
    field = None if spec is None else Supervision(
        str(spec.get("title") or "督办单位"), tuple(str(u) for u in spec.get("units") or ()),
        bool(spec.get("required")), basis_of(spec))
    if field is None:
        for word, role in roles.items():
            if role.oversees:
                c.problem("no_supervisor", ("organisation", "roles", word, "oversees"),
                          f"角色“{word}”按事项的督办单位判定（oversees: supervisor），但本策略没有"
                          "督办单位字段 / the policy declares no supervising unit per item",
                          value=role.oversees, hint="在 organisation 中写 supervisor: {cite: …}"
                                                    "（可加 units、required），或删去 oversees")
    for person, entry in (org.get("people") or {}).items():
        _person(c, field, person, entry or {})
    return field


def _person(c: Compiler, field: Supervision | None, person: str,
            entry: Mapping[str, Any]) -> None:
    where = ("organisation", "people", person, "oversees")
    units = [str(u) for u in entry.get("oversees") or ()]
    if units and field is None:
        c.problem("no_supervisor", where,
                  f"人员“{person}”分管督办单位（oversees），但本策略没有督办单位字段 / the policy "
                  "declares no supervising unit per item", value="、".join(units),
                  hint="在 organisation 中写 supervisor: {cite: …}，或删去此人的 oversees")
        return
    for i, unit in enumerate(units):
        if field is not None and field.units and unit not in field.units:
            c.problem("unknown_unit", (*where, i),
                      f"人员“{person}”分管的“{unit}”不是可作{field.title}的单位 / not one of "
                      "organisation.supervisor.units", value=unit,
                      expected="、".join(field.units),
                      hint=c.did_you_mean(unit, field.units))


def field_words(field: Supervision | None) -> str:
    """The item field as explain and diff say it: ``每个事项立项时写明督办单位（可选：办公室、
    征管科；必填）``; ``未设`` when the policy has none."""
    if field is None:
        return "未设（事项不记督办单位）"
    units = f"可选：{'、'.join(field.units)}" if field.units else "单位不限"
    need = "立项必填" if field.required else "立项时写明，未强制"
    return f"每个事项记{field.title}（{units}；{need}）"


def judged_words(policy: Policy) -> tuple[str, ...]:
    """The role words judged against the item's supervising unit, in the policy's order."""
    return tuple(w for w, r in policy.roles.items() if r.oversees == "supervisor")


def overseer(policy: Policy, word: str) -> str:
    """A role word judged against the supervisor as explain, diff and refusals say it:
    ``分管局领导（须分管本事项的督办单位）``."""
    field = policy.supervision
    title = field.title if field is not None else "督办单位"
    return f"{word}（须分管本事项的{title}）"


__all__ = ["field_words", "judged_words", "overseer", "supervision"]
