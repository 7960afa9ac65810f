"""``duban diff`` and ``duban graph``: the compliance reviewer's commands."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from duban.calendar.instants import read_instant
from duban.cli import main
from duban.cli.paths import FilePath
from duban.diff.behaviour import diff_behaviour
from duban.diff.refs import load_ref
from duban.diff.render import RENDERERS, Report
from duban.diff.semantic import diff_policies
from duban.errors import DubanError, PolicyError
from duban.policy.model import Policy


def _load(ref: str, which: str = "") -> Policy:
    try:
        return load_ref(ref)
    except PolicyError as err:
        click.echo(str(err), err=True)
        click.echo(f"✗ {which and which + ' '}策略无效：{ref} / the {which and which + ' '}policy is not "
                   "valid; nothing compared", err=True)
        sys.exit(2)
    except DubanError as err:
        click.echo(str(err), err=True)
        sys.exit(2)


def _instant(text: str | None, policy: Policy, end: bool) -> dt.datetime | None:
    """A written bound of the history window, read as every written time is (a naive
    time in the policy's zone, which is the deployment's; a date: the whole day)."""
    if text is None:
        return None
    try:
        return read_instant(text, policy.timezone, date_is_end=end)
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


@main.command(name="diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text",
              help="text（终端）、md（评审意见）、json（工具）")
@click.option("--scenarios", "scenarios", multiple=True, type=FilePath(),
              help="场景目录（递归）或文件：在两个策略下重放并列出结果不同的场景；可重复")
@click.option("--history", "history", default=None,
              help="存储（SQLite 文件或 URL）：把 OLD 所管事项的事件记录在两个策略下重放")
@click.option("--since", default=None, help="--history：只看此日期及以后立项的事项")
@click.option("--until", default=None, help="--history：只看此日期及以前立项的事项，并截至此时")
@click.option("--cites", is_flag=True, help="也列出只改了出处（条款编号）的规则")
def diff_cmd(old: str, new: str, fmt: str, scenarios: tuple[str, ...], history: str | None,
             since: str | None, until: str | None, cites: bool) -> None:
    """比较两个策略（文件、已发布策略 id 或 git 版本 REV:path）的规则及其结果。

    Compare two policies (files, shipped ids, or git revisions written REV:path) rule by
    rule, in domain words with citations. Exit 0 same, 1 different, 2 error.
    """
    if (since or until) and history is None:
        click.echo("--since/--until 只用于 --history / --since and --until need --history",
                   err=True)
        sys.exit(2)
    a, b = _load(old, "OLD"), _load(new, "NEW")
    report = Report(a, b, diff_policies(a, b, cites=cites))
    try:
        if scenarios:
            report.behaviour = diff_behaviour(a, b, scenarios)
        if history is not None:
            from duban.diff.history import diff_history
            report.history = diff_history(a, b, history, since=_instant(since, a, False),
                                          until=_instant(until, a, True))
    except DubanError as err:
        click.echo(str(err), err=True)
        sys.exit(2)
    click.echo(RENDERERS[fmt](report))
    sys.exit(1 if report.different else 0)


@main.command(name="graph")
@click.argument("policy")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "svg"]), default="mermaid",
              help="mermaid（stateDiagram-v2 文本）或 svg（图片）")
@click.option("-o", "--output", type=FilePath(dir_okay=False), default=None,
              help="写入文件（默认打印）")
def graph_cmd(policy: str, fmt: str, output: str | None) -> None:
    """画出策略的生命周期：状态、可执行角色、审批链与时限 (draw the lifecycle)."""
    from duban.graph import to_mermaid, to_svg

    p = _load(policy)
    text = to_mermaid(p) if fmt == "mermaid" else to_svg(p)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        click.echo(f"无法写入 {output}：{exc.strerror} / cannot write", err=True)
        sys.exit(2)
    click.echo(f"已写入 {output} / wrote {output}")
