"""``duban serve`` and ``duban user …``: the HTTP service and the people who use it.

``duban user add NAME --dept D --role R`` prints the new user's API token alone on its
last line (shown once; only its digest is kept), so a script can take it with ``tail -1``.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

import click

from duban.cli import main
from duban.cli.ops_cmds import with_service
from duban.errors import DubanError

F = TypeVar("F", bound=Callable[..., Any])


def _identity(func: F) -> F:
    """Opens the store's identity tables (and the policies, to check role words)."""
    @with_service
    @wraps(func)
    def wrapper(service: Any, *args: Any, **kwargs: Any) -> Any:
        from duban.store.identity import identity_for

        return func(Admin(service, identity_for(service.store)), *args, **kwargs)
    return wrapper  # type: ignore[return-value]


@dataclass
class Admin:
    """What a ``duban user`` command works with: the policies (to check role words) and
    the store's identity tables."""

    service: Any
    identity: Any


def _unknown_user(name: str) -> DubanError:
    """The one answer for a name the store does not hold (exit 2: bad input)."""
    return DubanError(f"没有用户 '{name}' / unknown user", "validation_error")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@main.group()
def user() -> None:
    """服务的用户：部门、角色（本单位用语）、代录权限、分管单位、令牌 (users of duban serve)."""


@user.command("add")
@click.argument("name")
@click.option("--dept", "departments", multiple=True, help="所属部门（可多次）")
@click.option("--role", "roles", multiple=True, help="角色，用本单位策略中的用语（可多次）")
@click.option("--proxy-for", "proxy_roles", multiple=True,
              help="可代录其决定的角色（如 总经理），可多次")
@click.option("--oversees", "oversees", multiple=True,
              help="分管的单位（领导分工，如 办公室），可多次；用于“督办单位分管局领导”“主办部门的分管领导”"
                   "这类按事项的督办单位或主办部门判定的角色，以及“党政办分管领导”这类须分管某一固定单位的角色")
@click.option("--password", "ask_password", is_flag=True,
              help="同时设置登录密码（从终端或标准输入读取）")
@click.option("--admin", "is_admin", is_flag=True, help="可在网页与 API 中管理用户")
@_identity
def user_add(admin: Admin, name: str, departments: tuple[str, ...],
             roles: tuple[str, ...], proxy_roles: tuple[str, ...], oversees: tuple[str, ...],
             ask_password: bool, is_admin: bool) -> None:
    """新增用户，并打印其 API 令牌（仅此一次显示，最后一行）。"""
    from duban.web.identity import NewUser, add_user

    password = _read_password() if ask_password else None
    token = add_user(admin.identity, NewUser(name, list(departments), list(roles),
                                       list(proxy_roles), password, is_admin, list(oversees)),
                     admin.service.policies, _now())
    click.echo(f"已新增用户 {name}（部门：{'、'.join(departments) or '—'}；角色："
               f"{'、'.join(roles) or '—'}"
               + (f"；分管：{'、'.join(oversees)}" if oversees else "") + "）。API 令牌只显示这一次：")
    click.echo(token)


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("密码：")
        if getpass.getpass("再输一次：") != first:
            raise DubanError("两次输入的密码不一致 / passwords differ", "validation_error")
        return first
    return sys.stdin.readline().rstrip("\n")


@user.command("list")
@_identity
def user_list(admin: Admin) -> None:
    """列出用户（不显示密码与令牌）。"""
    for u in admin.identity.users():
        live = sum(1 for t in admin.identity.tokens(u.name) if t.revoked_at is None)
        click.echo(f"{u.name}  部门 {'、'.join(u.departments) or '—'}  角色 "
                   f"{'、'.join(u.roles) or '—'}"
                   + (f"  代录 {'、'.join(u.proxy_roles)}" if u.proxy_roles else "")
                   + (f"  分管 {'、'.join(u.oversees)}" if u.oversees else "")
                   + f"  令牌 {live}" + ("  密码" if u.password_hash else "")
                   + ("  管理员" if u.admin else "") + ("  〔已停用〕" if u.disabled else ""))


@user.command("disable")
@click.argument("name")
@_identity
def user_disable(admin: Admin, name: str) -> None:
    """停用用户：其令牌与登录会话立即失效。"""
    if not admin.identity.set_disabled(name, True):
        raise _unknown_user(name)
    click.echo(f"已停用 {name}")


@user.command("enable")
@click.argument("name")
@_identity
def user_enable(admin: Admin, name: str) -> None:
    """重新启用用户。"""
    if not admin.identity.set_disabled(name, False):
        raise _unknown_user(name)
    click.echo(f"已启用 {name}")


@user.command("set")
@click.argument("name")
@click.option("--dept", "departments", multiple=True,
              help="所属部门（可多次）；给出即替换原有部门，--dept '' 清空")
