"""A supervising unit per item (督办单位) through a real SQLite store: the unit 立项 names and
the units a leader oversees are kept in the stored events and read back from the file; the
leader overseeing the item's unit approves, another is refused; what older versions wrote
(no supervisor, actors without oversight) is written byte for byte as before."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from duban.engine import codec
from duban.engine.core import engine_for, replay
from duban.engine.model import Actor, Event
from duban.errors import DubanError
from duban.policy.loader import load_policy
from duban.runtime.service import Service
from duban.store.sqlite import SqliteStore

HERE = Path(__file__).parent
TZ = dt.timezone(dt.timedelta(hours=8))
OFFICE = Actor("办公室 刘", "办公室", frozenset({"supervisor_office"}), frozenset({"督办单位"}))
ZHANG = Actor("张副局长", None, frozenset({"leader_in_charge"}), frozenset({"分管领导"}),
              frozenset({"办公室"}))
WANG = Actor("王副局长", None, frozenset({"leader_in_charge"}), frozenset({"分管领导"}),
             frozenset({"征管科"}))


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 2, hour, minute, tzinfo=TZ)


@pytest.fixture
def service(tmp_path: Path) -> Service:
    store = SqliteStore(tmp_path / "duban.db")
    store.migrate()
    return Service(store, {"supervisor": load_policy(HERE / "policies" / "supervisor.yaml")})


def test_the_overseeing_leader_approves_and_the_file_keeps_who(service: Service,
                                                               tmp_path: Path) -> None:
    service.create("A", "supervisor", {"kind": "other", "title": "办公室督办", "lead": "财务部",
                                       "supervisor": "办公室"}, OFFICE, at(9))
    with pytest.raises(DubanError) as err:
        service.act("A", "approve", WANG, {}, at(10))
    assert err.value.code == "permission_denied"
    assert "须分管本事项的督办单位“办公室”" in str(err.value)
    service.act("A", "approve", ZHANG, {}, at(10, 10))
    stored = SqliteStore(tmp_path / "duban.db")  # read back from the file
    item = stored.load("A")
    assert item is not None and item.supervisor == "办公室" and item.state == "已交办"
    events = stored.events("A")
    assert events[-1].actor == ZHANG  # the units he oversees are part of the record
    assert replay(service.policies["supervisor"], "A", events) == item


def test_older_records_are_written_byte_for_byte_as_before() -> None:
    """No supervisor, no oversight: the JSON has neither key (logs written before stay
    byte-equal when written again); with them, they round-trip."""
    old_actor = Actor("李四", "财务部", frozenset({"lead_department"}))
    text = codec.encode_event(Event("report", at(9), old_actor))
    assert text == ('{"action":"report","actor":{"department":"财务部","person":"李四",'
                    '"roles":["lead_department"]},"at":{"$dt":"2026-03-02T09:00:00+08:00"},'
                    '"data":{},"entered_by":null,"key":null}')
    assert codec.decode_event(codec.encode_event(Event("approve", at(9), ZHANG))).actor == ZHANG
    policy = load_policy(HERE / "policies" / "supervisor.yaml")
    engine = engine_for(policy)
    blank = engine.new_item("B")
    assert "supervisor" not in json.loads(codec.encode_item(blank))
    item, _ = engine.apply(blank, Event("create", at(9), OFFICE, {
        "kind": "other", "lead": "财务部", "supervisor": "征管科"}))
    assert codec.decode_item(codec.encode_item(item)) == item
    assert json.loads(codec.encode_item(item))["supervisor"] == "征管科"


def test_a_policy_without_the_field_refuses_a_supervisor(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "duban.db")
    store.migrate()
    service = Service(store, {"words": load_policy(HERE / "policies" / "words.yaml")})
    office = Actor("刘", None, frozenset({"supervisor_office"}), frozenset({"总经理工作部"}))
    with pytest.raises(DubanError) as err:
        service.create("A", "words", {"kind": "other", "lead": "财务部", "supervisor": "办公室"},
                       office, at(9))
    assert err.value.code == "validation_error" and "没有督办单位字段" in str(err.value)
    assert store.load("A") is None  # nothing written
