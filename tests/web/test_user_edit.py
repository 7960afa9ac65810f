"""Changing an existing user — departments, roles, 代录 rights, 分管 units, admin flag —
through ``PATCH /api/v1/users/{name}``, the 管理 page's 编辑 form and ``duban user set``:
one rule for all three (:func:`duban.web.identity.update_user`), refusals that write
nothing, and the change judged on the user's very next request (局领导分工 changes with
people: a leader newly overseeing 办公室 approves its items with the token he already has).
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from duban.cli import main

ADMIN = "王五"


def stored(live: Any, name: str) -> Any:
    with live.deployment.pool.lease() as lease:
        return lease.identity.user(name)


def listed(admin: httpx.Client, name: str) -> dict[str, Any]:
    return next(u for u in admin.get("/api/v1/users").json() if u["name"] == name)


# -- the API ---------------------------------------------------------------------------------
def test_patch_replaces_only_the_fields_given(server: Any) -> None:
    admin = server.user(ADMIN, "总经理工作部", "总经理工作部", admin=True)
    server.user("李四", "财务部", "承办部门", proxy_roles=("总经理",))
    r = admin.patch("/api/v1/users/李四", json={"oversees": ["财务部", "采购部", "财务部"]})
    assert r.status_code == 200, r.text
    assert r.json() == listed(admin, "李四")  # answered as GET /users lists it
    assert r.json()["oversees"] == ["财务部", "采购部"]
    assert r.json()["departments"] == ["财务部"] and r.json()["roles"] == ["承办部门"]
    assert r.json()["proxy_roles"] == ["总经理"] and r.json()["admin"] is False
    r = admin.patch("/api/v1/users/李四", json={"departments": ["人力资源部", "财务部"],
                                                "roles": ["承办部门", "分管领导"],
                                                "proxy_roles": [], "admin": True})
    assert r.status_code == 200, r.text
    record = stored(server, "李四")
    assert record.departments == ("人力资源部", "财务部") and record.proxy_roles == ()
    assert record.roles == ("承办部门", "分管领导") and record.admin
    assert record.oversees == ("财务部", "采购部")  # absent: unchanged
    assert admin.patch("/api/v1/users/李四", json={}).json() == listed(admin, "李四")


@pytest.mark.parametrize(("body", "words"), [
    ({"departments": ["人事部"], "roles": ["没有这个角色"]}, "没有角色 '没有这个角色'"),
    ({"departments": ["人事部"], "proxy_roles": ["总经里"]}, "没有角色 '总经里'"),
    ({"departments": ["财" * 101]}, "String should have at most 100 characters"),
    ({"oversees": [f"单位{i}" for i in range(51)]}, "at most 50 items"),
    ({"departments": [""]}, "at least 1 character"),
    ({"name": "改名"}, "Extra inputs are not permitted"),
])
def test_a_refused_change_writes_nothing(sqlite_server: Any, body: dict[str, Any],
                                         words: str) -> None:
    admin = sqlite_server.user(ADMIN, "总经理工作部", "总经理工作部", admin=True)
    sqlite_server.user("李四", "财务部", "承办部门")
    before = stored(sqlite_server, "李四")
    r = admin.patch("/api/v1/users/李四", json=body)
    assert r.status_code == 422 and r.json()["code"] == "validation_error", r.text
    assert words in r.text
    assert stored(sqlite_server, "李四") == before


def test_patch_refuses_unknown_users_non_admins_and_removing_ones_own_admin_flag(
        server: Any) -> None:
    admin = server.user(ADMIN, "总经理工作部", "总经理工作部", admin=True)
    finance = server.user("李四", "财务部", "承办部门")
    r = admin.patch("/api/v1/users/无此人", json={"oversees": ["办公室"]})
    assert r.status_code == 404 and r.json()["code"] == "not_found", r.text
    r = finance.patch("/api/v1/users/李四", json={"admin": True, "oversees": ["办公室"]})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert stored(server, "李四").admin is False and stored(server, "李四").oversees == ()
    r = admin.patch(f"/api/v1/users/{ADMIN}", json={"admin": False, "oversees": ["办公室"]})
    assert r.status_code == 409 and r.json()["code"] == "admin_self", r.text
    assert r.json()["title"].startswith("不能取消自己的管理员身份")  # no talk of an item's state
    assert "不能取消自己的管理员身份" in r.json()["detail"]
    assert stored(server, ADMIN).admin and stored(server, ADMIN).oversees == ()
    assert admin.patch(f"/api/v1/users/{ADMIN}", json={"admin": True}).status_code == 200
    other = server.user("管理员二", "总经理工作部", "总经理工作部", admin=True)
    assert other.patch(f"/api/v1/users/{ADMIN}", json={"admin": False}).status_code == 200
    assert admin.get("/api/v1/users").status_code == 403  # judged on the next request
    patch = admin.get("/api/openapi.json").json()["paths"]["/api/v1/users/{name}"]["patch"]
    assert {"403", "404", "409", "422"} <= set(patch["responses"])
    schema = patch["requestBody"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/UserChangeBody")


# -- the change takes effect on the next request -------------------------------------------
def test_a_leaders_new_oversees_decides_his_next_approval(
        server: Any, extension_awaiting: Callable[..., None]) -> None:
    """guoshuiju 五、（二）“经督办单位分管局领导批准”: 李副局长 oversees 征管科 and is refused
    the 顺延 of an item whose 督办单位 is 办公室; the administrator moves 办公室 to him
    (局领导分工 changed); his same token's next approval is granted."""
    admin = server.user(ADMIN, None, admin=True)
    office = server.user("办公室 刘", "办公室", "督办单位")
    lead = server.user("征管科 赵", "征管科", "承办单位")
    li = server.user("李副局长", "局领导", "分管局领导")
    assert admin.patch("/api/v1/users/李副局长", json={"oversees": ["征管科"]}).status_code == 200
    extension_awaiting(office, lead)

    r = li.post("/api/v1/items/G1/actions/approve", json={})
    assert r.status_code == 403 and r.json()["cite"] == "五、（二）", r.text
    assert "须分管本事项的督办单位“办公室”" in r.json()["detail"]
    r = admin.patch("/api/v1/users/李副局长", json={"oversees": ["办公室", "征管科"]})
    assert r.status_code == 200, r.text
    assert li.get("/api/v1/me").json()["oversees"] == ["办公室", "征管科"]
    r = li.post("/api/v1/items/G1/actions/approve", json={})
    assert r.status_code == 200, r.text
    item = li.get("/api/v1/items/G1").json()
    assert item["extensions_granted"] == 1 and item["history"][-1]["person"] == "李副局长"


