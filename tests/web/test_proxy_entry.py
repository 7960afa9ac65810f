"""代录 over real HTTP: a clerk records a leader's decision with ``on_behalf_of``; the event
carries the leader as the actor and the clerk in its ``entered_by`` field (never in its
data); history reads "张总（代录：总经理工作部 秘书）". The policy decides for which roles
代录 is allowed (``proxy_entry``): a 代录 for any other role is refused with the rule and
its basis, whatever rights the user holds, and nothing is written. Events written before,
with the clerk in their data, read the same and replay to the stored item."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from duban.engine.core import replay
from duban.engine.model import Actor

SHIPPED = Path(__file__).resolve().parents[2] / "policies" / "gansu_huizhan.yaml"
BECAUSE = "领导纸面签批由总经理工作部督办专员录入（制度未规定代录）"


@pytest.fixture
def live(backend_url: str, tmp_path: Path, start_server: Callable[..., Any]) -> Iterator[Any]:
    """The service with gansu_huizhan plus the organisation's 代录 default."""
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "gansu_huizhan.yaml").write_text(
        SHIPPED.read_text(encoding="utf-8")
        + f"\nproxy_entry:\n  roles: [总经理, 分管领导]\n  because: {BECAUSE}\n", encoding="utf-8")
    server = start_server(backend_url, tmp_path, policies=(folder,))
    yield server
    server.stop()


def _stored(server, item_id: str) -> list[object]:
    with server.deployment.pool.lease() as lease:
        return list(lease.service.store.events(item_id))


def test_a_clerks_代录_is_recorded_once_and_shown_with_both_names(live,
        item_fields: Mapping[str, Any]) -> None:
    office = live.user("王科长", "总经理工作部", "总经理工作部")
    clerk = live.user("秘书", "总经理工作部", "总经理工作部", proxy_roles=("总经理",))
    made = office.post("/api/v1/items", json={**item_fields, "id": "P1"})
    assert made.status_code == 201, made.text
    r = clerk.post("/api/v1/items/P1/actions/approve",
                   json={"on_behalf_of": {"role": "总经理", "person": "张总"}})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "已交办"
    history = clerk.get("/api/v1/items/P1").json()["history"]
    opened, approved = history
    assert opened["by"] == "王科长（总经理工作部）" and opened["entered_by"] == "王科长"
    assert opened["proxy"] is False
    assert approved["by"] == "张总（代录：总经理工作部 秘书）"
    assert approved["entered_by"] == "总经理工作部 秘书" and approved["proxy"] is True
    assert approved["person"] == "张总" and approved["roles"] == ["general_manager"]
    assert "entered_by" not in approved["data"]
    events = _stored(live, "P1")
    assert [e.entered_by for e in events] == ["王科长", "总经理工作部 秘书"]  # type: ignore[attr-defined]
    assert all("entered_by" not in e.data for e in events)  # type: ignore[attr-defined]


def test_代录_for_a_role_the_policy_does_not_allow_is_refused_with_the_cite(
        live, item_fields: Mapping[str, Any]) -> None:
    office = live.user("王科长", "总经理工作部", "总经理工作部")
    gm = live.user("张总", None, "总经理")
    clerk = live.user("秘书", "总经理工作部", "总经理工作部", proxy_roles=("总经理", "承办部门"))
    assert office.post("/api/v1/items", json={**item_fields, "id": "P2"}).status_code == 201
    assert gm.post("/api/v1/items/P2/actions/approve", json={}).status_code == 200
    before = clerk.get("/api/v1/items/P2").json()["history"]
    r = clerk.post("/api/v1/items/P2/actions/confirm", json={
        "on_behalf_of": {"role": "承办部门", "person": "李四", "department": "财务部"}})
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["code"] == "permission_denied" and problem["rule"] == "代录"
    assert problem["cite"] == f"制度未规定，本单位按{BECAUSE}"
    assert "李四（承办部门，财务部）的决定须由本人录入，不得由 总经理工作部 秘书 代录" in problem["detail"]
    assert clerk.get("/api/v1/items/P2").json()["history"] == before  # nothing written
    self_entry = clerk.post("/api/v1/items/P2/actions/confirm", json={
        "on_behalf_of": {"role": "承办部门", "person": "秘书", "department": "财务部"}})
    assert self_entry.status_code == 422 and "本人的决定请直接办理" in self_entry.json()["detail"]


