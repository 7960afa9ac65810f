"""``duban due`` and ``duban calendar [show] YEAR``: ask the calendar from the command line.

Why these two: an implementer checking a policy wants to see, before anything runs, the
deadline a limit gives from a given day (``duban due 2026-09-30 2个工作日``) and the rest
and makeup days of a year. The calendar asked is the deployment's (built-in data, the
files ``duban.yaml`` names under ``calendar:``, installed calendar plugins), or the data
files given with ``--calendar``, plus ``--policy``'s own ``calendar:`` settings. Only the
CLI prints; the answers come from :mod:`duban.calendar`. Bad input is one line on stderr
and exit status 2, never a traceback. ``import``, ``status`` and ``heal`` live in
:mod:`duban.cli.calendar_cmds`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
import yaml

from duban.calendar import (
    DEFAULT_TZ,
    CalendarAdditions,
    CalendarSettings,
    Deadline,
    Duration,
    DurationSyntaxError,
    WorkCalendar,
    compute_deadline,
    data_ends_soon,
    load_additions,
    parse_duration,
    settings_from_mapping,
)
from duban.calendar.days import WEEKDAYS_ZH, describe_day, year_listing
from duban.calendar.instants import read_instant
from duban.calendar.settings import with_beyond
from duban.cli import main
from duban.cli.paths import FilePath
from duban.errors import DubanError

#: Exit status for bad input (as click uses for usage errors).
EXIT_BAD_INPUT = 2


class _CalendarYamlLoader(yaml.SafeLoader):
    """Safe YAML without YAML 1.1's implicit timestamps and base-60 integers.

    Why: ``end_of_day: 17:30`` must stay the string "17:30" (YAML 1.1 reads it as 1050),
    and policies keep timestamps as strings. Temporary: once the policy loader exists
    (strict YAML with positions), ``--policy`` will use it and this class goes away.
    """


_CalendarYamlLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_CalendarYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)


def _bad_input(message: str, code: str = "validation_error") -> NoReturn:
    """One line on stderr, exit 2: the user's mistake, not a crash."""
    click.echo(f"错误[{code}]: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _policy_settings(policy: Path | None) -> CalendarSettings:
    """Read only the ``calendar:`` mapping of a policy file.

    The policy loader (schema, ``extends``, positions) does not exist yet; until it does,
    this reads the file with safe YAML and looks at its top-level ``calendar:`` key only.
    """
    if policy is None:
        return CalendarSettings()
    try:
        doc = yaml.load(policy.read_text(encoding="utf-8"), Loader=_CalendarYamlLoader)
    except OSError as exc:
        _bad_input(f"无法读取策略文件 {policy} (cannot read policy file): {exc.strerror}")
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f":{where.line + 1}:{where.column + 1}" if where is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        _bad_input(f"{policy}{at}: 不是有效的 YAML (not valid YAML): {problem}")
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        _bad_input(f"{policy}: 策略应为映射 (a policy must be a mapping)")
    return settings_from_mapping(doc.get("calendar"), base_dir=policy.parent)


def _parse_from(text: str) -> dt.datetime:
    """``2026-09-30`` (00:00), ``2026-09-30T09:00``, or with an offset; as Asia/Shanghai."""
    try:
        return read_instant(text).astimezone(DEFAULT_TZ)
    except ValueError:
        _bad_input(
            f"无法识别的起始时间 {text!r}，应为 2026-09-30、2026-09-30T09:00 或 "
            f"2026-09-30T09:00+08:00 (not a start time: {text!r})"
        )


def _day_line(cal: WorkCalendar, day: dt.date) -> str:
    info = describe_day(cal, day)
    return f"  {day.isoformat()} {WEEKDAYS_ZH[day.weekday()]} {info.label_zh()}"


def _due_json(start: dt.datetime, duration: Duration, deadline: Deadline) -> dict[str, Any]:
    return {
        "from": start.isoformat(),
        "duration": {"amount": duration.amount, "unit": duration.unit,
                     "text": duration.text, "zh": duration.to_text_zh()},
        "deadline": deadline.at.isoformat(),
        "provisional": deadline.provisional,
        "calendar_version": deadline.calendar_version,
        "skipped_rest_days": [d.isoformat() for d in deadline.skipped_rest_days],
    }


def deployment_additions(config: str | None, policy_id: str) -> tuple[
        list[CalendarAdditions], str | None]:
    """The deployment's calendar files and installed calendar plugins' additions, and its
    ``beyond_known_data`` choice (None: the policy's own)."""
    from duban.plugins import Hooks, make_plugin_manager
    from duban.runtime.config import load_config

    cfg = load_config(config)
    hooks = Hooks(make_plugin_manager(folder=cfg.plugins))
    return ([*cfg.calendar.additions(), *hooks.calendar_additions(policy_id)],
            cfg.calendar.beyond_known_data)


def cli_calendar(policy: Path | None, files: tuple[Path, ...], config: str | None = None
                 ) -> tuple[WorkCalendar, CalendarSettings]:
    """The calendar a command asks: ``--calendar`` files directly, else the deployment's;
    with ``--policy``'s settings. Raises DubanError for bad input."""
    settings = _policy_settings(policy)
    if files:
        additions, beyond = [load_additions(f) for f in files], None
    else:
        additions, beyond = deployment_additions(config, policy.stem if policy else "")
    settings = with_beyond(settings, beyond)
    return settings.build(additions), settings


def warn_if_data_ends(calendars: list[WorkCalendar], today: dt.date) -> None:
    """Print (stderr) the 45-day warning when the data ends soon; never fails a command."""
    warning = data_ends_soon(calendars, today)
    if warning:
        click.echo(warning, err=True)


_CALENDAR_OPTION = click.option(
    "--calendar", "calendar_files", multiple=True,
    type=FilePath(path_type=Path, dir_okay=False),
    help="日历数据文件（duban calendar import 的输出），可多次；不读 duban.yaml 与插件 "
         "(calendar data files to use directly)")
_CONFIG_OPTION = click.option("--config", default=None,
                              help="配置文件（默认 ./duban.yaml），读取其 calendar: 设置")


@main.command("due")
@click.argument("from_", metavar="FROM")
@click.argument("duration_words", metavar="DURATION", nargs=-1, required=True)
@click.option("--policy", type=FilePath(path_type=Path, dir_okay=False),
              help="读取策略的 calendar: 设置 (use the policy's calendar: settings).")
@_CALENDAR_OPTION
@_CONFIG_OPTION
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="输出格式 (output format).")
def due_cmd(from_: str, duration_words: tuple[str, ...], policy: Path | None,
            calendar_files: tuple[Path, ...], config: str | None, output: str) -> None:
    """截止时间：从 FROM 起 DURATION 的期限 (the deadline DURATION after FROM).

    \b
    例 examples:
      duban due 2026-09-30 2个工作日
      duban due 2026-09-30T09:00 7 days
      duban due 2026-12-28 5个工作日 --calendar calendar/2027.yaml
      duban due 2026-09-30T09:00+08:00 48小时 --policy policies/x.yaml
    """
    start = _parse_from(from_)
    try:
        duration = parse_duration(" ".join(duration_words))
        cal, settings = cli_calendar(policy, calendar_files, config)
        deadline = compute_deadline(cal, start, duration, roll_forward=settings.roll_forward,
                                    end_of_day=settings.end_of_day)
    except DurationSyntaxError as exc:
        _bad_input(str(exc), "validation_error")
    except DubanError as exc:
        _bad_input(exc.message, exc.code)
    if output == "json":
        click.echo(json.dumps(_due_json(start, duration, deadline), ensure_ascii=False))
        return
    at = deadline.at
    click.echo(f"截止时间 deadline: {at.isoformat()} ({WEEKDAYS_ZH[at.weekday()]})")
    click.echo(f"时限 duration: {duration.to_text_zh()} ({duration.to_text_en()}), "
               f"自 from {start.isoformat()}")
    skipped = deadline.skipped_rest_days
    click.echo(f"跳过的休息日 skipped rest days: {len(skipped)}")
    for day in skipped:
        click.echo(_day_line(cal, day))
    if deadline.provisional:
        click.echo("临时结果 provisional: 用到了日历数据以外的日期，按周末规则计算 "
                   "(beyond the known calendar data, weekday rule used)")
    click.echo(f"日历版本 calendar: {deadline.calendar_version}")


