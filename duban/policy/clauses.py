"""Clause → rule → test: how much of a regulation a shipped policy encodes and tests.

Each shipped policy has a clause inventory (``tests/policies/<id>/clauses.yaml``: every
clause of the regulation, whether it is a machine-checkable rule, and why not). Rules in
the policy carry ``cite:``; scenarios list the clauses they check under ``checks:``.
Joining the three by citation gives, per clause, the rule paths and the tests — the
page ``docs/policies/<id>.md`` and the share of explicit clauses that are covered.

A clause counts as covered only when the rule is what the text says and a test checks its
outcome: a rule cites it, the inventory records no ``gap:`` (a part of the clause the
language cannot yet say), and a scenario that ``checks:`` it asserts an outcome (items,
penalties, refused steps or the KPI under ``expect:``). Rules the organisation chose where
the text is silent (``because:``) are listed apart as explicit defaults, never as clauses.

``python -m duban.policy.clauses`` rewrites the pages; a test keeps them up to date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from duban.policy.loader import load_policy
from duban.policy.model import Policy

ROOT = Path(__file__).resolve().parents[2]
_SPLIT = re.compile(r"[；;]\s*")


@dataclass
class ClauseRow:
    cite: str
    text: str
    checkable: bool
    area: str
    rule_text: str
    reason: str
    rules: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    gap: str = ""  # what of the clause the language cannot say yet

    @property
    def covered(self) -> bool:
        return bool(self.rules) and bool(self.tests) and not self.gap


def rule_cites(raw: Any, path: str = "") -> list[tuple[str, str]]:
    """(rule path, cite) for every object in the policy document that carries ``cite``."""
    out: list[tuple[str, str]] = []
    if isinstance(raw, dict):
        cite = raw.get("cite")
        if isinstance(cite, str):
            out.extend((path or "（顶层）", c) for c in _SPLIT.split(cite) if c)
        for k, v in raw.items():
            if k != "cite":
                out.extend(rule_cites(v, f"{path}.{k}" if path else str(k)))
    elif isinstance(raw, list):
        for i, v in enumerate(raw):
            label = v.get("name") if isinstance(v, dict) and v.get("name") else i
            out.extend(rule_cites(v, f"{path}[{label}]"))
    return out


def explicit_defaults(raw: Any, path: str = "") -> list[tuple[str, str]]:
    """(rule path, reason) of every rule the organisation chose where the text is silent."""
    out: list[tuple[str, str]] = []
    if isinstance(raw, dict):
        because = raw.get("because")
        if isinstance(because, str):
            out.append((path or "（顶层）", because))
        elif isinstance(because, dict):
            out.extend((f"{path}.{k}", str(v)) for k, v in because.items())
        for k, v in raw.items():
            if k != "because":
                out.extend(explicit_defaults(v, f"{path}.{k}" if path else str(k)))
    elif isinstance(raw, list):
        for i, v in enumerate(raw):
            label = v.get("name") if isinstance(v, dict) and v.get("name") else i
            out.extend(explicit_defaults(v, f"{path}[{label}]"))
    return out


def _asserts_outcome(doc: dict[str, Any]) -> bool:
    """Whether a scenario's ``expect:`` checks an outcome (not merely that it ran)."""
    expect = doc.get("expect") or {}
    if not isinstance(expect, dict):
        return False
    per_policy = [v for v in expect.values() if isinstance(v, dict)] \
        if not {"items", "penalties", "rejected_steps", "kpi"} & set(expect) else [expect]
    return any(e.get(k) not in (None, {}) for e in per_policy
               for k in ("items", "penalties", "rejected_steps", "kpi"))


def scenario_checks(folder: Path) -> dict[str, list[str]]:
    """cite → the scenario files (relative to the repository) that check its outcome."""
    out: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "clauses.yaml":
            continue
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not _asserts_outcome(doc):
            continue
        for cite in doc.get("checks") or ():
            out.setdefault(str(cite), []).append(str(path.relative_to(ROOT)))
    return out


def inventory(policy: Policy, clauses_file: Path, tests_dir: Path) -> list[ClauseRow]:
    doc = yaml.safe_load(clauses_file.read_text(encoding="utf-8")) or {}
    rules: dict[str, list[str]] = {}
    for path, cite in rule_cites(dict(policy.raw)):
        rules.setdefault(cite, []).append(path)
    tests = scenario_checks(tests_dir)
    rows = []
    for c in doc.get("clauses") or ():
        cite = str(c.get("cite"))
        rows.append(ClauseRow(cite, str(c.get("text", "")).strip(), bool(c.get("checkable")),
                              str(c.get("area", "")), str(c.get("rule", "")),
                              str(c.get("reason", "")), rules.get(cite, []),
                              tests.get(cite, []), str(c.get("gap") or "")))
    return rows


