"""A supervising unit per item over real HTTP (guoshuiju 五、（二）“经督办单位分管局领导批准”):
the item is created with its 督办单位 through the API; the units each 分管局领导 oversees
are kept on the user (added through the users API, as an administrator would); the one
overseeing the item's unit approves the 顺延, the one overseeing only the 承办单位 is
refused with the clause — on SQLite and on the real PostgreSQL alike. The same for the
lead department (xingzheng_duban 4.3.4 “主办部门应经分管领导审核同意”): only the 分管领导
overseeing the item's 主办部门 agrees to its feedback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx


def _leader(admin: httpx.Client, server: Any, name: str, units: list[str]) -> httpx.Client:
    r = admin.post("/api/v1/users", json={"name": name, "departments": ["局领导"],
                                          "roles": ["分管局领导"], "oversees": units})
    assert r.status_code == 201, r.text
    return server.client(r.json()["token"])


def test_only_the_leader_overseeing_the_supervising_unit_approves(
        server: Any, extension_awaiting: Callable[..., None]) -> None:
    admin = server.user("管理员", None, admin=True)
    office = server.user("办公室 刘", "办公室", "督办单位")
    lead = server.user("征管科 赵", "征管科", "承办单位")
    wang = _leader(admin, server, "王副局长", ["办公室"])
    li = _leader(admin, server, "李副局长", ["征管科", "税政科"])
    listed = {u["name"]: u["oversees"] for u in admin.get("/api/v1/users").json()}
    assert listed["王副局长"] == ["办公室"] and listed["征管科 赵"] == []

    extension_awaiting(office, lead)

    r = li.post("/api/v1/items/G1/actions/approve", json={})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied", r.text
    assert r.json()["cite"] == "五、（二）"
    assert "须分管本事项的督办单位“办公室”" in r.json()["detail"]
    r = wang.post("/api/v1/items/G1/actions/approve", json={})
    assert r.status_code == 200, r.text
    item = wang.get("/api/v1/items/G1").json()
    assert item["extensions_granted"] == 1 and item["due"].startswith("2026-03-13")
    assert item["supervisor"] == "办公室" and item["supervisor_title"] == "督办单位"


def test_a_supervisor_is_refused_where_the_policy_has_none(server: Any) -> None:
    office = server.user("督办专人", "总经理工作部", "督办部门")
    r = office.post("/api/v1/items", json={
        "id": "W1", "policy": "gansu_huizhan", "category": "日常督办", "kind": "annual_key_task",
        "title": "预算调整", "lead": "财务部", "supervisor": "办公室"})
    assert r.status_code == 422 and r.json()["code"] == "validation_error", r.text
    assert "没有督办单位字段" in r.json()["detail"]
    assert office.get("/api/v1/items/W1").status_code == 404  # nothing was created


def test_user_add_keeps_the_units_a_leader_oversees(
        tmp_path: Path, start_server: Callable[..., Any]) -> None:
    """What an administrator maintains when the 局领导分工 changes: ``--oversees`` on the
    user, shown by ``duban user list`` and by ``/api/v1/me``."""
    env = {**os.environ, "DUBAN_STORE": f"sqlite:///{tmp_path / 'u.db'}"}
    cmd = [str(Path(sys.executable).parent / "duban"), "user"]
    out = subprocess.run([*cmd, "add", "王副局长", "--role", "分管局领导", "--oversees", "办公室",
                          "--oversees", "征管科"], capture_output=True, text=True, env=env,
                         cwd=tmp_path, check=True)
    assert "分管：办公室、征管科" in out.stdout
    token = out.stdout.rstrip("\n").splitlines()[-1]
    listed = subprocess.run([*cmd, "list"], capture_output=True, text=True, env=env,
                            cwd=tmp_path, check=True).stdout
    assert "王副局长" in listed and "分管 办公室、征管科" in listed
    live = start_server(env["DUBAN_STORE"], tmp_path)
    try:
        me = httpx.get(f"{live.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["oversees"] == ["办公室", "征管科"]
    finally:
        live.stop()


def test_users_stored_before_the_column_oversee_nothing(tmp_path: Path) -> None:
    """A user row written before migration 0101 (no ``oversees``) reads back overseeing
    nothing, so an older store keeps working unchanged."""
    import sqlite3

    from duban.store.identity import identity_for
    from duban.store.sqlite import SqliteStore

    store = SqliteStore(tmp_path / "old.db")
    store.migrate()
    with sqlite3.connect(tmp_path / "old.db") as conn:  # as the older code wrote it
        conn.execute("INSERT INTO users (name, departments, roles, proxy_roles, password_hash, "
                     "admin, disabled, created_at) VALUES ('老用户', '[\"办公室\"]', "
                     "'[\"督办单位\"]', '[]', NULL, 0, 0, '2026-01-01T00:00:00+00:00')")
    user = identity_for(store).user("老用户")
    assert user is not None and user.oversees == () and user.departments == ("办公室",)
    store.close()


SEVEN = ["工作中存在的问题或提升空间", "工作目标", "解决问题或提升工作的计划（须含完成时限）",
         "已经开展的工作及在整个计划中所处的节点或所占比重", "尚未开展的工作及下一步推进计划",
         "避免问题再次发生的相关措施或持续提升的建议", "其他工作建议"]


def _feedback_awaiting_review(server: Any, leaders: dict[str, tuple[str, list[str]]]
                              ) -> tuple[httpx.Client, dict[str, httpx.Client]]:
    """xingzheng_duban item X1 (主办部门 财务部) with its feedback awaiting the 分管领导's
    审核; the leaders added through the users API with (role, units overseen); returns
    the 财务部 client and the leaders' clients."""
    admin = server.user("管理员", None, admin=True)
    zonghe = server.user("综合部干事", "综合部", "综合部")
    chief = server.user("董事长", "公司办", "公司主要领导")
    finance = server.user("财务部长", "财务部", "主办部门")
    clients = {}
    for name, (role, units) in leaders.items():
        r = admin.post("/api/v1/users", json={"name": name, "departments": ["领导班子"],
                                              "roles": [role], "oversees": units})
        assert r.status_code == 201, r.text
        clients[name] = server.client(r.json()["token"])
    assert zonghe.post("/api/v1/items", json={
        "id": "X1", "policy": "xingzheng_duban", "kind": "leader_instruction",
        "title": "档案数字化", "lead": "财务部"}).status_code == 201
    assert finance.post("/api/v1/items/X1/actions/confirm", json={"due": "2026-03-31"}
                        ).status_code == 200
    assert chief.post("/api/v1/items/X1/actions/approve", json={}).status_code == 200
    r = finance.post("/api/v1/items/X1/actions/progress",
                     json={"contents": dict.fromkeys(SEVEN, "已写明")})
    assert r.status_code == 200 and r.json()["state"] == "反馈待审核", r.text
    return finance, clients


