"""Request and response bodies of the JSON API (they generate the OpenAPI document).

Field limits here bound what one request can make the server allocate; the meaning of
every field is the engine's (the same keys a scenario step carries).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from duban.store.identity import UserChange

Text = Field(default=None, max_length=2000)
Word = Field(default=None, max_length=100)
#: One named content of a report (必须包括：工作目标…): its name as the policy writes it, its text.
ContentName = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^$]")]
ContentText = Annotated[str, StringConstraints(max_length=2000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OnBehalfOf(Strict):
    """代录: the caller records a decision taken by someone else (a leader's signature on
    paper). The caller must hold 代录 rights for ``role``."""

    role: str = Field(max_length=100, description="被代录者的角色（本单位用语），如 总经理")
    person: str | None = Field(default=None, max_length=100, description="被代录者姓名")
    department: str | None = Field(default=None, max_length=100)


class ActionBody(Strict):
    """Data of an action; which fields an action reads is listed in the item's ``actions``."""

    until: str | None = Field(default=None, max_length=40, description="延期至（日期或时间）")
    reason: str | None = Text
    due: str | None = Field(default=None, max_length=40, description="期限（日期或时间）")
    lead: str | None = Word
    assist: list[str] | None = Field(default=None, max_length=50)
    defect: str | None = Word
    department: str | None = Field(default=None, max_length=100,
                                   description="以所属的哪个部门办理（默认：事项的主办部门）")
    attachments: list[str] = Field(default_factory=list, max_length=20,
                                   description="已上传附件的 id（办结报告、佐证材料）")
    contents: dict[ContentName, ContentText] | None = Field(
        default=None, max_length=30, description="报告的各项内容：{内容名称: 文字}（策略要求"
        "“必须包括”的各项，见该动作的 fields 中 content: 开头的项）")
    on_behalf_of: OnBehalfOf | None = None

    def data(self) -> dict[str, Any]:
        keys = ("until", "reason", "due", "lead", "assist", "defect", "contents")
        out = {k: getattr(self, k) for k in keys if getattr(self, k) not in (None, "", {})}
        if self.attachments:
            out["attachments"] = list(self.attachments)
        return out


class CreateItem(Strict):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[^\s/?#\\\x00-\x1f]+$",
                    description="事项编号（不含空白与 / ? #）")
    policy: str = Field(min_length=1, max_length=100)
    title: str = Field(default="", max_length=500)
    kind: str = Field(default="other", max_length=50)
    category: str | None = Word
    lead: str | None = Word
    assist: list[str] = Field(default_factory=list, max_length=50)
    departments: list[str] = Field(default_factory=list, max_length=50,
                                   description="未指定主办部门时依次办理的部门")
    due: str | None = Field(default=None, max_length=40)
    urgency: str | None = Field(default=None, max_length=20)
    confidential: bool | None = None
    parent: str | None = Field(default=None, max_length=64)
    notice: str | None = Field(default=None, max_length=64,
                               description="一单多事：加入的通知单（其第一项的事项编号）")
    department: str | None = Field(default=None, max_length=100)
    on_behalf_of: OnBehalfOf | None = None
    supervisor: str | None = Field(default=None, max_length=100,
                                   description="督办单位（策略有这一字段时）")

    def data(self) -> dict[str, Any]:
        keys = ("kind", "title", "category", "lead", "due", "urgency", "parent",
                "confidential", "notice", "supervisor")
        out: dict[str, Any] = {k: getattr(self, k) for k in keys if getattr(self, k) is not None}
        if self.assist:
            out["assist"] = list(self.assist)
        if self.departments:
            out["departments"] = list(self.departments)
        return out


class ItemSummary(BaseModel):
    id: str
    policy: str
    title: str
    kind: str
    category: str
    state: str
    canonical_state: str
    lead: str | None
    assist: list[str]
    urgency: str | None
    confidential: bool
    number: str | None
    due: str | None
    overdue: bool
    created_at: str | None
    parent: str | None
    notice: str | None = Field(default=None, description="一单多事：所在通知单（其第一项的事项编号）")
    notice_item: int | None = Field(default=None, description="在通知单上是第几项")


class ItemPage(BaseModel):
    items: list[ItemSummary]
    total: int
    limit: int
    offset: int


class ItemDetail(ItemSummary):
    model_config = ConfigDict(extra="allow")

    policy_name: str
    deadline: dict[str, Any]
    pending: dict[str, Any] | None
    actions: list[dict[str, Any]]
    history: list[dict[str, Any]]
    attachments: list[dict[str, Any]]


class ProblemBody(BaseModel):
    """``application/problem+json``: ``code`` is the engine's error code."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    code: str
    detail: str
    instance: str | None = None
    cite: str | None = None
    rule: str | None = None


class LoginBody(Strict):
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


#: One department, role word or overseen unit of a user: a name, not a paragraph.
UnitName = Annotated[str, StringConstraints(min_length=1, max_length=100)]


#: A user's departments, role words or 代录 roles (at most 20), and the units they
#: oversee (at most 50): the limits of adding a user and of changing one, written once.
Names = Annotated[list[UnitName], Field(max_length=20)]
Units = Annotated[list[UnitName], Field(max_length=50)]


class NewUserBody(Strict):
    """A new user, from ``POST /api/v1/users`` or the 管理 page's form (the same limits)."""

    name: str = Field(min_length=1, max_length=100)
    departments: Names = Field(default_factory=list)
    roles: Names = Field(default_factory=list)
    proxy_roles: Names = Field(default_factory=list)
    password: str | None = Field(default=None, min_length=8, max_length=1000)
    admin: bool = False
    oversees: Units = Field(default_factory=list)  # units overseen (分管)


class UserChangeBody(Strict):
    """A change to a user, from ``PATCH /api/v1/users/{name}``, the 管理 page's 编辑 form or
    ``duban user set``: each field given replaces the user's; absent (or null) stays."""

    departments: Names | None = Field(default=None, description="所属部门（替换原有）")
    roles: Names | None = Field(default=None, description="角色，本单位策略中的用语（替换原有）")
    proxy_roles: Names | None = Field(default=None, description="可代录其决定的角色（替换原有）")
    oversees: Units | None = Field(default=None, description="分管的单位（局领导分工，替换原有）")
    admin: bool | None = Field(default=None, description="管理员；不能取消自己的")

    def change(self) -> UserChange:
        def listed(values: list[str] | None) -> tuple[str, ...] | None:
            return None if values is None else tuple(dict.fromkeys(values))

        return UserChange(listed(self.departments), listed(self.roles),
                          listed(self.proxy_roles), listed(self.oversees), self.admin)


class TokenBody(Strict):
    label: str = Field(default="", max_length=200)


PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"model": ProblemBody, "description": "未登录 / unauthenticated"},
    404: {"model": ProblemBody, "description": "未找到（或无权查看）/ not found"},
    422: {"model": ProblemBody, "description": "输入有误 / invalid input"},
}
ACT_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **PROBLEMS,
    403: {"model": ProblemBody, "description": "无权执行 / permission denied"},
    409: {"model": ProblemBody, "description": "当前状态不允许、超过延期次数、幂等键冲突等"},
}
