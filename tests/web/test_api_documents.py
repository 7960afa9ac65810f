"""Attachments, reports, exports and policies over real HTTP — and confidentiality through
every endpoint that can show an item: a person not entitled to a 保密 item gets the same
404 as for an item that does not exist, and finds it in no listing, report or export."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

import openpyxl
import pytest

PDF = b"%PDF-1.4\n% a test report\n"


@pytest.fixture
def open_item(item_fields: Mapping[str, Any]) -> Callable[..., dict[str, Any]]:
    """``open_item(server, id, **fields)``: the office creates the item, 总经理 approves it."""
    def opener(server: Any, item_id: str, **extra: object) -> dict[str, Any]:
        office = server.user(f"办公室-{item_id}", "总经理工作部", "总经理工作部")
        gm = server.user(f"总经理-{item_id}", "总经理办公室", "总经理")
        r = office.post("/api/v1/items",
                        json={"id": item_id, **item_fields, "due": "2026-03-31", **extra})
        assert r.status_code == 201, r.text
        assert gm.post(f"/api/v1/items/{item_id}/actions/approve", json={}).status_code == 200
        result: dict[str, Any] = r.json()
        return result
    return opener


def test_a_report_with_its_办结报告_attached(server, open_item: Callable[..., dict[str, Any]]) -> None:
    open_item(server, "R1")
    finance = server.user("李四", "财务部", "主办部门")
    up = finance.post("/api/v1/items/R1/attachments", data={"kind": "办结报告"},
                      files={"file": ("../../报告.pdf", PDF, "application/pdf")})
    assert up.status_code == 201, up.text
    att = up.json()
    assert att["filename"] == "报告.pdf" and att["size"] == len(PDF) and att["kind"] == "办结报告"
    r = finance.post("/api/v1/items/R1/actions/report", json={"attachments": [att["id"]]})
    assert r.status_code == 200, r.text
    detail = finance.get("/api/v1/items/R1").json()
    assert [a["id"] for a in detail["attachments"]] == [att["id"]]
    assert detail["history"][-1]["data"]["attachments"] == [att["id"]]
    got = finance.get(f"/api/v1/items/R1/attachments/{att['id']}")
    assert got.content == PDF and got.headers["content-disposition"].startswith("attachment")
    assert finance.post("/api/v1/items/R1/actions/progress",
                        json={"attachments": ["feedfacefeedface"]}).status_code == 422


@pytest.mark.parametrize(("name", "data", "kind", "status"), [
    ("x.pdf", b"<script>alert(1)</script>", "application/pdf", 415),   # not what it says
    ("x.html", b"<html></html>", "text/html", 415),                    # not an accepted type
    ("big.pdf", b"%PDF-" + b"0" * 2048, "application/pdf", 413),       # over the limit
])
def test_attachment_limits(tmp_path: object, name: str, data: bytes, kind: str, status: int,
        start_server: Callable[..., Any], open_item: Callable[..., dict[str, Any]]) -> None:
    from pathlib import Path


    root = Path(str(tmp_path))
    live = start_server(f"sqlite:///{root / 'duban.db'}", root, attachment_max_bytes=1024)
    try:
        open_item(live, "U1")
        finance = live.user("李四", "财务部", "主办部门")
        r = finance.post("/api/v1/items/U1/attachments", files={"file": (name, data, kind)})
        assert r.status_code == status, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert finance.get("/api/v1/items/U1").json()["attachments"] == []
    finally:
        live.stop()


def test_a_huge_body_is_cut_off_before_it_is_read(tmp_path: object,
        start_server: Callable[..., Any], open_item: Callable[..., dict[str, Any]]) -> None:
    from pathlib import Path


    root = Path(str(tmp_path))
    live = start_server(f"sqlite:///{root / 'duban.db'}", root, attachment_max_bytes=1024)
    try:
        open_item(live, "U2")
        finance = live.user("李四", "财务部", "主办部门")
        r = finance.post("/api/v1/items/U2/attachments",
                         files={"file": ("x.pdf", b"%PDF-" + b"0" * (3 * 1024 * 1024),
                                         "application/pdf")})
        assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    finally:
        live.stop()


def test_someone_with_nothing_to_do_cannot_upload(server,
        open_item: Callable[..., dict[str, Any]]) -> None:
    open_item(server, "N1")
    bystander = server.user("旁观", "审计部", "主办部门")
    r = bystander.post("/api/v1/items/N1/attachments", files={"file": ("a.pdf", PDF,
                                                                       "application/pdf")})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"


def test_reports_exports_and_forms(server, open_item: Callable[..., dict[str, Any]]) -> None:
    open_item(server, "P1")
    office = server.user("王五", "总经理工作部", "总经理工作部")
    md = office.get("/api/v1/reports/bulletin", params={"month": "2026-03"})
    assert md.status_code == 200, md.text
    assert md.headers["content-type"].startswith("text/markdown")
    csv = office.get("/api/v1/reports/taizhang").content.decode("utf-8-sig")
    assert "P1" in csv and "预算调整" in csv
    xlsx = office.get("/api/v1/reports/taizhang", params={"format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert any("P1" in str(c.value) for row in book.active.iter_rows() for c in row)
    docx = office.get("/api/v1/items/P1/forms/任务通知单", params={"format": "docx"})
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    bad = office.get("/api/v1/reports/bulletin", params={"month": "2026-13"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"


def test_policies_read_back(server) -> None:
    c = server.user("王五", "总经理工作部", "总经理工作部")
    ids = [p["id"] for p in c.get("/api/v1/policies").json()]
    assert "gansu_huizhan" in ids and "guoshuiju" in ids
    one = c.get("/api/v1/policies/gansu_huizhan").json()
    assert "总经理督办" in one["categories"] and "第九条" in one["explain"]
    svg = c.get("/api/v1/policies/gansu_huizhan/graph")
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
    diff = c.get("/api/v1/policies/diff", params={"old": "gansu_huizhan", "new": "guoshuiju"})
    assert diff.status_code == 200 and diff.json()["changes"]
    assert c.get("/api/v1/policies/nope").status_code == 404
    assert server.client().get("/api/v1/policies").status_code == 401


def test_confidentiality_through_every_endpoint(server, item_fields: Mapping[str, Any],
        open_item: Callable[..., dict[str, Any]]) -> None:
    """The 保密 item S9 exists; 赵六 of 人事部 is not entitled to it, so for him every
    path that could show it answers as if it did not exist."""
    open_item(server, "S9", confidential=True, title="机密：人事调整")
    finance = server.user("李四", "财务部", "主办部门")
    up = finance.post("/api/v1/items/S9/attachments", files={"file": ("a.pdf", PDF,
                                                                      "application/pdf")})
    assert up.status_code == 201
    att = up.json()["id"]
    other = server.user("赵六", "人事部", "主办部门")
    for method, path, kwargs in (
            ("GET", "/api/v1/items/S9", {}),
            ("POST", "/api/v1/items/S9/actions/confirm", {"json": {}}),
            ("POST", "/api/v1/items/S9/actions/no_such_action", {"json": {}}),
            ("GET", f"/api/v1/items/S9/attachments/{att}", {}),
            ("POST", "/api/v1/items/S9/attachments",
             {"files": {"file": ("b.pdf", PDF, "application/pdf")}}),
            ("GET", "/api/v1/items/S9/forms/任务通知单", {}),
            ("POST", "/api/v1/items", {"json": {"id": "S9-1", **item_fields, "parent": "S9"}})):
        r = other.request(method, path, **kwargs)
        assert r.status_code == 404, (method, path, r.status_code, r.text)
        assert "机密" not in r.text and "人事调整" not in r.text
    assert "S9" not in [i["id"] for i in other.get("/api/v1/items").json()["items"]]
    assert other.get("/api/v1/items", params={"q": "机密"}).json()["total"] == 0
    for path, params in (("/api/v1/reports/taizhang", {}),
                         ("/api/v1/reports/bulletin", {"month": "2026-03"}),
                         ("/api/v1/reports/bulletin", {"month": "2026-03", "format": "html"})):
        body = other.get(path, params=params).content.decode("utf-8-sig")
        assert "人事调整" not in body and "S9" not in body, path
    # the entitled see it, and each such read is in the audit
    assert "人事调整" in finance.get("/api/v1/reports/taizhang").content.decode("utf-8-sig")
    with server.deployment.pool.lease() as lease:
        audit = lease.identity.read_audit("S9")
    assert ("李四", "taizhang") in {(a["user"], a["what"]) for a in audit}
    assert "赵六" not in {a["user"] for a in audit}


def test_a_plugin_attachment_storage_keeps_the_files(tmp_path: object,
        start_server: Callable[..., Any], open_item: Callable[..., dict[str, Any]]) -> None:
    """``duban_register_attachment_stores``: a deployment keeps files elsewhere (here a
    dict, standing for an object store) by naming a plugin's storage."""
    from pathlib import Path

    from duban.hookspecs import hookimpl
    from duban.plugins import Hooks, make_plugin_manager

    kept: dict[str, bytes] = {}

    class Memory:
        def __init__(self, settings: object) -> None:
            self.settings = settings

        def put(self, key: str, data: bytes) -> None:
            kept[key] = data

        def get(self, key: str) -> bytes:
            return kept[key]

    class Plugin:
        @hookimpl
        def duban_register_attachment_stores(self, register: object) -> None:
            register("memory", Memory)  # type: ignore[operator]

    root = Path(str(tmp_path))
    hooks = Hooks(make_plugin_manager(entry_points=False, extra=[Plugin()]))
    live = start_server(f"sqlite:///{root / 'duban.db'}", root, hooks=hooks,
                        attachment_storage="memory")
    try:
        open_item(live, "M1")
        finance = live.user("李四", "财务部", "主办部门")
        up = finance.post("/api/v1/items/M1/attachments",
                          files={"file": ("a.pdf", PDF, "application/pdf")})
        assert up.status_code == 201
        assert list(kept.values()) == [PDF]
        assert not (root / "attachments").exists()
        got = finance.get(f"/api/v1/items/M1/attachments/{up.json()['id']}")
        assert got.content == PDF
    finally:
        live.stop()