def test_only_the_leader_overseeing_the_lead_department_approves_feedback(server: Any) -> None:
    """xingzheng_duban 4.3.4 “主办部门应经分管领导审核同意后及时反馈办理情况”: the 分管领导
    overseeing the item's 主办部门 (财务部) agrees; one overseeing only 采购部 is refused
    with the reason and the clause, though both hold the same word 分管领导."""
    finance, leaders = _feedback_awaiting_review(server, {"张副总": ("分管领导", ["财务部"]),
                                                          "李副总": ("分管领导", ["采购部"])})

    r = leaders["李副总"].post("/api/v1/items/X1/actions/approve", json={})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied", r.text
    assert r.json()["cite"] == "4.3.4"
    assert "须分管本事项的主办部门“财务部”" in r.json()["detail"]
    r = leaders["张副总"].post("/api/v1/items/X1/actions/approve", json={})
    assert r.status_code == 200, r.text
    item = finance.get("/api/v1/items/X1").json()
    assert item["state"] == "承办中", item  # the feedback counts: 审核同意
    assert [(h["action"], h["person"]) for h in item["history"][-2:]] == \
        [("progress", "财务部长"), ("approve", "张副总")]


def test_a_user_given_the_canonical_role_is_judged_as_the_organisations_word(
        server: Any) -> None:
    """A deployed user given the canonical name ``leader_in_charge`` instead of the word
    分管领导 is not a stand-in for every word of the role (as a portable scenario's actor
    is): they are the 分管领导, so the approval 4.3.4 narrows to the 主办部门's overseer
    is refused to one who oversees nothing, and granted to one who oversees 财务部."""
    finance, leaders = _feedback_awaiting_review(
        server, {"王副总": ("leader_in_charge", []), "赵副总": ("leader_in_charge", ["财务部"])})
    r = leaders["王副总"].post("/api/v1/items/X1/actions/approve", json={})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied", r.text
    assert "须分管本事项的主办部门“财务部”" in r.json()["detail"]
    assert finance.get("/api/v1/items/X1").json()["state"] == "反馈待审核"
    r = leaders["赵副总"].post("/api/v1/items/X1/actions/approve", json={})
    assert r.status_code == 200 and r.json()["state"] == "承办中", r.text


