"""一单多事 on the pages over real HTTP: 新建事项 offers “加入通知单” when a loaded policy
numbers notices, a second item posted with it joins the notice, and the item page says
which notice and which place (the id to write to join it)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import httpx


def test_the_new_item_form_joins_a_notice(sqlite_server, password: str,
                                          sign_in: Callable[..., httpx.Client]) -> None:
    live = sqlite_server
    api = live.user("王五", "综合部", "跟进督办工作办公室", password=password)
    leader = live.user("李四", None, "有关领导")
    r = api.post("/api/v1/items", json={"id": "A", "policy": "qinan_genjin", "title": "完善评价报告三级审核",
                                        "kind": "meeting_decision", "lead": "评价一部",
                                        "due": "2026-03-20"})
    assert r.status_code == 201, r.text
    office = sign_in(live, "王五")
    page = office.get("/items/new").text
    assert 'name="notice"' in page and "加入通知单" in page
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    r = office.post("/items/new", data={
        **hidden, "title": "更新安全评价人员台账", "category": "qinan_genjin|公司决策事项",
        "kind": "meeting_decision", "lead": "技术部", "due": "2026-03-31", "notice": "A"})
    assert r.status_code == 303, r.text
    joined = r.headers["location"].rsplit("/", 1)[-1]
    for item_id in ("A", joined):
        assert leader.post(f"/api/v1/items/{item_id}/actions/approve", json={}).status_code == 200
    shown = html.unescape(office.get(f"/items/{joined}").text)
    assert "陕秦安督字〔2026〕1号" in shown and "A，第2项" in shown
    refused = office.post("/items/new", data={
        **hidden, "title": "x", "category": "qinan_genjin|公司决策事项", "lead": "技术部",
        "due": "2026-03-31", "notice": "Q"})
    assert refused.status_code == 422 and "没有通知单 &#39;Q&#39;" in refused.text
