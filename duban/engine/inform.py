"""Notify-only steps (分送/知会): a transition that tells someone, without waiting for them.

Why its own shape: regulations send a copy to a leader or a department "for information"
(下发承办部门并分送分管领导知晓; 全套材料送综合办阅知). That is neither an approval (nobody
signs, the item moves on at once) nor a reminder (nothing is late). A transition written
with ``inform: [...]`` produces one ``notify`` effect of kind ``inform`` when it fires; the
shell writes it to the outbox in the same transaction as the event, so it is delivered
at least once like every notice, and replay gives the same effect.

Recipients are resolved against the item: a department role (主办部门, 协办部门, 部门负责人 …)
means the item's own department(s); any other role is named by the word the policy wrote;
a department named as such is itself.
"""

from __future__ import annotations

import datetime as dt

from duban.engine import penalties as penalty_rules
from duban.engine.draft import Draft
from duban.engine.model import Effect
from duban.policy.model import DEPARTMENT_ROLES, Policy, Transition

KIND = "inform"


def recipients(policy: Policy, entries: tuple[tuple[str, str], ...],
               draft: Draft) -> list[str]:
    """The people or departments an inform list means for this item (as the transition
    leaves it), in written order."""
    out: list[str] = []
    for canonical, written in entries:
        names = penalty_rules.targets(policy, canonical, draft.department, draft.assist) \
            if canonical in DEPARTMENT_ROLES else [written]
        out.extend(n for n in names if n not in out)
    return out


def notices(policy: Policy, t: Transition, draft: Draft,
            at: dt.datetime) -> list[Effect]:
    """The notify-only effect of a transition that has just fired (none without ``inform``)."""
    if not t.inform:
        return []
    to = recipients(policy, t.inform, draft)
    return [Effect("notify", {"kind": KIND, "name": t.name, "to": to, "at": at.isoformat(),
                              "cite": t.cite,
                              "message": f"依据：{t.cite}" if t.cite else None})]


def informed(policy: Policy) -> bool:
    """Whether any transition of the policy informs someone (outcomes list them then)."""
    return any(t.inform for t in policy.transitions)
