"""``duban migrate --to POLICY``: move open items to a new policy version, on purpose."""

from __future__ import annotations

import datetime as dt

import click

from duban.cli import main
from duban.cli.ops_cmds import with_service
from duban.errors import DubanError
from duban.policy.loader import load_policy
from duban.policy.shipped import resolve_policy
from duban.runtime.migrate import apply_plan, plan
from duban.runtime.service import Service

OPEN = ("draft", "pending_approval", "assigned", "in_progress", "extension_pending",
        "paused", "reported")


@main.command()
@click.option("--to", "target_ref", required=True, help="新版本策略文件或 id")
@click.option("--item", "item_ids", multiple=True, help="只迁移这些事项（默认：该策略的全部未办结事项）")
@click.option("--dry-run", is_flag=True, help="只列出变化，不写入")
@with_service
def migrate(service: Service, target_ref: str, item_ids: tuple[str, ...], dry_run: bool) -> None:
    """把未办结事项迁移到新版本策略，先列出每项的变化 (migrate items to a new policy)."""
    path = resolve_policy(target_ref)
    if path is None:
        raise DubanError(f"找不到策略 '{target_ref}' / no such policy", "validation_error")
    target = load_policy(path)
    ids = list(item_ids) or [
        it.id for it in service.store.items(policy_id=target.id)
        if it.policy_hash != target.content_hash
        and service.policy_for(it).states[it.state].canonical in OPEN]
    if not ids:
        click.echo("没有需要迁移的事项 / nothing to migrate")
        return
    moved = 0
    for item_id in ids:
        p = plan(service, item_id, target)
        if not p.ok:
            click.echo(f"✗ {item_id}：不能迁移：{p.refused}")
            continue
        click.echo(f"{'·' if dry_run else '✓'} {item_id}：" + ("；".join(p.changes) or "无变化"))
        if not dry_run:
            apply_plan(service, p, target, dt.datetime.now(dt.UTC).astimezone(target.timezone))
            moved += 1
    click.echo(("（演练，未写入）" if dry_run else f"已迁移 {moved} 项") +
               f" → {target.id}@{target.content_hash}")
