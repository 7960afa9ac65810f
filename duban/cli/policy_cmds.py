"""``duban validate``, ``schema``, ``init`` and ``explain``: the implementer's commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from duban.cli import main
from duban.cli.paths import FilePath
from duban.errors import PolicyError
from duban.policy.loader import check_paths, load_policy
from duban.policy.schema_check import schema_path
from duban.policy.shipped import resolve_policy
from duban.policy.skeleton import skeleton


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="输出格式 / output format")
@click.option("--today", "today_text", default=None,
              help="以此日期为今天，检查日历数据是否即将用完（默认当前日期）")
@click.option("--strict", is_flag=True,
              help="每条生效的时限、次数、审批人、提醒和扣分都须有出处（cite）或本单位默认（because）"
                   " / every rule in force needs a cite or an explicit default")
def validate(paths: tuple[str, ...], fmt: str, today_text: str | None, strict: bool) -> None:
    """检查策略文件 (validate policy files). Exit 0 valid, 1 errors, 2 usage."""
    files = []
    for p in paths:
        resolved = resolve_policy(p)
        if resolved is None:
            click.echo(f"找不到策略 '{p}'：不是文件，也不是已发布策略的 id / no such policy", err=True)
            sys.exit(2)
        files.append(str(resolved) if not Path(p).exists() else p)
    results = check_paths(files, _plugin_conditions(), strict=strict)
    if fmt == "json":
        click.echo(json.dumps({f: {"valid": not probs, "problems": [x.to_dict() for x in probs],
                                   "warnings": [x.to_dict() for x in warns]}
                               for f, (probs, warns) in results.items()},
                              ensure_ascii=False, indent=2))
    else:
        for f, (probs, warns) in results.items():
            for w in warns:
                click.echo(w.format().replace("错误[", "警告[", 1))
            if probs:
                for x in probs:
                    click.echo(x.format())
                click.echo(f"✗ {f}: {len(probs)} 处错误 ({len(probs)} problem(s))\n")
            else:
                tail = f"，{len(warns)} 处警告 ({len(warns)} warning(s))" if warns else ""
                click.echo(f"✓ {f}: 有效 (valid){tail}")
    _warn_calendar([f for f, (probs, _) in results.items() if not probs], today_text)
    sys.exit(1 if any(probs for probs, _ in results.values()) else 0)


def _warn_calendar(valid: list[str], today_text: str | None) -> None:
    """Warn (stderr, never fail) when the calendar of a valid policy — with the deployment's
    calendar files and calendar plugins — ends within 45 days of today."""
    import datetime as dt

    from duban.calendar import DEFAULT_TZ
    from duban.cli.time_cmds import deployment_additions, warn_if_data_ends
    from duban.errors import DubanError

    try:
        today = dt.date.fromisoformat(today_text) if today_text else \
            dt.datetime.now(DEFAULT_TZ).date()
    except ValueError:
        click.echo(f"--today 应为 YYYY-MM-DD，写的是 {today_text!r}", err=True)
        sys.exit(2)
    calendars = []
    for f in valid:
        try:
            additions, beyond = deployment_additions(None, Path(f).stem)
            calendars.append(load_policy(f, calendar_additions=additions,
                                         beyond_known_data=beyond).calendar)
        except (DubanError, PolicyError):  # a broken duban.yaml is not validate's to judge
            continue
    warn_if_data_ends(calendars, today)


def _plugin_conditions() -> dict[str, Any] | None:
    """Named conditions registered by installed plugins and ./plugins, so ``cond.*`` names
    are checked; None (not checked) when the plugins cannot be loaded."""
    from duban.errors import DubanError
    from duban.plugins import Hooks, make_plugin_manager

    try:
        return dict(Hooks(make_plugin_manager(folder="plugins")).conditions.entries)
    except DubanError:
        return None


@main.command()
def schema() -> None:
    """打印策略语言的 JSON Schema (print the policy JSON Schema)."""
    click.echo(schema_path().read_text(encoding="utf-8"), nl=False)




@main.command()
@click.argument("policy_id")
@click.option("--name", default=None, help="单位名称（原样使用）/ organisation name, used as given")
@click.option("-o", "--output", type=FilePath(dir_okay=False), default=None,
              help="写入的文件（默认 policies/ID.yaml）")
@click.option("--from", "source", type=FilePath(dir_okay=False), default=None,
              help="从制度文件（.docx、.pdf、.txt、.md）生成策略草稿与条款清单")
@click.option("--part", type=int, default=None, help="文件含多篇制度时，选第 N 篇（与 --from 一起用）")
@click.option("--report", is_flag=True, help="打印识别摘要（与 --from 一起用）")
def init(policy_id: str, name: str | None, output: str | None, source: str | None,
         part: int | None, report: bool) -> None:
    """生成策略骨架：不写任何用户未给的数字，待填写处逐一列出 (scaffold a policy).

    With --from, draft one from a regulation file instead: its clause inventory, and every
    candidate rule as a commented suggestion (see docs/authoring.md)."""
    import re
    if not re.fullmatch(r"[a-z][a-z0-9_]*", policy_id):
        click.echo(f"策略 id '{policy_id}' 只能用小写字母、数字、下划线，且以字母开头 / invalid id",
                   err=True)
        sys.exit(2)
    if source is not None:
        from duban.cli.init_from import init_from
        sys.exit(init_from(policy_id, Path(source), name, output, part, report))
    if name is None:
        click.echo("缺少 --name（单位名称）/ --name is required without --from", err=True)
        sys.exit(2)
    out = Path(output or f"policies/{policy_id}.yaml")
    if out.exists():
        click.echo(f"{out} 已存在，未覆盖 / already exists, not overwritten", err=True)
        sys.exit(2)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(skeleton(policy_id, name, schema_ref=_schema_ref(out), file=str(out)),
                   encoding="utf-8")
    try:
        load_policy(out)
        click.echo(f"已生成 {out}（通过检查）/ wrote {out} (valid)")
    except PolicyError as err:  # the placeholders the user must fill, each located
        todo = [p for p in err.problems if p.code == "placeholder.unfilled"]
        if len(todo) != len(err.problems):  # anything else is a bug in the skeleton
            click.echo(str(err), err=True)
            sys.exit(1)
        click.echo(f"已生成 {out}：还有 {len(todo)} 处〔待填写〕，按制度原文填写（或删除）后再运行 "
                   f"duban validate {out} / wrote {out}; fill its {len(todo)} placeholder(s)")
        for p in todo:
            click.echo(f"  {p.location}: {p.message}")


def _schema_ref(out: Path) -> str:
    import os
    return os.path.relpath(schema_path(), out.resolve().parent)


@main.command()
@click.argument("policy")
def explain(policy: str) -> None:
    """把策略读回为制度条文，逐条附出处 (read a policy back as regulation text)."""
    from duban.policy.explain import explain_policy
    path = resolve_policy(policy)
    if path is None:
        click.echo(f"找不到策略 '{policy}' / no such policy", err=True)
        sys.exit(2)
    try:
        pol = load_policy(path)
    except PolicyError as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    click.echo(explain_policy(pol))
