"""A report that must include named contents (xingzheng_duban 4.2.1（4）/4.3.4: 主办部门的反馈
“必须包括但不限于”七项) over real HTTP: the item's offered actions list each content as a
required field, a report lacking one is refused with the list and the clause, a complete
one goes to the 分管领导; the item page's form has a text box per content and its post
is accepted."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx

SEVEN = ["工作中存在的问题或提升空间", "工作目标", "解决问题或提升工作的计划（须含完成时限）",
         "已经开展的工作及在整个计划中所处的节点或所占比重", "尚未开展的工作及下一步推进计划",
         "避免问题再次发生的相关措施或持续提升的建议", "其他工作建议"]


def _in_progress(live: Any, password: str) -> None:
    """A 三类 item of 财务部, 确认单 submitted and 审定 (承办中)."""
    zonghe = live.user("综合部干事", "综合部", "综合部")
    chief = live.user("董事长", "公司办", "公司主要领导")
    third = {"policy": "xingzheng_duban", "kind": "leader_instruction", "title": "专项任务",
             "lead": "财务部"}
    assert zonghe.post("/api/v1/items", json={"id": "X1", **third}).status_code == 201
    lead = live.user("财务部长", "财务部", "主办部门", password=password)
    assert lead.post("/api/v1/items/X1/actions/confirm", json={"due": "2026-03-31"}
                     ).status_code == 200
    assert chief.post("/api/v1/items/X1/actions/approve", json={}).status_code == 200


def test_the_api_offers_asks_for_and_enforces_the_contents(sqlite_server, password: str) -> None:
    _in_progress(sqlite_server, password)
    lead = sqlite_server.user("财务干事", "财务部", "主办部门")
    offered = {a["action"]: a for a in lead.get("/api/v1/items/X1").json()["actions"]}
    fields = {f["name"]: f for f in offered["progress"]["fields"]}
    assert [n for n in fields if n.startswith("content:")] == [f"content:{n}" for n in SEVEN]
    assert all(fields[f"content:{n}"]["required"] for n in SEVEN)
    partial = dict.fromkeys(SEVEN[:5], "已写明")
    r = lead.post("/api/v1/items/X1/actions/progress", json={"contents": partial})
    assert r.status_code == 422 and r.json()["cite"] == "4.2.1（4）；4.3.4", r.text
    assert f"必须包括：{SEVEN[5]}；{SEVEN[6]}（缺 2 项" in r.json()["detail"]
    assert lead.get("/api/v1/items/X1").json()["state"] == "承办中"  # nothing changed
    # a name that would read back as the event log's own date marker is bad input
    r = lead.post("/api/v1/items/X1/actions/progress",
                  json={"contents": {**dict.fromkeys(SEVEN, "已写明"), "$dt": "x"}})
    assert r.status_code == 422, r.text
    r = lead.post("/api/v1/items/X1/actions/progress",
                  json={"contents": dict.fromkeys(SEVEN, "已写明")})
    assert r.status_code == 200 and r.json()["state"] == "反馈待审核", r.text


def test_the_page_form_has_a_box_per_content_and_posts_them(sqlite_server, password: str,
        sign_in: Callable[[Any, str], httpx.Client],
        form_of: Callable[[str, str], dict[str, str]]) -> None:
    _in_progress(sqlite_server, password)
    finance = sign_in(sqlite_server, "财务部长")
    page = finance.get("/items/X1").text
    form = re.search(r'<form method="post" action="[^"]*/act/progress".*?</form>', page, re.S)
    assert form is not None
    boxes = re.findall(r'<textarea [^>]*name="(content:[^"]+)"[^>]*required', form.group(0))
    assert boxes == [f"content:{n}" for n in SEVEN]
    sent = finance.post("/items/X1/act/progress", data={
        **form_of(page, "progress"), **{f"content:{n}": f"第{i}项" for i, n in enumerate(SEVEN)}})
    assert sent.status_code == 303, sent.text
    api = sqlite_server.user("综合部查看", "综合部", "综合部")
    detail = api.get("/api/v1/items/X1").json()
    assert detail["state"] == "反馈待审核"
    assert detail["history"][-1]["data"]["contents"] == {n: f"第{i}项" for i, n in
                                                        enumerate(SEVEN)}
