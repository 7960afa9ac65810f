"""Compiling ``organisation.supervisor``: a supervising unit per item (督办单位).

Why its own module: "经督办单位分管局领导批准" names an approver by the unit that
supervises the item, not by a role alone. The policy declares the item field (which
units may be named, whether 立项 must name one) and marks the role words that are judged
against it (``oversees: supervisor``); the people who hold such a word say which units
they oversee (``oversees: [办公室]`` — in ``people`` here, on the user in a deployment).
"主办部门应经分管领导审核同意" names an approver by the item's lead department the same
way (``oversees: lead``), which needs no supervisor field: the lead is every item's own.
"经党政办分管领导审核" names one the organisation fixes, whatever the item
(``oversees: {unit: 党政办}``): the unit is written in the policy, so it must be a unit
the organisation section knows — a department, or the office a role word names.
Each mistake is reported at its own line with what to write instead. The engine
(``duban.engine.access``) does the judging.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from duban.policy.basis import basis_of
from duban.policy.model import Policy, Role, Supervision

#: The marks a role word may carry (``oversees``): the unit its holder must oversee — the
#: item's supervising unit, the item's lead, or a fixed unit the policy names (``unit``).
MARKS = ("supervisor", "lead", "unit")

#: Canonical roles whose words name a body of the organisation itself (党政办, 督查室):
#: a unit a leader can oversee, besides the departments listed.
OFFICE_ROLES = frozenset({"supervisor_office"})


class Compiler(Protocol):
    """What of the policy compiler this stage uses."""

    def problem(self, code: str, path: tuple[Any, ...], message: str, *,
                value: Any = None, expected: str | None = None,
                hint: str | None = None) -> None: ...
    def did_you_mean(self, word: str, choices: Any) -> str | None: ...


def mark_of(value: Any) -> tuple[str | None, str | None]:
    """``oversees`` as written → (mark, fixed unit): ``supervisor``/``lead`` are the
    item's own units, so a string; a fixed unit is a mapping ``{unit: 党政办}``, so that a
    misspelt mark is never read as a unit's name, nor a unit's name as a mark."""
    if isinstance(value, Mapping):
        return "unit", str(value.get("unit"))
    return (None if value is None else str(value)), None


def offices(roles: Mapping[str, Role]) -> tuple[str, ...]:
    """The organisation's own offices as its role words name them (党政办, 督查督办工作组)."""
    return tuple(w for w, r in roles.items() if r.canonical in OFFICE_ROLES and w != r.canonical)


def supervision(c: Compiler, org: Mapping[str, Any],
                roles: Mapping[str, Role]) -> Supervision | None:
    """The item field, if declared; a role judged against it, or a person overseeing a
    unit, needs it — unless some role is judged against the item's lead or a fixed unit
    instead — and a unit a person oversees must be one that may supervise, or a known
    department or office."""
    spec = org.get("supervisor")
    field = None if spec is None else Supervision(
        str(spec.get("title") or "督办单位"), tuple(str(u) for u in spec.get("units") or ()),
        bool(spec.get("required")), basis_of(spec))
    if field is None:
        for word, role in roles.items():
            if role.oversees == "supervisor":
                c.problem("no_supervisor", ("organisation", "roles", word, "oversees"),
                          f"角色“{word}”按事项的督办单位判定（oversees: supervisor），但本策略没有"
                          "督办单位字段 / the policy declares no supervising unit per item",
                          value=role.oversees, hint="在 organisation 中写 supervisor: {cite: …}"
                                                    "（可加 units、required）；分管的是主办部门的，"
                                                    "写 oversees: lead；或删去 oversees")
    departments = tuple(str(d) for d in org.get("departments") or ())
    fixed = tuple(w for w, r in roles.items() if r.oversees == "unit")
    for word in fixed:
        _fixed(c, word, str(roles[word].unit),
               (*departments, *(field.units if field else ()), *offices(roles)))
    marked = any(r.oversees in ("lead", "unit") for r in roles.values())
    lead = departments if marked else None
    for person, entry in (org.get("people") or {}).items():
        _person(c, field, lead, offices(roles) if fixed else (), person, entry or {})
    return field


def _fixed(c: Compiler, word: str, unit: str, known: tuple[str, ...]) -> None:
    """``oversees: {unit: …}`` names a unit of the organisation, never a guess: one of its
    departments, a unit that may supervise, or an office a role word names. Unlike a
    person's units, an empty department list does not mean "any": the policy itself
    names this unit, so the policy must know it."""
    if unit in known:
        return
    c.problem("unknown_unit", ("organisation", "roles", word, "oversees", "unit"),
              f"角色“{word}”须分管的“{unit}”不是本单位的部门或办公室 / not one of "
              "organisation.departments, organisation.supervisor.units or an office role word",
              value=unit, expected="、".join(dict.fromkeys(known)) or None,
              hint=c.did_you_mean(unit, known) or "把它写进 organisation.departments，"
                   "或写成本单位办公室的角色词（canonical: supervisor_office）")


