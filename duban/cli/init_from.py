"""``duban init ID --from FILE``: the regulation → draft policy branch of ``init``."""

from __future__ import annotations

from pathlib import Path

import click

from duban.errors import DubanError


def init_from(policy_id: str, source: Path, name: str | None, output: str | None,
              part: int | None, report: bool) -> int:
    """Draft, render and write; print the summary. Returns the exit code."""
    from duban.authoring import draft_from_file
    from duban.authoring.inventory import render_inventory
    from duban.authoring.output import inventory_path, write_all
    from duban.authoring.report import render_report
    from duban.authoring.skeleton import render_skeleton

    out = Path(output or f"policies/{policy_id}.yaml")
    clauses_out = inventory_path(out, policy_id, default_layout=output is None)
    try:
        draft = draft_from_file(source, part)
        write_all({out: render_skeleton(draft, policy_id, out, name),
                   clauses_out: render_inventory(draft, policy_id)})
    except DubanError as err:
        click.echo(str(err), err=True)
        return 1
    if report:
        click.echo(render_report(draft))
    n = len(draft.candidates)
    click.echo(f"已生成 {out}（{n} 条建议待决定，决定前不能通过检查）和 {clauses_out}"
               f"（{len(draft.regulation.clauses)} 条条款）/ wrote {out} and {clauses_out}")
    return 0