def test_events_that_kept_the_clerk_in_their_data_read_the_same(sqlite_server,
        item_fields: Mapping[str, Any]) -> None:
    """Before this change the API wrote the clerk into the event data and the server's
    operator into the field: such events show the clerk, and replay to the stored item."""
    server = sqlite_server
    reader = server.user("王科长", "总经理工作部", "总经理工作部")
    with server.deployment.pool.lease() as lease:
        service = lease.service
        at = server.clock()
        fields = {k: v for k, v in item_fields.items() if k != "policy"}
        service.create("OLD", "gansu_huizhan", fields,
                       Actor("王科长", "总经理工作部", frozenset({"supervisor_office"})), at,
                       entered_by="duban")
        service.act("OLD", "approve", Actor("张总", None, frozenset({"general_manager"})),
                    {"entered_by": "秘书（总经理工作部）"}, at, entered_by="duban")
        stored = service.store.load("OLD")
        again = replay(service.policy_for(stored), "OLD", service.store.events("OLD"))
    assert again == stored
    approved = reader.get("/api/v1/items/OLD").json()["history"][-1]
    assert approved["by"] == "张总（代录：秘书（总经理工作部））"
    assert approved["entered_by"] == "秘书（总经理工作部）" and approved["proxy"] is True
    assert "entered_by" not in approved["data"]


@pytest.fixture
def clerk_sees_the_approval(backend_url: str, start_server: Callable[..., Any],
                            item_fields: Mapping[str, Any]) -> Callable[[Path, str, str], bool]:
    """``clerk_sees_the_approval(root, allowed, suffix)``: see ``sees`` below."""
    def sees(root: Path, allowed: str, suffix: str) -> bool:
        return _clerk_sees_the_approval(backend_url, root, allowed, suffix, start_server,
                                        item_fields)
    return sees


def _clerk_sees_the_approval(backend_url: str, root: Path, allowed: str, suffix: str,
                             start_server: Callable[..., Any],
                             item_fields: Mapping[str, Any]) -> bool:
    """Whether a clerk who may record for 总经理 gets 总经理's approval as a form on the item
    page, under gansu_huizhan with ``proxy_entry`` naming ``allowed``; where the page offers
    nothing, the API refuses the 代录 too (the page and the engine agree)."""
    import re

    folder = root / "policies"
    folder.mkdir(parents=True)
    (folder / "gansu_huizhan.yaml").write_text(
        SHIPPED.read_text(encoding="utf-8")
        + f"\nproxy_entry:\n  roles: [{allowed}]\n  because: {BECAUSE}\n", encoding="utf-8")
    server = start_server(backend_url, root, policies=(folder,))
    try:
        office = server.user(f"王科长{suffix}", "总经理工作部", "总经理工作部")
        clerk = server.user(f"秘书{suffix}", "总经理工作部", "总经理工作部",
                            proxy_roles=("总经理",))
        item = f"P{suffix}"
        assert office.post("/api/v1/items", json={**item_fields, "id": item}).status_code == 201
        page = clerk.get(f"/items/{item}")
        assert page.status_code == 200
        offered = bool(re.search(r'<form method="post" action="[^"]*/act/approve"', page.text))
        if not offered:
            refused = clerk.post(f"/api/v1/items/{item}/actions/approve",
                                 json={"on_behalf_of": {"role": "总经理", "person": "张总"}})
            assert refused.status_code == 403 and refused.json()["rule"] == "代录"
        return offered
    finally:
        server.stop()


def test_the_item_page_offers_a_clerk_only_the_roles_the_policy_lets_them_record_for(
        backend_url: str, tmp_path: Path,
        clerk_sees_the_approval: Callable[[Path, str, str], bool]) -> None:
    """Offered where the policy allows 代录 for 总经理; not where it allows it only for
    分管领导 (the page offers nothing the engine would refuse on submit)."""
    assert not clerk_sees_the_approval(tmp_path / "a", "分管领导", "3")
    assert clerk_sees_the_approval(tmp_path / "b", "总经理", "4")