def _person(c: Compiler, field: Supervision | None, lead: tuple[str, ...] | None,
            fixed: tuple[str, ...], person: str, entry: Mapping[str, Any]) -> None:
    """A person's ``oversees``: units the policy can judge someone against. ``lead`` is
    the known departments when a role is judged against the item's lead or a fixed unit
    (empty: any, the policy lists none, its directory may), None when no role is;
    ``fixed`` the offices role words name, when a role is judged against a fixed unit."""
    where = ("organisation", "people", person, "oversees")
    units = [str(u) for u in entry.get("oversees") or ()]
    if units and field is None and lead is None:
        c.problem("no_supervisor", where,
                  f"人员“{person}”分管督办单位（oversees），但本策略没有督办单位字段 / the policy "
                  "declares no supervising unit per item", value="、".join(units),
                  hint="在 organisation 中写 supervisor: {cite: …}；分管的是主办部门的，在角色上写 "
                       "oversees: lead；或删去此人的 oversees")
        return
    known = (*(field.units if field is not None else ()), *(lead or ()), *fixed)
    anything = (field is not None and not field.units) or lead == ()
    for i, unit in enumerate(units):
        if anything or unit in known:
            continue
        title = "、".join(([f"可作{field.title}的单位"] if field is not None else []) +
                         (["本策略的部门"] if lead is not None else []) +
                         (["本单位的办公室"] if fixed else []))
        c.problem("unknown_unit", (*where, i),
                  f"人员“{person}”分管的“{unit}”不是{title} / not one of "
                  + " or ".join((["organisation.supervisor.units"] if field is not None else [])
                                + (["organisation.departments"] if lead is not None else [])
                                + (["an office role word"] if fixed else [])),
                  value=unit, expected="、".join(dict.fromkeys(known)),
                  hint=c.did_you_mean(unit, known))


def field_words(field: Supervision | None) -> str:
    """The item field as explain and diff say it: ``每个事项立项时写明督办单位（可选：办公室、
    征管科；必填）``; ``未设`` when the policy has none."""
    if field is None:
        return "未设（事项不记督办单位）"
    units = f"可选：{'、'.join(field.units)}" if field.units else "单位不限"
    need = "立项必填" if field.required else "立项时写明，未强制"
    return f"每个事项记{field.title}（{units}；{need}）"


def judged_words(policy: Policy) -> tuple[str, ...]:
    """The role words judged against a unit (the item's supervising unit, its lead
    department, or a fixed unit of the organisation), in the policy's order."""
    return tuple(w for w, r in policy.roles.items() if r.oversees in MARKS)


def lead_title(policy: Policy, word: str) -> str:
    """What a word judged against the item's lead calls the lead: the policy's own word
    for the lead role that the marked word itself contains (主办部门分管领导 → 主办部门),
    else the policy's principal word for it — the text's own name, never a canonical one."""
    leads = [w for w, r in policy.roles.items()
             if r.canonical == "lead_department" and w != r.canonical]
    return next((w for w in leads if w in word), policy.word("lead_department"))


def judged_title(policy: Policy, word: str) -> str | None:
    """What the unit a word is judged against is called: ``督办单位`` (the supervisor
    field's title), ``主办部门`` (the policy's word for the lead), the fixed unit's own
    name (``党政办``); None for a plain word."""
    role = policy.roles.get(word)
    if role is None or role.oversees not in MARKS:
        return None
    if role.oversees == "unit":
        return role.unit
    if role.oversees == "lead":
        return lead_title(policy, word)
    return policy.supervision.title if policy.supervision is not None else "督办单位"


def requirement(policy: Policy, word: str) -> str | None:
    """What the holder of a marked word must oversee, as a refusal, explain and diff say
    it: ``本事项的督办单位``, ``本事项的主办部门`` — whose unit depends on the item — or the
    fixed unit itself (``党政办``), which does not; None for a plain word."""
    title = judged_title(policy, word)
    if title is None:
        return None
    role = policy.roles[word]
    return title if role.oversees == "unit" else f"本事项的{title}"


def overseer(policy: Policy, word: str) -> str:
    """A role word judged against a unit as explain, diff and refusals say it:
    ``分管局领导（须分管本事项的督办单位）``, ``主办部门分管领导（须分管本事项的主办部门）``,
    ``党政办分管领导（须分管党政办）``."""
    need = requirement(policy, word)
    return f"{word}（须分管{need}）" if need else word


__all__ = ["MARKS", "OFFICE_ROLES", "field_words", "judged_title", "judged_words", "lead_title",
           "mark_of", "offices", "overseer", "requirement", "supervision"]
