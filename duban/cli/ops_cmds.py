"""Running it for real: ``duban item …``, ``duban tick``, ``duban outbox …``, ``duban plugins``.

The store is SQLite (``duban.db``) unless ``--store``/``DUBAN_STORE``/``duban.yaml`` says
otherwise. Times default to now (the shell is the only place that reads the clock).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from duban.calendar.instants import read_instant
from duban.cli import main
from duban.cli.time_cmds import warn_if_data_ends
from duban.engine.access import visible_to
from duban.engine.core import ActionRefused
from duban.engine.model import Actor, ItemState
from duban.errors import DubanError
from duban.reports.history import describe_event
from duban.runtime.app import open_service
from duban.runtime.config import load_config
from duban.runtime.service import Service, UnknownItem

F = TypeVar("F", bound=Callable[..., Any])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).astimezone()


def parse_time(text: str | None, tz: dt.tzinfo) -> dt.datetime:
    """A written time read in the deployment's zone ``tz``; now when none is written."""
    if not text:
        return _now().astimezone(tz)
    try:
        return read_instant(text, tz)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def with_service(func: F) -> F:
    """Options shared by the operational commands; opens the service, reports user errors
    without a traceback (exit 1 for a refused action, 2 for bad input)."""
    @click.option("--store", default=None, help="存储 URL，默认 sqlite:///duban.db")
    @click.option("--config", default=None, help="配置文件（默认 ./duban.yaml）")
    @wraps(func)
    def wrapper(*args: Any, store: str | None, config: str | None, **kwargs: Any) -> Any:
        try:
            service = open_service(load_config(config, store=store))
        except DubanError as err:
            click.echo(str(err), err=True)
            sys.exit(2)
        try:
            return func(service, *args, **kwargs)
        except ActionRefused as err:
            click.echo(f"拒绝 [{err.code}]：{err}", err=True)
            sys.exit(1)
        except DubanError as err:
            click.echo(f"错误 [{err.code}]：{err}", err=True)
            sys.exit(2 if err.code in ("validation_error", "unknown_item",
                                       "idempotency_conflict", "user_exists") else 1)
        finally:
            service.store.close()
    return wrapper  # type: ignore[return-value]


def actor_options(func: F) -> F:
    func = click.option("--as", "role", default=None, help="以何角色（本单位角色名或规范角色）")(func)
    func = click.option("--dept", default=None, help="所代表的部门")(func)
    return click.option("--actor", "person", default=None, help="人员（目录插件或策略中的人员）")(func)


#: What a read of items shows when no viewer is named (stated in each command's --help).
DEFAULT_VIEWER = ("不写 --as/--actor 时：只显示非保密事项（保密事项只对其承办部门、督办部门与策略"
                  "列明的领导显示）；部署可在 duban.yaml 中设 require_viewer: true 要求必须写明查看者")


def viewer_options(func: F) -> F:
    """--as/--dept/--actor of a read: who is looking, and what is shown without them."""
    func = click.option("--as", "role", default=None,
                        help="以何角色查看（本单位角色名或规范角色）。" + DEFAULT_VIEWER)(func)
    func = click.option("--dept", default=None, help="查看者所在部门")(func)
    return click.option("--actor", "person", default=None, help="查看者（目录插件或策略中的人员）")(func)


def require_viewer(service: Service, role: str | None, person: str | None) -> None:
    """A deployment with ``require_viewer: true`` answers no read without a viewer."""
    if service.require_viewer and not (role or person):
        raise DubanError("本部署要求写明查看者：请加 --as 角色（或 --actor 人员），如 --as 承办部门 "
                         "--dept 财务部 / this deployment requires a viewer (--as or --actor)",
                         "validation_error")


