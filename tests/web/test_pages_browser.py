"""The web app in a real browser: Playwright driving Debian's Chromium against a real
duban service on 127.0.0.1 (SQLite file), three people signing in with passwords.

One 督办 item's life under gansu_huizhan (日常督办): the 总经理工作部 creates it, the
leader (督办领导 and 分管领导) approves it, 财务部 signs for it and asks for an extension
with a reason, the leader's two signatures grant it, 财务部 reports with an attachment,
the office reviews and closes it. At each step the test checks what that person sees
(我的待办, the item page's state, deadline, actions and timeline), takes screenshots at
375 px and 1280 px (kept under the test's tmp folder), and fails on any console error
(a CSP violation is one). The leader approves with the keyboard alone. A confidential
item stays invisible to another department on every page.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from duban.web.identity import issue_token

if os.environ.get("CI") == "true":  # in CI a missing Playwright is a failure, not a skip
    import playwright.sync_api as playwright_api
else:
    playwright_api = pytest.importorskip("playwright.sync_api")

PASSWORD = "duban-pass-2026"
WIDTHS = (375, 1280)
SHOTS = Path(os.environ.get("DUBAN_SHOTS", "")) if os.environ.get("DUBAN_SHOTS") else None
NOTICE = (Path(__file__).parents[1] / "calendar" / "data" /
          "notice-2027-TEST-FIXTURE.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    with playwright_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def live(tmp_path: Path, start_server: Callable[..., Any]) -> Iterator[Any]:
    server = start_server(f"sqlite:///{tmp_path / 'duban.db'}", tmp_path)
    server.user("王五", "总经理工作部", "总经理工作部", password=PASSWORD, admin=True)
    server.user("刘总", "公司领导", "督办领导", "分管领导", password=PASSWORD)
    server.user("李四", "财务部", "承办部门", password=PASSWORD)
    server.user("赵六", "人事部", "承办部门", password=PASSWORD)
    yield server
    server.stop()


class Person:
    """One signed-in browser context, with its console errors and screenshots."""

    def __init__(self, browser: Any, live, name: str, shots: Path) -> None:
        self.live, self.name, self.shots = live, name, shots
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           locale="zh-CN", accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.login()

    def login(self) -> None:
        p = self.page
        p.goto(f"{self.live.url}/")
        assert p.url.endswith("/login?next=/")
        p.get_by_label("用户名").fill(self.name)
        p.get_by_label("密码").fill(PASSWORD)
        p.get_by_role("button", name="登录").click()
        p.wait_for_url(f"{self.live.url}/")
        assert self.name in p.locator("header .who").inner_text()

    def go(self, path: str) -> Any:
        self.page.goto(f"{self.live.url}{path}")
        return self.page

    def shoot(self, label: str) -> None:
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            shot = self.shots / f"{label}-{width}.png"
            self.page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 5000
            overflow = self.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{label} at {width}px scrolls sideways by {overflow}px"
        self.page.set_viewport_size({"width": 1280, "height": 900})

    def todo_titles(self) -> list[str]:
        self.go("/")
        return self.page.locator(".item-card .line1 a").all_inner_texts()

    def state(self, item_id: str) -> str:
        self.go(f"/items/{item_id}")
        return str(self.page.locator("#item-state").inner_text())

    def act(self, word: str, **fields: str) -> None:
        p = self.page
        form = p.locator("details.action", has=p.locator(f"summary:text-is('{word}')"))
        if form.get_attribute("open") is None:
            form.locator("summary").click()
        for label, value in fields.items():
            if label == "file":
                form.locator("input[type=file]").set_input_files(value)
            else:
                form.get_by_label(label).fill(value)
        form.get_by_role("button", name=word).click()
        p.wait_for_load_state()
        assert p.locator(".refusal").count() == 0, p.locator(".refusal").inner_text()

    def close(self) -> None:
        assert not self.errors, f"console errors for {self.name}: {self.errors}"
        self.context.close()


def shots_dir(tmp_path: Path) -> Path:
    folder = SHOTS or tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_full_life_with_three_people(browser: Any, live, tmp_path: Path) -> None:
    shots = shots_dir(tmp_path)
    office = Person(browser, live, "王五", shots)
    leader = Person(browser, live, "刘总", shots)
    finance = Person(browser, live, "李四", shots)
    item_id = office_creates(office, finance)
    leader_approves(live, leader)
    extension_granted(live, leader, finance, item_id)
    report = tmp_path / "办结报告.pdf"
    report.write_bytes(b"%PDF-1.4\n% duban test\n" + b"0" * 2000)
    finance_reports(live, finance, item_id, report)
    office_closes(live, office, item_id, report)
    for person in (office, leader, finance):
        person.close()


def office_creates(office: Person, finance: Person) -> str:
    """The office creates the item through the new-item form; nothing waits for it."""
    p = office.go("/items/new")
    p.get_by_label("事项名称").fill("完成年度预算调整")
    p.get_by_label("制度与类别").select_option("gansu_huizhan|日常督办")
    p.get_by_label("事项类型").select_option("meeting_decision")
    p.get_by_label("主办部门").fill("财务部")
    p.get_by_label("办理期限").fill("2026-03-20")
    office.shoot("1-new-item")
    p.get_by_role("button", name="立项").click()
    p.wait_for_url(lambda url: "/items/new" not in url)
    item_id = p.url.rsplit("/", 1)[1]
    assert p.locator("#item-state").inner_text() == "待批示"
    assert "督办领导" in p.locator("#pending").inner_text()
    office.shoot("2-created")
    assert "完成年度预算调整" not in office.todo_titles()  # nothing waits for the office
    assert finance.todo_titles() == []  # not opened yet
    return item_id


def leader_approves(live, leader: Person) -> None:
    """The leader finds it waiting and approves it with the keyboard alone."""
    live.clock.advance(hours=1)
    leader.go("/")
    assert leader.page.locator(".item-card strong").first.inner_text() == "待您审批：督办领导批准"
    leader.shoot("3-leader-todo")
    keyboard_approve(leader.page, "完成年度预算调整")
    assert leader.page.locator("#item-state").inner_text() == "已交办"
    leader.shoot("4-approved")


def extension_granted(live, leader: Person, finance: Person, item_id: str) -> None:
    """财务部 signs and asks for more time with a reason; the leader's two signatures
    (分管领导, then 督办领导) grant it and the deadline moves."""
    live.clock.advance(hours=3)  # sessions last 12 hours
    assert finance.todo_titles() == ["完成年度预算调整"], finance.page.locator("main").inner_text()
    finance.shoot("5-finance-todo")
    finance.go(f"/items/{item_id}")
    assert finance.page.locator("#item-due").inner_text() == "2026-03-20 23:59"
    finance.act("签收")
    assert finance.page.locator("#item-state").inner_text() == "承办中"
    finance.act("申请延期", 延期至="2026-03-31", **{"理由/说明": "需等待审计数据"})
    assert finance.page.locator("#item-state").inner_text() == "延期审批中"
    finance.shoot("6-extension-requested")
    live.clock.advance(hours=2)
    leader.go("/")
    assert "待您审批：分管领导签署意见" in leader.page.locator(".item-card").first.inner_text()
    leader.go(f"/items/{item_id}")
    assert "需等待审计数据" in leader.page.locator(".card", has_text="待审批").inner_text()
    # the buttons say which step they decide, as the timeline will
    leader.act("分管领导签署意见：同意")
    leader.act("督办领导签署意见：同意")
    assert leader.page.locator("#item-due").inner_text() == "2026-03-31 23:59"
    leader.shoot("7-extension-granted")


def finance_reports(live, finance: Person, item_id: str, report: Path) -> None:
    """财务部 reports with the 办结报告 attached."""
    live.clock.advance(hours=3)
    finance.go(f"/items/{item_id}")
    finance.act("报结", file=str(report), **{"理由/说明": "预算调整已完成"})
    assert finance.page.locator("#item-state").inner_text() == "待审核"
    assert "办结报告：办结报告.pdf" in finance.page.locator("section", has_text="办理过程").inner_text()
    finance.shoot("8-reported")


def office_closes(live, office: Person, item_id: str, report: Path) -> None:
    """The office reviews and closes; the timeline tells the whole story, the attachment
    downloads as uploaded, the 台账 and the 通报 count the item; then the administrator
    previews next year's holiday notice."""
    live.clock.advance(hours=2)
    assert office.todo_titles() == ["完成年度预算调整"]  # now it waits for the office
    assert office.page.locator(".item-card strong").first.inner_text() == "待您审批：总经理工作部审核"
    office.go(f"/items/{item_id}")
    office.act("总经理工作部审核：同意")
    assert office.page.locator("#item-state").inner_text() == "已办结"
    story = office.page.locator(".timeline").inner_text()
    for word in ("立项", "督办领导批准：同意", "签收", "申请延期", "需等待审计数据",
                 "分管领导签署意见：同意", "督办领导签署意见：同意", "报结", "总经理工作部审核：同意"):
        assert word in story, (word, story)
    with office.page.expect_download() as got:
        office.page.get_by_role("link", name="办结报告：办结报告.pdf").first.click()
    assert Path(got.value.path()).read_bytes() == report.read_bytes()
    office.shoot("9-closed")
    office.go("/items")
    assert office.page.locator("#ledger-total").inner_text() == "1"
    office.shoot("10-ledger")
    office.go("/reports?month=2026-03")
    assert office.page.locator(".bulletin svg").count() == 2
    office.shoot("11-bulletin")
    # the administrator previews next year's holiday notice (nothing written yet)
    live.deployment.config.source = str(report.parent / "duban.yaml")
    p = office.go("/admin")
    p.get_by_label("通知全文").fill(NOTICE)
    p.get_by_role("button", name="预览").click()
    p.wait_for_load_state()
    assert "2027-02-20" in p.locator("#import-days").inner_text()
    assert not (report.parent / "calendar").exists()
    office.shoot("12-calendar-preview")


