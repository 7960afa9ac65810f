"""``duban compare``: the reviewer's side-by-side table of one scenario under policies."""

from __future__ import annotations

import json

import click

from duban.cli import main
from duban.cli.engine_cmds import load_policies, read_scenario
from duban.cli.paths import FilePath
from duban.reports.compare import render_html, render_markdown, render_text
from duban.simulation.compare import compare

RENDERERS = {"text": render_text, "markdown": render_markdown, "html": render_html}


@main.command(name="compare")
@click.argument("scenario", type=FilePath())
@click.option("-p", "--policy", "policies", multiple=True, required=True,
              help="策略 id 或文件，可重复；all 表示全部已发布策略加本单位 policies 文件夹中的策略")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "json"]),
              default="text")
@click.option("--ticks", type=click.Choice(["auto", "steps"]), default=None,
              help="auto：每个定时器在应发时刻自动触发，直到场景结束（默认按场景的 ticks 设置）")
@click.option("-o", "--output", type=FilePath(dir_okay=False), default=None,
              help="写入文件（默认输出到终端）")
def compare_cmd(scenario: str, policies: tuple[str, ...], fmt: str, ticks: str | None,
                output: str | None) -> None:
    """对比同一场景在各制度下的结果：签批、期限、提醒、延期、扣分、办结率 (compare policies)."""
    data = compare(read_scenario(scenario), load_policies(policies), ticks)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n" if fmt == "json" \
        else RENDERERS[fmt](data)
    if output is None:
        click.echo(text, nl=False)
        return
    with open(output, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    click.echo(f"已写入 {output}")