def build_actor(service: Service, policy_id: str, role: str | None, dept: str | None,
                person: str | None) -> Actor:
    policy = service.policies[policy_id]
    roles: set[str] = set()
    words: frozenset[str] = frozenset()
    oversees: frozenset[str] = frozenset()
    if person:
        entry = (service.hooks.directory_lookup(person) if service.hooks else None) or \
            policy.people.get(person)
        if entry is None:
            raise DubanError(f"目录中没有人员 '{person}' / unknown person", "validation_error")
        dept = dept or entry.get("department")
        roles |= {c for w in entry.get("roles") or () if (c := policy.canonical_role(str(w)))}
        words |= policy.own_words(str(w) for w in entry.get("roles") or ())
        oversees = frozenset(str(u) for u in entry.get("oversees") or ())  # 分管 units
    if role:
        c = policy.canonical_role(role)
        if c is None:
            raise DubanError(f"策略 {policy_id} 没有角色 '{role}'；可用："
                             f"{'、'.join(r.word for r in policy.roles.values())}",
                             "validation_error")
        roles.add(c)
        words |= policy.own_words((role,))
    if not roles:
        raise DubanError("请用 --as 或 --actor 说明以谁的身份操作 / who is acting?",
                         "validation_error")
    return Actor(person, dept, frozenset(roles), frozenset(words), oversees)


def _summary(item: ItemState) -> str:
    due = item.due.isoformat() if item.due else "—"
    return (f"{item.id}  {item.state}  期限 {due}  主办 {item.department or '—'}  "
            f"{item.title}" + ("  〔保密〕" if item.confidential else ""))


@main.group()
def item() -> None:
    """督办事项：立项、办理、查看 (items in a store)."""


@item.command("create")
@click.argument("item_id")
@click.option("-p", "--policy", "policy_id", required=True)
@click.option("--kind", default="other")
@click.option("--title", default="")
@click.option("--lead", default=None)
@click.option("--assist", multiple=True)
@click.option("--due", default=None)
@click.option("--urgency", default=None)
@click.option("--category", default=None)
@click.option("--confidential", is_flag=True, default=False)
@click.option("--parent", default=None)
@click.option("--notice", default=None,
              help="一单多事：加入这张通知单（写其第一项的事项编号），共用它的文号和发单日期")
@click.option("--supervisor", default=None,
              help="督办单位（策略写了 organisation.supervisor 时）：谁分管它，谁批准 oversees: supervisor 的步骤")
@click.option("--at", "at_text", default=None)
@click.option("--key", default=None, help="幂等键：重试同一命令不会重复执行")
@actor_options
@with_service
def item_create(service: Service, item_id: str, policy_id: str, kind: str, title: str,
                lead: str | None, assist: tuple[str, ...], due: str | None, urgency: str | None,
                category: str | None, confidential: bool, parent: str | None,
                notice: str | None, supervisor: str | None, at_text: str | None,
                key: str | None, role: str | None, dept: str | None, person: str | None) -> None:
    """立项一个督办事项 (create an item)."""
    if policy_id not in service.policies:
        raise DubanError(f"没有策略 '{policy_id}'；已加载：{'、'.join(service.policies)}",
                         "validation_error")
    policy = service.policies[policy_id]
    actor = build_actor(service, policy_id, role or "supervisor_office", dept, person)
    data: dict[str, Any] = {"kind": kind, "title": title, "lead": lead, "assist": list(assist), "due": due,
            "urgency": urgency, "category": category, "parent": parent, "notice": notice,
            "supervisor": supervisor}
    if confidential:
        data["confidential"] = True
    at = parse_time(at_text, service.zone)
    new = service.create(item_id, policy_id, {k: v for k, v in data.items() if v is not None},
                         actor, at, key)
    click.echo(_summary(new))
    warn_if_data_ends([policy.calendar], at.date())


@item.command("act")
@click.argument("item_id")
@click.argument("action")
@click.option("--until", default=None)
@click.option("--reason", default=None)
@click.option("--due", default=None)
@click.option("--lead", default=None)
@click.option("--defect", default=None)
@click.option("--at", "at_text", default=None)
@click.option("--key", default=None)
@actor_options
@with_service
def item_act(service: Service, item_id: str, action: str, until: str | None,
             reason: str | None, due: str | None, lead: str | None, defect: str | None,
             at_text: str | None, key: str | None, role: str | None, dept: str | None,
             person: str | None) -> None:
    """办理一个动作：approve、confirm、report、request_extension… (act on an item)."""
    current = service.store.load(item_id)
    if current is None:
        raise UnknownItem(item_id)
    policy = service.policy_for(current)
    try:
        actor = build_actor(service, policy.id, role, dept, person)
    except DubanError:
        if current.confidential:  # the policy's role words would confirm that it exists
            raise UnknownItem(item_id) from None
        raise
    data = {"until": until, "reason": reason, "due": due, "lead": lead, "defect": defect}
    new = service.act(item_id, action, actor, {k: v for k, v in data.items() if v},
                      parse_time(at_text, service.zone), key)
    click.echo(_summary(new))