def keyboard_approve(page: Any, title: str) -> None:
    """From 我的待办 to the approval, pressing only Tab, Enter and Space."""
    focus_by_tab(page, f"a:text-is('{title}')")
    # A key press does not wait for the navigation it starts (a click does): wait for it,
    # or a loaded machine reads the page before the request has even been sent.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    focus_by_tab(page, "details.action summary:text-is('督办领导批准：同意')")
    page.keyboard.press("Enter")
    focus_by_tab(page, "details.action[open] button:text-is('督办领导批准：同意')")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def focus_by_tab(page: Any, selector: str, limit: int = 60) -> None:
    target = page.locator(selector).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            visible = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert visible != "none", f"{selector} has no visible focus"
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_confidential_item_is_invisible_to_another_department(
        browser: Any, live, tmp_path: Path) -> None:
    with live.deployment.pool.lease() as lease:
        token = issue_token(lease.identity, "王五", "test", live.clock())
    office = live.client(token)
    r = office.post("/api/v1/items", json={
        "id": "S1", "policy": "gansu_huizhan", "category": "日常督办", "kind": "other",
        "title": "机密：干部调整方案", "lead": "财务部", "due": "2026-03-20",
        "confidential": True})
    assert r.status_code == 201, r.text
    other = Person(browser, live, "赵六", shots_dir(tmp_path))
    entitled = Person(browser, live, "李四", shots_dir(tmp_path))
    assert "机密：干部调整方案" in entitled.go("/items").locator("#ledger").inner_text()
    pages = ["/", "/items", "/items?q=机密", "/items?department=财务部", "/reports?month=2026-03",
             "/items/export?format=csv"]
    for path in pages:
        if "export" in path:
            body = other.page.request.get(f"{live.url}{path}").body().decode("utf-8-sig")
        else:
            body = other.go(path).content()
        assert "干部调整" not in body and "/items/S1" not in body, path
    missing = other.go("/items/NOPE")
    missing_text = missing.locator("main").inner_text()
    hidden = other.go("/items/S1")
    assert hidden.locator("main").inner_text() == missing_text
    assert "干部调整" not in hidden.content()
    answer = other.page.request.get(f"{live.url}/items/S1")
    assert answer.status == 404
    # the two 未找到 pages answered 404 on purpose; nothing else may have failed
    other.errors = [e for e in other.errors if "status of 404" not in e]
    csrf = other.page.locator("input[name=csrf_token]").first.get_attribute("value")
    posted = other.page.request.post(f"{live.url}/items/S1/act/confirm",
                                     multipart={"csrf_token": csrf or ""})
    assert posted.status == 404 and "干部调整" not in posted.text()
    other.close()
    entitled.close()