class _CalendarGroup(click.Group):
    """``duban calendar 2026`` is ``duban calendar show 2026`` (the older spelling)."""

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0].isdigit():
            return "show", self.commands["show"], args
        return super().resolve_command(ctx, args)


@main.group("calendar", cls=_CalendarGroup)
def calendar_group() -> None:
    """工作日日历：某年的安排、导入放假通知、数据状态、重算临时期限 (the working-day calendar).

    \b
      duban calendar 2026                          某年的休息日与调休上班日
      duban calendar import 通知.txt -o 2027.yaml   读取国务院办公厅放假安排通知
      duban calendar status                        已知范围、来源、剩余天数
      duban calendar heal --dry-run                新数据加入后重算临时期限
    """


@calendar_group.command("show")
@click.argument("year", type=click.IntRange(1, 9998))
@click.option("--policy", type=FilePath(path_type=Path, dir_okay=False),
              help="读取策略的 calendar: 设置 (use the policy's calendar: settings).")
@_CALENDAR_OPTION
@_CONFIG_OPTION
def calendar_show(year: int, policy: Path | None, calendar_files: tuple[Path, ...],
                  config: str | None) -> None:
    """某年的休息日与调休上班日 (a year's rest days and makeup working days)."""
    try:
        cal, _ = cli_calendar(policy, calendar_files, config)
        rest, makeup = year_listing(cal, year)
    except DubanError as exc:
        _bad_input(exc.message, exc.code)
    first, last = cal.known_range
    click.echo(f"{year} 年日历 calendar {cal.version} "
               f"(已知 known {first.isoformat()}..{last.isoformat()})")
    click.echo(f"休息日 rest days: {len(rest)}")
    for info in rest:
        click.echo(_day_line(cal, info.day))
    click.echo(f"调休上班日 makeup workdays: {len(makeup)}")
    for info in makeup:
        click.echo(_day_line(cal, info.day))