def _may_see(service: Service, policy: Any, it: ItemState, role: str | None,
             dept: str | None, person: str | None) -> bool:
    """Ordinary items are visible to all; a confidential (保密) one only to a named viewer
    the policy entitles (its departments, the supervising office, its leaders)."""
    require_viewer(service, role, person)
    if not it.confidential:
        return True
    if not (role or person):
        return False
    try:
        viewer = build_actor(service, policy.id, role, dept, person)
    except DubanError:  # a role word of another policy: not this item's reader
        return False
    return visible_to(policy, it, viewer)


def _visible_item(service: Service, item_id: str, role: str | None, dept: str | None,
                  person: str | None) -> tuple[Any, ItemState]:
    """(policy, item) for a read, or "unknown item" — the same answer whether the item
    does not exist or the viewer may not see it."""
    require_viewer(service, role, person)
    it = service.store.load(item_id)
    if it is None:
        raise UnknownItem(item_id)
    policy = service.policy_for(it)
    if not _may_see(service, policy, it, role, dept, person):
        raise UnknownItem(item_id)
    return policy, it


@item.command("show")
@click.argument("item_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@viewer_options
@with_service
def item_show(service: Service, item_id: str, fmt: str, role: str | None, dept: str | None,
              person: str | None) -> None:
    """查看一个事项 (show an item); 保密事项只对有权者显示."""
    policy, it = _visible_item(service, item_id, role, dept, person)
    if fmt == "json":
        from duban.simulation.outcome import item_outcome
        click.echo(json.dumps({"id": it.id, "policy": policy.id, "title": it.title,
                               **item_outcome(policy, it, None)}, ensure_ascii=False, indent=2))
        return
    click.echo(_summary(it))
    for f in it.fired:
        click.echo(f"  提醒 {f.name}（{f.event}）{f.at.isoformat()}")
    for e in it.penalties:
        click.echo(f"  扣分 {e.target} {e.points:g} 系数 {e.coefficient:+g} {e.rule}")


@item.command("list")
@click.option("-p", "--policy", "policy_id", default=None)
@viewer_options
@with_service
def item_list(service: Service, policy_id: str | None, role: str | None, dept: str | None,
              person: str | None) -> None:
    """列出事项 (list items); 保密事项只列给有权者."""
    require_viewer(service, role, person)
    shown = 0
    for it in service.store.items(policy_id=policy_id):
        policy = service.policy_for(it)
        if not _may_see(service, policy, it, role, dept, person):
            continue
        click.echo(_summary(it))
        shown += 1
    click.echo(f"共 {shown} 项")


@item.command("history")
@click.argument("item_id")
@viewer_options
@with_service
def item_history(service: Service, item_id: str, role: str | None, dept: str | None,
                 person: str | None) -> None:
    """事项的全部事件（只追加，不改写） (the item's event log); 保密事项只对有权者显示."""
    policy, _ = _visible_item(service, item_id, role, dept, person)
    events = service.store.events(item_id)
    for n, e in enumerate(events, 1):
        who = describe_event(policy, e)
        extra = "，".join(f"{k}={v}" for k, v in e.data.items() if v not in (None, "", []))
        click.echo(f"{n:>3}  {e.at.isoformat()}  {e.action}  {who}  {extra}")


@main.command()
@click.option("--now", "now_text", default=None,
              help="以此时间为“现在”（默认当前时间）；不带时区的时间按部署时区（duban.yaml 的 "
                   "timezone，默认 Asia/Shanghai）理解")
@click.option("--loop", is_flag=True, help="作为常驻进程反复执行")
@click.option("--interval", default=60.0, show_default=True, help="循环间隔（秒）")
@click.option("--max-loops", default=0, help="最多循环次数（0 不限，测试用）")
@click.option("--worker", "worker_name", default=None,
              help="工作进程名（默认 主机:进程号）；同名重启立即接回自己的认领")
@click.option("--lease", default=300.0, show_default=True,
              help="认领租期（秒）：进程崩溃后，其认领的事项过期后由其他进程接手")
@with_service
def tick(service: Service, now_text: str | None, loop: bool, interval: float,
         max_loops: int, worker_name: str | None, lease: float) -> None:
    """触发到期的提醒并投递通知 (fire due timers, deliver notices); cron 或 --loop.

    Several workers may run at once on PostgreSQL: each claims its batch (SKIP LOCKED,
    with a lease), so every timer fires once and every notice is sent once."""
    from duban.runtime.workers import TickWorker
    from duban.store.base import StoreError

    worker = TickWorker(service, worker_name, lease=dt.timedelta(seconds=lease))
    loops = 0
    last_warned: dt.date | None = None
    while True:
        now = parse_time(now_text, service.zone)
        if loops == 0 or now.date() != last_warned:  # once a day, not every loop
            last_warned = now.date()
            warn_if_data_ends([p.calendar for p in service.policies.values()],
                              now.astimezone(service.zone).date())
        try:
            r = worker.run_once(now)
        except StoreError as err:
            if not loop:
                raise
            click.echo(f"{now.isoformat()} 存储错误，稍后重试：{err}", err=True)
        else:
            click.echo(f"{now.isoformat()} 触发 {r.fired} 个定时事件，投递 {r.sent} 条通知，"
                       f"失败 {r.failed} 条")
        loops += 1
        if not loop or (max_loops and loops >= max_loops):
            return
        time.sleep(interval)


@main.command()
@click.option("--store", default=None, help="存储 URL，默认 sqlite:///duban.db")
@click.option("--config", default=None, help="配置文件（默认 ./duban.yaml）")
def doctor(store: str | None, config: str | None) -> None:
    """检查数据库：完整性检查，以及每个事项与其事件的重放是否一致 (check the store).

    Exit 0 when every check passes, 1 when one fails, 2 when the store cannot be opened."""
    from duban.plugins import Hooks, make_plugin_manager
    from duban.runtime.app import open_store
    from duban.runtime.doctor import Finding, examine, render

    try:
        cfg = load_config(config, store=store)
        service = open_service(cfg)
    except DubanError as err:  # too damaged to open as usual: check the file itself
        try:
            raw = open_store(cfg, Hooks(make_plugin_manager(folder=cfg.plugins)))
            problems = raw.check(quick=False)
            raw.close()
        except DubanError:
            click.echo(f"错误 [{err.code}]：{err}", err=True)
            sys.exit(2)
        click.echo(render([Finding("数据库完整性（integrity_check）", not problems,
                                   problems or [str(err)])]))
        sys.exit(1)
    try:
        findings = examine(service)
    finally:
        service.store.close()
    click.echo(render(findings))
    sys.exit(0 if all(f.ok for f in findings) else 1)


@main.group()
def outbox() -> None:
    """通知发件箱 (the notification outbox)."""


@outbox.command("list")
@click.option("--status", type=click.Choice(["pending", "sent", "dead"]), default=None)
@with_service
def outbox_list(service: Service, status: str | None) -> None:
    for m in service.store.outbox(status):
        click.echo(f"{m.id:>5}  {m.status:<7}  {m.channel:<9}  {m.recipient}  "
                   f"尝试 {m.attempts} 次  {m.payload.get('subject', '')}"
                   + (f"  错误：{m.last_error}" if m.last_error else ""))


@outbox.command("retry")
@click.argument("message_id", required=False, type=int)
@with_service
def outbox_retry(service: Service, message_id: int | None) -> None:
    """把死信重新排队 (move dead letters back to pending)."""
    retry = getattr(service.store, "outbox_retry", None)
    if retry is None:
        raise DubanError("此存储不支持重试死信", "store_error")
    click.echo(f"已重新排队 {retry(message_id)} 条")


@main.command()
@click.option("--config", default=None)
def plugins(config: str | None) -> None:
    """列出已加载的插件与注册项 (list loaded plugins)."""
    from duban.plugins import Hooks, make_plugin_manager

    cfg = load_config(config)
    hooks = Hooks(make_plugin_manager(folder=cfg.plugins))
    click.echo("插件 plugins: " + ", ".join(hooks.plugin_names()))
    for reg in (hooks.stores, hooks.notifiers, hooks.renderers, hooks.conditions,
                hooks.attachment_stores):
        click.echo(f"{reg.kind}: " + (", ".join(f"{n}（{hooks_owner}）" for n, hooks_owner in
                                                reg.owners.items()) or "—"))
