"""``duban calendar import | status | heal``: a new year's arrangement, from notice to items.

Why together: they are the yearly routine of docs/calendar.md (每年11–12月) — read the
State Council's notice into a data file, check how far the deployment's data reaches, and
recompute the provisional deadlines once the file is named in ``duban.yaml``. The clock is
read here, at the edge, and only as the default of ``--today``/``--at``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from duban.calendar import DEFAULT_TZ, Notice, NoticeError, calendar_status, read_notice
from duban.calendar.datafile import render_data_file, write_atomically
from duban.calendar.notice import WEEKDAY_NAMES
from duban.cli.ops_cmds import parse_time, with_service
from duban.cli.paths import FilePath
from duban.cli.time_cmds import EXIT_BAD_INPUT, _bad_input, calendar_group, cli_calendar
from duban.errors import DubanError
from duban.runtime.heal import heal
from duban.runtime.service import Service


def _today(text: str | None) -> dt.date:
    """``--today`` or the clock's date in Asia/Shanghai."""
    if text is None:
        return dt.datetime.now(DEFAULT_TZ).date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        _bad_input(f"--today 应为 YYYY-MM-DD，写的是 {text!r} (not a date)")


def _read(path: str) -> tuple[str, str]:
    """The notice's text and name (``-`` reads standard input)."""
    if path == "-":
        return sys.stdin.read(), "<stdin>"
    try:
        return Path(path).read_text(encoding="utf-8-sig"), path
    except UnicodeDecodeError:
        _bad_input(f"{path}: 不是 UTF-8 文本，请另存为 UTF-8 (not UTF-8 text)")
    except OSError as exc:
        _bad_input(f"无法读取通知 {path} (cannot read the notice): {exc.strerror}")


def _print_notice(notice: Notice) -> None:
    """What was read, festival by festival, then the days that differ from the weekday rule."""
    click.echo(f"{notice.title}" + (f"（{notice.number}）" if notice.number else ""))
    for f in notice.festivals:
        span = f"{f.rest[0].isoformat()} 至 {f.rest[-1].isoformat()}"
        work = "、".join(d.isoformat() for d in f.workdays)
        click.echo(f"  {f.name}：{span} 放假 {len(f.rest)} 天" + (f"；{work} 上班" if work else ""))
    differing = notice.differing_days()
    click.echo(f"与周一至周五规则不同的日期 days that differ from the weekday rule: {len(differing)}")
    for day, what, festival in differing:
        click.echo(f"  {day.isoformat()} {WEEKDAY_NAMES[day.weekday()]} {what}（{festival}）")


@calendar_group.command("import")
@click.argument("notice_path", metavar="NOTICE")
@click.option("-o", "--output", "output", required=True,
              type=FilePath(path_type=Path, dir_okay=False), help="写入的日历数据文件")
@click.option("--year", type=click.IntRange(1900, 9998), default=None,
              help="通知年份（通知文本没有标题时）")
def calendar_import(notice_path: str, output: Path, year: int | None) -> None:
    """读取国务院办公厅放假安排通知，写成日历数据文件 (read a holiday notice).

    NOTICE 为通知全文（UTF-8 文本，- 为标准输入）。读不懂或对不上的地方逐行报错，不写文件。
    """
    text, name = _read(notice_path)
    try:
        notice = read_notice(text, source=name, year=year)
    except NoticeError as exc:
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        click.echo(f"未写入 {output} (nothing written): {len(exc.problems)} 处问题", err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        write_atomically(output, render_data_file(notice, origin=Path(name).name))
    except OSError as exc:
        _bad_input(f"无法写入 {output} (cannot write): {exc.strerror}")
    _print_notice(notice)
    click.echo(f"已写入 written: {output}（在 duban.yaml 的 calendar: files: 中引用它）")


@calendar_group.command("status")
@click.option("--config", default=None, help="配置文件（默认 ./duban.yaml）")
@click.option("--today", "today_text", default=None, help="以此日期为今天（默认当前日期）")
def calendar_status_cmd(config: str | None, today_text: str | None) -> None:
    """日历数据的已知范围、来源与剩余天数 (how far the calendar data reaches)."""
    today = _today(today_text)
    try:
        cal, _ = cli_calendar(None, (), config)
    except DubanError as exc:
        _bad_input(exc.message, exc.code)
    status = calendar_status(cal, today)
    click.echo(f"已知范围 known: {status.first.isoformat()} 至 {status.last.isoformat()}")
    click.echo(f"日历版本 version: {status.version}")
    click.echo("来源 sources:")
    for source in status.sources:
        click.echo(f"  - {source}")
    click.echo(f"剩余天数 days left (from {today.isoformat()}): {status.days_left}")
    click.echo(f"超出数据时 beyond the data: {status.beyond_known_data}")
    if status.ending_soon:
        from duban.calendar import data_ends_soon

        click.echo(data_ends_soon([cal], today))


@calendar_group.command("heal")
@click.option("--dry-run", is_flag=True, help="只列出会变化的事项，不写入")
@click.option("--at", "at_text", default=None, help="记录事件的时间（默认当前时间）")
@with_service
def calendar_heal(service: Service, dry_run: bool, at_text: str | None) -> None:
    """新一年的放假安排加入后，重算未办结事项的临时期限并通知 (recompute provisional deadlines)."""
    at = parse_time(at_text, service.zone)
    done = heal(service, at, dry_run=dry_run)
    for h in done:
        click.echo(h.describe())
    moved = sum(1 for h in done if h.moves)
    refused = sum(1 for h in done if h.refused)
    click.echo(("（演练，未写入）" if dry_run else "已重算") +
               f" 期限变化 {moved} 项，不能自动重算 {refused} 项，检查 {len(done)} 项")
