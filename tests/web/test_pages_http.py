"""The pages' form posts over real HTTP (no browser needed): a person signs in with a
password and posts the item page's forms as a browser would (session cookie, CSRF token,
the form's idempotency key, multipart with a file)."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from duban.calendar.data import load_additions

PDF = b"%PDF-1.4\n% evidence\n" + b"0" * 1000


def opened(live: Any, password: str) -> str:
    """A 日常督办 item of 财务部 under gansu_huizhan, approved (已交办)."""
    office = live.user("王五", "总经理工作部", "总经理工作部")
    leader = live.user("刘总", "公司领导", "督办领导", "分管领导", password=password)
    r = office.post("/api/v1/items", json={
        "id": "P1", "policy": "gansu_huizhan", "category": "日常督办", "kind": "other",
        "title": "完成年度预算调整", "lead": "财务部", "due": "2026-03-20"})
    assert r.status_code == 201, r.text
    assert leader.post("/api/v1/items/P1/actions/approve", json={}).status_code == 200
    return "P1"


def stored_files(root: Path) -> list[Path]:
    return [p for p in (root / "attachments").rglob("*") if p.is_file()]


def test_a_file_sent_with_a_refused_action_does_not_stay(sqlite_server, tmp_path: Path,
        password: str, sign_in: Callable[[Any, str], httpx.Client],
        form_of: Callable[[str, str], dict[str, str]]) -> None:
    item = opened(sqlite_server, password)
    api = sqlite_server.user("李四", "财务部", "承办部门", password=password)
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


def test_approval_buttons_name_the_step_they_decide(sqlite_server, password: str,
        sign_in: Callable[[Any, str], httpx.Client],
        form_of: Callable[[str, str], dict[str, str]]) -> None:
    item = opened(sqlite_server, password)
    sqlite_server.user("李四", "财务部", "承办部门", password=password)
    finance = sign_in(sqlite_server, "李四")
    hidden = form_of(finance.get(f"/items/{item}").text, "request_extension")
    assert finance.post(f"/items/{item}/act/request_extension", data={
        **hidden, "until": "2026-03-31", "reason": "需等待审计数据"}).status_code == 303
    page = sign_in(sqlite_server, "刘总").get(f"/items/{item}").text
    buttons = re.findall(r'<button type="submit">([^<]+)</button>', page)
    # the first extension: 分管领导 signs first (第九条（五）), approve or reject
    assert "分管领导签署意见：同意" in buttons and "分管领导签署意见：不同意" in buttons
    assert "批示" not in buttons and "退办" not in buttons


NOTICE = (Path(__file__).parents[1] / "calendar" / "data" /
          "notice-2027-TEST-FIXTURE.txt").read_text(encoding="utf-8")


def admin_form(page: str) -> dict[str, str]:
    form = re.search(r'<form method="post" action="/admin/calendar".*?</form>', page, re.S)
    assert form, "no import form"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


def test_an_admin_imports_a_holiday_notice_after_a_preview(sqlite_server, tmp_path: Path,
        password: str, sign_in: Callable[[Any, str], httpx.Client]) -> None:
    sqlite_server.deployment.config.source = str(tmp_path / "duban.yaml")  # the deployment's
    target = tmp_path / "calendar" / "2027.yaml"
    sqlite_server.user("王五", "总经理工作部", "总经理工作部", password=password, admin=True)
    office = sign_in(sqlite_server, "王五")
    hidden = admin_form(office.get("/admin").text)
    preview = office.post("/admin/calendar", data={**hidden, "step": "preview"},
                          files={"file": ("notice-2027.txt", NOTICE.encode(), "text/plain")})
    assert preview.status_code == 200, preview.text
    days = re.search(r'<table id="import-days">.*?</table>', preview.text, re.S)
    assert days and "2027-02-08</td><td>周一</td><td>休息</td><td>春节" in days.group(0)
    assert "2027-02-20</td><td>周六</td><td>上班</td><td>春节" in days.group(0)
    assert "国庆节：2027-10-01 至 2027-10-07 放假 7 天" in preview.text
    assert not target.exists()  # a preview writes nothing
    # the preview carries the text it read; writing reads it again
    text = re.search(r'<textarea id="f-notice" name="notice"[^>]*readonly>(.*?)</textarea>',
                     preview.text, re.S)
    assert text, "the previewed text is not kept in the form"
    written = office.post("/admin/calendar", data={
        **admin_form(preview.text), "notice": html_lib.unescape(text.group(1)),
        "step": "write"})
    assert written.status_code == 200 and 'id="import-written"' in written.text, written.text
    assert "calendar/2027.yaml" in written.text and "calendar: files:" in written.text
    added = load_additions(target)
    assert dt.date(2027, 2, 8) in added.holidays and dt.date(2027, 2, 20) in added.workdays


def test_a_notice_that_does_not_add_up_is_refused_by_line(sqlite_server, tmp_path: Path,
        password: str, sign_in: Callable[[Any, str], httpx.Client]) -> None:
    sqlite_server.deployment.config.source = str(tmp_path / "duban.yaml")
    sqlite_server.user("王五", "总经理工作部", "总经理工作部", password=password, admin=True)
    office = sign_in(sqlite_server, "王五")
    broken = NOTICE.replace("至3日（周日）放假，共3天", "至3日（周日）放假，共4天")
    r = office.post("/admin/calendar", data={**admin_form(office.get("/admin").text),
                                             "notice": broken, "step": "write"})
    assert r.status_code == 422
    problems = re.search(r'<div class="refusal" role="alert" id="import-problems">(.*?)</div>',
                         r.text, re.S)
    assert problems and "通知:6:1: 错误[notice.total]" in problems.group(1), r.text
    assert not (tmp_path / "calendar").exists()  # nothing written


def test_only_administrators_import_notices(sqlite_server, tmp_path: Path, password: str,
        sign_in: Callable[[Any, str], httpx.Client]) -> None:
    sqlite_server.deployment.config.source = str(tmp_path / "duban.yaml")
    sqlite_server.user("李四", "财务部", "承办部门", password=password)
    finance = sign_in(sqlite_server, "李四")
    assert finance.get("/admin").status_code == 403
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', finance.get("/").text)
    assert csrf
    r = finance.post("/admin/calendar", data={"csrf_token": csrf.group(1), "notice": NOTICE,
                                              "step": "write"})
    assert r.status_code == 403 and "只有管理员" in r.text
    assert not (tmp_path / "calendar").exists()


def test_the_timeline_names_who_entered_a_decision_only_for_代录(sqlite_server, password: str,
        sign_in: Callable[[Any, str], httpx.Client],
        form_of: Callable[[str, str], dict[str, str]]) -> None:
    item = opened(sqlite_server, password)
    sqlite_server.user("李四", "财务部", "承办部门", password=password)
    sqlite_server.user("秘书", "总经理工作部", "总经理工作部", proxy_roles=("分管领导",),
                       password=password)
    finance = sign_in(sqlite_server, "李四")
    hidden = form_of(finance.get(f"/items/{item}").text, "request_extension")
    assert finance.post(f"/items/{item}/act/request_extension", data={
        **hidden, "until": "2026-03-31", "reason": "需等待审计数据"}).status_code == 303
    # the clerk records the 分管领导's signature: offered because of the 代录 right
    clerk = sign_in(sqlite_server, "秘书")
    r = clerk.post(f"/items/{item}/act/approve", data={
        **form_of(clerk.get(f"/items/{item}").text, "approve"),
        "behalf_role": "分管领导", "behalf_person": "刘总"})
    assert r.status_code == 303, r.text
    story = re.search(r'<ol class="timeline">(.*?)</ol>', clerk.get(f"/items/{item}").text,
                      re.S)
    assert story
    lines = re.findall(r"<li><time>.*?</li>", story.group(1), re.S)
    signed = [line for line in lines if "分管领导签署意见：同意" in line]
    assert len(signed) == 1 and "刘总（代录：总经理工作部 秘书）" in signed[0], signed
    assert signed[0].count("代录") == 1  # once, not again as a tag
    # whoever acted in person (over the API or a page) is not shown as 代录 — nor the
    # server process's own OS user
    assert all("代录" not in line for line in lines if line not in signed), lines
