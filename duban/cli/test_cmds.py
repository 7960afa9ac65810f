"""``duban test``: run policy tests (suites and scenarios with ``expect:``), with coverage.

Exit codes: 0 every case passed (and coverage met ``--threshold``), 1 a case failed or
coverage is below the threshold, 2 bad input (a malformed file, an unknown policy, a
scenario that cannot run, nothing to test).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import click

from duban.cli import main
from duban.cli.paths import FilePath
from duban.errors import PolicyError
from duban.testing.coverage import PolicyCoverage, below, render, summarize
from duban.testing.suite import CaseResult, discover, run_case, update


@main.command(name="test")
@click.argument("paths", nargs=-1, type=FilePath())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="输出格式 / output format")
@click.option("--coverage", is_flag=True, help="报告各策略的规则覆盖率 / report coverage per policy")
@click.option("--threshold", type=click.FloatRange(0, 100), default=None,
              help="覆盖率低于 N% 时失败（隐含 --coverage）/ fail below N% coverage")
@click.option("--update", "do_update", is_flag=True,
              help="把预期结果改写为实际结果 / rewrite the expected outcomes to the actual ones")
@click.option("-v", "--verbose", is_flag=True, help="列出每个用例 / list every case")
def test_cmd(paths: tuple[str, ...], fmt: str, coverage: bool, threshold: float | None,
             do_update: bool, verbose: bool) -> None:
    """运行策略测试 (run policy tests): duban-test.yaml 与带 expect: 的场景。

    PATH 是文件或目录（默认当前目录）；目录中查找 duban-test.yaml 和带 expect: 的场景文件。
    """
    try:
        plan = discover(paths or (".",))
    except PolicyError as err:
        if fmt == "json":
            click.echo(json.dumps({"errors": [p.to_dict() for p in err.problems],
                                   "exit_code": 2}, ensure_ascii=False, indent=2))
        click.echo(str(err), err=True)
        click.echo(f"✗ 测试文件有误，未运行 / bad test input ({len(err.problems)} problem(s))",
                   err=True)
        sys.exit(2)
    if not plan.cases:
        click.echo("没有找到 duban-test.yaml 或带 expect: 的场景文件 / nothing to test in "
                   + ", ".join(paths or (".",)), err=True)
        sys.exit(2)
    results = [run_case(c) for c in plan.cases]
    changed: list[Any] = []
    notes: list[str] = []
    if do_update:
        for r in results:
            if r.status == "failed":
                files, why = update(r)
                changed += [f for f in files if f not in changed]
                notes += why
    cover = summarize((r.case.policy, r.exercised) for r in results) if coverage or threshold is not None else None
    low = below(cover, threshold) if cover is not None and threshold is not None else []
    code = 2 if any(r.status == "error" for r in results) else \
        1 if (any(r.status == "failed" for r in results) and (not do_update or notes)) or \
        low else 0
    if fmt == "json":
        click.echo(json.dumps(_json(results, cover, threshold, changed, notes, code),
                              ensure_ascii=False, indent=2))
    else:
        click.echo(_text(results, cover, threshold, changed, notes, verbose, do_update))
    sys.exit(code)


def _text(results: Sequence[CaseResult], cover: dict[str, PolicyCoverage] | None,
          threshold: float | None, changed: list[Any], notes: list[str], verbose: bool,
          updated: bool) -> str:
    lines: list[str] = []
    group = None
    for r in results:
        src = str(r.case.suite or r.case.scenario_file)
        failed = r.status != "passed"
        if not (verbose or failed):
            continue
        if src != group:
            group = src
            lines.append(src)
        mark = {"passed": "✓", "failed": "✗", "error": "!"}[r.status]
        if updated and r.status == "failed":
            mark = "↻"
        lines.append(f"  {mark} {r.case.id}")
        for (exp, diff), msg in zip(r.differences, r.messages(), strict=False):
            loc = exp.locate(diff)
            lines.append(f"      {msg}" + (f"\n        （预期写在 {loc}）" if loc else ""))
        lines += [f"      {m}" for m in r.messages()[len(r.differences):]]
    counts = {s: sum(1 for r in results if r.status == s) for s in ("passed", "failed", "error")}
    summary = f"共 {len(results)} 个用例：通过 {counts['passed']}，失败 {counts['failed']}，" \
        f"错误 {counts['error']} / {len(results)} cases: {counts['passed']} passed, " \
        f"{counts['failed']} failed, {counts['error']} errors"
    if updated:
        summary += "\n" + ("已更新预期结果 / updated: " + "、".join(map(str, changed))
                           if changed else "没有更新任何文件 / no file updated")
        summary += "".join(f"\n  ! {n}" for n in notes)
    lines.append(summary)
    if cover is not None:
        lines.append("")
        lines.append(render(cover, threshold))
    return "\n".join(lines)


def _json(results: Sequence[CaseResult], cover: dict[str, PolicyCoverage] | None,
          threshold: float | None, changed: list[Any], notes: list[str],
          code: int) -> dict[str, Any]:
    counts = {s: sum(1 for r in results if r.status == s) for s in ("passed", "failed", "error")}
    out: dict[str, Any] = {"cases": [r.to_json() for r in results],
                           "summary": {"total": len(results), **counts}, "exit_code": code}
    if cover is not None:
        out["coverage"] = {pid: c.to_json() for pid, c in cover.items()}
        out["threshold"] = threshold
    if changed or notes:
        out["updated"] = [str(f) for f in changed]
        out["not_updated"] = notes
    return out
