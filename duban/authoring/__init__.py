"""From a regulation document to a first policy (``duban init ID --from FILE``).

Stages, each a module that returns data: :mod:`~duban.authoring.sources` (the file's
paragraphs), :mod:`~duban.authoring.script` (clean-up, traditional → simplified),
:mod:`~duban.authoring.layout` (parts, documents), :mod:`~duban.authoring.structure`
(clauses and cites, with :mod:`~duban.authoring.numbering`), the finders
(:mod:`~duban.authoring.timelimits`, :mod:`~duban.authoring.roles`,
:mod:`~duban.authoring.rules`), then :mod:`~duban.authoring.draft` joins them and
:mod:`~duban.authoring.skeleton`, :mod:`~duban.authoring.inventory` and
:mod:`~duban.authoring.report` render the result. Only the CLI writes files.
"""

from __future__ import annotations

from duban.authoring.draft import Draft, draft_from_file
from duban.authoring.source_error import SourceError

__all__ = ["Draft", "SourceError", "draft_from_file"]
