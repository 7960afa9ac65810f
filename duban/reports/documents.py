"""The two entry points the CLI and the demo call: a period's 通报, an item's form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from duban.engine.model import Event, ItemState
from duban.policy.model import Policy
from duban.reports import svg
from duban.reports.bulletin import Report, build_report
from duban.reports.context import report_context
from duban.reports.forms import form_context
from duban.reports.kpi import rate_text
from duban.reports.period import Period
from duban.reports.render import Rendered, Renderer, render
from duban.reports.source import Dataset


def charts(report: Report) -> list[str]:
    """The two SVG charts of the HTML 通报: 办结率 by department, the overdue trend."""
    ranked = [d for d in report.depts if d.rate is not None]
    bars = svg.rate_bars([(d.name, d.rate, f"{d.closed_on_time}/{d.total}  "
                           f"{rate_text(d.rate)}") for d in ranked],
                         f"图1 {report.period.title}各部门办结率")
    unit = "周" if report.period.kind == "month" else "月"
    line = svg.trend_line([(b.label, late) for b, _, late in report.trend],
                          f"图2 逾期事项数（按期限所在{unit}）")
    return [bars, line]


def render_report(dataset: Dataset, period: Period, fmt: str = "md", *,
                  renderers: Mapping[str, Renderer] | None = None) -> Rendered:
    """The 通报 of ``period`` (monthly 通报, quarterly ranking or yearly summary)."""
    report = build_report(dataset, period)
    context = report_context(report)
    policy = dataset.policies[0] if len(dataset.policies) == 1 else None
    return render(period.kind, fmt, context, policy=policy, renderers=renderers,
                  charts=charts(report) if fmt == "html" else ())


def report_body(dataset: Dataset, period: Period) -> tuple[str, str]:
    """The 通报's title and its HTML body with the charts (no page, no inline style),
    for a page that shows it inside its own layout."""
    from duban.reports import htmlout, mdblocks
    from duban.reports.render import render_markdown

    report = build_report(dataset, period)
    context = report_context(report)
    policy = dataset.policies[0] if len(dataset.policies) == 1 else None
    blocks = mdblocks.parse(render_markdown(period.kind, context, policy))
    title = next((mdblocks.plain(b.text) for b in blocks if isinstance(b, mdblocks.Heading)),
                 period.title)
    return title, htmlout.body_html(blocks, charts(report))


def render_form(kind: str, policy: Policy, item: ItemState, events: list[Event],
                as_of: dt.datetime, fmt: str = "md", *,
                renderers: Mapping[str, Renderer] | None = None,
                notice: Sequence[ItemState] = ()) -> Rendered:
    """One form of one item (任务通知单, 催办通知单 …); ``notice``: the other items on its
    notice that the reader may see (一单多事, :func:`duban.reports.source.notice_members`)."""
    context = form_context(kind, policy, item, events, as_of, notice)
    return render(kind, fmt, context, policy=policy, renderers=renderers)
