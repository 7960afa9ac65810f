"""``duban demo``: what ``make demo`` runs — the shipped policies checked and read back,
then one realistic month of supervision under every shipped policy, side by side."""

from __future__ import annotations

import sys
import time
from importlib import resources
from pathlib import Path

import click

from duban.cli import main
from duban.cli.engine_cmds import render_table
from duban.engine.runner import simulate
from duban.engine.scenario import load_scenario
from duban.errors import PolicyError
from duban.policy.explain import explain_policy
from duban.policy.loader import load_policy
from duban.policy.shipped import shipped_paths


def demo_scenario_path() -> Path:
    return Path(str(resources.files("duban") / "scenarios" / "demo_month.yaml"))


@main.command()
@click.option("--explain", "explain_id", default="gansu_huizhan",
              help="读回哪一个策略（默认 gansu_huizhan）")
def demo(explain_id: str) -> None:
    """演示：检查全部已发布策略，并在每个策略下运行一个月的督办 (the demo)."""
    started = time.perf_counter()
    paths = shipped_paths()
    click.echo(f"== 1. 检查 {len(paths)} 个已发布策略 (validate shipped policies)")
    policies = []
    for p in paths:
        try:
            policies.append(load_policy(p))
            click.echo(f"  ✓ {p.stem}")
        except PolicyError as err:
            click.echo(f"  ✗ {p.stem}\n{err}", err=True)
            sys.exit(1)
    if not policies:
        policies = [load_policy(Path(str(resources.files("duban") / "policies" /
                                         "standard.yaml")))]
    chosen = next((p for p in policies if p.id == explain_id), policies[0])
    click.echo(f"\n== 2. 把策略读回为制度条文：{chosen.id} (explain)")
    click.echo(explain_policy(chosen))
    scenario = load_scenario(demo_scenario_path())
    click.echo(f"\n== 3. 同一个月的督办在 {len(policies)} 个策略下的结果 (one month, every policy)")
    click.echo(render_table(simulate(scenario, policies)))
    click.echo(f"\n用时 {time.perf_counter() - started:.1f} 秒")
