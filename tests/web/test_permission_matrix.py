"""The permission matrix through HTTP: every role × action × department, in each state of
an item's life, answered over the API exactly as the engine itself decides — the same
refusal code (and so the same HTTP status), or the same new state. The service adds no
rule and loses none. Each test runs on SQLite and on the real PostgreSQL (slow)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from duban.engine.core import ActionRefused, engine_for
from duban.engine.model import Actor, Event
from duban.errors import DubanError
from duban.web.problems import STATUS

#: One word of gansu_huizhan for each canonical role.
ROLES = {"总经理工作部": "supervisor_office", "总经理": "general_manager",
         "分管领导": "leader_in_charge", "督办领导": "leadership_group",
         "主办部门": "lead_department", "协办部门": "assisting_department",
         "部门负责人": "department_head", "承办人": "handler", "责任人": "liaison"}
DEPARTMENTS = ("财务部", "人力资源部", "审计部")  # the item's lead, its assistant, neither
ACTIONS = ("approve", "reject", "confirm", "decline", "reassign", "progress",
           "request_extension", "pause", "resume", "report", "verify", "archive", "censure",
           "cancel", "remind", "close")
DATA = {"reason": "矩阵测试", "until": "2026-04-30"}
OFFICE = Actor("办公室", "总经理工作部", frozenset({"supervisor_office"}))
GM = Actor("总经理", None, frozenset({"general_manager"}))
LEAD = Actor("主办", "财务部", frozenset({"lead_department"}))
#: How to bring a new item to each state: the steps after ``create``.
PATHS: dict[str, list[tuple[str, Actor]]] = {
    "待批示": [], "已交办": [("approve", GM)],
    "承办中": [("approve", GM), ("confirm", LEAD)],
    "待审核": [("approve", GM), ("confirm", LEAD), ("report", LEAD)],
}


@pytest.fixture
def item_in(item_fields: Mapping[str, Any]) -> Callable[[Any, str, str], Any]:
    """``item_in(server, id, state)``: a new item brought to ``state`` by ``PATHS``."""
    def bring(server: Any, item_id: str, state: str) -> Any:
        at = server.clock()
        with server.deployment.pool.lease() as lease:
            service = lease.service
            fields = {k: v for k, v in item_fields.items() if k != "policy"}
            item = service.create(item_id, item_fields["policy"],
                                  {**fields, "due": "2026-03-31"}, OFFICE, at)
            for action, actor in PATHS[state]:
                item = service.act(item_id, action, actor, {}, at)
            assert item.state == state
            return item
    return bring


def _engine_says(server, item: Any, actor: Actor) -> dict[str, str | None]:
    """For each action: None (it would be done) or the engine's refusal code."""
    with server.deployment.pool.lease() as lease:
        policy = lease.service.policy_for(item)
    engine = engine_for(policy)
    at = server.clock().astimezone(policy.timezone)
    out: dict[str, str | None] = {}
    for action in ACTIONS:
        try:
            engine.apply(item, Event(action, at, actor, DATA), at)
            out[action] = None
        except ActionRefused as err:
            out[action] = err.code
        except DubanError as err:
            out[action] = err.code
    return out


@pytest.mark.parametrize("state", list(PATHS))
def test_every_role_action_and_department_as_the_engine_decides(server, state: str,
        item_in: Callable[[Any, str, str], Any]) -> None:
    base = item_in(server, "M", state)
    fresh = 0
    checked = allowed = 0
    for word, canonical in ROLES.items():
        for dept in DEPARTMENTS:
            client = server.user(f"{word}@{dept}", dept, word)
            actor = Actor(f"{word}@{dept}", dept, frozenset({canonical}), frozenset({word}))
            for action, code in _engine_says(server, base, actor).items():
                target = "M"
                if code is None:  # it would change the item: act on a copy in this state
                    fresh += 1
                    target = f"M{fresh}"
                    item_in(server, target, state)
                r = client.post(f"/api/v1/items/{target}/actions/{action}", json=DATA)
                checked += 1
                if code is None:
                    allowed += 1
                    assert r.status_code == 200, (word, dept, action, r.text)
                else:
                    assert r.status_code == STATUS.get(code, 409), (word, dept, action, r.text)
                    assert r.json()["code"] == code, (word, dept, action, r.text)
    assert checked == len(ROLES) * len(DEPARTMENTS) * len(ACTIONS)
    assert 0 < allowed < checked
    history = server.user("审阅", "总经理工作部", "总经理工作部").get("/api/v1/items/M").json()
    assert len(history["history"]) == 1 + len(PATHS[state])  # refusals wrote nothing


