"""The semantic diff: two compiled policies compared area by area, keyed by ids.

Why compiled policies and not the YAML: values merged from ``extends`` must be compared as
they are in force (a change to a base file is a change to every policy extending it), and
two spellings of one rule (``两周`` and ``2 weeks``; 主办部门 and 承办部门 for the same
canonical role) must compare equal. Each change remembers the file that wrote it.
"""

from __future__ import annotations

from collections.abc import Callable

from duban.diff import lifecycle, organisation, rules
from duban.diff.change import AREAS, Change, Collector
from duban.policy.model import Policy

#: The comparers, one per area (some areas have two), in print order.
COMPARERS: tuple[Callable[[Collector], None], ...] = (
    rules.time_limits, lifecycle.chains, rules.extensions, rules.reminders, rules.penalties,
    lifecycle.lifecycle, organisation.categories, organisation.calendar,
    organisation.documents, organisation.organisation,
)


def diff_policies(old: Policy, new: Policy, *, cites: bool = False) -> list[Change]:
    """Every rule that differs between ``old`` and ``new``, grouped by area in
    :data:`~duban.diff.change.AREAS` order. With ``cites``, rules whose citation alone
    changed are listed too."""
    c = Collector(old, new, cites=cites)
    for compare in COMPARERS:
        compare(c)
    order = {a: i for i, a in enumerate(AREAS)}
    return sorted(c.changes, key=lambda ch: order[ch.area])  # stable within an area
