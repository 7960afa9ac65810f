"""The timer index answers "which items are due at now" exactly as a scan of every item
would: same items, earliest first, ties by item id; updates replace, None removes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from duban.engine.core import engine_for
from duban.engine.index import TimerIndex
from duban.engine.model import Actor, Event, ItemState
from duban.engine.timers import next_due, schedule
from duban.policy.loader import load_policy

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
H = dt.timedelta(hours=1)


def brute(model: dict[str, dt.datetime], now: dt.datetime) -> list[str]:
    """The answer of a full scan: every item at or before now, by (instant, id)."""
    return [k for k, at in sorted(model.items(), key=lambda kv: (kv[1], kv[0])) if at <= now]


# -- behaviour -----------------------------------------------------------------------------

def test_due_in_instant_order_with_ties_by_id() -> None:
    index = TimerIndex()
    index.update("b", T0 + 2 * H)
    index.update("c", T0)
    index.update("a", T0 + 2 * H)
    index.update("d", T0 + 5 * H)
    assert index.due(T0 - H) == []
    assert index.due(T0 + 2 * H) == ["c", "a", "b"]
    assert len(index) == 4


def test_due_does_not_consume() -> None:
    index = TimerIndex()
    index.update("a", T0)
    assert index.due(T0) == ["a"]
    assert index.due(T0 + H) == ["a"]


def test_update_moves_and_none_removes() -> None:
    index = TimerIndex()
    index.update("a", T0)
    index.update("a", T0 + 3 * H)
    assert index.due(T0 + H) == []
    assert index.get("a") == T0 + 3 * H
    index.update("a", None)
    index.update("never-indexed", None)
    assert "a" not in index and len(index) == 0
    assert index.due(T0 + 10 * H) == []


def test_back_to_an_earlier_instant_is_reported_once() -> None:
    index = TimerIndex()
    index.update("a", T0)
    index.update("a", T0 + H)
    index.update("a", T0)  # the first entry looks current again; the version says not
    assert index.due(T0 + 2 * H) == ["a"]


def test_the_same_instant_in_another_zone_is_the_same_instant() -> None:
    index = TimerIndex()
    index.update("a", T0)
    index.update("b", T0.astimezone(UTC))
    assert index.due(T0.astimezone(UTC)) == ["a", "b"]
    assert index.due(T0 - dt.timedelta(microseconds=1)) == []


def test_an_instant_in_a_dst_fold_is_ordered_by_its_utc_offset() -> None:
    # China kept summer time until 1991: 01:00 on 1991-09-15 happened twice in Shanghai
    first = dt.datetime(1991, 9, 15, 1, 0, tzinfo=SHANGHAI)          # +09:00, 16:00 UTC
    second = dt.datetime(1991, 9, 15, 1, 0, fold=1, tzinfo=SHANGHAI)  # +08:00, 17:00 UTC
    index = TimerIndex()
    index.update("b", second)
    index.update("a", first)
    assert index.due(dt.datetime(1991, 9, 14, 16, 30, tzinfo=UTC)) == ["a"]
    assert index.due(dt.datetime(1991, 9, 14, 17, 0, tzinfo=UTC)) == ["a", "b"]


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        TimerIndex().update("a", dt.datetime(2026, 3, 2, 9))
    with pytest.raises(ValueError, match="timezone-aware"):
        TimerIndex().due(dt.datetime(2026, 3, 2, 9))


def test_stale_entries_are_compacted() -> None:
    index = TimerIndex()
    for n in range(5_000):
        index.update(f"i{n % 10}", T0 + n * H)
    assert len(index) == 10
    assert len(index._heap) <= 2 * len(index) + 64 + 1
    assert index.due(T0 + 4_990 * H) == ["i0"]


# -- against a brute-force scan ----------------------------------------------------------------

ZONES = st.sampled_from([UTC, SHANGHAI, dt.timezone(dt.timedelta(hours=-5, minutes=-30))])
INSTANTS = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1),
                        timezones=ZONES)
IDS = st.sampled_from([f"item{n}" for n in range(12)])


@given(st.lists(st.tuples(IDS, st.none() | INSTANTS), max_size=60), st.lists(INSTANTS, max_size=5))
def test_index_equals_a_scan(updates: list[tuple[str, dt.datetime | None]],
                             nows: list[dt.datetime]) -> None:
    index = TimerIndex()
    model: dict[str, dt.datetime] = {}
    for item_id, at in updates:
        index.update(item_id, at)
        if at is None:
            model.pop(item_id, None)
        else:
            model[item_id] = at
    assert len(index) == len(model)
    for now in nows:
        assert index.due(now) == brute(model, now)


class IndexMachine(RuleBasedStateMachine):
    """Interleaved updates, removals and queries; the answers never differ from a scan."""

    def __init__(self) -> None:
        super().__init__()
        self.index = TimerIndex()
        self.model: dict[str, dt.datetime] = {}

    @rule(item_id=IDS, at=INSTANTS)
    def update(self, item_id: str, at: dt.datetime) -> None:
        self.index.update(item_id, at)
        self.model[item_id] = at

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        item_id = data.draw(st.sampled_from(sorted(self.model)))
        self.index.update(item_id, None)
        del self.model[item_id]

    @rule(now=INSTANTS)
    def query(self, now: dt.datetime) -> None:
        assert self.index.due(now) == brute(self.model, now)

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data())
    def query_at_an_indexed_instant(self, data: st.DataObject) -> None:
        now = data.draw(st.sampled_from(sorted(self.model.values())))
        assert self.index.due(now) == brute(self.model, now)

    @invariant()
    def sizes(self) -> None:
        assert len(self.index) == len(self.model)
        for item_id, at in self.model.items():
            # as UTC: an instant in a DST fold never compares equal across zones (PEP 495)
            assert self.index.get(item_id) == at.astimezone(UTC)


TestIndexMachine = IndexMachine.TestCase
TestIndexMachine.settings = settings(max_examples=60, stateful_step_count=40)


# -- with the engine -----------------------------------------------------------------------------

POLICY = load_policy(str(Path(__file__).parent / "policies" / "mech.yaml"))
ENGINE = engine_for(POLICY)
OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))
DEPT = Actor("张三", "财务部", frozenset({"lead_department"}))


def _open(n: int, start: dt.datetime) -> ItemState:
    item = ENGINE.new_item(f"I{n:03d}")
    item, _ = ENGINE.apply(item, Event("create", start, OFFICE, {
        "kind": ["leader_instruction", "annual_key_task", "superior_assignment"][n % 3],
        "title": "t", "lead": "财务部"}))
    item, _ = ENGINE.apply(item, Event("approve", start + H, LEADER))
    if n % 4 == 0:
        item, _ = ENGINE.apply(item, Event("confirm", start + 2 * H, DEPT))
    return item


def test_engine_items_due_as_a_scan_of_schedule_finds_them() -> None:
    items = {it.id: it for it in (_open(n, T0 + n * 7 * H) for n in range(40))}
    index = TimerIndex()
    for item in items.values():
        index.track(POLICY, item)
    assert len(index) == len(items)  # every open item has a timer under mech.yaml
    for days in (0, 2, 4, 8, 15, 40):
        now = T0 + dt.timedelta(days=days)
        scanned = {k for k, it in items.items() if any(t.at <= now for t in schedule(POLICY, it))}
        assert set(index.due(now)) == scanned
    bulk = TimerIndex.of(POLICY, items.values())
    now = T0 + dt.timedelta(days=8)
    assert bulk.due(now) == index.due(now)


def test_ticking_the_due_items_moves_them_on() -> None:
    items = {it.id: it for it in (_open(n, T0) for n in range(6))}
    index = TimerIndex.of(POLICY, items.values())
    now = T0 + dt.timedelta(days=3)
    due = index.due(now)
    assert due
    for item_id in due:
        item = items[item_id]
        while events := ENGINE.tick(item, now):  # a repeating reminder may be due again
            item, _ = ENGINE.apply(item, events[0], now)
        items[item_id] = item
        index.track(POLICY, item)
        nxt = next_due(POLICY, item)
        assert nxt is None or nxt > now
    assert index.due(now) == []
