"""Lateness as a fact: the moment an item's deadline passes unfinished.

Why its own trigger: regulations penalise "未完成" and "逾期" as facts, not as the side
effect of a reminder. A penalty rule with ``on: late`` is recorded once per deadline, at
the first of

* the deadline passing while the item is still open (the first instant after it, fired
  by ``tick`` like any timer, but not a notice and not listed among reminders), or
* a report or closing that arrives after the deadline (when no tick ran in between),

so an item due on Friday and reported on Saturday is late whether or not anything fired
over the weekend. The marker is the fired entry keyed by the deadline, so a moved
deadline (an approved extension) can become late again, and replay gives the same result.
"""

from __future__ import annotations

import datetime as dt

from duban.engine.model import OPEN_STATES, FiredTimer, ItemState
from duban.policy.model import Policy

#: The penalty trigger, and the timer event that carries it.
LATE = "late"
DEADLINE_PASSED = "deadline_passed"
NAME = "逾期"
ONE_SECOND = dt.timedelta(seconds=1)


def watched(policy: Policy) -> bool:
    """Whether any rule listens for lateness (only then is a deadline watched)."""
    return any(r.on == LATE for r in policy.penalties)


def key_for(due: dt.datetime) -> str:
    return f"{NAME}@{due.isoformat()}"


def pending(policy: Policy, item: ItemState) -> tuple[dt.datetime, str] | None:
    """(instant, key) at which lateness becomes fact for the open item, if not yet recorded."""
    if item.due is None or not watched(policy):
        return None
    state = policy.states[item.state]
    if state.canonical not in OPEN_STATES or state.clock_stopped:
        return None
    key = key_for(item.due)
    if any(f.key == key for f in item.fired):
        return None
    return item.due + ONE_SECOND, key


def late_on_finishing(policy: Policy, item: ItemState, at: dt.datetime) -> FiredTimer | None:
    """The lateness marker to record when a report or closing at ``at`` is past the
    deadline and lateness was not yet recorded; None otherwise."""
    if item.due is None or at <= item.due or not watched(policy):
        return None
    key = key_for(item.due)
    if any(f.key == key for f in item.fired):
        return None
    return FiredTimer(NAME, DEADLINE_PASSED, item.due + ONE_SECOND, key)
