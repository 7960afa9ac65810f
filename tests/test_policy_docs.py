"""The generated pages ``docs/policies/`` are current, and every shipped policy encodes and
tests at least 90% of its regulation's explicit, machine-checkable clauses.

Why both here: the pages are the reviewer's trace from clause to rule to test, so a page
that lags behind the policy or its scenarios misleads; and the share on those pages is the
promise of the issue ("Done means"), so a policy that falls below it must fail loudly,
naming the clauses that lack a rule or a test. Regenerate the pages with::

    .venv/bin/python -m duban.policy.clauses
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from duban.policy.clauses import ClauseRow, inventory
from duban.policy.clauses import page as render_page
from duban.policy.loader import load_policy
from duban.policy.shipped import shipped_paths

ROOT = Path(__file__).resolve().parents[1]

DOCS = ROOT / "docs" / "policies"
GOAL = 0.9
POLICIES = [p.stem for p in shipped_paths()
            if (ROOT / "tests" / "policies" / p.stem / "clauses.yaml").exists()]


@cache
def page(policy_id: str) -> tuple[str, tuple[int, int]]:
    """The page and share of one policy, rendered once per session (loading is slow)."""
    return render_page(policy_id)


def _rows(policy_id: str) -> list[ClauseRow]:
    folder = ROOT / "tests" / "policies" / policy_id
    return inventory(load_policy(str(ROOT / "policies" / f"{policy_id}.yaml")),
                     folder / "clauses.yaml", folder)


def _summary() -> str:
    """The index page, as ``python -m duban.policy.clauses`` writes it."""
    lines = ["# 已发布策略 Shipped policies", "",
             "| 策略 | 可检查条款 | 规则与原文一致且结果有测试 | 比例 |", "|---|---|---|---|"]
    for pid in POLICIES:
        _, (done, total) = page(pid)
        pct = f"{done / total * 100:.0f}%" if total else "—"
        lines.append(f"| [{pid}]({pid}.md) | {total} | {done} | {pct} |")
    return "\n".join(lines) + "\n"


def _stale(path: Path) -> str:
    return (f"{path.relative_to(ROOT)} is out of date with the policy, its clauses.yaml or its "
            "scenarios; regenerate with `.venv/bin/python -m duban.policy.clauses` and commit")


def test_every_shipped_policy_has_a_clause_inventory() -> None:
    assert len(POLICIES) == len(shipped_paths()) == 14


@pytest.mark.parametrize("policy_id", POLICIES)
def test_page_is_current(policy_id: str) -> None:
    path = DOCS / f"{policy_id}.md"
    text, _ = page(policy_id)
    assert path.exists(), _stale(path)
    assert path.read_text(encoding="utf-8") == text, _stale(path)


def test_index_is_current() -> None:
    path = DOCS / "README.md"
    text = _summary()
    assert path.exists() and path.read_text(encoding="utf-8") == text, _stale(path)


@pytest.mark.parametrize("policy_id", POLICIES)
def test_share_of_clauses_with_rule_and_test(policy_id: str) -> None:
    # the goal is over what the language can say; clauses it cannot say yet (gap:) are
    # listed on the page, and count against the share printed there
    rows = [r for r in _rows(policy_id) if r.checkable and not r.gap]
    covered = [r for r in rows if r.covered]
    assert rows, f"{policy_id}: clauses.yaml marks no clause checkable"
    share = len(covered) / len(rows)
    if share < GOAL:
        missing = "\n".join(
            f"  - {r.cite}（{'无规则' if not r.rules else '无测试'}）：{r.rule_text}"
            for r in rows if not r.covered)
        pytest.fail(f"{policy_id}: {len(covered)}/{len(rows)} = {share:.1%} of the checkable "
                    f"clauses have a rule and a test (goal {GOAL:.0%}); not covered:\n{missing}")


@pytest.mark.parametrize("policy_id", POLICIES)
def test_checks_name_real_clauses(policy_id: str) -> None:
    """A scenario's ``checks:`` must cite clauses of its own regulation verbatim, or the
    join clause → test silently drops it."""
    folder = ROOT / "tests" / "policies" / policy_id
    cites = {str(c["cite"]) for c in
             (yaml.safe_load((folder / "clauses.yaml").read_text(encoding="utf-8"))
              or {}).get("clauses") or ()}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "clauses.yaml":
            continue
        checks = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("checks") or ()
        unknown = [c for c in checks if str(c) not in cites]
        assert not unknown, f"{path.relative_to(ROOT)}: checks cite no clause: {unknown}"
