"""``duban report``, ``duban form`` and ``duban taizhang``: what leaders read.

* ``duban report --period 2026-10 | --quarter 2026Q3 | --year 2026 [--format md|html|docx]``
  — the monthly 督查通报, the quarterly ranking, the yearly summary;
* ``duban form ITEM KIND [--format md|html|docx]`` — one form of one item (任务通知单 …);
* ``duban taizhang --format csv|xlsx -o FILE`` — the 台账 with 红/黄/绿 lights. (Not
  ``ledger``: in duban the ledger is the *penalty* ledger; 台账 is the register of items.)

Data come from the store (``--store``/``duban.yaml``, as for ``duban item``) or, for
``report`` and ``taizhang``, from a scenario run in memory (``--scenario FILE -p POLICY``).
``--as ROLE --dept D`` reads as that viewer: confidential (保密) items they may not see are
left out; without it the report is the supervising office's and includes them.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from duban.calendar.instants import read_instant
from duban.cli import main
from duban.cli.output import (
    building_failed,
    force_option,
    output_error,
    spooling,
    write_output,
)
from duban.cli.paths import FilePath
from duban.engine.access import visible_to
from duban.errors import DubanError, PolicyError
from duban.reports import source as sources
from duban.reports.documents import render_form, render_report
from duban.reports.period import parse_period
from duban.reports.render import Renderer, resolve_kind
from duban.reports.source import Dataset, Viewer

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """User mistakes end with a message and exit 2 (bad input) or 1, never a traceback."""
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PolicyError as err:
            click.echo(str(err), err=True)
            sys.exit(2)
        except DubanError as err:
            click.echo(f"错误 [{err.code}]：{err}", err=True)
            sys.exit(2 if err.code in ("validation_error", "unknown_item") else 1)
    return wrapper  # type: ignore[return-value]


def source_options(func: F) -> F:
    for opt in reversed((
        click.option("--store", default=None, help="存储 URL，默认 sqlite:///duban.db"),
        click.option("--config", default=None, help="配置文件（默认 ./duban.yaml）"),
        click.option("--as-of", "as_of", default=None,
                     help="统计时点，如 2026-09-30T18:00（只写日期为当日结束）；默认当前时间"),
        click.option("--as", "role", default=None,
                     help="以何角色查看（本单位角色名或规范角色）。" + DEFAULT_VIEWER),
        click.option("--dept", default=None, help="查看者所在部门"),
        click.option("--actor", "person", default=None, help="查看者（策略中的人员）"),
    )):
        func = opt(func)
    return func


def parse_as_of(text: str | None, config: str | None = None) -> dt.datetime | None:
    """``--as-of``: a date is the end of that day; a naive time is in the deployment's zone."""
    if not text:
        return None
    from duban.runtime.config import load_config

    try:
        return read_instant(text, load_config(config).zone, date_is_end=True)
    except ValueError as exc:
        raise DubanError(f"--as-of：{exc}", "validation_error") from None


#: What a report shows when no viewer is named (stated in each command's --help).
DEFAULT_VIEWER = ("不写 --as/--actor 时：按督办部门查看，含保密事项；部署可在 duban.yaml 中设 "
                  "require_viewer: true 要求必须写明查看者")


def viewer_of(role: str | None, dept: str | None, person: str | None,
              config: str | None = None) -> Viewer | None:
    if not (role or person):
        if dept:
            raise DubanError("--dept 须与 --as 一起使用 / --dept needs --as", "validation_error")
        from duban.runtime.config import load_config

        if load_config(config).require_viewer:
            raise DubanError("本部署要求写明查看者：请加 --as 角色（或 --actor 人员）/ this "
                             "deployment requires a viewer (--as or --actor)", "validation_error")
        return None
    return Viewer(role or "", dept, person)


def renderers_of(config: str | None) -> dict[str, Renderer]:
    from duban.plugins import Hooks, make_plugin_manager
    from duban.runtime.config import load_config

    cfg = load_config(config)
    return dict(Hooks(make_plugin_manager(folder=cfg.plugins)).renderers.entries)


def load_dataset(store: str | None, config: str | None, scenario: str | None,
                 policy_id: str | None, as_of: dt.datetime | None,
                 viewer: Viewer | None) -> tuple[Dataset, dict[str, Renderer]]:
    """The dataset from a scenario run or from the store, and the plugin renderers."""
    if scenario:
        from duban.policy.loader import load_policy
        from duban.policy.shipped import resolve_policy
        from duban.simulation.runner import run_scenario
        from duban.simulation.scenario import load_scenario

        if not policy_id:
            raise DubanError("--scenario 需要 -p POLICY 指明策略 / --scenario needs -p POLICY",
                             "validation_error")
        path = resolve_policy(policy_id)
        if path is None:
            raise DubanError(f"找不到策略 '{policy_id}' / no such policy", "validation_error")
        run = run_scenario(load_policy(path), load_scenario(scenario))
        return sources.from_run(run, as_of=as_of, viewer=viewer), renderers_of(config)
    from duban.runtime.app import open_service
    from duban.runtime.config import load_config

    service = open_service(load_config(config, store=store))
    try:
        ds = sources.from_store(service, as_of=as_of, viewer=viewer, policy_id=policy_id)
        renderers = dict(service.hooks.renderers.entries) if service.hooks else {}
    finally:
        service.store.close()
    return ds, renderers


