"""Who entered an event versus who decided it: 代录, and the policy's rule on it.

Why in the pure core: the event carries both — the actor (who decided, in which role) and
``entered_by`` (who typed it in: the signed-in user, the configured operator, the OS
user) — so whether an entry is 代录, and whether the policy allows it for that role,
depends on nothing else. History, forms and the HTTP API show an event as 代录 by the
same test that the engine enforces (:func:`entered_for_another`), so what the record
calls 代录 is exactly what the regulation's rule judged.

An entry is *not* 代录 when the person who decided entered it: ``entered_by`` is their
name, or ``部门 姓名`` with their department. An actor known only by a role (the CLI's
``--as 总经理`` without ``--actor``) is not a person, so its entries are 代录 by whoever
entered them. Events without ``entered_by`` (scenarios, replays of old history) and the
system's own events are never 代录.
"""

from __future__ import annotations

from duban.engine.model import Actor, Event, ItemState
from duban.engine.refusal import ActionRefused
from duban.policy.model import Policy


def entered_for_another(event: Event) -> bool:
    """Whether someone other than the deciding person entered ``event`` (代录)."""
    actor, by = event.actor, event.entered_by
    if not by or actor is None or "system" in actor.roles or not (actor.roles or actor.person):
        return False
    if actor.person is None:
        return True
    return by not in (actor.person, f"{actor.department} {actor.person}")


def may_be_entered_for(policy: Policy, actor: Actor) -> bool:
    """Whether the policy lets someone else enter ``actor``'s decisions. Role words are
    matched as authorisation matches them: an actor who holds role words must hold one of
    the words listed (公司领导 is not 公司主要领导); one known only canonically stands for
    any word of its canonical role."""
    rule = policy.proxy_entry
    if rule is None:
        return True
    held = policy.own_words(actor.words)
    for word in rule.words:
        canonical = policy.canonical_role(word)
        if canonical is None or canonical not in actor.roles:
            continue
        if not held or word == canonical or policy.own_words((word,)) & held:
            return True
    return False


def check_entry(policy: Policy, item: ItemState, event: Event) -> None:
    """Refuse a 代录 entry for a role the policy does not allow (``permission_denied``,
    citing the rule); anything else passes."""
    if policy.proxy_entry is None or not entered_for_another(event):
        return
    assert event.actor is not None  # entered_for_another is False without an actor
    if may_be_entered_for(policy, event.actor):
        return
    rule = policy.proxy_entry
    allowed = "、".join(rule.words)
    decider = _decider(policy, event.actor)
    raise ActionRefused(
        "permission_denied",
        f"{decider}的决定须由本人录入，不得由 {event.entered_by} 代录"
        + (f"（可以代录的只有：{allowed}）" if allowed else "（本制度不允许代录）")
        + " / this role's decisions may not be entered by someone else",
        item=item.id, action=event.action, rule="代录", cite=rule.cite)


def _decider(policy: Policy, actor: Actor) -> str:
    """The deciding actor in the policy's words: ``张总（总经理）``, ``承办部门（财务部）``."""
    roles = "、".join(sorted(policy.own_words(actor.words)) or
                      sorted(policy.word(r) for r in actor.roles))
    if actor.person:
        about = "，".join(x for x in (roles, actor.department) if x)
        return f"{actor.person}（{about}）" if about else actor.person
    return f"{roles}（{actor.department}）" if actor.department else roles


__all__ = ["check_entry", "entered_for_another", "may_be_entered_for"]
