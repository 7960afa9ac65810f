"""The ``--report`` summary, in Chinese: clauses found, candidates by area, numbers left over."""

from __future__ import annotations

from duban.authoring.candidates import AREAS
from duban.authoring.draft import Draft


def render_report(draft: Draft) -> str:
    reg = draft.regulation
    clauses = reg.clauses
    headings = sum(1 for c in clauses if c.heading)
    lines = [
        f"制度：{reg.title}（{reg.source}" + (f" 第{reg.part}篇" if reg.part else "") + "）"
        + ("，繁体，已按简体识别" if reg.traditional else ""),
        f"条款：共 {len(clauses)} 条（其中仅为标题 {headings} 条）",
        "",
        "候选规则（按领域）：",
    ]
    for area, found in draft.by_area().items():
        lines.append(f"  {AREAS[area]}：{len(found)} 条")
        for c in found:
            lines.append(f"    - {c.cite}：{c.summary}")
    lines += ["", f"含数字但未能归类的句子：{len(draft.unclassified)} 句"]
    lines += [f"  - {cite}：{sentence}" for cite, sentence in draft.unclassified]
    return "\n".join(lines) + "\n"
