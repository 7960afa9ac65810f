"""管理 (``/admin``), for users marked admin: users (add one, 编辑 one, 停用/启用, 吊销 a
token — the API's own functions, see :mod:`.people`; a successful change other than an
add answers 303 to ``/admin``), the calendar data each policy uses (and the import
of the State Council's holiday notice), the outbox and its dead letters.

The notice import is ``duban calendar import`` from a browser, with the same reader
(:func:`duban.calendar.notice.read_notice`) and the same writer
(:func:`duban.calendar.datafile.write_atomically`): the first post previews what was read
— each festival and the days that differ from the weekday rule — or lists every problem
by line and writes nothing; the second post reads the same text again and writes the
deployment's calendar file, ``calendar/<year>.yaml`` beside ``duban.yaml`` (the path
docs/calendar.md names; never a path from the request). The running service keeps the
calendar it loaded: the page says to name the file in ``duban.yaml`` if it is not yet,
to restart, and to heal provisional deadlines.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from duban.calendar import Notice, NoticeError, read_notice
from duban.calendar.datafile import render_data_file, write_atomically
from duban.calendar.notice import WEEKDAY_NAMES
from duban.errors import DubanError
from duban.runtime.config import Config
from duban.web.api.ops import calendar_status
from duban.web.auth import deployment, lease, now
from duban.web.deployment import Lease
from duban.web.identity import User, add_user, revoke, set_enabled, update_user
from duban.web.pages.people import (
    People,
    edit_values,
    form_values,
    new_user,
    other_words,
    record_values,
    role_choices,
    user_change,
)
from duban.web.pages.render import PageRoute, html, poster, viewer
from duban.web.problems import status_of

log = logging.getLogger("duban.web")
router = APIRouter(route_class=PageRoute, include_in_schema=False)
Store = Annotated[Lease, Depends(lease)]
#: A notice is two pages of text; anything much longer is not one.
MAX_NOTICE_CHARS = 50_000


def see_admin() -> Response:
    """After a change succeeds: Post/Redirect/Get, so reloading the page does not post the
    form again. (添加用户 answers directly instead: its token must never be in a URL.)"""
    return RedirectResponse("/admin", status_code=303)


def _admin(user: User) -> User:
    if not user.admin:
        raise DubanError("只有管理员可以使用管理页 / administrators only", "permission_denied")
    return user


def admin_viewer(user: Annotated[User, Depends(viewer)]) -> User:
    return _admin(user)


def admin_poster(user: Annotated[User, Depends(poster)]) -> User:
    return _admin(user)


@dataclass(frozen=True)
class Import:
    """What the import form shows: the text, and a preview, the problems, or the result."""

    text: str = ""
    year: str = ""
    notice: Notice | None = None
    days: tuple[tuple[str, str, str, str], ...] = ()  # date, weekday, 休息/上班, festival
    problems: tuple[str, ...] = ()  # "通知:LINE:1: 错误[code]: …", as the CLI prints them
    target: str = ""
    listed: bool = False
    exists: bool = False
    written: bool = False


def calendar_file(config: Config, year: int) -> Path:
    """The deployment's calendar file for ``year``: ``calendar/<year>.yaml`` beside
    ``duban.yaml`` (the working folder when there is none)."""
    base = Path(config.source).resolve().parent if config.source else Path.cwd()
    return base / "calendar" / f"{year}.yaml"


def _page(request: Request, borrowed: Lease, form: Import, status: int = 200,
          people: People | None = None) -> Response:
    store, identity = borrowed.service.store, borrowed.identity
    pending, dead = store.outbox("pending"), store.outbox("dead")
    today = now(request).astimezone(deployment(request).config.zone).date()
    users = identity.users()
    return html(request, "admin.html.j2", status, users=users,
                tokens={u.name: identity.tokens(u.name) for u in users},
                choices=role_choices(borrowed.service.policies), people=people or People(),
                calendars=calendar_status(borrowed.service, today), pending=pending[:200],
                dead=dead[:200], pending_total=len(pending), dead_total=len(dead), imp=form)


@router.get("/admin", dependencies=[Depends(admin_viewer)])
def admin(request: Request, borrowed: Store) -> Response:
    return _page(request, borrowed, Import())


async def _text(notice: str, file: UploadFile | None) -> str:
    """The notice's text: the uploaded file (UTF-8) if one was chosen, else the field."""
    if file is not None and file.filename:
        data = await file.read(MAX_NOTICE_CHARS * 4 + 1)
        try:
            notice = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DubanError(f"{file.filename}：不是 UTF-8 文本，请另存为 UTF-8 后再选择 / not "
                             "UTF-8 text", "validation_error") from None
    if len(notice) > MAX_NOTICE_CHARS:
        raise DubanError(f"通知过长（超过 {MAX_NOTICE_CHARS} 个字符），请只粘贴通知正文 / too long",
                         "validation_error")
    return notice


def _read(config: Config, text: str, year: str) -> Import:
    """Read the notice as ``duban calendar import`` does; problems by line, or a preview."""
    try:
        wanted = int(year) if year.strip() else None
        if wanted is not None and not 1900 <= wanted <= 9998:
            raise ValueError(year)
    except ValueError:
        return Import(text, year, problems=(f"年份应为 1900–9998 的整数，写的是“{year[:20]}”",))
    try:
        notice = read_notice(text, source="通知", year=wanted)
    except NoticeError as err:
        return Import(text, year, problems=tuple(p.format() for p in err.problems))
    target = calendar_file(config, notice.year)
    days = tuple((d.isoformat(), WEEKDAY_NAMES[d.weekday()], what, festival)
                 for d, what, festival in notice.differing_days())
    return Import(text, year, notice, days, target=str(target), exists=target.exists(),
                  listed=target.resolve() in {f.resolve() for f in config.calendar.files})