def emit(data: bytes, fmt: str, output: str | None, force: bool = False) -> None:
    if output:
        write_output(output, data, force=force)
        click.echo(f"已写出 {output}", err=True)
        return
    if fmt in ("md", "html", "csv"):
        click.echo(data.decode("utf-8-sig"), nl=False)
        return
    raise DubanError(f"{fmt} 是二进制格式，请用 -o 文件名 指定输出 / binary format: use -o FILE",
                     "validation_error")


@main.command()
@click.option("--period", "month", default=None, help="月度通报，如 2026-10")
@click.option("--quarter", default=None, help="季度排名，如 2026Q3")
@click.option("--year", default=None, help="年度总结，如 2026")
@click.option("--format", "fmt", default="md", show_default=True,
              help="md、html、docx（或插件提供的格式）")
@click.option("-o", "--output", default=None, help="写入文件（docx 必须）")
@force_option
@click.option("--scenario", default=None, type=FilePath(),
              help="不读存储，在内存中运行此场景（须同时给 -p）")
@click.option("-p", "--policy", "policy_id", default=None,
              help="策略 id：与 --scenario 一起为运行所用策略；否则只统计该策略的事项")
@source_options
@user_errors
def report(month: str | None, quarter: str | None, year: str | None, fmt: str,
           output: str | None, force: bool, scenario: str | None, policy_id: str | None, store: str | None,
           config: str | None, as_of: str | None, role: str | None, dept: str | None,
           person: str | None) -> None:
    """督查通报：月度通报、季度排名、年度总结 (the 督查通报 of a period)."""
    period = parse_period(month, quarter, year)
    ds, renderers = load_dataset(store, config, scenario, policy_id, parse_as_of(as_of, config),
                                 viewer_of(role, dept, person, config))
    emit(render_report(ds, period, fmt, renderers=renderers).data, fmt, output, force)


@main.command()
@click.argument("item_id")
@click.argument("kind")
@click.option("--format", "fmt", default="md", show_default=True,
              help="md、html、docx（或插件提供的格式）")
@click.option("-o", "--output", default=None, help="写入文件（docx 必须）")
@force_option
@source_options
@user_errors
def form(item_id: str, kind: str, fmt: str, output: str | None, force: bool, store: str | None,
         config: str | None, as_of: str | None, role: str | None, dept: str | None,
         person: str | None) -> None:
    """事项的表单：任务通知单（含存根）、存根、任务确认单、过程记录单、报告单、催办通知单、
    延期办理申请表、顺延事项审批单、督查通报 (one form of one item)."""
    from duban.runtime.app import open_service
    from duban.runtime.config import load_config

    kind_id = resolve_kind(kind)
    moment = parse_as_of(as_of, config)
    viewer = viewer_of(role, dept, person, config)
    service = open_service(load_config(config, store=store))
    try:
        item = service.store.load(item_id)
        if item is None:
            raise DubanError(f"没有事项 '{item_id}' / unknown item", "unknown_item")
        policy = service.policy_for(item)
        if viewer is not None:
            if item.confidential and viewer.role and not policy.canonical_role(viewer.role):
                raise DubanError(f"没有事项 '{item_id}' / unknown item", "unknown_item")
            viewer.check([policy])
            if not visible_to(policy, item, viewer.actor(policy)):
                raise DubanError(f"没有事项 '{item_id}' / unknown item", "unknown_item")
        events = service.store.events(item_id)
        moment = moment or sources.latest_instant([item], dt.datetime.now(dt.UTC))
        state, prefix = sources.state_at(policy, item, events, moment)
        if state is None:
            raise DubanError(f"事项 '{item_id}' 在 {moment.isoformat()} 时尚未立项 / the item did "
                             "not exist yet", "unknown_item")
        renderers = dict(service.hooks.renderers.entries) if service.hooks else {}
        members = sources.notice_members(
            service.store.items(policy_id=policy.id), state, moment,
            lambda i: viewer is None or visible_to(policy, i, viewer.actor(policy)))
        rendered = render_form(kind_id, policy, state, list(prefix), moment, fmt,
                               renderers=renderers, notice=members)
    finally:
        service.store.close()
    emit(rendered.data, fmt, output, force)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True)
@click.option("-o", "--output", default=None, help="写入文件（xlsx 必须；csv 默认输出到屏幕）")
@force_option
@click.option("--scenario", default=None, type=FilePath(),
              help="不读存储，在内存中运行此场景（须同时给 -p）")
@click.option("-p", "--policy", "policy_id", default=None,
              help="策略 id：与 --scenario 一起为运行所用策略；否则只列该策略的事项")
@source_options
@user_errors
def taizhang(fmt: str, output: str | None, force: bool, scenario: str | None,
             policy_id: str | None,
             store: str | None, config: str | None, as_of: str | None, role: str | None,
             dept: str | None, person: str | None) -> None:
    """督办台账：全部事项及红黄绿灯，导出 CSV 或 XLSX (the register of items)."""
    from duban.reports import taizhang as tz

    ds, _ = load_dataset(store, config, scenario, policy_id, parse_as_of(as_of, config),
                         viewer_of(role, dept, person, config))
    table = tz.rows(ds)
    failure = None
    with spooling():  # the XLSX writer spools through temporary files: the disk may be full
        try:
            data = tz.to_csv(table) if fmt == "csv" else tz.to_xlsx(table, ds)
        except Exception as exc:
            if not building_failed(exc):
                raise
            failure = output_error(exc, output or "台账")
    if failure is not None:
        raise failure
    emit(data, fmt, output, force)