def share(rows: list[ClauseRow]) -> tuple[int, int]:
    """(checkable clauses covered — rule as the text says it, outcome tested — , checkable)."""
    checkable = [r for r in rows if r.checkable]
    return sum(1 for r in checkable if r.covered), len(checkable)


def render(policy: Policy, rows: list[ClauseRow], notes: dict[str, Any]) -> str:
    done, total = share(rows)
    pct = f"{done / total * 100:.0f}%" if total else "—"
    lines = [
        f"# {policy.id}：{policy.name}", "",
        f"来源 source: {policy.raw.get('source', '')}", "",
        "本页由 `python -m duban.policy.clauses` 生成：制度条款 → 策略规则路径 → 检查其结果的测试场景。",
        "Generated: clause → rule path → the tests that check its outcome.", "",
        f"**可机器检查的条款 {total} 条，其中规则与原文一致、且有测试检查其结果的 {done} 条（{pct}）。**",
        "", "一条条款只有在：有规则引用它、条款清单没有记录“尚不能表达”的部分、且有场景检查它的结果"
        "（expect 中的事项状态、扣分、被拒步骤或指标）时，才算覆盖。", "",
        "| 条款 | 原文 | 规则 | 检查结果的测试 |", "|---|---|---|---|",
    ]
    for r in rows:
        if not r.checkable:
            continue
        text = r.text.replace("|", "｜").replace("\n", " ")
        text = text if len(text) <= 60 else text[:58] + "…"
        rules = "<br>".join(f"`{p}`" for p in r.rules) or "—"
        tests = "<br>".join(f"`{Path(t).name}`" for t in r.tests) or "—"
        lines.append(f"| {r.cite} | {text} | {rules} | {tests} |")
    defaults = explicit_defaults(dict(policy.raw))
    lines += ["", f"## 本单位默认（制度未规定）Explicit defaults：{len(defaults)} 条", ""]
    lines += [f"- `{p}`：制度未规定，本单位按{why}" for p, why in defaults] or ["- 无"]
    gaps = [r for r in rows if r.checkable and r.gap]
    lines += ["", f"## 尚不能表达的条款 Not expressible yet：{len(gaps)} 条", ""]
    lines += [f"- {r.cite}：{r.gap}" for r in gaps] or ["- 无"]
    missing = [r for r in rows if r.checkable and not r.covered and not r.gap]
    if missing:
        lines += ["", "## 尚未同时具备规则与结果测试的条款 Not yet covered", ""]
        for r in missing:
            why = "无规则" if not r.rules else "无检查结果的测试"
            lines.append(f"- {r.cite}（{why}）：{r.rule_text}")
    lines += ["", "## 不可机器检查的条款 Principles (not machine-checkable)", ""]
    for r in rows:
        if not r.checkable:
            lines.append(f"- {r.cite}：{r.reason or '原则性要求'}")
    if policy.notes:
        lines += ["", "## 编码说明 Notes", ""] + [f"- {n}" for n in policy.notes]
    for key, title in (("truncated", "原文缺失 Missing text"),
                       ("ambiguous", "存疑之处 Ambiguities")):
        items = notes.get(key) or []
        if items:
            lines += ["", f"## {title}", ""]
            for it in items:
                if isinstance(it, dict):
                    lines.append(f"- {it.get('cite', '')}：{it.get('question', '')} → "
                                 f"{it.get('decision', '')}")
                else:
                    lines.append(f"- {it}")
    return "\n".join(lines) + "\n"


def page(policy_id: str) -> tuple[str, tuple[int, int]]:
    policy = load_policy(ROOT / "policies" / f"{policy_id}.yaml")
    folder = ROOT / "tests" / "policies" / policy_id
    clauses_file = folder / "clauses.yaml"
    rows = inventory(policy, clauses_file, folder)
    notes = (yaml.safe_load(clauses_file.read_text(encoding="utf-8")) or {}).get("notes") or {}
    return render(policy, rows, notes), share(rows)


def main() -> int:
    from duban.policy.shipped import shipped_paths

    out_dir = ROOT / "docs" / "policies"
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = ["# 已发布策略 Shipped policies", "",
               "| 策略 | 可检查条款 | 规则与原文一致且结果有测试 | 比例 |", "|---|---|---|---|"]
    for path in shipped_paths():
        if not (ROOT / "tests" / "policies" / path.stem / "clauses.yaml").exists():
            continue
        text, (done, total) = page(path.stem)
        (out_dir / f"{path.stem}.md").write_text(text, encoding="utf-8")
        pct = f"{done / total * 100:.0f}%" if total else "—"
        summary.append(f"| [{path.stem}]({path.stem}.md) | {total} | {done} | {pct} |")
    (out_dir / "README.md").write_text("\n".join(summary) + "\n", encoding="utf-8")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
