"""Hand-written SVG charts for the HTML 通报: no JavaScript, no chart library.

Why by hand: the page must print and open anywhere (an OA system, a mail client, a
browser without network), and the numbers must be checkable — every bar and point
carries ``data-label`` and ``data-value`` attributes with the exact figures of the KPI
table, and the same figure is printed next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

FONT = "font-family=\"'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif\""


def _a(value: object) -> str:
    return escape(str(value), quote=True)


def rate_bars(rows: Sequence[tuple[str, float | None, str]], title: str) -> str:
    """Horizontal bars: one per department, (name, rate 0..1 or None, printed label)."""
    bar_h, gap, left, width = 22, 10, 130, 360
    height = 40 + len(rows) * (bar_h + gap) + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-rate" role="img" '
           f'width="{left + width + 80}" height="{height}" '
           f'viewBox="0 0 {left + width + 80} {height}" {FONT} font-size="13">',
           f'<title>{_a(title)}</title>',
           f'<text x="0" y="18" font-size="15" font-weight="bold">{_a(title)}</text>']
    for pct in (0, 50, 100):
        x = left + width * pct / 100
        out.append(f'<line x1="{x:g}" y1="30" x2="{x:g}" y2="{height - 20}" stroke="#ccc" '
                   f'stroke-width="1"/>')
        out.append(f'<text x="{x:g}" y="{height - 5}" text-anchor="middle" fill="#666">'
                   f'{pct}%</text>')
    for n, (name, rate, label) in enumerate(rows):
        y = 40 + n * (bar_h + gap)
        value = "" if rate is None else f"{rate * 100:.1f}"
        w = 0 if rate is None else width * rate
        colour = "#2e7d32" if rate is not None and rate >= 0.9 else \
            "#f9a825" if rate is not None and rate >= 0.6 else "#c62828"
        out.append(f'<text x="{left - 8}" y="{y + bar_h - 6}" text-anchor="end">{_a(name)}</text>')
        out.append(f'<rect class="bar" data-label="{_a(name)}" data-value="{value}" x="{left}" '
                   f'y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>')
        out.append(f'<text class="value" x="{left + w + 6:.1f}" y="{y + bar_h - 6}">'
                   f'{_a(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def trend_line(points: Sequence[tuple[str, int]], title: str, unit: str = "项") -> str:
    """A line of counts over the period's buckets (weeks of a month, months of a year)."""
    left, top, width, plot_h = 40, 56, 460, 160
    n = len(points)
    peak = max([v for _, v in points] + [1])
    height = top + plot_h + 50
    step = width / max(n - 1, 1)

    def xy(i: int, v: int) -> tuple[float, float]:
        return left + (i * step if n > 1 else width / 2), top + plot_h - plot_h * v / peak

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-trend" role="img" '
           f'width="{left + width + 40}" height="{height}" '
           f'viewBox="0 0 {left + width + 40} {height}" {FONT} font-size="12">',
           f'<title>{_a(title)}</title>',
           f'<text x="0" y="18" font-size="15" font-weight="bold">{_a(title)}</text>',
           f'<line x1="{left}" y1="{top + plot_h}" x2="{left + width}" y2="{top + plot_h}" '
           f'stroke="#999" stroke-width="1"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999" '
           f'stroke-width="1"/>',
           f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" fill="#666">{peak}</text>',
           f'<text x="{left - 6}" y="{top + plot_h + 4}" text-anchor="end" fill="#666">0</text>']
    coords = [xy(i, v) for i, (_, v) in enumerate(points)]
    if coords:
        out.append('<polyline fill="none" stroke="#c62828" stroke-width="2" points="' +
                   " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
    for (label, v), (x, y) in zip(points, coords, strict=True):
        out.append(f'<circle class="point" data-label="{_a(label)}" data-value="{v}" '
                   f'cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#c62828"/>')
        out.append(f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle">{v}{_a(unit)}</text>')
        out.append(f'<text x="{x:.1f}" y="{top + plot_h + 20}" text-anchor="middle" '
                   f'fill="#444">{_a(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)