def test_only_the_leader_overseeing_the_fixed_unit_reviews_the_opening(server: Any) -> None:
    """zhen_ducha 督查工作制度 三、（一）“《督查事项拟办呈批表》经党政办分管领导审核”: the unit
    is the organisation's own office, whatever the item. The 分管领导 overseeing only the
    item's 承办单位 (农业办) is refused with the reason and the clause; the one overseeing
    党政办 reviews it, and the 镇主要领导 then decides (审定)."""
    admin = server.user("管理员", None, admin=True)
    office = server.user("党政办 刘", "党政办", "党政办")
    chief = server.user("镇长", "镇领导", "镇主要领导")
    leaders = {}
    for name, units in {"钱副镇长": ["农业办"], "赵副镇长": ["党政办"]}.items():
        r = admin.post("/api/v1/users", json={"name": name, "departments": ["镇领导"],
                                              "roles": ["分管领导"], "oversees": units})
        assert r.status_code == 201, r.text
        leaders[name] = server.client(r.json()["token"])
    r = office.post("/api/v1/items", json={
        "id": "Z1", "policy": "zhen_ducha", "kind": "other", "category": "重要决策部署",
        "title": "镇党委重要工作部署", "lead": "农业办", "due": "2026-04-30"})
    assert r.status_code == 201, r.text

    r = leaders["钱副镇长"].post("/api/v1/items/Z1/actions/approve", json={})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied", r.text
    assert r.json()["cite"] == "督查工作制度 三、（一）"
    assert "党政办分管领导（须分管党政办）" in r.json()["detail"]
    r = leaders["赵副镇长"].post("/api/v1/items/Z1/actions/approve", json={})
    assert r.status_code == 200 and r.json()["state"] == "待批示", r.text
    r = chief.post("/api/v1/items/Z1/actions/approve", json={})
    assert r.status_code == 200 and r.json()["state"] == "已交办", r.text


def test_a_clerk_records_the_overseers_approval_with_the_overseers_own_units(
        backend_url: str, tmp_path: Path, start_server: Callable[..., Any],
        extension_awaiting: Callable[..., None]) -> None:
    """代录 of a 分管局领导's paper approval (guoshuiju 五、（二）, with the organisation's
    ``proxy_entry`` for 分管局领导): the decider carries the units the named person oversees
    as stored on their user — 王副局长 (办公室) approves through the clerk; for 李副局长
    (征管科), or for a name no user has, the clerk is refused with the reason."""
    folder = tmp_path / "policies"
    folder.mkdir()
    shipped = Path(__file__).resolve().parents[2] / "policies" / "guoshuiju.yaml"
    (folder / "guoshuiju.yaml").write_text(
        shipped.read_text(encoding="utf-8") + "\nproxy_entry:\n  roles: [分管局领导]\n"
        "  because: 局领导纸面签批由办公室录入（制度未规定代录）\n", encoding="utf-8")
    live = start_server(backend_url, tmp_path, policies=(folder,))
    try:
        admin = live.user("管理员", None, admin=True)
        office = live.user("办公室 刘", "办公室", "督办单位")
        lead = live.user("征管科 赵", "征管科", "承办单位")
        clerk = live.user("办公室 秘书", "办公室", "督办单位", proxy_roles=("分管局领导",))
        _leader(admin, live, "王副局长", ["办公室"])
        _leader(admin, live, "李副局长", ["征管科"])
        extension_awaiting(office, lead)
        for person in ("李副局长", "无此人"):
            r = clerk.post("/api/v1/items/G1/actions/approve", json={
                "on_behalf_of": {"role": "分管局领导", "person": person}})
            assert r.status_code == 403, r.text
            assert "须分管本事项的督办单位“办公室”" in r.json()["detail"]
        r = clerk.post("/api/v1/items/G1/actions/approve", json={
            "on_behalf_of": {"role": "分管局领导", "person": "王副局长"}})
        assert r.status_code == 200, r.text
        item = office.get("/api/v1/items/G1").json()
        assert item["extensions_granted"] == 1
        assert item["history"][-1]["person"] == "王副局长"
    finally:
        live.stop()