# -- the 管理 page ----------------------------------------------------------------------------
def office_admin(live: Any, password: str, sign_in: Callable[[Any, str], httpx.Client]
                 ) -> httpx.Client:
    live.user(ADMIN, "总经理工作部", "总经理工作部", password=password, admin=True)
    return sign_in(live, ADMIN)


def edit_form(client: httpx.Client, name: str) -> tuple[str, str]:
    """The 编辑 page of ``name`` and its form's CSRF token."""
    page = client.get("/admin/users/edit", params={"name": name})
    assert page.status_code == 200, page.text
    token = re.search(r'<form method="post" action="/admin/users/edit".*?name="csrf_token" '
                      r'value="([^"]+)"', page.text, re.S)
    assert token
    return page.text, token.group(1)


def test_the_edit_form_is_prefilled_and_saving_redirects_to_the_admin_page(
        server: Any, password: str, sign_in: Callable[[Any, str], httpx.Client]) -> None:
    admin = office_admin(server, password, sign_in)
    server.user("李四", ["财务部", "采购部"], "承办部门", "leader_in_charge")
    listing = admin.get("/admin").text
    assert 'href="/admin/users/edit?name=%E6%9D%8E%E5%9B%9B"' in listing  # 编辑 on each row
    page, csrf = edit_form(admin, "李四")
    assert 'name="departments" maxlength="2100" autocomplete="off" value="财务部、采购部"' in page
    assert re.search(r'name="roles" value="承办部门" checked', page)
    assert re.search(r'name="roles" value="leader_in_charge" checked', page)  # kept under 其他
    assert 'id="e-admin" name="admin" type="checkbox" value="1">' in page  # not an admin
    r = admin.post("/admin/users/edit", data={
        "csrf_token": csrf, "name": "李四", "departments": "财务部", "oversees": "办公室、财务部",
        "roles": ["承办部门", "leader_in_charge"], "proxy_roles": ["总经理"], "has_admin": "1"})
    assert r.status_code == 303 and r.headers["location"] == "/admin", r.text
    record = stored(server, "李四")
    assert record.departments == ("财务部",) and record.oversees == ("办公室", "财务部")
    assert record.roles == ("承办部门", "leader_in_charge") and record.proxy_roles == ("总经理",)
    assert record.admin is False
    assert re.search(r"<td>李四</td><td>财务部</td>.*?<td>办公室、财务部</td>",
                     admin.get("/admin").text)


