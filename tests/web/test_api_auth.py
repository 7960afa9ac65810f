"""Identity over real HTTP: tokens shown once and revocable, disabled users, password
login with a session cookie and CSRF, login throttling, the trusted proxy header, and the
``duban user`` commands."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest


def test_a_revoked_token_stops_working_at_once(server) -> None:
    office = server.user("王五", "总经理工作部", "总经理工作部")
    second = office.post("/api/v1/tokens", json={"label": "OA 对接"})
    assert second.status_code == 201
    oa = server.client(second.json()["token"])
    assert oa.get("/api/v1/me").json()["name"] == "王五"
    listed = office.get("/api/v1/tokens").json()
    assert len(listed) == 2 and all("digest" not in t and "token" not in t for t in listed)
    oa_id = next(t["id"] for t in listed if t["label"] == "OA 对接")
    assert office.delete(f"/api/v1/tokens/{oa_id}").status_code == 204
    r = oa.get("/api/v1/items")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    assert office.get("/api/v1/items").status_code == 200  # the other token still works


def test_acting_with_a_bad_token_is_401_before_anything_else(server,
        item_fields: Mapping[str, Any]) -> None:
    """The action endpoint checks an API token on its own store thread, after the
    framework validated the request: a wrong or revoked token must still be told 401,
    whatever else is wrong with the request, and must change nothing."""
    office = server.user("王五", "总经理工作部", "总经理工作部")
    assert office.post("/api/v1/items", json={"id": "T1", **item_fields}).status_code == 201
    revoked = server.client(office.post("/api/v1/tokens", json={"label": "OA"}).json()["token"])
    oa_id = next(t["id"] for t in office.get("/api/v1/tokens").json() if t["label"] == "OA")
    assert revoked.get("/api/v1/me").status_code == 200
    assert office.delete(f"/api/v1/tokens/{oa_id}").status_code == 204
    forged = server.client("dbn_000000000000_forged")
    for client in (revoked, forged):
        for path, body, headers in (
                ("/api/v1/items/T1/actions/approve", {"reason": "同意"}, {}),
                ("/api/v1/items/T1/actions/approve", {"reason": 5, "nonsense": 1}, {}),
                ("/api/v1/items/T1/actions/approve", [], {}),
                (f"/api/v1/items/{'T' * 65}/actions/approve", {}, {}),
                ("/api/v1/items/T1/actions/approve?actions=maybe", {}, {}),
                ("/api/v1/items/T1/actions/approve", {}, {"Idempotency-Key": "k" * 201}),
                ("/api/v1/items/NOPE/actions/approve", {}, {})):
            r = client.post(path, json=body, headers=headers)
            assert r.status_code == 401, (path, body, r.text)
            assert r.json()["code"] == "unauthenticated"
            assert r.headers["www-authenticate"].startswith("Bearer")
    history = office.get("/api/v1/items/T1").json()["history"]
    assert [e["action"] for e in history] == ["create"]


def test_a_user_cannot_revoke_someone_elses_token(server) -> None:
    office = server.user("王五", "总经理工作部", "总经理工作部")
    finance = server.user("李四", "财务部", "主办部门")
    theirs = office.get("/api/v1/tokens").json()[0]["id"]
    assert finance.delete(f"/api/v1/tokens/{theirs}").status_code == 404
    assert office.get("/api/v1/me").status_code == 200


def test_tokens_are_stored_as_digests_only(server) -> None:
    office = server.user("王五", "总经理工作部", "总经理工作部")
    secret = office.token.rsplit("_", 1)[1]  # type: ignore[attr-defined]
    with server.deployment.pool.lease() as lease:
        rows = lease.identity.db.read("SELECT * FROM api_tokens")
    assert rows and not any(secret in str(col) for row in rows for col in row)


def test_disabling_a_user_ends_their_tokens_and_sessions(server) -> None:
    admin = server.user("管理员", "总经理工作部", "总经理工作部", admin=True)
    finance = server.user("李四", "财务部", "主办部门", password="correct horse")
    browser = server.client()
    assert browser.post("/auth/login", json={"name": "李四", "password": "correct horse"}
                        ).status_code == 200
    assert browser.get("/api/v1/me").status_code == 200
    assert finance.get("/api/v1/me").status_code == 200
    assert admin.post("/api/v1/users/李四/disable").status_code == 204
    assert finance.get("/api/v1/me").status_code == 401
    assert browser.get("/api/v1/me").status_code == 401
    assert finance.post("/api/v1/users/管理员/disable").status_code == 401


def test_only_administrators_manage_users(server) -> None:
    office = server.user("王五", "总经理工作部", "总经理工作部")
    r = office.post("/api/v1/users", json={"name": "新人", "roles": ["主办部门"]})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    admin = server.user("管理员", None, admin=True)
    r = admin.post("/api/v1/users", json={"name": "新人", "departments": ["财务部"],
                                         "roles": ["主办部门"]})
    assert r.status_code == 201
    assert server.client(r.json()["token"]).get("/api/v1/me").json()["departments"] == ["财务部"]
    r = admin.post("/api/v1/users", json={"name": "错字", "roles": ["总经里"]})
    assert r.status_code == 422 and "总经里" in r.json()["detail"]


def test_session_login_needs_the_csrf_token_to_change_anything(server,
        item_fields: Mapping[str, Any]) -> None:
    server.user("王五", "总经理工作部", "总经理工作部", password="s3cret-pass")
    browser = server.client()
    r = browser.post("/auth/login", data={"name": "王五", "password": "s3cret-pass"})
    assert r.status_code == 200, r.text
    csrf = r.json()["csrf_token"]
    cookie = r.headers.get_list("set-cookie")
    session = next(c for c in cookie if c.startswith("duban_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session
    assert browser.get("/api/v1/items").status_code == 200  # reading needs no token
    forged = browser.post("/api/v1/items", json={"id": "C1", **item_fields})
    assert forged.status_code == 403 and forged.json()["code"] == "csrf_failed"
    wrong = browser.post("/api/v1/items", json={"id": "C1", **item_fields},
                         headers={"X-CSRF-Token": "not-it"})
    assert wrong.status_code == 403
    ok = browser.post("/api/v1/items", json={"id": "C1", **item_fields},
                      headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201, ok.text
    # the action endpoint checks the session and its CSRF token before it acts
    act = "/api/v1/items/C1/actions/request_extension"
    assert browser.post(act, json={"reason": "x"}).json()["code"] == "csrf_failed"
    assert browser.post(act, json={"reason": 5}).json()["code"] == "csrf_failed"
    refused = browser.post(act, json={"reason": "x"}, headers={"X-CSRF-Token": csrf})
    assert refused.status_code in (403, 409, 422) and refused.json()["code"] != "csrf_failed"
    assert browser.post("/auth/logout").status_code == 204
    assert browser.get("/api/v1/items").status_code == 401
    assert browser.post(act, json={"reason": "x"}).status_code == 401


def test_login_is_throttled_even_for_the_right_password(server) -> None:
    server.user("王五", "总经理工作部", "总经理工作部", password="right-password")
    c = server.client()
    for _ in range(5):
        r = c.post("/auth/login", json={"name": "王五", "password": "wrong-password"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    r = c.post("/auth/login", json={"name": "王五", "password": "right-password"})
    assert r.status_code == 429 and r.json()["code"] == "too_many_attempts"
    server.clock.advance(seconds=901)
    assert c.post("/auth/login", json={"name": "王五", "password": "right-password"}
                  ).status_code == 200


def test_unknown_user_and_wrong_password_read_the_same(server) -> None:
    server.user("王五", "总经理工作部", "总经理工作部", password="right-password")
    c = server.client()
    a = c.post("/auth/login", json={"name": "王五", "password": "nope-nope"})
    b = c.post("/auth/login", json={"name": "无此人", "password": "nope-nope"})
    assert a.status_code == b.status_code == 401
    assert a.json()["detail"] == b.json()["detail"]


@pytest.mark.parametrize("trusted", [True, False])
def test_the_proxy_header_counts_only_from_trusted_addresses(tmp_path: Path, trusted: bool,
        start_server: Callable[..., Any]) -> None:
    live = start_server(f"sqlite:///{tmp_path / 'duban.db'}", tmp_path,
                        trusted_proxies=("127.0.0.1",) if trusted else ("10.9.9.9",))
    try:
        live.user("王五", "总经理工作部", "总经理工作部")
        for sent in ("王五".encode(), "%E7%8E%8B%E4%BA%94"):  # UTF-8, or percent-encoded
            r = live.client().get("/api/v1/me", headers={"X-Remote-User": sent})
            if trusted:
                assert r.status_code == 200 and r.json()["via"] == "proxy"
            else:
                assert r.status_code == 401
        unknown = live.client().get("/api/v1/me", headers={"X-Remote-User": "nobody"})
        assert unknown.status_code == 401
    finally:
        live.stop()


def test_user_add_prints_the_token_alone_on_its_last_line(tmp_path: Path,
        start_server: Callable[..., Any]) -> None:
    env = {**os.environ, "DUBAN_STORE": f"sqlite:///{tmp_path / 'u.db'}"}
    cmd = [str(Path(sys.executable).parent / "duban")]
    out = subprocess.run([*cmd, "user", "add", "李四", "--dept", "财务部", "--role", "主办部门"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    token = out.stdout.rstrip("\n").splitlines()[-1]
    assert token.startswith("dbn_") and " " not in token
    listed = subprocess.run([*cmd, "user", "list"], capture_output=True, text=True, env=env,
                            cwd=tmp_path, check=True).stdout
    assert "李四" in listed and token not in listed
    bad = subprocess.run([*cmd, "user", "add", "王五", "--role", "总经里"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert bad.returncode == 2 and "总经里" in bad.stderr and "Traceback" not in bad.stderr
    live = start_server(env["DUBAN_STORE"], tmp_path)
    try:
        assert httpx.get(f"{live.url}/api/v1/me",
                         headers={"Authorization": f"Bearer {token}"}).json()["name"] == "李四"
        subprocess.run([*cmd, "user", "disable", "李四"], env=env, cwd=tmp_path, check=True,
                       capture_output=True)
        assert httpx.get(f"{live.url}/api/v1/me",
                         headers={"Authorization": f"Bearer {token}"}).status_code == 401
    finally:
        live.stop()


def test_an_authentication_plugin_vouches_only_for_enabled_store_users(tmp_path: Path,
        start_server: Callable[..., Any]) -> None:
    """``duban_authenticate``: a provider plugin names the user; duban checks the store."""
    from duban.hookspecs import hookimpl
    from duban.plugins import Hooks, make_plugin_manager

    class Provider:
        @hookimpl
        def duban_authenticate(self, request: object) -> str | None:
            headers = getattr(request, "headers", {})
            return {"good": "王五", "stranger": "不存在"}.get(headers.get("x-test-sso", ""))

    hooks = Hooks(make_plugin_manager(entry_points=False, extra=[Provider()]))
    live = start_server(f"sqlite:///{tmp_path / 'duban.db'}", tmp_path, hooks=hooks)
    try:
        live.user("王五", "总经理工作部", "总经理工作部")
        c = live.client()
        r = c.get("/api/v1/me", headers={"X-Test-SSO": "good"})
        assert r.status_code == 200 and r.json()["via"] == "plugin"
        assert c.get("/api/v1/me", headers={"X-Test-SSO": "stranger"}).status_code == 401
        assert c.get("/api/v1/me").status_code == 401
        r = c.get("/auth/sso/test", headers={"X-Test-SSO": "good"},
                  params={"next": "//evil.example"})
        assert r.status_code == 303 and r.headers["location"] == "/"
        assert c.get("/api/v1/me").json()["via"] == "session"  # the SSO started a session
    finally:
        live.stop()
