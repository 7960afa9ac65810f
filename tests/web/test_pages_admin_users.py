"""User administration on the 管理 page over real HTTP: an administrator adds a colleague
(who then signs in and whose token works), sees the token once, gets refusals in Chinese
with the form refilled and nothing written, disables and enables users (tokens stop at
once) and revokes tokens — each success answered by a 303 to /admin (Post/Redirect/Get) — and no one else can, not even with a session lacking its
CSRF token."""

from __future__ import annotations

import html as html_lib
import logging
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

ADMIN = "王五"


def csrf_of(page: str, action: str = "/admin/users") -> str:
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, re.S)
    assert form, f"no form for {action}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.group(0))
    assert token
    return token.group(1)


def names(live: Any) -> list[str]:
    with live.deployment.pool.lease() as lease:
        return [u.name for u in lease.identity.users()]


def office(live: Any, password: str, sign_in: Callable[[Any, str], httpx.Client]) -> httpx.Client:
    live.user(ADMIN, "总经理工作部", "总经理工作部", password=password, admin=True)
    return sign_in(live, ADMIN)


def add(client: httpx.Client, **fields: Any) -> httpx.Response:
    data = {"csrf_token": csrf_of(client.get("/admin").text), **fields}
    return client.post("/admin/users", data=data)


def test_an_admin_adds_a_user_who_signs_in_and_whose_token_works(
        server, password: str, sign_in: Callable[[Any, str], httpx.Client],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="duban.web")
    admin = office(server, password, sign_in)
    r = add(admin, name="张副总", departments="公司领导、 财务部，财务部", roles=["分管领导"],
            proxy_roles=[], oversees="财务部、人力资源部", password=password)
    assert r.status_code == 201, r.text
    assert str(r.url).endswith("/admin/users") and not r.history  # no redirect carried it
    token = re.search(r'<code class="secret" id="new-token">(dbn_[^<]+)</code>', r.text)
    assert token and "只显示这一次" in r.text
    assert token.group(1) not in str(r.url) and "location" not in r.headers
    me = server.client(token.group(1)).get("/api/v1/me")
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["departments"] == ["公司领导", "财务部"] and body["roles"] == ["分管领导"]
    assert body["oversees"] == ["财务部", "人力资源部"] and body["admin"] is False
    assert sign_in(server, "张副总").get("/").status_code == 200  # the initial password
    again = admin.get("/admin")
    assert "张副总" in again.text and token.group(1) not in again.text
    assert 'id="new-token"' not in again.text
    assert "张副总 added on the admin page by 王五" in caplog.text  # the log was read …
    assert token.group(1) not in caplog.text  # … and holds no token


@pytest.mark.parametrize(("fields", "status", "words"), [
    ({"name": "孙七", "roles": ["没有这个角色"]}, 422, "没有角色 '没有这个角色'"),
    ({"name": "孙七", "roles": ["承办部门"], "password": "short"}, 422, "初始密码：至少 8 个字符"),
    ({"name": "孙\t七", "roles": ["承办部门"]}, 422, "无效"),
    ({"name": "", "roles": ["承办部门"]}, 422, "姓名：不能为空"),
    ({"name": "孙七", "oversees": "、".join(f"单位{i}" for i in range(51))}, 422,
     "分管单位：最多 50 项"),
    ({"name": "孙七", "departments": "财" * 101}, 422, "部门第 1 项：最多 100 个字符"),
    ({"name": ADMIN, "roles": ["承办部门"]}, 409, "已存在"),
])
def test_a_refused_user_is_explained_refilled_and_not_written(
        sqlite_server, password: str, sign_in: Callable[[Any, str], httpx.Client],
        fields: dict[str, Any], status: int, words: str) -> None:
    admin = office(sqlite_server, password, sign_in)
    fields = {"departments": "财务部", "oversees": "财务部", "password": "pass-word-2026",
              "admin": "1", **fields}
    r = add(admin, **fields)
    assert r.status_code == status, r.text
    problem = re.search(r'<p class="refusal" role="alert" id="add-problem">(.*?)</p>', r.text)
    assert problem and words in html_lib.unescape(problem.group(1)), r.text
    assert names(sqlite_server) == [ADMIN]  # nothing written
    form = re.search(r'<form method="post" action="/admin/users".*?</form>', r.text, re.S)
    assert form
    shown = html_lib.unescape(form.group(0))
    assert f'value="{fields["name"]}"' in shown and f'value="{fields["departments"]}"' in shown
    assert 'id="u-admin" name="admin" type="checkbox" value="1" checked' in shown
    for word in fields.get("roles", []):
        if word != "没有这个角色":
            assert f'value="{word}" checked' in shown
    assert fields["password"] not in r.text  # the password is never sent back