@router.post("/admin/calendar")
async def calendar_import(request: Request, borrowed: Store,
                          user: Annotated[User, Depends(admin_poster)],
                          notice: Annotated[str, Form(max_length=MAX_NOTICE_CHARS * 2)] = "",
                          year: Annotated[str, Form(max_length=20)] = "",
                          step: Annotated[str, Form(pattern="^(preview|write)$")] = "preview",
                          file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Preview (``step=preview``) or write (``step=write``) a holiday notice."""
    config = deployment(request).config
    try:
        text = await _text(notice, file)
    except DubanError as err:
        return _page(request, borrowed, Import(notice[:MAX_NOTICE_CHARS], year,
                                               problems=(str(err).split(" / ")[0],)), 422)
    form = _read(config, text, year)
    if form.notice is None:
        return _page(request, borrowed, form, 422)
    if step == "write":
        await run_in_threadpool(_write, form, user)
        form = Import(**{**form.__dict__, "written": True, "exists": True})
    return _page(request, borrowed, form)


@router.post("/admin/users")
async def user_add(request: Request, borrowed: Store,
                   user: Annotated[User, Depends(admin_poster)]) -> Response:
    """添加用户: the API's checks (:func:`people.new_user`, :func:`add_user`); the new
    user's first token is in this answer only — never in a URL, a redirect or the log."""
    form = await request.form()
    values = form_values(form)
    password = form.get("password")
    try:
        new = new_user(values, password if isinstance(password, str) else "")
        token = await run_in_threadpool(add_user, borrowed.identity, new,
                                        borrowed.service.policies, now(request))
    except DubanError as err:
        return _page(request, borrowed, Import(), status_of(err),
                     People(values, problem=str(err).split(" / ")[0]))
    log.info("user %s added on the admin page by %s", new.name, user.name)
    return _page(request, borrowed, Import(), 201, People(created=new.name, token=token))


@router.post("/admin/users/state")
async def user_state(request: Request, borrowed: Store,
                     user: Annotated[User, Depends(admin_poster)],
                     name: Annotated[str, Form(min_length=1, max_length=100)],
                     enable: Annotated[str, Form(pattern="^[01]$")]) -> Response:
    """停用 / 启用 a user (:func:`set_enabled`: never oneself)."""
    try:
        await run_in_threadpool(set_enabled, borrowed.identity, name, enable == "1", user.name)
    except DubanError as err:
        return _page(request, borrowed, Import(), status_of(err),
                     People(refused=str(err).split(" / ")[0]))
    log.info("user %s %s on the admin page by %s", name,
             "enabled" if enable == "1" else "disabled", user.name)
    return see_admin()


@router.post("/admin/tokens/revoke")
async def token_revoke(request: Request, borrowed: Store,
                       user: Annotated[User, Depends(admin_poster)],
                       token_id: Annotated[str, Form(min_length=1, max_length=40)]) -> Response:
    """吊销 one token (:func:`revoke`, as ``DELETE /api/v1/tokens/{id}``)."""
    try:
        await run_in_threadpool(revoke, borrowed.identity, token_id, user, now(request))
    except DubanError as err:
        return _page(request, borrowed, Import(), status_of(err),
                     People(refused=str(err).split(" / ")[0]))
    return see_admin()


def _edit_page(request: Request, borrowed: Lease, values: Mapping[str, Any], status: int = 200,
               problem: str = "") -> Response:
    choices = role_choices(borrowed.service.policies)
    return html(request, "admin_user.html.j2", status, v=values, problem=problem,
                choices=choices, other_roles=other_words(values["roles"], choices),
                other_proxy=other_words(values["proxy_roles"], choices))


@router.get("/admin/users/edit", dependencies=[Depends(admin_viewer)])
def user_edit_form(request: Request, borrowed: Store,
                   name: Annotated[str, Query(min_length=1, max_length=100)]) -> Response:
    """编辑 one user: the form prefilled with what is stored."""
    record = borrowed.identity.user(name)
    if record is None:
        raise DubanError(f"没有用户 '{name}' / unknown user", "not_found")
    return _edit_page(request, borrowed, record_values(record))


@router.post("/admin/users/edit")
async def user_edit(request: Request, borrowed: Store,
                    user: Annotated[User, Depends(admin_poster)]) -> Response:
    """Save the 编辑 form (:func:`update_user`, as ``PATCH /api/v1/users/{name}``); a
    refusal is shown next to the form, refilled, with nothing written."""
    form = await request.form()
    values = edit_values(form)
    try:
        if not values["name"]:
            raise DubanError("没有指定用户 / no user named", "validation_error")
        change = user_change(values)
        await run_in_threadpool(update_user, borrowed.identity, values["name"], change,
                                borrowed.service.policies, user.name)
    except DubanError as err:
        return _edit_page(request, borrowed, values, status_of(err),
                          str(err).split(" / ")[0])
    log.info("user %s changed on the admin page by %s", values["name"], user.name)
    return see_admin()


def _write(form: Import, user: User) -> None:
    assert form.notice is not None
    target = Path(form.target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, render_data_file(form.notice, origin="管理页导入的通知"))
    except OSError as exc:
        raise DubanError(f"无法写入 {target}：{exc.strerror} / cannot write the calendar file",
                         "store_error") from None
    log.info("calendar file %s written from a notice by %s", target, user.name)


__all__ = ["calendar_file", "router"]