@click.option("--role", "roles", multiple=True,
              help="角色，用本单位策略中的用语（可多次）；给出即替换原有角色")
@click.option("--proxy-for", "proxy_roles", multiple=True,
              help="可代录其决定的角色（可多次）；给出即替换，--proxy-for '' 取消代录权限")
@click.option("--oversees", "oversees", multiple=True,
              help="分管的单位（可多次）；给出即替换原有分管单位（局领导分工调整时用），"
                   "--oversees '' 清空")
@click.option("--admin/--no-admin", "is_admin", default=None,
              help="设为或取消管理员（不给则不变）")
@_identity
def user_set(admin: Admin, name: str, departments: tuple[str, ...], roles: tuple[str, ...],
             proxy_roles: tuple[str, ...], oversees: tuple[str, ...],
             is_admin: bool | None) -> None:
    """修改已有用户的部门、角色、代录权限、分管单位或管理员身份（未给出的保持不变）。"""
    from pydantic import ValidationError

    from duban.web.api.models import UserChangeBody
    from duban.web.identity import update_user
    from duban.web.pages.people import chinese

    given = {key: [v.strip() for v in values if v.strip()]
             for key, values in (("departments", departments), ("roles", roles),
                                 ("proxy_roles", proxy_roles), ("oversees", oversees))
             if values}
    if not given and is_admin is None:
        raise DubanError("没有要修改的内容：请给出 --dept、--role、--proxy-for、--oversees 或 "
                         "--admin/--no-admin / nothing to change", "validation_error")
    try:
        body = UserChangeBody(**given, admin=is_admin)
    except ValidationError as exc:
        raise DubanError(f"{chinese(exc)} / invalid input", "validation_error") from None
    try:
        u = update_user(admin.identity, name, body.change(), admin.service.policies, None)
    except DubanError as err:
        raise (_unknown_user(name) if err.code == "not_found" else err) from None
    click.echo(f"已修改用户 {name}：部门 {'、'.join(u.departments) or '—'}；角色 "
               f"{'、'.join(u.roles) or '—'}；代录 {'、'.join(u.proxy_roles) or '—'}；分管 "
               f"{'、'.join(u.oversees) or '—'}" + ("；管理员" if u.admin else ""))


@user.command("token")
@click.argument("name")
@click.option("--label", default="", help="令牌用途，如 OA 对接")
@click.option("--revoke", "revoke_id", default=None, help="吊销此 id 的令牌，而不是新建")
@_identity
def user_token(admin: Admin, name: str, label: str,
               revoke_id: str | None) -> None:
    """为用户新建 API 令牌（最后一行，仅显示一次），或用 --revoke ID 吊销一个。"""
    from duban.web.identity import issue_token

    if admin.identity.user(name) is None:
        raise _unknown_user(name)
    if revoke_id:
        record = admin.identity.token(revoke_id)
        if record is None or record.user_name != name:
            raise DubanError(f"用户 {name} 没有令牌 {revoke_id} / unknown token",
                             "validation_error")
        admin.identity.revoke_token(revoke_id, _now())
        click.echo(f"已吊销令牌 {revoke_id}")
        return
    click.echo(f"用户 {name} 的新 API 令牌（只显示这一次）：")
    click.echo(issue_token(admin.identity, name, label, _now()))


@user.command("passwd")
@click.argument("name")
@_identity
def user_passwd(admin: Admin, name: str) -> None:
    """设置或更换登录密码（从终端或标准输入读取）。"""
    from duban.web.identity import hash_password

    if not admin.identity.set_password(name, hash_password(_read_password())):
        raise _unknown_user(name)
    click.echo(f"已设置 {name} 的密码")


@main.command()
@click.option("--store", default=None, help="存储 URL（默认 duban.yaml 或 sqlite:///duban.db）")
@click.option("--config", default=None, help="配置文件（默认 ./duban.yaml）")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="服务进程数（多于 1 个时请用 PostgreSQL）")
@click.option("--tick", is_flag=True, help="在本进程内同时触发定时提醒并投递通知")
@click.option("--tick-interval", default=30.0, show_default=True, help="--tick 的间隔（秒）")
def serve(store: str | None, config: str | None, host: str, port: int, workers: int,
          tick: bool, tick_interval: float) -> None:
    """启动 HTTP 服务：JSON API（/api/v1，OpenAPI 在 /api/openapi.json）与网页。"""
    from duban.web.serve import serve as run

    try:
        run(host=host, port=port, workers=workers, tick=tick, tick_interval=tick_interval,
            config=config, store=store)
    except DubanError as err:
        click.echo(f"错误 [{err.code}]：{err}", err=True)
        sys.exit(2)
