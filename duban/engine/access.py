"""Who may act on an item and who may see it: authorisation and confidentiality (保密).

Why here: every path a person acts or looks through — the engine's transitions and
approval steps, the CLI, the HTTP API and its pages, the 通报, the 台账, the forms — must
answer the same questions the same way, and the answers depend only on the policy, the
item and the actor, so they belong to the pure core.

Authorisation is in the organisation's own words. A transition or a chain step names
role words; an actor who holds role words must hold one of the words written (two words
on one canonical role are different people: 公司主要领导 is not 公司领导), where a word
declared ``same_as`` another is that other. An actor known only canonically (a portable
scenario, a canonical ``--as``) stands for any word of its canonical role. The words for
the item's own units (主办部门, 承办部门, 牵头部门, 子公司 … as lead or assisting units)
describe the unit the item itself names, so for them the department decides, not the
word. Department roles also check the department the actor acts for. A word written
``oversees: supervisor`` (督办单位分管局领导) also asks that the actor oversee the unit
the item names as its supervisor, and one written ``oversees: lead`` (主办部门“应经分管
领导审核同意”) that the actor oversee the item's lead department, the way unit roles
ask for the item's departments; one written ``oversees: {unit: 党政办}`` (“经党政办分管
领导审核”) asks that the actor oversee that one unit of the organisation, whatever the item.

Visibility: a path that is not entitled answers as if the item did not exist ("unknown
item"), never "permission denied", which would confirm that it does.
"""

from __future__ import annotations

from collections.abc import Iterable

from duban.engine.model import Actor, ItemState
from duban.policy.model import DEPARTMENT_ROLES, Policy
from duban.policy.supervision import judged_title

#: Roles that name a unit the item itself identifies (its lead, its assisting units).
UNIT_ROLES = frozenset({"lead_department", "assisting_department"})


def authorized(policy: Policy, actor: Actor | None, roles: Iterable[str], item: ItemState,
               words: Iterable[str] = ()) -> bool:
    """Whether ``actor`` may act as one of ``roles`` (canonical) on ``item``, where
    ``words`` are the roles as the policy wrote them (the transition's or step's)."""
    if actor is None:
        return False
    written = tuple(words)
    for r in set(roles) & actor.roles:
        if not holds_word(policy, actor, r, written) or \
                not oversees_item(policy, actor, r, written, item):
            continue
        if r == "assisting_department":
            if actor.department in item.assist:
                return True
        elif r in DEPARTMENT_ROLES:
            if actor.department is not None and actor.department == item.department:
                return True
        else:
            return True
    return False


def holds_word(policy: Policy, actor: Actor, canonical: str, words: Iterable[str]) -> bool:
    """Whether the actor holds one of the written words of ``canonical`` (a canonical
    name written, no word of it written, or an actor known only canonically: yes). Both
    sides are compared as principal words, so a word declared ``same_as`` is that word."""
    required = [w for w in words if policy.canonical_role(w) == canonical]
    held = policy.own_words(actor.words)  # as principal words; canonical names dropped
    if not required or canonical in required or not held or canonical in UNIT_ROLES:
        return True
    return bool(policy.own_words(required) & held)


def judged_unit(policy: Policy, word: str, item: ItemState) -> str | None:
    """The unit a written word is judged against: the item's supervising unit for
    ``oversees: supervisor``, its lead department for ``oversees: lead``, the unit the
    policy fixes for ``oversees: {unit: …}`` (the same for every item); None for a word
    without the mark, or when the item names no such unit (then nobody oversees it)."""
    role = policy.roles.get(word)
    if role is None or role.oversees is None:
        return None
    if role.oversees == "unit":
        return role.unit
    return item.supervisor if role.oversees == "supervisor" else \
        item.lead if role.oversees == "lead" else None


def oversees_item(policy: Policy, actor: Actor, canonical: str, words: Iterable[str],
                   item: ItemState) -> bool:
    """For a written word judged against a unit (``oversees: supervisor``, 督办单位分管
    局领导; ``oversees: lead``, the 分管领导 of the 主办部门; ``oversees: {unit: 党政办}``,
    党政办分管领导): whether the actor oversees that unit. Words of ``canonical`` written
    without a mark, or the canonical name itself, are not judged so; an actor known only canonically, with no units of its
    own (a portable scenario's stand-in, a canonical ``--as``), stands for whoever holds
    the role, as it does for every word of it. An actor who holds words is judged only
    against the marked words it holds (as principal words), so overseeing the supervising
    unit does not stand in for overseeing the lead department, nor either for overseeing
    a fixed unit."""
    mine = [w for w in words if policy.canonical_role(w) == canonical]
    judged = {w for w in mine if (role := policy.roles.get(w)) and role.oversees}
    if not judged or canonical in mine:
        return True
    held = policy.own_words(actor.words)
    plain = policy.own_words(w for w in mine if w not in judged)
    if plain and (not held or plain & held):
        return True
    if not held and not actor.oversees:
        return True
    units = {judged_unit(policy, w, item) for w in judged
             if not held or policy.own_words((w,)) & held}
    return bool(actor.oversees & {u for u in units if u is not None})


def oversight_note(policy: Policy, item: ItemState, words: Iterable[str]) -> str:
    """What a refusal adds when the approver written is judged against a unit:
    ``（须分管本事项的督办单位“办公室”）``, ``（须分管本事项的主办部门“财务部”）``, or that the
    item names none; ``（须分管党政办）`` for a fixed unit — so the refused person learns
    whose approval it is."""
    notes = []
    for word in dict.fromkeys(words):
        title = judged_title(policy, word)
        if title is None:
            continue
        if policy.roles[word].oversees == "unit":
            notes.append(f"（须分管{title}）")
            continue
        unit = judged_unit(policy, word, item)
        notes.append(f"（须分管本事项的{title}“{unit}”）" if unit is not None else
                     f"（须分管本事项的{title}，但本事项未写明{title}）")
    return "".join(dict.fromkeys(notes))


def written_roles(policy: Policy, words: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """(canonical role, the organisation's word) for each role as written, in a stable
    order: who a transition names, for offers, plans and messages."""
    out = {(c, w if w != c else policy.word(c)) for w in words
           if (c := policy.canonical_role(w)) is not None}
    return tuple(sorted(out))


def visible_to(policy: Policy, item: ItemState, actor: Actor | None) -> bool:
    """Whether ``actor`` may see the item: anyone for ordinary items; for a confidential
    (保密) one only its departments (lead, assisting, in the hand-off), the roles the
    policy's ``confidentiality.visible_to`` names, and the system itself (timers)."""
    if not item.confidential:
        return True
    if actor is None:
        return False
    if "system" in actor.roles:
        return True
    if actor.department and (actor.department == item.department or
                             actor.department in item.assist or
                             actor.department in item.handoff):
        return True
    return bool(actor.roles & policy.confidential_visible_to)


__all__ = ["UNIT_ROLES", "authorized", "holds_word", "judged_unit", "oversees_item",
           "oversight_note", "visible_to", "written_roles"]