def test_a_post_without_the_sessions_csrf_token_is_refused(
        sqlite_server, password: str, sign_in: Callable[[Any, str], httpx.Client]) -> None:
    admin = office(sqlite_server, password, sign_in)
    fields = {"name": "孙七", "roles": ["承办部门"], "departments": "财务部"}
    assert admin.post("/admin/users", data=fields).status_code == 403
    assert admin.post("/admin/users", data={**fields, "csrf_token": "x" * 32}).status_code == 403
    finance = sqlite_server.user("李四", "财务部", "承办部门")
    r = admin.post("/admin/users/state", data={"name": "李四", "enable": "0"})
    assert r.status_code == 403
    assert finance.get("/api/v1/me").status_code == 200  # not disabled
    assert sorted(names(sqlite_server)) == sorted([ADMIN, "李四"])
    # the API token of an administrator is no form session either
    token_client = sqlite_server.user("管理员二", "总经理工作部", "总经理工作部", admin=True)
    assert token_client.post("/admin/users", data=fields).status_code == 403
    assert "孙七" not in names(sqlite_server)


def test_only_administrators_manage_users(sqlite_server, password: str,
                                         sign_in: Callable[[Any, str], httpx.Client]) -> None:
    sqlite_server.user(ADMIN, "总经理工作部", "总经理工作部", admin=True)
    victim = sqlite_server.user("赵六", "人事部", "承办部门")
    sqlite_server.user("李四", "财务部", "承办部门", password=password)
    finance = sign_in(sqlite_server, "李四")
    assert finance.get("/admin").status_code == 403
    csrf = re.findall(r'name="csrf_token" value="([^"]+)"', finance.get("/").text)[0]
    r = finance.post("/admin/users", data={"csrf_token": csrf, "name": "孙七",
                                           "roles": ["承办部门"], "admin": "1"})
    assert r.status_code == 403 and "只有管理员" in r.text
    r = finance.post("/admin/users/state", data={"csrf_token": csrf, "name": "赵六",
                                                 "enable": "0"})
    assert r.status_code == 403
    assert "孙七" not in names(sqlite_server)
    assert victim.get("/api/v1/me").status_code == 200  # not disabled


