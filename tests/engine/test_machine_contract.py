"""What the engine relies on in ``transitions``, pinned against the installed version.

The engine builds one Machine per policy with ``model=None`` and fires the chosen
transition on a short-lived draft with :class:`duban.engine.machine.Firing`, which runs
the Machine's own callbacks in transitions' documented order without its event dispatch
(measured too slow, docs/performance.md). The first tests pin what
``machine.events[trigger].trigger(model)`` does (what ``model.trigger(name)`` does for a
registered model); the differential tests fire every transition of two policies both
ways and fail if an upgrade of ``transitions`` makes :class:`Firing` differ from it — in
what the callbacks see, and in the lines written to the ``transitions`` logger."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pytest
from transitions import EventData, MachineError

from duban.engine.core import apply, engine_for, new_item
from duban.engine.draft import Draft
from duban.engine.machine import Firing, build_machine, trigger_name
from duban.engine.model import SYSTEM, Actor, Event
from duban.policy.loader import load_policy
from duban.policy.model import Policy

MECH = Path(__file__).parent / "policies" / "mech.yaml"
GANSU = Path(__file__).parents[2] / "policies" / "gansu_huizhan.yaml"
AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(str(MECH))


def _recorded(policy: Policy) -> tuple[list[tuple[str, str, str | None, str]], Any]:
    """A Machine of ``policy`` whose callbacks record (callback, source, dest, model state)."""
    calls: list[tuple[str, str, str | None, str]] = []

    def entered(ev: EventData) -> None:
        assert ev.transition is not None
        calls.append(("enter", ev.transition.source, ev.transition.dest, ev.model.state))

    def moved(ev: EventData) -> None:
        assert ev.transition is not None
        calls.append(("after", ev.transition.source, ev.transition.dest, ev.model.state))

    return calls, build_machine(policy, entered, moved)


def _witness(policy: Policy) -> tuple[list[tuple[Any, ...]], Any]:
    """A Machine of ``policy`` whose callbacks record everything a callback can see."""
    seen: list[tuple[Any, ...]] = []

    def record(kind: str) -> Any:
        def callback(ev: EventData) -> None:
            assert type(ev) is EventData and ev.transition is not None
            seen.append((kind, ev.event.name, ev.state.name, ev.transition.source,
                         ev.transition.dest, ev.model.state, ev.machine, ev.args, ev.kwargs,
                         ev.error))
        return callback

    return seen, build_machine(policy, record("enter"), record("after"))


def _draft(policy: Policy, state: str) -> Draft:
    item = new_item(policy, "A")
    draft = Draft.of(item, Event("x", AT, SYSTEM))
    draft.state = state
    return draft


def test_trigger_moves_an_unregistered_slotted_model(policy: Policy) -> None:
    calls, machine = _recorded(policy)
    draft = _draft(policy, "待审核")
    t = next(t for t in policy.transitions if t.name == "审核通过")
    assert machine.events[t.name].trigger(draft) is True  # type: ignore[attr-defined]
    assert draft.state == t.to
    # on_enter of the destination sees the new state, then the transition's after
    assert calls == [("enter", "待审核", t.to, t.to), ("after", "待审核", t.to, t.to)]
    assert not machine.models  # type: ignore[attr-defined]  # nothing was added to the Machine


def test_an_internal_transition_keeps_the_state_and_enters_nothing(policy: Policy) -> None:
    calls, machine = _recorded(policy)
    draft = _draft(policy, "承办中")
    assert machine.events["反馈"].trigger(draft) is True  # type: ignore[attr-defined]
    assert draft.state == "承办中"
    assert calls == [("after", "承办中", None, "承办中")]


def test_to_previous_is_one_trigger_per_state(policy: Policy) -> None:
    calls, machine = _recorded(policy)
    draft = _draft(policy, "延期审批中")
    name = trigger_name("同意延期", "已交办")
    assert machine.events[name].trigger(draft) is True  # type: ignore[attr-defined]
    assert draft.state == "已交办"
    assert [c[0] for c in calls] == ["enter", "after"]


def test_an_error_in_a_callback_reaches_the_caller(policy: Policy) -> None:
    def refuse(ev: EventData) -> None:
        raise LookupError("refused in on_enter")

    machine = build_machine(policy, refuse, lambda ev: None)
    draft = _draft(policy, "承办中")
    with pytest.raises(LookupError, match="refused in on_enter"):
        machine.events["申请暂停"].trigger(draft)  # type: ignore[attr-defined]


def test_a_trigger_from_a_wrong_state_is_refused(policy: Policy) -> None:
    _, machine = _recorded(policy)
    with pytest.raises(MachineError):
        machine.events["申请暂停"].trigger(_draft(policy, "拟立项"))  # type: ignore[attr-defined]


def test_the_engine_callbacks_are_its_own_bound_methods(policy: Policy) -> None:
    engine = engine_for(policy)
    state = engine.machine.get_state("承办中")  # type: ignore[attr-defined]
    assert [cb.__self__ for cb in state.on_enter] == [engine]
    for event in engine.machine.events.values():  # type: ignore[attr-defined]
        for ts in event.transitions.values():
            for t in ts:
                assert [cb.__self__ for cb in t.after] == [engine]
                assert not (t.prepare or t.before or t.conditions)


def _lines(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str, str]]:
    out = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    caplog.clear()
    return out


@pytest.mark.parametrize("logged", [False, True], ids=["logger-off", "logger-debug"])
@pytest.mark.parametrize("path", [MECH, GANSU], ids=lambda p: p.stem)
def test_firing_runs_what_trigger_runs_for_every_transition(
        path: Path, logged: bool, caplog: pytest.LogCaptureFixture) -> None:
    """Both ways, with the ``transitions`` logger off (the engine's usual path) and at
    DEBUG (Firing then writes transitions' lines: the same lines, in the same order)."""
    policy = load_policy(str(path))
    seen, machine = _witness(policy)
    firing = Firing(machine)
    caplog.set_level(logging.DEBUG if logged else logging.WARNING, logger="transitions")
    fired = 0
    for name, event in machine.events.items():
        for source in event.transitions:
            by_trigger, by_firing = _draft(policy, source), _draft(policy, source)
            caplog.clear()
            assert event.trigger(by_trigger) is True
            expected = [(*s[:6], s[6] is machine, *s[7:]) for s in seen]
            expected_lines = _lines(caplog)
            seen.clear()
            firing.fire(name, by_firing)
            got = [(*s[:6], s[6] is machine, *s[7:]) for s in seen]
            seen.clear()
            assert got == expected, (name, source)
            assert _lines(caplog) == expected_lines, (name, source)
            assert bool(expected_lines) is logged
            assert by_firing.state == by_trigger.state
            fired += 1
    assert fired >= len(policy.transitions)


def test_the_transitions_logger_shows_the_engines_transitions(
        policy: Policy, caplog: pytest.LogCaptureFixture) -> None:
    """What a developer sees after ``logging.getLogger("transitions").setLevel(INFO)``:
    each state left and entered and each engine callback run, as for any Machine."""
    office = Actor("王五", None, frozenset({"supervisor_office"}))
    leader = Actor("李四", None, frozenset({"leader_in_charge"}))
    item = new_item(policy, "A")
    caplog.set_level(logging.WARNING, logger="transitions")
    item, _ = apply(policy, item, Event("create", AT, office, {
        "kind": "other", "lead": "财务部", "title": "资产清查"}), AT)
    assert _lines(caplog) == []  # off by default: nothing written, nothing formatted
    caplog.set_level(logging.INFO, logger="transitions")
    approved_at = AT + dt.timedelta(hours=1)
    item, _ = apply(policy, item, Event("approve", approved_at, leader), approved_at)
    lines = [message for logger, level, message in _lines(caplog)
             if logger == "transitions.core" and level == "INFO"]
    assert lines[0] == "Finished processing state 待批示 exit callbacks."
    assert lines[1].startswith("Executed callback '<bound method Engine._entered of ")
    assert lines[2] == f"Finished processing state {item.state} enter callbacks."
    assert lines[3].startswith("Executed callback '<bound method Engine._moved of ")
    assert len(lines) == 4


def test_firing_refuses_what_it_would_not_run(policy: Policy) -> None:
    _, machine = _recorded(policy)
    with pytest.raises(MachineError):
        Firing(machine).fire("申请暂停", _draft(policy, "拟立项"))  # not from this state
    machine.events["申请暂停"].transitions["承办中"][0].add_callback("before", lambda ev: None)
    with pytest.raises(MachineError, match="conditions or callbacks"):
        Firing(machine).fire("申请暂停", _draft(policy, "承办中"))
    machine.after_state_change = [lambda ev: None]
    with pytest.raises(MachineError, match="after_state_change"):
        Firing(machine).fire("反馈", _draft(policy, "承办中"))
