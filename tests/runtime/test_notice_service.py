"""一单多事 through the service on a real SQLite file (qinan_genjin 二、, 附件1 文号): items
joining one notice share its 文号 and date and get their own place on it, each keeps its
own due date, lead department and state; joining a notice that does not exist, that the
creator may not see, or whose items are all finished is refused and writes nothing; items
of one notice approved at the same instant by two processes get one 文号, two places."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from duban.engine.core import ActionRefused, replay
from duban.engine.model import Actor
from duban.policy.loader import load_policy
from duban.runtime.service import Service
from duban.store.sqlite import SqliteStore

ROOT = Path(__file__).parents[2]
POLICY = load_policy(ROOT / "policies" / "qinan_genjin.yaml")
TZ = POLICY.timezone
OFFICE = Actor("王五", "综合部", frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))
GROUP = Actor("组长", None, frozenset({"leadership_group"}))
OUTSIDER = Actor("赵六", "技术部", frozenset({"lead_department"}))  # not entitled to 保密 items


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=TZ)


def new_service(path: Path) -> Service:
    store = SqliteStore(path)
    store.migrate()
    return Service(store, {POLICY.id: POLICY})


@pytest.fixture
def service(tmp_path: Path) -> Service:
    return new_service(tmp_path / "duban.db")


def item(service: Service, item_id: str, lead: str, due: str, **more: object) -> None:
    service.create(item_id, POLICY.id, {"kind": "meeting_decision", "title": f"事项{item_id}",
                                        "lead": lead, "due": due, **more}, OFFICE, at(2))


def close(service: Service, item_id: str, day: int) -> None:
    lead = service.store.load(item_id)
    assert lead is not None and lead.lead
    dept = Actor("负责人", lead.lead, frozenset({"lead_department", "department_head"}))
    service.act(item_id, "confirm", dept, {}, at(day))
    service.act(item_id, "report", dept, {}, at(day, 10))
    service.act(item_id, "approve", dept, {}, at(day, 11))
    service.act(item_id, "approve", GROUP, {}, at(day, 12))


def test_two_items_share_the_notice_s_number_and_date_and_close_separately(
        service: Service) -> None:
    item(service, "A", "评价一部", "2026-03-20")
    item(service, "B", "技术部", "2026-03-31", notice="A")
    item(service, "C", "综合部", "2026-03-13")
    service.act("A", "approve", LEADER, {}, at(2, 10))
    service.act("C", "approve", LEADER, {}, at(2, 11))
    service.act("B", "approve", LEADER, {}, at(3, 10))
    a, b, c = (service.store.load(i) for i in "ABC")
    assert a and b and c
    assert a.number == b.number == "陕秦安督字〔2026〕1号" and c.number == "陕秦安督字〔2026〕2号"
    assert (a.notice, a.notice_item, b.notice, b.notice_item) == (None, 1, "A", 2)
    assert a.issued_at == b.issued_at == at(2, 10)  # the notice's date, not B's approval
    assert (a.lead, a.due, b.lead, b.due) == (
        "评价一部", dt.datetime(2026, 3, 20, 23, 59, 59, tzinfo=TZ),
        "技术部", dt.datetime(2026, 3, 31, 23, 59, 59, tzinfo=TZ))
    close(service, "A", 18)
    a, b = service.store.load("A"), service.store.load("B")
    assert a and b and a.state == "已办结" and b.state == "已交办"  # each closed on its own
    assert replay(POLICY, "B", service.store.events("B")) == b


def test_joining_refused_when_unknown_closed_or_not_visible(service: Service) -> None:
    def refusal(item_id: str, notice: str, actor: Actor = OFFICE) -> str:
        with pytest.raises(ActionRefused) as err:
            service.create(item_id, POLICY.id, {"kind": "other", "lead": "技术部",
                                                "due": "2026-04-30", "notice": notice},
                           actor, at(20))
        assert err.value.code == "validation_error"
        assert service.store.load(item_id) is None  # nothing written
        return str(err.value)

    assert "没有通知单 'Z'" in refusal("X", "Z")
    item(service, "C", "综合部", "2026-03-13")
    service.act("C", "approve", LEADER, {}, at(2, 10))
    item(service, "D", "技术部", "2026-03-31", notice="C")
    assert "是通知单 'C' 的一项；请写 --notice C" in refusal("X", "D")
    service.act("D", "reject", LEADER, {}, at(3))  # 不予立项: D is finished without a number
    close(service, "C", 10)
    assert "已全部办结或撤销" in refusal("X", "C")
    item(service, "S", "综合部", "2026-03-31", confidential=True)
    hidden = refusal("X", "S", OUTSIDER)  # the same answer as for a notice that does not exist
    assert hidden == refusal("X", "Z", OUTSIDER).replace("'Z'", "'S'")
    item(service, "T", "评价一部", "2026-04-10", notice="S")  # the office may see S
    joined = service.store.load("T")
    assert joined is not None and joined.confidential  # the notice is one confidential paper


def test_items_of_one_notice_approved_at_once_get_one_number_and_two_places(
        tmp_path: Path) -> None:
    service = new_service(tmp_path / "duban.db")
    item(service, "A", "评价一部", "2026-03-20")
    for i in ("B", "C", "D", "E"):
        item(service, i, "技术部", "2026-03-31", notice="A")
    workers = [new_service(tmp_path / "duban.db") for _ in range(4)]
    gate = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def approve(s: Service, item_id: str) -> None:
        gate.wait()
        try:
            s.act(item_id, "approve", LEADER, {}, at(3))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(s, i)) for s, i in zip(workers, "BCDE", strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    service.act("A", "approve", LEADER, {}, at(4))
    got = [service.store.load(i) for i in "ABCDE"]
    assert {i.number for i in got if i} == {"陕秦安督字〔2026〕1号"}
    assert sorted(i.notice_item for i in got if i) == [1, 2, 3, 4, 5]
    assert len({i.issued_at for i in got if i}) == 1
