"""``duban diff``: what changed between two policies, in the regulation's own words.

Why a package of its own: a compliance reviewer reads a policy change as a list of rule
changes with their citations ("第二次延期审批人：分管领导 → 总经理（第九条（五））"), not as a
YAML diff, and wants to know which cases the change decides differently. The pieces:

* :mod:`duban.diff.refs` finds and loads OLD and NEW (files, shipped ids, ``REV:path``);
* :mod:`duban.diff.semantic` compares two compiled policies, keyed by ids, area by area
  (:mod:`~duban.diff.lifecycle`, :mod:`~duban.diff.rules`, :mod:`~duban.diff.organisation`);
* :mod:`duban.diff.behaviour` replays scenarios under both and compares outcomes;
  :mod:`duban.diff.history` replays a store's recorded items;
* :mod:`duban.diff.render` prints text, Markdown or JSON. Only the CLI prints.
"""

from __future__ import annotations

from duban.diff.change import AREAS, Change
from duban.diff.semantic import diff_policies

__all__ = ["AREAS", "Change", "diff_policies"]
