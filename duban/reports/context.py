"""A report as the plain dict its templates (and plugin renderers) receive.

Only strings, numbers, booleans, lists and dicts go in: the sandbox has nothing to
reach through, and a plugin renderer can serialise the context as it likes.
"""

from __future__ import annotations

from typing import Any

from duban.engine.model import PenaltyEntry, Shortfall
from duban.policy.model import Policy
from duban.reports.bulletin import Report
from duban.reports.history import extension_requests, returns, trail
from duban.reports.kpi import DeptKpi, ItemRow, rate_text
from duban.reports.source import Entry
from duban.reports.words import (
    cn_date,
    cn_datetime,
    day_text,
    form_title,
    office,
    organisation,
    short_date,
    signed,
)

SUBTITLES = {"month": "督查督办工作情况通报", "quarter": "督查督办工作季度排名",
             "year": "督查督办工作年度总结"}


def dept_dict(d: DeptKpi) -> dict[str, Any]:
    return {"name": d.name, "rank": d.rank if d.rank is not None else "—", "total": d.total,
            "closed_on_time": d.closed_on_time, "closed_late": d.closed_late,
            "overdue": d.overdue, "open": d.open, "extensions": d.extensions,
            "returns": d.returns, "assisting": d.assisting,
            "assisting_overdue": d.assisting_overdue, "rate": rate_text(d.rate),
            "rate_value": d.rate, "points": signed(d.points, 1), "coefficient": signed(d.coefficient),
            "measures": "、".join(d.measures), "censures": d.censures}


def row_dict(r: ItemRow, entry: Entry | None = None) -> dict[str, Any]:
    it, tz = r.item, r.policy.timezone
    out: dict[str, Any] = {
        "id": it.id, "ref": it.number or it.id, "number": it.number or "",
        "title": ("〔保密〕" if it.confidential else "") + (it.title or it.id),
        "lead": r.lead, "assist": "、".join(it.assist), "category": it.category,
        "due": short_date(it.due, tz), "due_full": cn_date(it.due, tz),
        "original_due": short_date(it.original_due, tz), "state": it.state, "status": r.status,
        "overdue": r.overdue, "on_time": r.on_time, "open": r.open, "days_late": r.days_late,
        "extensions": it.extensions_granted, "returns": it.returns,
        "confidential": it.confidential, "reported": short_date(it.reported_at, tz),
        "closed": short_date(it.closed_at, tz), "requests": [], "returned": [],
    }
    if entry is not None and (it.extension_requests or it.returns):
        steps = trail(entry.policy, it.id, entry.events)
        out["requests"] = [{"n": x.number, "at": short_date(x.at, tz),
                            "until": day_text(x.until), "reason": x.reason,
                            "granted": {True: "已批准", False: "未批准", None: "审批中"}[x.granted]}
                           for x in extension_requests(steps)]
        out["returned"] = [{"at": short_date(s.at, tz), "reason": str(s.data.get("reason") or ""),
                            "due": day_text(s.data.get("due"))} for s in returns(steps)]
    return out


def line_dict(line: PenaltyEntry, titles: dict[str, str], tz: Any) -> dict[str, Any]:
    return {"date": short_date(line.at, tz), "item": line.item,
            "title": titles.get(line.item, line.item), "target": line.target,
            "department": line.department, "points": signed(line.points, 1),
            "coefficient": signed(line.coefficient), "measures": "、".join(line.measures),
            "rule": line.rule, "cite": line.cite or "", "reason": line.reason,
            "censure": line.trigger == "censure"}


def shortfall_dict(entry: Entry, short: Shortfall) -> dict[str, Any]:
    """One row of the 未达次数 table: which requirement, on which item, whose duty, the
    counting period, done against required, and the clause."""
    it, tz = entry.item, entry.policy.timezone
    return {"item": it.id, "ref": it.number or it.id,
            "title": ("〔保密〕" if it.confidential else "") + (it.title or it.id),
            "lead": it.lead or "", "requirement": short.requirement, "by": short.by,
            "from": short_date(short.start, tz), "to": short_date(short.end, tz),
            "done": short.done, "required": short.required, "cite": short.cite or ""}


def _cite(policies: list[Policy], *path: str) -> str:
    for p in policies:
        node: Any = p.raw
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node:
            return str(node)
    return ""


def report_context(report: Report) -> dict[str, Any]:
    """Everything the 通报 templates print."""
    ds = report.dataset
    policies = list(ds.policies) or [e.policy for e in ds.entries]
    tz = policies[0].timezone if policies else None
    entries = {e.item.id: e for e in ds.entries}
    titles = {e.item.id: ("〔保密〕" if e.item.confidential else "") + (e.item.title or e.item.id)
              for e in ds.entries}

    def rows(xs: Any) -> list[dict[str, Any]]:
        return [row_dict(r, entries.get(r.id)) for r in xs]

    depts = [dept_dict(d) for d in report.depts]
    single = policies[0] if len(policies) == 1 else None
    return {
        "title": form_title(single, "bulletin", "督查通报"),
        "subtitle": f"{report.period.title}{SUBTITLES[report.period.kind]}",
        "organisation": organisation(policies), "office": office(policies),
        "policies": [{"id": p.id, "name": p.name} for p in policies],
        "period": {"kind": report.period.kind, "code": report.period.code,
                   "title": report.period.title, "next": report.period.next().title},
        "as_of": cn_datetime(report.as_of, tz), "issued": cn_date(report.as_of, tz),
        "viewer": ds.viewer.label if ds.viewer else "",
        "kpi_cite": _cite(policies, "reports", "kpis", "办结率", "cite"),
        "ranking_cite": _cite(policies, "reports", "ranking", "cite"),
        "reports_cite": _cite(policies, "reports", "cite"),
        "total": dept_dict(report.total),
        "departments": depts,
        "ranked": [d for d in depts if d["rate_value"] is not None],
        "praised": [d["name"] for d in depts if d["total"] and d["closed_on_time"] == d["total"]],
        "items": rows(report.rows),
        "overdue": rows(report.overdue_rows),
        "extended": rows(report.extended_rows),
        "returned": rows(report.returned_rows),
        "carried": rows(report.carried),
        "upcoming": rows(report.upcoming),
        "penalties": [line_dict(x, titles, tz) for x in report.lines
                      if x.kind != "commendation"],
        "commendations": [line_dict(x, titles, tz) for x in report.lines
                          if x.kind == "commendation"],
        "shortfalls": [shortfall_dict(e, x) for e, x in report.shortfalls],
        "trend": [{"label": b.label, "total": total, "overdue": late}
                  for b, total, late in report.trend],
        "months": [{"title": s.period.title, **dept_dict(s.total)} for s in report.subperiods],
    }
