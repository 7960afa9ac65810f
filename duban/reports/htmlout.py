"""Markdown blocks → one self-contained XHTML-compatible HTML page (print-ready).

Every tag is closed and every attribute quoted, so the page parses as XML too (the tests
read it with ``xml.etree``) and an OA system that only accepts XHTML can embed it. Text
is always escaped; charts (inline SVG) are the only markup not made from blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from duban.reports.mdblocks import Block, Heading, ListBlock, Para, Rule, Table, runs

CSS = """
body{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei','SimSun',sans-serif;
max-width:1100px;margin:24px auto;padding:0 24px;color:#222;line-height:1.6;background:#fff}
h1{text-align:center;color:#b71c1c;font-size:30px;letter-spacing:4px;margin:12px 0}
h2{font-size:20px;border-left:5px solid #b71c1c;padding-left:8px;margin-top:28px}
h3{font-size:17px}
table{border-collapse:collapse;width:100%;margin:8px 0 16px}
th,td{border:1px solid #888;padding:4px 8px;vertical-align:top}
th{background:#f3e5e5}
td.num{text-align:right}
.charts{display:flex;flex-wrap:wrap;gap:24px;margin:12px 0}
.light-red{color:#c62828;font-weight:bold}
hr{border:0;border-top:2px solid #b71c1c}
@media print{body{margin:0}.charts{break-inside:avoid}}
"""


def inline(text: str) -> str:
    out = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("<br/>")
        for t, bold in runs(line):
            out.append(f"<strong>{escape(t)}</strong>" if bold else escape(t))
    return "".join(out)


def block_html(b: Block) -> str:
    if isinstance(b, Heading):
        return f"<h{b.level}>{inline(b.text)}</h{b.level}>"
    if isinstance(b, Para):
        return "<p>" + "<br/>".join(inline(x) for x in b.lines) + "</p>"
    if isinstance(b, Rule):
        return "<hr/>"
    if isinstance(b, ListBlock):
        tag = "ol" if b.ordered else "ul"
        return f"<{tag}>" + "".join(f"<li>{inline(x)}</li>" for x in b.items) + f"</{tag}>"
    assert isinstance(b, Table)
    out = ["<table>"]
    if b.header is not None:
        out.append("<thead><tr>" + "".join(f"<th>{inline(c)}</th>" for c in b.header) +
                   "</tr></thead>")
    out.append("<tbody>")
    spans = b.label_spans()
    for row, span in zip(b.rows, spans, strict=True):
        cells = []
        for n, c in enumerate(row):
            if n == 0 and span != 1:
                if span:
                    cells.append(f'<td rowspan="{span}">{inline(c)}</td>')
                continue
            right = n < len(b.align) and b.align[n] == "right"
            cells.append(f'<td class="num">{inline(c)}</td>' if right else f"<td>{inline(c)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def body_html(blocks: Sequence[Block], charts: Sequence[str] = ()) -> str:
    """The page's body: the blocks, ``charts`` (SVG strings) after the first section.
    The web app's 通报 page shows this inside its own layout."""
    body = [block_html(b) for b in blocks]
    if charts:
        h2 = [i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.level == 2]
        at = h2[1] if len(h2) > 1 else len(body)
        body.insert(at, '<div class="charts">' + "\n".join(charts) + "</div>")
    return "\n".join(body)


def page(title: str, blocks: Sequence[Block], charts: Sequence[str] = ()) -> str:
    """The whole page, self-contained (its style inline), for a file or an OA system."""
    return ("<!DOCTYPE html>\n"
            '<html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN">\n<head>\n'
            '<meta charset="utf-8"/>\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n" +
            body_html(blocks, charts) + "\n</body>\n</html>\n")
