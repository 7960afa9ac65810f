"""The items API over real HTTP, on SQLite and on PostgreSQL: a 督办 item's life as an OA
system would drive it, the engine's refusals as problem+json, idempotency keys and
confidentiality."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

PROBLEM = "application/problem+json"


def actions(detail: dict) -> dict[str, dict]:
    return {a["action"]: a for a in detail["actions"]}


def test_without_credentials_the_answer_is_401_never_a_guess(server) -> None:
    anon = server.client()
    for method, path in (("GET", "/api/v1/items"), ("POST", "/api/v1/items"),
                         ("GET", "/api/v1/items/A"), ("POST", "/api/v1/items/A/actions/approve")):
        r = anon.request(method, path, json={} if method == "POST" else None)
        assert r.status_code == 401, (method, path, r.text)
        assert r.headers["content-type"] == PROBLEM
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert r.json()["code"] == "unauthenticated"
    bad = server.client("dbn_000000000000_forged")
    assert bad.get("/api/v1/items").status_code == 401


def test_a_life_through_the_api(server, item_fields: Mapping[str, Any]) -> None:
    office = server.user("王五", "总经理工作部", "总经理工作部")
    gm = server.user("张总", "总经理办公室", "总经理")
    finance = server.user("李四", "财务部", "主办部门")

    r = office.post("/api/v1/items", json={"id": "A1", **item_fields, "due": "2026-03-31"})
    assert r.status_code == 201, r.text
    item = r.json()
    assert item["state"] == "待批示" and item["lead"] == "财务部"
    assert item["pending"]["approver"] == "总经理"
    assert "approve" not in {a for a, o in actions(item).items() if o["allowed"]}

    seen_by_gm = gm.get("/api/v1/items/A1").json()
    assert actions(seen_by_gm)["approve"]["allowed"] is True
    r = gm.post("/api/v1/items/A1/actions/approve", json={"reason": "同意"})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "已交办"

    offer = actions(finance.get("/api/v1/items/A1").json())
    assert offer["confirm"]["allowed"] and offer["report"]["allowed"]
    # 总经理督办 may not be extended: offered as refused, with the engine's reason and cite
    assert offer["request_extension"]["allowed"] is False
    assert offer["request_extension"]["code"] == "extension_not_allowed"
    assert offer["request_extension"]["cite"] == "第九条（五）"
    assert {"name": "until", "type": "date", "required": True, "label": "延期至"} in \
        offer["request_extension"]["fields"]
    assert finance.post("/api/v1/items/A1/actions/签收", json={}).json()["state"] == "承办中"

    history = finance.get("/api/v1/items/A1").json()["history"]
    assert [e["action"] for e in history][:3] == ["create", "approve", "签收"]
    assert history[1]["person"] == "张总" and history[0]["department"] == "总经理工作部"


def test_engine_refusals_arrive_with_code_message_and_cite(server,
        item_fields: Mapping[str, Any]) -> None:
    office = server.user("王五", "总经理工作部", "总经理工作部")
    finance = server.user("李四", "财务部", "主办部门")
    assert office.post("/api/v1/items", json={"id": "A2", **item_fields}).status_code == 201

    r = finance.post("/api/v1/items/A2/actions/approve", json={})
    assert r.status_code == 403
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["code"] == "permission_denied"
    assert "总经理" in body["detail"] and body["instance"] == "/api/v1/items/A2/actions/approve"

    r = office.post("/api/v1/items/A2/actions/report", json={})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"

    r = finance.post("/api/v1/items", json={"id": "B", **item_fields})
    assert r.status_code == 403 and r.json()["cite"] == "第九条（一）"

    r = office.post("/api/v1/items", json={"id": "bad id", **item_fields})
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    assert office.get("/api/v1/items/A2").json()["history"][-1]["action"] == "create"


def test_an_idempotency_key_makes_a_retry_harmless(server, item_fields: Mapping[str, Any]) -> None:
    office = server.user("王五", "总经理工作部", "总经理工作部")
    headers = {"Idempotency-Key": "oa-req-1"}
    first = office.post("/api/v1/items", json={"id": "K1", **item_fields}, headers=headers)
    again = office.post("/api/v1/items", json={"id": "K1", **item_fields}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["history"] == first.json()["history"]
    assert len(again.json()["history"]) == 1
    # without the key, the same request is a new command: the item exists already
    assert office.post("/api/v1/items", json={"id": "K1", **item_fields}).status_code == 422


def test_confidential_items_are_unknown_to_those_not_entitled(server,
        item_fields: Mapping[str, Any]) -> None:
    office = server.user("王五", "总经理工作部", "总经理工作部")
    finance = server.user("李四", "财务部", "主办部门")
    other = server.user("赵六", "人事部", "主办部门")
    r = office.post("/api/v1/items", json={"id": "S1", **item_fields, "confidential": True,
                                           "title": "机密：并购"})
    assert r.status_code == 201, r.text
    for client, entitled in ((office, True), (finance, True), (other, False)):
        assert (client.get("/api/v1/items/S1").status_code == 200) is entitled
        listed = [i["id"] for i in client.get("/api/v1/items").json()["items"]]
        assert ("S1" in listed) is entitled
    missing = other.get("/api/v1/items/NOPE")
    hidden = other.get("/api/v1/items/S1")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace("S1", "X") == missing.json()["detail"].replace(
        "NOPE", "X")
    act = other.post("/api/v1/items/S1/actions/confirm", json={})
    assert act.status_code == 404 and "机密" not in act.text
    admin = server.user("审计管理员", None, admin=True)
    audit = admin.get("/api/v1/audit/reads", params={"item": "S1"}).json()
    assert {a["user"] for a in audit} >= {"王五", "李四"}
    assert "赵六" not in {a["user"] for a in audit}
    assert other.get("/api/v1/audit/reads").status_code == 403


def test_listing_filters_and_pages(server, item_fields: Mapping[str, Any]) -> None:
    office = server.user("王五", "总经理工作部", "总经理工作部")
    for n in range(5):
        r = office.post("/api/v1/items", json={"id": f"L{n}", **item_fields,
                                               "lead": "财务部" if n % 2 else "办公室"})
        assert r.status_code == 201
    page = office.get("/api/v1/items", params={"limit": 2, "offset": 1}).json()
    assert page["total"] == 5 and [i["id"] for i in page["items"]] == ["L1", "L2"]
    fin = office.get("/api/v1/items", params={"department": "财务部"}).json()
    assert [i["id"] for i in fin["items"]] == ["L1", "L3"]
    assert office.get("/api/v1/items", params={"state": "pending_approval"}).json()["total"] == 5
    r = office.get("/api/v1/items", params={"limit": 0})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM


def test_openapi_and_operations_endpoints(server) -> None:
    anon = server.client()
    spec = anon.get("/api/openapi.json").json()
    assert "/api/v1/items/{item_id}/actions/{action}" in spec["paths"]
    assert anon.get("/healthz").json() == {"status": "ok"}
    ready = anon.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ok", ready.text
    server.clock.advance(days=300)  # 2026-12-27: the calendar data ends in days
    ready = anon.get("/readyz").json()
    assert ready["status"] == "degraded" and ready["checks"]["calendar"]["expiring"]
    server.clock.advance(days=10)  # 2027: no data at all
    assert anon.get("/readyz").status_code == 503
    metrics = anon.get("/metrics").text
    assert "duban_http_requests_total" in metrics and "duban_outbox_pending" in metrics
    r = anon.get("/healthz")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_a_stray_http_client_error_is_still_a_problem(server) -> None:
    r = httpx.get(f"{server.url}/api/v1/nothing-here")
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
