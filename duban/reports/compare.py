"""The reviewer's comparison (:func:`duban.simulation.compare.compare`) as text, Markdown
and HTML.

Everything that comes from a scenario or a policy (titles, role words, rule names,
refusal messages, cites) is escaped for the format it is written into: Markdown through
:func:`duban.reports.mdblocks.escape`, HTML through :func:`html.escape`. A differing cell
is marked ``≠`` (and, in HTML, with the ``differs`` class), its cite in 〔〕.
"""

from __future__ import annotations

import html
import unicodedata
from typing import Any

from duban.reports.mdblocks import escape

MARK = "≠"
LEGEND = ("≠ 标出与多数所比制度结果不同的格子（比较的是角色、日期、次数等实质，不是用词）；"
          "〔〕内为依据条款，“未注明条款”表示该期限、提醒、考核或拒绝没有写出处。")


def _rate(kpi: dict[str, Any]) -> str:
    if not kpi["total"]:
        return "—（0/0）"
    return f"{kpi['closure_rate'] * 100:.0f}%（{kpi['closed_on_time']}/{kpi['total']}）"


def _by_item(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in data["items"]}
    for row in data["rows"]:
        out[row["item"]].append(row)
    return out


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# -- text ---------------------------------------------------------------------------------------

def render_text(data: dict[str, Any]) -> str:
    """Per item, per policy, one line per column: readable in a terminal of any width."""
    cols = data["columns"]
    pad = max(_width(c["title"]) for c in cols)
    lines = [f"场景：{data['scenario']}", LEGEND]
    for key, rows in _by_item(data).items():
        lines += ["", f"事项 {key}：{data['items'][key]}"]
        for row in rows:
            rate = _rate(data["kpi"][row["policy"]])
            lines.append(f"【{row['policy']} {row['policy_name']}】办结率 {rate}")
            for c in cols:
                cell = row["cells"][c["key"]]
                mark = MARK if cell["differs"] else " "
                cite = f" 〔{cell['cite']}〕" if cell["cite"] else ""
                title = c["title"] + " " * (pad - _width(c["title"]))
                lines.append(f"  {mark} {title}  {cell['text']}{cite}")
    return "\n".join(lines) + "\n"


# -- Markdown -----------------------------------------------------------------------------------

def _md_cell(cell: dict[str, Any]) -> str:
    text = escape(cell["text"])
    if cell["differs"]:
        text = f"**{MARK}** {text}"
    if cell["cite"]:
        text += f"<br>〔{escape(cell['cite'])}〕"
    return text


def render_markdown(data: dict[str, Any]) -> str:
    """A title, the legend, then :func:`markdown_tables`."""
    return "\n".join([f"# 制度对比：{escape(data['scenario'])}", "", LEGEND, "",
                      markdown_tables(data)])


def markdown_tables(data: dict[str, Any], level: str = "##") -> str:
    """One table per item: a row per policy, a column per aspect, then 办结率."""
    cols = data["columns"]
    lines: list[str] = []
    for key, rows in _by_item(data).items():
        lines += [f"{level} 事项 {escape(key)}：{escape(data['items'][key])}", "",
                  "| 制度 | " + " | ".join(c["title"] for c in cols) + " | 办结率 |",
                  "|" + "---|" * (len(cols) + 2)]
        for row in rows:
            cells = [_md_cell(row["cells"][c["key"]]) for c in cols]
            lines.append(f"| {escape(row['policy'])}<br>{escape(row['policy_name'])} | "
                         + " | ".join(cells) + f" | {_rate(data['kpi'][row['policy']])} |")
        lines.append("")
    return "\n".join(lines)


# -- HTML ---------------------------------------------------------------------------------------

STYLE = ("body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;margin:1em 0}"
         "td,th{border:1px solid #999;padding:.3em .5em;vertical-align:top;font-size:.9em}"
         "td.differs{background:#fff3cd}.cite{color:#555;font-size:.85em;display:block}"
         ".mark{color:#b00;font-weight:bold}")


def _html_cell(cell: dict[str, Any]) -> str:
    mark = f'<span class="mark">{MARK}</span> ' if cell["differs"] else ""
    cite = f'<span class="cite">〔{html.escape(cell["cite"])}〕</span>' if cell["cite"] else ""
    cls = ' class="differs"' if cell["differs"] else ""
    return f"<td{cls}>{mark}{html.escape(cell['text'])}{cite}</td>"


def render_html(data: dict[str, Any]) -> str:
    """A self-contained page (no script), every value escaped."""
    cols = data["columns"]
    title = html.escape(f"制度对比：{data['scenario']}")
    parts = ['<!DOCTYPE html>', '<html lang="zh-CN"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{title}</title><style>{STYLE}</style></head><body>",
             f"<h1>{title}</h1><p>{html.escape(LEGEND)}</p>"]
    for key, rows in _by_item(data).items():
        parts.append(f"<h2>事项 {html.escape(key)}：{html.escape(data['items'][key])}</h2>")
        head = "".join(f"<th>{html.escape(c['title'])}</th>" for c in cols)
        parts.append(f"<table><thead><tr><th>制度</th>{head}<th>办结率</th></tr></thead><tbody>")
        for row in rows:
            cells = "".join(_html_cell(row["cells"][c["key"]]) for c in cols)
            parts.append(f"<tr><th>{html.escape(row['policy'])}<br>"
                         f"{html.escape(row['policy_name'])}</th>{cells}"
                         f"<td>{html.escape(_rate(data['kpi'][row['policy']]))}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