def test_refusals_and_login_errors_are_shown_in_chinese(browser: Any, live,
                                                        tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(f"{live.url}/login")
    page.get_by_label("用户名").fill("王五")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert page.locator("[role=alert]").inner_text() == "用户名或密码错误"
    page.close()
    finance = Person(browser, live, "李四", shots_dir(tmp_path))
    p = finance.go("/items/new")
    p.get_by_label("事项名称").fill("部门自行立项")
    p.get_by_label("制度与类别").select_option("gansu_huizhan|日常督办")
    p.get_by_label("主办部门").fill("财务部")
    p.get_by_role("button", name="立项").click()
    alert = p.locator("[role=alert]").inner_text()
    assert "无权" in alert and "第九条（一）" in alert, alert  # the engine's words and cite
    assert p.get_by_label("事项名称").input_value() == "部门自行立项"  # what was typed is kept
    # the refusal page answered 403 on purpose (the browser logs the status); nothing else
    finance.errors = [e for e in finance.errors if "status of 403" not in e]
    finance.close()


def test_an_administrator_adds_a_colleague_by_keyboard_at_375px(browser: Any, live,
                                                                tmp_path: Path) -> None:
    """At phone width, Tab/typing/Space/Enter only: the 添加用户 form's fields are labelled
    and reachable, a role is chosen in its policy's group, and the token is shown once."""
    office = Person(browser, live, "王五", shots_dir(tmp_path))
    p = office.go("/admin")
    p.set_viewport_size({"width": 375, "height": 800})
    focus_by_tab(p, "#u-name", limit=200)
    p.keyboard.type("钱八")
    p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.id") == "u-departments"
    p.keyboard.type("财务部、人事部")
    group = "#u-roles details.role-group:has(summary:has-text('gansu_huizhan'))"
    focus_by_tab(p, f"{group} summary")
    p.keyboard.press("Enter")  # opens the policy's group
    focus_by_tab(p, f"{group} input[value='承办部门']")
    p.keyboard.press("Space")
    focus_by_tab(p, "#u-password")
    p.keyboard.type("qianba-pass-2026")
    focus_by_tab(p, "#add-user button[type=submit]")
    with p.expect_navigation():
        p.keyboard.press("Enter")
    assert "已添加用户 钱八" in p.locator("#user-created").inner_text()
    token = p.locator("#new-token").inner_text()
    assert token.startswith("dbn_")
    assert live.client(token).get("/api/v1/me").json()["roles"] == ["承办部门"]
    office.shoot("13-user-added")
    office.go("/admin")
    assert p.locator("#new-token").count() == 0  # shown once
    office.close()


def test_an_administrator_edits_a_leaders_oversees_by_keyboard_at_375px(
        browser: Any, live, tmp_path: Path) -> None:
    """At phone width, Tab/typing/Enter only: 编辑 on a user's row opens the form prefilled
    (its roles ticked in their policy's open group), the 分管单位 typed there are saved,
    and the browser lands back on /admin (Post/Redirect/Get), where the row shows them."""
    office = Person(browser, live, "王五", shots_dir(tmp_path))
    p = office.go("/admin")
    p.set_viewport_size({"width": 375, "height": 800})
    focus_by_tab(p, "a[aria-label='编辑 刘总']", limit=200)
    with p.expect_navigation():
        p.keyboard.press("Enter")
    assert p.locator("#e-departments").input_value() == "公司领导"
    assert p.locator("#e-roles input[value='分管领导']").first.is_checked()
    office.shoot("14-user-edit")
    focus_by_tab(p, "#e-oversees", limit=200)
    p.keyboard.type("财务部、人事部")
    focus_by_tab(p, "#edit-user button[type=submit]")
    with p.expect_navigation():
        p.keyboard.press("Enter")
    assert p.url == f"{live.url}/admin"
    assert "财务部、人事部" in p.locator("#users tr", has_text="刘总").inner_text()
    with live.deployment.pool.lease() as lease:
        record = lease.identity.user("刘总")
        assert record.oversees == ("财务部", "人事部")
        assert set(record.roles) == {"督办领导", "分管领导"}  # untouched checkboxes kept
    office.close()
