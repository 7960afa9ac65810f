"""一单多事 over the HTTP API, on SQLite and on PostgreSQL: an OA system opens two items
on one notice (``notice`` in the create body), both carry the notice's 文号 with their
place, the 通知单 form lists both, and joining a notice that does not exist is a
problem+json naming the field — nothing is written."""

from __future__ import annotations

PROBLEM = "application/problem+json"


def test_two_items_on_one_notice_through_the_api(server) -> None:
    office = server.user("王五", "综合部", "跟进督办工作办公室")
    leader = server.user("李四", None, "有关领导")
    base = {"policy": "qinan_genjin", "kind": "meeting_decision"}
    r = office.post("/api/v1/items", json={**base, "id": "A", "title": "完善评价报告三级审核",
                                           "lead": "评价一部", "due": "2026-03-20"})
    assert r.status_code == 201, r.text
    r = office.post("/api/v1/items", json={**base, "id": "B", "title": "更新安全评价人员台账",
                                           "lead": "技术部", "due": "2026-03-31",
                                           "notice": "A"})
    assert r.status_code == 201, r.text
    for item_id in ("A", "B"):
        r = leader.post(f"/api/v1/items/{item_id}/actions/approve", json={})
        assert r.status_code == 200, r.text
    a, b = (office.get(f"/api/v1/items/{i}").json() for i in "AB")
    assert a["number"] == b["number"] == "陕秦安督字〔2026〕1号"
    assert (a["notice"], a["notice_item"], b["notice"], b["notice_item"]) == ("A", 1, "A", 2)
    listed = {i["id"]: i for i in office.get("/api/v1/items").json()["items"]}
    assert listed["B"]["notice"] == "A" and listed["B"]["notice_item"] == 2
    form = office.get("/api/v1/items/A/forms/notice").text
    assert "督办事项内容（第2项） | 更新安全评价人员台账" in form

    r = office.post("/api/v1/items", json={**base, "id": "C", "title": "x", "lead": "技术部",
                                           "due": "2026-04-30", "notice": "Q"})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert r.json()["code"] == "validation_error" and "没有通知单 'Q'" in r.json()["detail"]
    assert office.get("/api/v1/items/C").status_code == 404
