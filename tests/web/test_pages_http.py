"""The pages' form posts over real HTTP (no browser needed): a person signs in with a
password and posts the item page's forms as a browser would (session cookie, CSRF token,
the form's idempotency key, multipart with a file)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.web.conftest import LiveServer

PASSWORD = "duban-pass-2026"
PDF = b"%PDF-1.4\n% evidence\n" + b"0" * 1000


def sign_in(live: LiveServer, name: str) -> httpx.Client:
    client = live.client()
    r = client.post("/login", data={"name": name, "password": PASSWORD, "next": "/"})
    assert r.status_code == 303, r.text
    return client


def form_of(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the item page's form for ``action``."""
    form = re.search(rf'<form method="post" action="[^"]*/act/{action}".*?</form>', page, re.S)
    assert form, f"no form for {action}"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


def opened(live: LiveServer) -> str:
    """A 日常督办 item of 财务部 under gansu_huizhan, approved (已交办)."""
    office = live.user("王五", "总经理工作部", "总经理工作部")
    leader = live.user("刘总", "公司领导", "督办领导", "分管领导", password=PASSWORD)
    r = office.post("/api/v1/items", json={
        "id": "P1", "policy": "gansu_huizhan", "category": "日常督办", "kind": "other",
        "title": "完成年度预算调整", "lead": "财务部", "due": "2026-03-20"})
    assert r.status_code == 201, r.text
    assert leader.post("/api/v1/items/P1/actions/approve", json={}).status_code == 200
    return "P1"


def stored_files(root: Path) -> list[Path]:
    return [p for p in (root / "attachments").rglob("*") if p.is_file()]


def test_a_file_sent_with_a_refused_action_does_not_stay(sqlite_server: LiveServer,
                                                         tmp_path: Path) -> None:
    item = opened(sqlite_server)
    api = sqlite_server.user("李四", "财务部", "承办部门", password=PASSWORD)
    finance = sign_in(sqlite_server, "李四")
    hidden = form_of(finance.get(f"/items/{item}").text, "request_extension")
    # no reason: gansu_huizhan 第九条（五）第2段 refuses an extension request without one
    refused = finance.post(f"/items/{item}/act/request_extension",
                           data={**hidden, "until": "2026-03-31"},
                           files={"file": ("说明.pdf", PDF, "application/pdf")})
    assert refused.status_code in (403, 409, 422), refused.text
    assert 'role="alert"' in refused.text and "未能办理" in refused.text
    assert api.get(f"/api/v1/items/{item}").json()["attachments"] == []
    assert stored_files(tmp_path) == []  # the bytes went with the record
    # with the reason the same form goes through, and its file stays, named by the event
    sent = finance.post(f"/items/{item}/act/request_extension",
                        data={**hidden, "until": "2026-03-31", "reason": "需等待审计数据"},
                        files={"file": ("说明.pdf", PDF, "application/pdf")})
    assert sent.status_code == 303, sent.text
    detail = api.get(f"/api/v1/items/{item}").json()
    assert detail["state"] == "延期审批中"
    kept = [a["id"] for a in detail["attachments"]]
    assert len(kept) == 1 and detail["history"][-1]["data"]["attachments"] == kept
    # the same form sent again (a double click): the first stands, no second file
    again = finance.post(f"/items/{item}/act/request_extension",
                         data={**hidden, "until": "2026-03-31", "reason": "需等待审计数据"},
                         files={"file": ("说明.pdf", PDF, "application/pdf")})
    assert again.status_code == 303, again.text
    assert [a["id"] for a in api.get(f"/api/v1/items/{item}").json()["attachments"]] == kept
    assert len(stored_files(tmp_path)) == 1


def test_approval_buttons_name_the_step_they_decide(sqlite_server: LiveServer) -> None:
    item = opened(sqlite_server)
    sqlite_server.user("李四", "财务部", "承办部门", password=PASSWORD)
    finance = sign_in(sqlite_server, "李四")
    hidden = form_of(finance.get(f"/items/{item}").text, "request_extension")
    assert finance.post(f"/items/{item}/act/request_extension", data={
        **hidden, "until": "2026-03-31", "reason": "需等待审计数据"}).status_code == 303
    page = sign_in(sqlite_server, "刘总").get(f"/items/{item}").text
    buttons = re.findall(r'<button type="submit">([^<]+)</button>', page)
    # the first extension: 分管领导 signs first (第九条（五）), approve or reject
    assert "分管领导签署意见：同意" in buttons and "分管领导签署意见：不同意" in buttons
    assert "批示" not in buttons and "退办" not in buttons