def test_a_refused_edit_is_explained_next_to_the_form_and_writes_nothing(
        sqlite_server: Any, password: str, sign_in: Callable[[Any, str], httpx.Client]) -> None:
    admin = office_admin(sqlite_server, password, sign_in)
    sqlite_server.user("李四", "财务部", "承办部门")
    before = stored(sqlite_server, "李四")
    _, csrf = edit_form(admin, "李四")
    cases = [({"roles": ["没有这个角色"]}, 422, "没有角色 '没有这个角色'"),
             ({"oversees": "、".join(f"单位{i}" for i in range(51))}, 422, "分管单位：最多 50 项"),
             ({"departments": "财" * 101}, 422, "部门第 1 项：最多 100 个字符"),
             ({"name": "无此人"}, 404, "没有用户 '无此人'")]
    for fields, status, words in cases:
        data = {"csrf_token": csrf, "name": "李四", "departments": "人事部",
                "oversees": "办公室", "roles": ["承办部门"], "has_admin": "1", "admin": "1",
                **fields}
        r = admin.post("/admin/users/edit", data=data)
        assert r.status_code == status, r.text
        problem = re.search(r'<p class="refusal" role="alert" id="edit-problem">(.*?)</p>', r.text)
        assert problem and words in html_lib.unescape(problem.group(1)), r.text
        shown = html_lib.unescape(r.text)
        assert f'value="{data["departments"]}"' in shown  # refilled as typed
        assert 'id="e-admin" name="admin" type="checkbox" value="1" checked' in shown
        assert stored(sqlite_server, "李四") == before


def test_an_admin_cannot_untick_their_own_admin_flag_on_the_page(
        sqlite_server: Any, password: str, sign_in: Callable[[Any, str], httpx.Client]) -> None:
    admin = office_admin(sqlite_server, password, sign_in)
    page, csrf = edit_form(admin, ADMIN)
    assert 'id="e-admin"' not in page and "不能取消自己的管理员身份" in page
    r = admin.post("/admin/users/edit", data={  # the own form: admin left as it is
        "csrf_token": csrf, "name": ADMIN, "departments": "总经理工作部", "oversees": "财务部",
        "roles": ["总经理工作部"]})
    assert r.status_code == 303, r.text
    assert stored(sqlite_server, ADMIN).admin and stored(sqlite_server, ADMIN).oversees == ("财务部",)
    r = admin.post("/admin/users/edit", data={  # a crafted post unticking it
        "csrf_token": csrf, "name": ADMIN, "departments": "总经理工作部", "oversees": "",
        "roles": ["总经理工作部"], "has_admin": "1"})
    assert r.status_code == 409 and "不能取消自己的管理员身份" in r.text
    assert stored(sqlite_server, ADMIN).admin and stored(sqlite_server, ADMIN).oversees == ("财务部",)


