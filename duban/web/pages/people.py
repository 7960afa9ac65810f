"""The users part of 管理 (``/admin``): what the 添加用户 form sends, read into the same
:class:`~duban.web.api.models.NewUserBody` that ``POST /api/v1/users`` validates, then
:func:`duban.web.identity.add_user` (role words, name, password, duplicates) — so the page
and the API accept and refuse exactly the same users, with the limits written once. The
编辑 form likewise goes through :class:`~duban.web.api.models.UserChangeBody` and
:func:`duban.web.identity.update_user`, as ``PATCH /api/v1/users/{name}`` does.

Why a module of its own: the routes in :mod:`.admin` stay short, and what is read from a
form (lists typed as 财务部、人事部, checkboxes that may repeat one word under two
policies) is kept apart from what is decided about it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from duban.errors import DubanError
from duban.policy.model import Policy
from duban.store.identity import UserChange, UserRecord
from duban.web.api.models import NewUserBody, UserChangeBody
from duban.web.identity import NewUser

#: What separates the entries of a typed list: the Chinese 、，； as well as , ; and lines.
SEPARATORS = re.compile(r"[,，、;；\r\n]+")
#: A typed list longer than this is not a list of unit names (50 of at most 100 characters).
MAX_LIST_CHARS = 6000
FIELD_WORDS = {"name": "姓名", "departments": "部门", "roles": "角色", "proxy_roles": "代录角色",
               "password": "初始密码", "oversees": "分管单位", "admin": "管理员"}


@dataclass(frozen=True)
class People:
    """What the users part of the page shows besides the list: the add form's values
    (refilled after a refusal, never the password), a refusal, and the
    new user's token — rendered into this one answer and kept nowhere else."""

    values: Mapping[str, Any] = field(default_factory=dict)
    problem: str = ""
    refused: str = ""
    created: str = ""
    token: str = ""


def role_choices(policies: Mapping[str, Policy]) -> list[tuple[str, str, tuple[str, ...]]]:
    """Each loaded policy's own role words (canonical names and ``same_as`` spellings
    left out), for the form's checkboxes: ``(id, name, words)``."""
    return [(p.id, p.name, tuple(sorted(p.own_words(p.roles)))) for p in policies.values()]


def split_list(text: str) -> list[str]:
    """``财务部、人事部`` (or commas, semicolons, one a line) as a list without repeats."""
    return list(dict.fromkeys(p.strip() for p in SEPARATORS.split(text) if p.strip()))


def form_values(form: FormData) -> dict[str, Any]:
    """The add form's fields as typed (to refill the form), the password left out."""
    def text(key: str) -> str:
        value = form.get(key)
        return value.strip() if isinstance(value, str) else ""

    def words(key: str) -> list[str]:
        return list(dict.fromkeys(v for v in form.getlist(key) if isinstance(v, str) and v))

    return {"name": text("name"), "departments": text("departments"),
            "oversees": text("oversees"), "roles": words("roles"),
            "proxy_roles": words("proxy_roles"), "admin": form.get("admin") == "1"}


def _not_too_long(values: Mapping[str, Any]) -> None:
    for key in ("departments", "oversees"):
        if len(values[key]) > MAX_LIST_CHARS:
            raise DubanError(f"{FIELD_WORDS[key]}过长（超过 {MAX_LIST_CHARS} 个字符）/ too long",
                             "validation_error")


def new_user(values: Mapping[str, Any], password: str) -> NewUser:
    """The user the form describes, with the API's own limits (:class:`NewUserBody`);
    a refusal is a ``validation_error`` in Chinese naming the field."""
    _not_too_long(values)
    try:
        body = NewUserBody(name=values["name"], departments=split_list(values["departments"]),
                           roles=values["roles"], proxy_roles=values["proxy_roles"],
                           password=password or None, admin=values["admin"],
                           oversees=split_list(values["oversees"]))
    except ValidationError as exc:
        raise DubanError(f"{chinese(exc)} / invalid input", "validation_error") from None
    return NewUser(**body.model_dump())


def edit_values(form: FormData) -> dict[str, Any]:
    """The 编辑 form's fields as typed (to refill it). ``admin`` is None when the form
    offered no admin checkbox (one's own row: the flag is not one's to remove)."""
    values = form_values(form)
    name = form.get("name")
    values["name"] = name if isinstance(name, str) else ""  # the key, exactly as stored
    if form.get("has_admin") != "1":
        values["admin"] = None
    return values


def record_values(record: UserRecord) -> dict[str, Any]:
    """A stored user as the 编辑 form shows them before any change."""
    return {"name": record.name, "departments": "、".join(record.departments),
            "oversees": "、".join(record.oversees), "roles": list(record.roles),
            "proxy_roles": list(record.proxy_roles), "admin": record.admin}


def user_change(values: Mapping[str, Any]) -> UserChange:
    """The change the 编辑 form describes — every list it shows replaced, as typed or
    ticked — with the limits of ``PATCH /api/v1/users/{name}`` (:class:`UserChangeBody`)."""
    _not_too_long(values)
    try:
        body = UserChangeBody(departments=split_list(values["departments"]),
                              roles=values["roles"], proxy_roles=values["proxy_roles"],
                              oversees=split_list(values["oversees"]), admin=values["admin"])
    except ValidationError as exc:
        raise DubanError(f"{chinese(exc)} / invalid input", "validation_error") from None
    return body.change()


def other_words(chosen: list[str], choices: list[tuple[str, str, tuple[str, ...]]]
                ) -> list[str]:
    """The user's words no checkbox offers (a canonical name given at the terminal, a word
    of a policy no longer loaded): shown ticked under 其他, so saving the form keeps them
    unless the administrator unticks them."""
    offered = {w for _, _, words in choices for w in words}
    return [w for w in chosen if w not in offered]


def chinese(exc: ValidationError) -> str:
    """The model's complaints as the form's field names and Chinese limits."""
    out = []
    for e in exc.errors()[:5]:
        loc = e.get("loc", ())
        where = FIELD_WORDS.get(str(loc[0]), str(loc[0])) if loc else "表单"
        if len(loc) > 1:
            where += f"第 {int(loc[1]) + 1} 项" if isinstance(loc[1], int) else ""
        ctx = e.get("ctx") or {}
        least = ctx.get("min_length")
        what = {"string_too_short": "不能为空" if least == 1 else f"至少 {least} 个字符",
                "string_too_long": f"最多 {ctx.get('max_length')} 个字符",
                "too_long": f"最多 {ctx.get('max_length')} 项"}.get(e.get("type", ""), "格式有误")
        out.append(f"{where}：{what}")
    return "；".join(out)


__all__ = ["People", "edit_values", "form_values", "new_user", "other_words", "record_values",
           "role_choices", "split_list", "user_change"]
