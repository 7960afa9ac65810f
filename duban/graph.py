"""``duban graph``: a policy's lifecycle drawn for review documents (Mermaid or SVG).

Why both: Mermaid text pastes into a Markdown review (GitLab, GitHub and most wikis draw
it); SVG goes into a Word or PDF document where nothing renders Mermaid. The SVG layout
is our own — states in columns by their distance from the initial state, forward edges
left to right, edges back to earlier states looping underneath — so no system package
(graphviz) is needed. Both are built from one :class:`Graph`, which says for each state
its policy name, canonical state, approvers per category and time limits, and for each
transition its name, action and the roles allowed, in the organisation's words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from duban.diff import words as w
from duban.policy.model import Category, Policy, Transition


@dataclass
class Node:
    name: str
    canonical: str
    notes: list[str] = field(default_factory=list)
    final: bool = False


@dataclass
class Edge:
    src: str
    dst: str
    labels: list[str]


@dataclass
class Graph:
    title: str
    initial: str
    nodes: dict[str, Node]
    edges: list[Edge]


# -- the graph -------------------------------------------------------------------------------

def _grouped(text_of: dict[str, str]) -> list[str]:
    """Categories grouped by the same text: ``督办领导（日常督办、挂牌督办）``."""
    groups: dict[str, list[str]] = {}
    for cat, text in text_of.items():
        groups.setdefault(text, []).append(cat)
    if len(groups) == 1:
        return [next(iter(groups))]
    return [f"{text}（{'、'.join(cats)}）" for text, cats in groups.items()]


def _extension_text(policy: Policy, cat: Category) -> str:
    ext = cat.extensions
    if ext.max == 0:
        return "不得延期"
    n = len(ext.approvers) if ext.max is None else ext.max
    parts = [f"{w.nth(k)}{'及以后' if ext.max is None and k == n else ''}："
             f"{w.approver(policy, ext, k)}" for k in range(1, n + 1)]
    return "；".join(parts)


def _state_notes(policy: Policy, name: str) -> list[str]:
    st = policy.states[name]
    cats = policy.categories.values()
    notes: list[str] = []
    if st.approval == "extension":
        texts = _grouped({c.name: _extension_text(policy, c) for c in cats})
        notes += [f"延期审批 {t}" for t in texts]
        if policy.extensions.review_limit:
            notes.append(f"审批时限 {w.dur(policy.extensions.review_limit)}")
    elif st.approval:
        texts = _grouped({c.name: w.chain_named(policy, getattr(c.approvals, st.approval))
                                  for c in cats})
        notes += [f"{w.PURPOSE_WORDS.get(st.approval, st.approval)} {t}" for t in texts]
    if st.clock_stopped:
        notes.append("停止计时")
    if st.canonical == "assigned" or (st.canonical == "in_progress" and not any(
            s.canonical == "assigned" for s in policy.states.values())):
        h = policy.handling
        if h.default is not None:
            notes.append(f"办理时限 默认{w.dur(h.default)}（自{w.COUNTS_FROM[h.counts_from]}起算）")
        notes += [f"{u}事项 {w.dur(d)}" for u, d in h.by_urgency.items()]
        notes += [f"“{c.name}” {w.dur(c.time_limit)}" for c in cats if c.time_limit]
    if policy.decline_within and any(t.action == "decline" and name in t.sources
                                     for t in policy.transitions):
        notes.append(f"退回时限 {w.dur(policy.decline_within)}")
    notes += [f"环节时限 {w.dur(s.limit)}（{s.name}）" for s in policy.step_limits
              if s.state == name]
    return notes


def _label(policy: Policy, t: Transition) -> str:
    who = w.roles(policy, t.roles) if t.roles else "审批链"
    text = f"{t.name}〔{t.action}〕{who}"
    if t.when is not None:
        src = t.when.source
        text += f"（条件 {src}）" if len(src) <= 40 else "（有条件）"
    if t.action == "reject" and policy.rework and any(
            policy.states[s].approval == "review" for s in t.sources):
        text += f"（退办后{w.dur(policy.rework)}内重办）"
    return text


def build_graph(policy: Policy) -> Graph:
    """States and transitions; ``same`` loops, ``previous`` returns to every state that
    leads into the source (e.g. 延期审批中 back to 已交办 and 承办中)."""
    nodes = {n: Node(n, s.canonical, _state_notes(policy, n), s.final)
             for n, s in policy.states.items()}
    preds: dict[str, list[str]] = {}
    for t in policy.transitions:
        if t.to not in ("same", "previous"):
            for s in t.sources:
                if s != t.to and s not in preds.setdefault(t.to, []):
                    preds[t.to].append(s)
    merged: dict[tuple[str, str], Edge] = {}
    for t in policy.transitions:
        for s in t.sources:
            targets = [s] if t.to == "same" else preds.get(s, []) if t.to == "previous" \
                else [t.to]
            for d in targets:
                label = _label(policy, t) + ("（回到原状态）" if t.to == "previous" else "")
                merged.setdefault((s, d), Edge(s, d, [])).labels.append(label)
    return Graph(f"{policy.name}（{policy.id}）", policy.initial, nodes, list(merged.values()))


# -- Mermaid -------------------------------------------------------------------------------------

def _mm(text: str) -> str:
    """Text safe inside Mermaid labels (no quotes, colons, semicolons, #, braces)."""
    for a, b in (('"', "＂"), (":", "："), (";", "；"), ("#", "＃"), ("{", "｛"), ("}", "｝"),
                 ("-->", "→"), ("<", "＜"), (">", "＞")):
        text = text.replace(a, b)
    return text


def to_mermaid(policy: Policy) -> str:
    """The lifecycle as Mermaid ``stateDiagram-v2`` text."""
    g = build_graph(policy)
    ids = {n: f"s{i}" for i, n in enumerate(g.nodes)}
    out = ["stateDiagram-v2", "    direction LR", f"    %% {_mm(g.title)}"]
    for n, node in g.nodes.items():
        out.append(f'    state "{_mm(n)}" as {ids[n]}')
        out.append(f"    {ids[n]} : {node.canonical}")
        out += [f"    {ids[n]} : {_mm(note)}" for note in node.notes]
    out.append(f"    [*] --> {ids[g.initial]}")
    for e in g.edges:
        out += [f"    {ids[e.src]} --> {ids[e.dst]} : {_mm(label)}" for label in e.labels]
    out += [f"    {ids[n]} --> [*]" for n, node in g.nodes.items() if node.final]
    return "\n".join(out) + "\n"


# -- SVG -----------------------------------------------------------------------------------------
#
# Layout: drop the edges that go back (found by a depth-first walk from the initial state),
# put each state in the column of its longest path from the initial state, and draw
# forward edges between neighbouring columns as curves; edges that skip columns run in
# lanes above the drawing, edges back to an earlier column in lanes below it, so no line
# crosses a state.

FONT = ("Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, WenQuanYi Zen Hei, "
        "PingFang SC, Microsoft YaHei, sans-serif")
LINE = 13.0  # edge label line height


def text_width(text: str, size: float) -> float:
    """Approximate rendered width: CJK and full-width characters are square."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


@dataclass
class _Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


def _columns(g: Graph) -> dict[str, int]:
    """Longest-path column of each state once the back edges are dropped."""
    out: dict[str, list[str]] = {}
    for e in g.edges:
        if e.src != e.dst:
            out.setdefault(e.src, []).append(e.dst)
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}  # 1 on the walk's stack, 2 done

    def walk(n: str) -> None:
        state[n] = 1
        for m in out.get(n, []):
            if state.get(m) == 1:
                back.add((n, m))
            elif m not in state:
                walk(m)
        state[n] = 2
    for n in [g.initial, *g.nodes]:
        if n not in state:
            walk(n)
    col = dict.fromkeys(g.nodes, 0)
    for _ in range(len(g.nodes)):  # relax along the acyclic edges
        changed = False
        for e in g.edges:
            if e.src != e.dst and (e.src, e.dst) not in back and col[e.dst] < col[e.src] + 1:
                col[e.dst] = col[e.src] + 1
                changed = True
        if not changed:
            break
    return col


def _layout(g: Graph) -> tuple[dict[str, _Box], dict[str, int]]:
    col = _columns(g)
    columns: dict[int, list[str]] = {}
    for n in g.nodes:
        columns.setdefault(col[n], []).append(n)
    size: dict[str, tuple[float, float]] = {}
    for n, node in g.nodes.items():
        width = max([text_width(n, 15), text_width(node.canonical, 11)] +
                    [text_width(x, 11) for x in node.notes])
        size[n] = (width + 24, 44 + 15 * len(node.notes))
    heights = {c: sum(size[n][1] for n in ns) + 90 * (len(ns) - 1) for c, ns in columns.items()}
    tallest = max(heights.values())
    boxes: dict[str, _Box] = {}
    x = 0.0
    for c in sorted(columns):
        col_w = max(size[n][0] for n in columns[c])
        y = (tallest - heights[c]) / 2
        for n in columns[c]:
            bw, bh = size[n]
            boxes[n] = _Box(x + (col_w - bw) / 2, y, bw, bh)
            y += bh + 90
        x += col_w + 230
    return boxes, col


class _Canvas:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.bounds = [0.0, 0.0, 0.0, 0.0]

    def see(self, x: float, y: float) -> None:
        b = self.bounds
        b[0], b[1], b[2], b[3] = min(b[0], x), min(b[1], y), max(b[2], x), max(b[3], y)

    def text(self, x: float, y: float, s: str, size: float, **attrs: str) -> None:
        extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
        self.parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}"{extra}>'
                          f"{escape(s)}</text>")
        width = text_width(s, size)
        left = x - width / 2 if attrs.get("text_anchor") == "middle" else x
        self.see(left, y - size)
        self.see(left + width, y + 4)

    def label(self, x: float, y: float, lines: list[str]) -> None:
        width = max(text_width(s, 10) for s in lines) + 8
        height = LINE * len(lines) + 4
        self.parts.append(f'<rect x="{x - width / 2:.1f}" y="{y - height / 2:.1f}" '
                          f'width="{width:.1f}" height="{height:.1f}" rx="3" fill="#ffffff" '
                          'fill-opacity="0.92" stroke="#d0d7de" stroke-width="0.5"/>')
        for i, s in enumerate(lines):
            self.text(x, y - height / 2 + LINE * (i + 1) - 1, s, 10, text_anchor="middle",
                      fill="#24292f")

    def path(self, d: str, pts: list[tuple[float, float]], **attrs: str) -> None:
        extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
        self.parts.append(f'<path d="{d}" fill="none"{extra}/>')
        for p in pts:
            self.see(*p)


EDGE = {"stroke": "#57606a", "stroke_width": "1.1", "marker_end": "url(#arrow)"}


def _ports(n: int, start: float, length: float) -> list[float]:
    """``n`` attachment points spread over a side of ``length`` from ``start``."""
    return [start + length * (i + 1) / (n + 1) for i in range(n)]


def _self_loop(cv: _Canvas, e: Edge, a: _Box) -> None:
    x0, x1, top = a.cx - 14, a.cx + 14, a.y
    lift = 40.0
    cv.path(f"M{x0:.1f},{top:.1f} C{x0 - 26:.1f},{top - lift:.1f} {x1 + 26:.1f},"
            f"{top - lift:.1f} {x1:.1f},{top:.1f}", [(x0 - 26, top - lift)], **EDGE)
    cv.label(a.cx, top - lift * 0.75 - LINE * len(e.labels) / 2 - 2, e.labels)


def _lane(cv: _Canvas, e: Edge, a: _Box, b: _Box, y: float, above: bool,
          xa: float, xb: float) -> None:
    """An edge that leaves ``a`` upwards (or downwards), runs along ``y`` and enters ``b``."""
    ya, yb = (a.y, b.y) if above else (a.y + a.h, b.y + b.h)
    r = 8.0 if above else -8.0
    sx, sy = (1.0 if xb > xa else -1.0), (-1.0 if above else 1.0)
    d = (f"M{xa:.1f},{ya:.1f} L{xa:.1f},{y + r:.1f} Q{xa:.1f},{y:.1f} {xa + sx * 8:.1f},{y:.1f} "
         f"L{xb - sx * 8:.1f},{y:.1f} Q{xb:.1f},{y:.1f} {xb:.1f},{y - sy * 8:.1f} "
         f"L{xb:.1f},{yb:.1f}")
    cv.path(d, [(xa, ya), (xa, y), (xb, y), (xb, yb)], **EDGE)
    cv.label((xa + xb) / 2, y, e.labels)


def _other_end(boxes: dict[str, _Box], n: str) -> Callable[[Edge], float]:
    return lambda e: boxes[e.dst if e.src == n else e.src].cx


def _draw_edges(cv: _Canvas, g: Graph, boxes: dict[str, _Box], col: dict[str, int]) -> None:
    near = [e for e in g.edges if col[e.dst] == col[e.src] + 1]
    far = [e for e in g.edges if col[e.dst] > col[e.src] + 1]
    back = [e for e in g.edges if e.src != e.dst and col[e.dst] <= col[e.src]]
    for e in g.edges:
        if e.src == e.dst:
            _self_loop(cv, e, boxes[e.src])
    # neighbouring columns: spread the attachment points along the sides
    outs: dict[str, list[Edge]] = {}
    ins: dict[str, list[Edge]] = {}
    for e in near:
        outs.setdefault(e.src, []).append(e)
        ins.setdefault(e.dst, []).append(e)
    for es in outs.values():
        es.sort(key=lambda e: boxes[e.dst].cy)
    for es in ins.values():
        es.sort(key=lambda e: boxes[e.src].cy)
    for i, e in enumerate(near):
        a, b = boxes[e.src], boxes[e.dst]
        y0 = _ports(len(outs[e.src]), a.y, a.h)[outs[e.src].index(e)]
        y3 = _ports(len(ins[e.dst]), b.y, b.h)[ins[e.dst].index(e)]
        p0, p3 = (a.x + a.w, y0), (b.x, y3)
        dx = (p3[0] - p0[0]) / 2
        c1, c2 = (p0[0] + dx, p0[1]), (p3[0] - dx, p3[1])
        cv.path(f"M{p0[0]:.1f},{p0[1]:.1f} C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} "
                f"{p3[0]:.1f},{p3[1]:.1f}", [p0, c1, c2, p3], **EDGE)
        t = (0.3, 0.5, 0.7)[i % 3]  # stagger labels of edges that leave one column
        mx = (1 - t) ** 3 * p0[0] + 3 * (1 - t) ** 2 * t * c1[0] + 3 * (1 - t) * t * t * c2[0] \
            + t ** 3 * p3[0]
        my = (1 - t) ** 3 * p0[1] + 3 * (1 - t) ** 2 * t * c1[1] + 3 * (1 - t) * t * t * c2[1] \
            + t ** 3 * p3[1]
        cv.label(mx, my, e.labels)
    top = min(b.y for b in boxes.values()) - 70
    bottom = max(b.y + b.h for b in boxes.values()) + 40

    def crossed(n: str, up: bool) -> int:
        """States a vertical line from ``n`` up (or down) to the lanes would cross."""
        b = boxes[n]
        return sum(1 for m, o in boxes.items() if m != n and col[m] == col[n]
                   and (o.y < b.y if up else o.y > b.y))
    lanes: list[tuple[Edge, bool]] = []
    for e in far + back:
        up = crossed(e.src, True) + crossed(e.dst, True)
        down = crossed(e.src, False) + crossed(e.dst, False)
        lanes.append((e, up < down or (up == down and e in far)))
    ports: dict[tuple[str, bool], list[Edge]] = {}
    for e, above in lanes:
        ports.setdefault((e.src, above), []).append(e)
        ports.setdefault((e.dst, above), []).append(e)
    for (n, _above), es in ports.items():  # ports ordered by where the other end is
        es.sort(key=_other_end(boxes, n))

    def port(n: str, above: bool, e: Edge) -> float:
        es = ports[(n, above)]
        b = boxes[n]
        return _ports(len(es), b.x, b.w)[es.index(e)]
    ys = {True: top, False: bottom}
    for e, above in sorted(lanes, key=lambda x: abs(boxes[x[0].dst].x - boxes[x[0].src].x)):
        h = LINE * len(e.labels) + 10
        step = -h / 2 if above else h / 2
        ys[above] += step
        _lane(cv, e, boxes[e.src], boxes[e.dst], ys[above], above, port(e.src, above, e),
              port(e.dst, above, e))
        ys[above] += step


def to_svg(policy: Policy) -> str:
    """The lifecycle as a self-contained SVG document (UTF-8, no external resources)."""
    g = build_graph(policy)
    boxes, col = _layout(g)
    cv = _Canvas()
    _draw_edges(cv, g, boxes, col)
    start = boxes[g.initial]
    cv.parts.append(f'<circle cx="{start.x - 36:.1f}" cy="{start.cy:.1f}" r="7" fill="#24292f"/>')
    cv.path(f"M{start.x - 29:.1f},{start.cy:.1f} L{start.x:.1f},{start.cy:.1f}",
            [(start.x - 44, start.cy)], stroke="#24292f", marker_end="url(#arrow)")
    for n, node in g.nodes.items():
        b = boxes[n]
        stroke = "#cf222e" if node.final else "#0969da"
        fill = "#fff8c5" if policy.states[n].approval else "#ddf4ff"
        cv.parts.append(f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}" '
                        f'rx="8" fill="{fill}" stroke="{stroke}" '
                        f'stroke-width="{2.5 if node.final else 1.2}"/>')
        cv.see(b.x, b.y)
        cv.see(b.x + b.w, b.y + b.h)
        cv.text(b.cx, b.y + 20, n, 15, text_anchor="middle", font_weight="bold",
                fill="#24292f")
        cv.text(b.cx, b.y + 35, node.canonical, 11, text_anchor="middle", fill="#57606a")
        for i, note in enumerate(node.notes):
            cv.text(b.x + 12, b.y + 52 + 15 * i, note, 11, fill="#24292f")
    cv.text(cv.bounds[0], cv.bounds[1] - 12, g.title, 16, font_weight="bold", fill="#24292f")
    x0, y0, x1, y1 = cv.bounds
    pad = 16
    vb = f"{x0 - pad:.1f} {y0 - pad:.1f} {x1 - x0 + 2 * pad:.1f} {y1 - y0 + 2 * pad:.1f}"
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{vb}" '
            f'width="{x1 - x0 + 2 * pad:.0f}" height="{y1 - y0 + 2 * pad:.0f}" '
            f'font-family="{FONT}">')
    defs = ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            'fill="#57606a"/></marker></defs>')
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>', head, f"<title>{escape(g.title)}</title>",
        defs, f'<rect x="{x0 - pad:.1f}" y="{y0 - pad:.1f}" width="{x1 - x0 + 2 * pad:.1f}" '
        f'height="{y1 - y0 + 2 * pad:.1f}" fill="#ffffff"/>', *cv.parts, "</svg>"]) + "\n"