def test_an_edit_without_the_sessions_csrf_token_or_by_a_non_admin_is_refused(
        sqlite_server: Any, password: str, sign_in: Callable[[Any, str], httpx.Client]) -> None:
    admin = office_admin(sqlite_server, password, sign_in)
    sqlite_server.user("李四", "财务部", "承办部门", password=password)
    before = stored(sqlite_server, "李四")
    fields = {"name": "李四", "departments": "办公室", "oversees": "办公室",
              "roles": ["承办部门"], "has_admin": "1", "admin": "1"}
    assert admin.post("/admin/users/edit", data=fields).status_code == 403
    assert admin.post("/admin/users/edit", data={**fields, "csrf_token": "x" * 32}
                      ).status_code == 403
    token_admin = sqlite_server.user("管理员二", "总经理工作部", "总经理工作部", admin=True)
    assert token_admin.post("/admin/users/edit", data=fields).status_code == 403
    finance = sign_in(sqlite_server, "李四")
    assert finance.get("/admin/users/edit", params={"name": "李四"}).status_code == 403
    csrf = re.findall(r'name="csrf_token" value="([^"]+)"', finance.get("/").text)[0]
    r = finance.post("/admin/users/edit", data={**fields, "csrf_token": csrf})
    assert r.status_code == 403 and "只有管理员" in r.text
    assert stored(sqlite_server, "李四") == before  # nothing written by any of them
    assert admin.get("/admin/users/edit", params={"name": "无此人"}).status_code == 404


def test_values_are_escaped_on_the_edit_page(
        sqlite_server: Any, password: str, sign_in: Callable[[Any, str], httpx.Client]) -> None:
    admin = office_admin(sqlite_server, password, sign_in)
    evil = '<script>alert("x")</script>'
    sqlite_server.user(evil, '"><img src=x onerror=alert(1)>', "承办部门")
    page, csrf = edit_form(admin, evil)
    r = admin.post("/admin/users/edit", data={
        "csrf_token": csrf, "name": evil, "departments": "<b onmouseover=alert(2)>",
        "oversees": "<svg onload=alert(3)>", "roles": ["没有这个角色"], "has_admin": "1"})
    assert r.status_code == 422
    for text in (page, r.text, admin.get("/admin").text):
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "<b onmouseover" not in text and "<svg onload" not in text
    assert "&lt;script&gt;alert(" in page and "&lt;svg onload=alert(3)&gt;" in r.text


# -- the terminal ----------------------------------------------------------------------------
def test_user_set_replaces_the_options_given(tmp_path: Path) -> None:
    store = ["--store", f"sqlite:///{tmp_path / 'u.db'}"]
    runner = CliRunner()

    def duban(*args: str) -> Any:
        return runner.invoke(main, ["user", *args, *store])

    assert duban("add", "李副局长", "--dept", "局领导", "--role", "分管局领导",
                 "--oversees", "征管科").exit_code == 0
    out = duban("set", "李副局长", "--oversees", "办公室", "--oversees", "税政科", "--admin")
    assert out.exit_code == 0, out.output
    assert "分管 办公室、税政科" in out.output and "部门 局领导" in out.output
    listed_out = duban("list").output
    assert "分管 办公室、税政科" in listed_out and "管理员" in listed_out
    assert "角色 分管局领导" in listed_out  # not given: unchanged
    out = duban("set", "李副局长", "--oversees", "", "--no-admin", "--proxy-for", "分管局领导")
    assert out.exit_code == 0, out.output
    assert "分管 —" in out.output and "代录 分管局领导" in out.output
    assert "管理员" not in duban("list").output
    for args, words in [(("李副局长", "--role", "总经里"), "没有角色 '总经里'"),
                        (("无此人", "--oversees", "办公室"), "没有用户 '无此人'"),
                        (("李副局长",), "没有要修改的内容"),
                        (("李副局长", "--dept", "财" * 101), "部门第 1 项：最多 100 个字符")]:
        bad = duban("set", *args)
        assert bad.exit_code == 2 and words in bad.output, bad.output
        assert "Traceback" not in bad.output and isinstance(bad.exception, SystemExit)
    final = duban("list").output
    assert "角色 分管局领导" in final and "部门 局领导" in final
    help_text = duban("set", "--help").output
    assert "修改已有用户" in help_text and "给出即替换原有分管单位" in help_text
