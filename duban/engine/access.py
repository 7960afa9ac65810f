"""Who may see an item: the confidentiality (保密) rule, beside the engine's authorisation.

Why here: every path a person looks through — the CLI's ``item show|list|history``, the
refusal of an action, the 通报, the 台账, the forms, the HTTP API — must answer the same
question the same way, and the answer depends only on the policy and the item, so it
belongs to the pure core. A path that is not entitled answers as if the item did not
exist ("unknown item"), never "permission denied", which would confirm that it does.
"""

from __future__ import annotations

from duban.engine.model import Actor, ItemState
from duban.policy.model import Policy


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


__all__ = ["visible_to"]
