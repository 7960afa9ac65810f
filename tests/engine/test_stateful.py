"""Random valid and invalid action sequences against the engine, checking invariants:
a refused action changes nothing; replay equals the live state; no deadline precedes
creation; extensions never exceed the maximum; the ledger adds up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from duban.engine.core import ActionRefused, engine_for, replay
from duban.engine.model import Actor, Event, ItemState
from duban.errors import DubanError
from duban.policy.loader import load_policy

POLICY = load_policy(str(Path(__file__).parent / "policies" / "mech.yaml"))
ENGINE = engine_for(POLICY)
TZ = POLICY.timezone
ACTIONS = ["create", "approve", "reject", "confirm", "decline", "reassign", "progress",
           "request_extension", "pause", "resume", "report", "verify", "censure", "cancel",
           "archive", "报结", "签收", "nonsense"]
ROLES = ["supervisor_office", "general_manager", "leader_in_charge", "lead_department",
         "assisting_department", "department_head"]
DEPTS = ["财务部", "工程部", None]
KINDS = ["meeting_decision", "superior_assignment", "leader_instruction", "document"]


class ItemMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.item: ItemState = ENGINE.new_item("A")
        self.events: list[Event] = []
        self.now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)

    @rule(action=st.sampled_from(ACTIONS), role=st.sampled_from(ROLES),
          dept=st.sampled_from(DEPTS), hours=st.integers(0, 200),
          kind=st.sampled_from(KINDS), until_days=st.integers(-5, 40),
          backwards=st.booleans())
    def act(self, action: str, role: str, dept: str | None, hours: int, kind: str,
            until_days: int, backwards: bool) -> None:
        at = self.now - dt.timedelta(hours=1) if backwards and self.events else \
            self.now + dt.timedelta(hours=hours)
        data: dict[str, object] = {}
        if action == "create":
            data = {"kind": kind, "lead": "财务部", "assist": ["工程部"], "title": "随机"}
        if action == "request_extension" and self.item.due is not None:
            data = {"until": (self.item.due + dt.timedelta(days=until_days)).date().isoformat()}
        if action == "reassign":
            data = {"lead": "工程部"}
        event = Event(action, at, Actor(None, dept, frozenset({role})), data)
        before = self.item
        try:
            new, _ = ENGINE.apply(self.item, event, at)
        except ActionRefused:
            assert self.item is before  # nothing changed
            return
        except DubanError as err:  # only the calendar may refuse otherwise
            assert err.code == "calendar_unknown_date"
            return
        self.item = new
        self.events.append(event)
        self.now = max(self.now, at)

    @rule(hours=st.integers(1, 400))
    def tick(self, hours: int) -> None:
        now = self.now + dt.timedelta(hours=hours)
        for _ in range(50):
            due = ENGINE.tick(self.item, now)
            if not due:
                break
            self.item, _ = ENGINE.apply(self.item, due[0], now)
            self.events.append(due[0])
        self.now = now

    @invariant()
    def replay_equals_live(self) -> None:
        assert replay(POLICY, "A", self.events) == self.item

    @invariant()
    def deadline_after_creation(self) -> None:
        if self.item.due is not None and self.item.created_at is not None:
            assert self.item.due > self.item.created_at

    @invariant()
    def extensions_within_maximum(self) -> None:
        if self.item.created_at is None:
            return
        rules = ENGINE.category(self.item).extensions
        if rules.max is not None:
            assert self.item.extensions_granted <= rules.max
            assert self.item.extension_requests <= rules.max
        assert self.item.extensions_granted + self.item.extensions_rejected <= \
            self.item.extension_requests

    @invariant()
    def ledger_adds_up(self) -> None:
        by_rule: dict[str, float] = {}
        for e in self.item.penalties:
            by_rule[e.rule] = by_rule.get(e.rule, 0.0) + e.points
        assert abs(sum(by_rule.values()) - sum(e.points for e in self.item.penalties)) < 1e-9
        for e in self.item.penalties:
            assert e.item == "A" and e.points <= 0


ItemMachine.TestCase.settings = settings(max_examples=100, stateful_step_count=30,
                                         deadline=None)
TestItemMachine = ItemMachine.TestCase
