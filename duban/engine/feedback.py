"""Approval of progress reports (反馈须经审核同意).

Why its own shape: some regulations let a department's progress report reach the
supervising office only after a leader agreed to it ("主办部门应经分管领导审核同意后及时反馈
办理情况", xingzheng_duban 4.2.1（4）, 4.3.4). The report is then not a fact when it is
written but when it is approved: only then does it count as given (the 定时反馈 clock
restarts from the approval), and a report the leader sends back does not count at all.

A progress transition whose target state waits for a ``progress`` approval
(``approval: progress``; the chain is ``approvals.progress`` of the item's category) sends
the report for approval instead of recording it; the approval chain's last step records it.
"""

from __future__ import annotations

import datetime as dt

from duban.engine.draft import Draft
from duban.policy.model import Policy, Transition

#: The approval purpose of a progress report.
PURPOSE = "progress"


def awaits_approval(policy: Policy, t: Transition | None) -> bool:
    """Whether firing ``t`` sends a progress report for approval rather than giving it."""
    state = policy.states.get(t.to) if t is not None else None
    return state is not None and state.approval == PURPOSE


def decided(draft: Draft, approved: bool, at: dt.datetime) -> None:
    """The approval chain decided a report: approved, it counts as given now; sent back, it
    is counted as returned and the item's last report stays what it was."""
    if approved:
        draft.last_progress_at = at
        draft.progress_approved += 1
    else:
        draft.progress_returned += 1


def reviewed(policy: Policy) -> bool:
    """Whether any progress report of the policy passes an approval (outcomes count them)."""
    return any(s.approval == PURPOSE for s in policy.states.values())