def test_names_are_escaped_everywhere(sqlite_server, password: str,
                                      sign_in: Callable[[Any, str], httpx.Client]) -> None:
    admin = office(sqlite_server, password, sign_in)
    evil = '<script>alert("x")</script>'
    r = add(admin, name=evil, departments='<img src=x onerror=alert(1)>', roles=["承办部门"])
    assert r.status_code == 201, r.text
    refused = add(admin, name=evil + "2", roles=["承办部门"], password="short")
    assert refused.status_code == 422
    disabled = admin.post("/admin/users/state", data={
        "csrf_token": csrf_of(admin.get("/admin").text), "name": evil, "enable": "0"})
    assert disabled.status_code == 303
    for page in (r.text, refused.text, admin.get("/admin").text):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(" in page


def test_disable_and_enable_stop_and_restore_a_token_at_once(
        server, password: str, sign_in: Callable[[Any, str], httpx.Client]) -> None:
    admin = office(server, password, sign_in)
    finance = server.user("李四", "财务部", "承办部门", password=password)
    session = sign_in(server, "李四")
    assert finance.get("/api/v1/me").status_code == 200
    r = admin.post("/admin/users/state", data={"csrf_token": csrf_of(admin.get("/admin").text),
                                               "name": "李四", "enable": "0"})
    assert r.status_code == 303 and r.headers["location"] == "/admin"  # Post/Redirect/Get
    assert finance.get("/api/v1/me").status_code == 401
    assert session.get("/api/v1/me").status_code == 401  # the session ended too
    page = admin.get("/admin").text
    assert re.search(r"<td>李四</td>(?:<td>[^<]*</td>){4}<td>已停用</td>", page)
    r = admin.post("/admin/users/state", data={"csrf_token": csrf_of(page), "name": "李四",
                                               "enable": "1"})
    assert r.status_code == 303 and r.headers["location"] == "/admin"
    assert finance.get("/api/v1/me").status_code == 200
    missing = admin.post("/admin/users/state", data={"csrf_token": csrf_of(page),
                                                     "name": "无此人", "enable": "0"})
    assert missing.status_code == 404 and "没有用户" in missing.text


def test_an_admin_cannot_disable_themselves(sqlite_server, password: str,
                                            sign_in: Callable[[Any, str], httpx.Client]) -> None:
    admin = office(sqlite_server, password, sign_in)
    page = admin.get("/admin").text
    assert 'aria-label="停用 王五"' not in page  # no button offered for oneself …
    r = admin.post("/admin/users/state", data={"csrf_token": csrf_of(page), "name": ADMIN,
                                               "enable": "0"})
    assert r.status_code == 409 and "不能停用自己的账号" in r.text  # … and a post is refused
    assert admin.get("/admin").status_code == 200
    with sqlite_server.deployment.pool.lease() as lease:
        record = lease.identity.user(ADMIN)
        assert record is not None and not record.disabled
    api = sqlite_server.user("管理员二", "总经理工作部", "总经理工作部", admin=True)
    refused = api.post("/api/v1/users/管理员二/disable")
    assert refused.status_code == 409 and refused.json()["code"] == "disable_self"
    assert refused.json()["title"] == "不能停用自己 / cannot disable yourself"  # not the item's
    twice = api.post("/api/v1/users", json={"name": ADMIN, "roles": ["承办部门"]})
    assert twice.status_code == 409 and twice.json()["title"] == "用户已存在 / user exists"
    assert api.post(f"/api/v1/users/{ADMIN}/disable").status_code == 204
    assert admin.get("/admin").status_code == 303  # another administrator may: to /login
    assert api.post(f"/api/v1/users/{ADMIN}/enable").status_code == 204
    assert api.post("/api/v1/users/无此人/enable").status_code == 404
    paths = api.get("/api/openapi.json").json()["paths"]  # the API documents both
    assert "409" in paths["/api/v1/users/{name}/disable"]["post"]["responses"]
    assert "/api/v1/users/{name}/enable" in paths


def test_an_admin_revokes_a_users_token_from_the_page(
        sqlite_server, password: str, sign_in: Callable[[Any, str], httpx.Client]) -> None:
    admin = office(sqlite_server, password, sign_in)
    finance = sqlite_server.user("李四", "财务部", "承办部门")
    token_id = finance.token.split("_")[1]  # type: ignore[attr-defined]
    page = admin.get("/admin").text
    assert f'aria-label="吊销 李四 的令牌 {token_id}"' in page
    r = admin.post("/admin/tokens/revoke", data={
        "csrf_token": csrf_of(page, "/admin/tokens/revoke"), "token_id": token_id})
    assert r.status_code == 303 and r.headers["location"] == "/admin"  # Post/Redirect/Get
    assert finance.get("/api/v1/me").status_code == 401
    assert f'aria-label="吊销 李四 的令牌 {token_id}"' not in admin.get("/admin").text
    again = admin.post("/admin/tokens/revoke", data={"csrf_token": csrf_of(page, "/admin/users"),
                                                     "token_id": "000000000000"})
    assert again.status_code == 404 and "没有令牌" in again.text