def test_a_department_role_acts_only_for_its_own_department(server,
        item_in: Callable[[Any, str, str], Any]) -> None:
    item_in(server, "D1", "已交办")
    other = server.user("他部门", "审计部", "主办部门")
    two = server.user("两部门", ["审计部", "财务部"], "主办部门")
    r = other.post("/api/v1/items/D1/actions/confirm", json={})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    r = two.post("/api/v1/items/D1/actions/confirm", json={"department": "审计部"})
    assert r.status_code == 403  # asked to act for the wrong one of their departments
    r = two.post("/api/v1/items/D1/actions/confirm", json={"department": "人事部"})
    assert r.status_code == 403 and "不属于部门" in r.json()["detail"]
    assert two.post("/api/v1/items/D1/actions/confirm", json={}).status_code == 200


def test_代录_needs_the_right_and_records_who_entered_it(server,
        item_in: Callable[[Any, str, str], Any]) -> None:
    item_in(server, "P1", "待批示")
    clerk = server.user("秘书", "总经理工作部", "总经理工作部", proxy_roles=("总经理",))
    plain = server.user("科员", "总经理工作部", "总经理工作部")
    behalf = {"on_behalf_of": {"role": "总经理", "person": "张总"}}
    r = plain.post("/api/v1/items/P1/actions/approve", json=behalf)
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    r = clerk.post("/api/v1/items/P1/actions/approve", json={"on_behalf_of": {"role": "分管领导"}})
    assert r.status_code == 403
    r = clerk.post("/api/v1/items/P1/actions/approve", json=behalf)
    assert r.status_code == 200, r.text
    last = clerk.get("/api/v1/items/P1").json()["history"][-1]
    assert last["person"] == "张总" and last["roles"] == ["general_manager"]
    assert "秘书" in str(last)
    assert dt.datetime.fromisoformat(last["at"]) == server.clock()


def test_the_policy_s_own_role_words_decide_over_http(server,
        item_fields: Mapping[str, Any]) -> None:
    """Users carry the policy's role words, and the engine authorises by them over HTTP as
    everywhere: gansu's 督办部门 is the 总经理工作部 (same_as: 第五条–第八条 name one office
    twice) and may 立项; the 规范化管理委员会办公室, also a supervising office, only assists
    and may not (第九条（一）立项由总经理工作部统一管理). xingzheng_duban's 三类 确认单 is
    审定 by the 公司主要领导 (4.3.3): a 公司领导, the same canonical role, is refused."""
    helper = server.user("规范办", "规范化管理委员会办公室", "规范化管理委员会办公室")
    office = server.user("督办专人", "总经理工作部", "督办部门")
    daily = {**item_fields, "category": "日常督办", "kind": "annual_key_task"}
    r = helper.post("/api/v1/items", json={"id": "W1", **daily})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied", r.text
    assert r.json()["cite"] == "第九条（一）"
    assert office.post("/api/v1/items", json={"id": "W1", **daily}).status_code == 201

    zonghe = server.user("综合部干事", "综合部", "综合部")
    lead = server.user("财务部长", "财务部", "主办部门")
    leader = server.user("副总", "公司办", "公司领导")
    chief = server.user("董事长", "公司办", "公司主要领导")
    third = {"policy": "xingzheng_duban", "kind": "leader_instruction", "title": "专项任务",
             "lead": "财务部"}
    assert zonghe.post("/api/v1/items", json={"id": "X1", **third}).status_code == 201
    r = lead.post("/api/v1/items/X1/actions/confirm", json={"due": "2026-03-31"})
    assert r.status_code == 200 and r.json()["state"] == "待审批", r.text
    offered = {a["action"]: a for a in leader.get("/api/v1/items/X1").json()["actions"]}
    assert offered["approve"]["allowed"] is False
    r = leader.post("/api/v1/items/X1/actions/approve", json={})
    assert r.status_code == 403 and "公司主要领导" in r.json()["detail"], r.text
    r = chief.post("/api/v1/items/X1/actions/approve", json={})
    assert r.status_code == 200 and r.json()["state"] == "承办中", r.text
