"""Coordination requests (主、协办单位意见分歧较大的，主办单位列明双方理由、依据，送督办单位协调解决
— guoshuiju 四、（四）).

Why its own shape: a disagreement between the lead and the assisting departments is
neither an extension (no date moves) nor a completion review. The lead department asks,
stating both sides' reasons (the transition ``requires: [reason]``); the item waits in a
state with ``approval: coordination`` for the chain ``approvals.coordination`` (the
supervising unit); its last step resolving it (approve) is counted on the item, a refusal
to take it up (reject) is not, and either way the item goes back to where it was. The
request (its reasons) stays on the pending approval for whoever decides.
"""

from __future__ import annotations

from duban.engine.draft import Draft
from duban.policy.model import Policy

#: The approval purpose of a coordination request.
PURPOSE = "coordination"


def resolved(draft: Draft) -> None:
    """The chain's last step resolved it (a refusal to take it up is not counted)."""
    draft.coordinated += 1


def asked(policy: Policy) -> bool:
    """Whether the policy has coordination requests (outcomes count resolutions then)."""
    return any(s.approval == PURPOSE for s in policy.states.values())
