"""``duban simulate`` and ``duban why``: one scenario under several policies."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from duban.cli import main
from duban.cli.paths import FilePath
from duban.errors import DubanError, PolicyError
from duban.policy.loader import load_policy
from duban.policy.model import Policy
from duban.policy.shipped import resolve_policy, shipped_paths
from duban.runtime.config import load_config
from duban.simulation.explain import why_item
from duban.simulation.outcome import simulate
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import Scenario, load_scenario


def load_policies(refs: tuple[str, ...]) -> list[Policy]:
    """Policies named on the command line; exits on errors. ``all`` means every shipped
    policy plus the deployment's own policies folder (``policies:`` in duban.yaml, by
    default ./policies), where a file of the same id replaces the shipped one."""
    paths: dict[str, Path] = {}
    for ref in refs:
        if ref == "all":
            paths.update({str(p.resolve()): p for p in all_policy_paths()})
            continue
        p = resolve_policy(ref)
        if p is None:
            click.echo(f"找不到策略 '{ref}' / no such policy", err=True)
            sys.exit(2)
        paths[str(p.resolve())] = p
    out: dict[str, Policy] = {}
    for p in paths.values():
        try:
            policy = load_policy(p)
        except PolicyError as err:
            click.echo(str(err), err=True)
            sys.exit(1)
        out[policy.id] = policy  # a later file of the same id (the deployment's) wins
    return list(out.values())


def all_policy_paths() -> list[Path]:
    """The shipped policies, then the deployment's; one file per id, the deployment's
    own replacing a shipped one of the same name."""
    try:
        folders = load_config().policies
    except DubanError as err:
        click.echo(str(err), err=True)
        sys.exit(2)
    by_id = {p.stem: p for p in shipped_paths()}
    for folder in folders:
        if Path(folder).is_dir():
            by_id.update({p.stem: p for p in sorted(Path(folder).glob("*.yaml"))})
    return list(by_id.values())


def read_scenario(path: str) -> Scenario:
    try:
        return load_scenario(path)
    except PolicyError as err:
        click.echo(str(err), err=True)
        sys.exit(2)


@main.command(name="simulate")
@click.argument("scenario", type=FilePath())
@click.option("-p", "--policy", "policies", multiple=True, required=True,
              help="策略 id 或文件，可重复；all 表示全部已发布策略加本单位 policies 文件夹中的策略")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--ticks", type=click.Choice(["auto", "steps"]), default=None,
              help="auto：每个定时器在应发时刻自动触发，直到场景结束；steps：只在 tick 步骤触发"
                   "（默认按场景的 ticks 设置）")
def simulate_cmd(scenario: str, policies: tuple[str, ...], fmt: str, ticks: str | None) -> None:
    """在一个或多个策略下运行场景 (run a scenario under policies)."""
    sc = read_scenario(scenario)
    result = simulate(sc, load_policies(policies), ticks)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(render_table(result))


def _short(iso: str | None) -> str:
    return iso[5:10] if iso else "—"


def _cell(it: dict[str, Any]) -> str:
    mark = "✓" if it["on_time"] else "✗" if it["overdue"] else ""
    extra = (f" 延{it['extensions_granted']}" if it["extensions_granted"] else "") + \
        (f" 退{it['returns']}" if it["returns"] else "")
    return f"{it['state']}{mark} {_short(it['due'])}{extra}"


def render_table(result: dict[str, Any]) -> str:
    """One row per policy: each item's state (✓ on time, ✗ overdue), deadline, extensions
    延 and returns 退; then reminders fired, penalties, refused steps and 办结率."""
    ids = list(result["results"])
    keys = list(next(iter(result["results"].values()))["items"]) if ids else []
    rows: list[list[str]] = [["策略", *keys, "提醒", "扣分/系数", "被拒步骤", "办结率"]]
    for pid in ids:
        r = result["results"][pid]
        pts = sum(x["points"] for x in r["penalties"])
        coef = sum(x["coefficient"] for x in r["penalties"])
        codes: dict[str, int] = {}
        for x in r["rejected_steps"]:
            codes[x["code"]] = codes.get(x["code"], 0) + 1
        rows.append([
            pid, *(_cell(r["items"][k]) for k in keys),
            str(sum(len(r["items"][k]["reminders"]) for k in keys)),
            f"{pts:g}/{coef:+g}" if r["penalties"] else "—",
            "、".join(f"{c}×{n}" for c, n in codes.items()) or "—",
            f"{r['kpi']['closure_rate'] * 100:.0f}%（{r['kpi']['closed_on_time']}/"
            f"{r['kpi']['total']}）"])
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [f"场景：{result['scenario']}（✓ 按时办结  ✗ 逾期；日期为期限）"]
    for r in rows:
        lines.append("  ".join(c + " " * (w - _width(c))
                               for c, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _width(text: str) -> int:
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@main.command()
@click.argument("scenario", type=FilePath())
@click.argument("item")
@click.option("-p", "--policy", "policy", required=True)
def why(scenario: str, item: str, policy: str) -> None:
    """事项为何是这个期限、提醒和扣分 (why this deadline, reminder, penalty)."""
    sc = read_scenario(scenario)
    if item not in sc.items:
        click.echo(f"场景中没有事项 '{item}'（有：{'、'.join(sc.items)}）/ unknown item", err=True)
        sys.exit(2)
    pol = load_policies((policy,))[0]
    click.echo(why_item(run_scenario(pol, sc), item))
