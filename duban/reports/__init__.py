"""What leaders read: the 督查通报, rankings, forms and the 台账, from the event history.

The pipeline, each stage its own module:

* :mod:`~duban.reports.source` — a store or a scenario run → a :class:`Dataset`
  (items as of an instant, filtered for a viewer, with the penalty ledger);
* :mod:`~duban.reports.kpi` and :mod:`~duban.reports.bulletin` — KPIs per department and
  period, ranking, the named lists of a 通报 (:class:`Report`);
* :mod:`~duban.reports.context` and :mod:`~duban.reports.forms` — plain dicts for templates;
* :mod:`~duban.reports.render` — sandboxed Jinja2 Markdown templates, overridable by a
  policy or a plugin, written as Markdown, HTML (:mod:`~duban.reports.htmlout`, with the
  SVG charts of :mod:`~duban.reports.svg`) or Word (:mod:`~duban.reports.docxout`);
* :mod:`~duban.reports.taizhang` — the 台账 (register) as CSV or XLSX with 红/黄/绿 lights.

See docs/reports.md for the definitions (what 督办总数 counts, and why).
"""

from __future__ import annotations

from duban.reports.bulletin import Report, build_report
from duban.reports.documents import render_form, render_report
from duban.reports.period import Period, parse_period
from duban.reports.source import Dataset, Viewer, build_dataset, from_run, from_store

__all__ = ["Dataset", "Period", "Report", "Viewer", "build_dataset", "build_report",
           "from_run", "from_store", "parse_period", "render_form", "render_report"]
