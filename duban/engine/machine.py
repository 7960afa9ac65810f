"""One `transitions` Machine per compiled policy, shared by every item, and the one place
the engine fires it.

Why not a Machine (or ``add_model``) per item: building a Machine costs ~230 µs and
``add_model`` grows super-linearly, while items are cheap values. The shared Machine is
built with ``model=None``; each apply fires one of its transitions on a light model made
for that apply (:class:`duban.engine.draft.Draft`, whose ``state`` attribute is the
model's state). Callbacks are callables bound to the engine (never dotted strings from
YAML) and no timeouts are used: deadlines are data.

Why :class:`Firing` and not ``machine.events[trigger].trigger(model)``: the engine has
already chosen the one transition to fire (its roles, conditions and rules decide, with
their own error codes), so what ``Event.trigger`` adds on top of the transition's
callbacks — an event dispatch over the source's transitions, ``prepare_event`` /
``finalize_event``, the queue, nine ``logging`` calls — is measured at about 25 µs of a
40–70 µs ``apply`` (docs/performance.md), which takes the engine below its goal of 15,000
actions/s. :class:`Firing` is the one adapter: it reads each (trigger, source) once from
the Machine's public objects (``Machine.events``, ``Event.transitions``, ``State.on_exit``
/ ``on_enter``, ``Transition.after``) and runs them in the order transitions documents
(exit, state change, enter, after), passing the callbacks a real ``EventData``. It
refuses, when planning, anything it would not run (conditions, ``prepare``/``before``
callbacks, machine-wide callbacks, more than one transition per source, non-callable
callbacks). It writes the lines ``Event.trigger`` writes to transitions' logger
(``transitions.core``), so turning on the ``transitions`` logger shows the engine's
transitions as it would for any Machine; with that logger off (the default) the only cost
is one ``isEnabledFor`` per apply. ``tests/engine/test_machine_contract.py`` fires every
transition of a policy both ways, through ``Event.trigger`` and through :class:`Firing`,
and fails if an upgrade of transitions makes what the callbacks see or the lines logged
differ.

Trigger names are transition names (unique per policy). A transition written
``to: previous`` becomes one trigger per possible previous state, named
``<name>→<state>``; ``to: same`` becomes an internal transition (no exit/enter).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, cast

from transitions import EventData, Machine, MachineError, State, Transition
from transitions.core import Event

from duban.policy.model import Policy

Callback = Callable[[EventData], None]

#: transitions' own logger (``transitions.core``): Firing logs there what Event.trigger would.
_LOGGER = logging.getLogger("transitions.core")


def trigger_name(transition_name: str, previous: str | None = None) -> str:
    return f"{transition_name}→{previous}" if previous else transition_name


def build_machine(policy: Policy, on_enter: Callback, after: Callback) -> Machine:
    """The Machine of a policy; ``on_enter`` runs on entering any state, ``after`` after
    every transition (internal ones included). Callbacks get the ``EventData``
    (``send_event``), whose ``model`` is the draft being changed."""
    states = [{"name": name, "on_enter": [on_enter]} for name in policy.states]
    specs: list[dict[str, Any]] = []
    for t in policy.transitions:
        if t.to == "previous":
            for prev in policy.states:
                specs.append({"trigger": trigger_name(t.name, prev), "source": list(t.sources),
                              "dest": prev, "after": [after]})
        else:
            specs.append({"trigger": t.name, "source": list(t.sources),
                          "dest": None if t.to == "same" else t.to, "after": [after]})
    return Machine(model=None, states=states, transitions=specs, initial=policy.initial,
                   send_event=True, auto_transitions=False, ignore_invalid_triggers=False)


class _Plan(NamedTuple):
    """What firing one trigger from one state runs, read once from the Machine."""

    event: Event
    source: State
    transition: Transition
    dest: State | None
    exits: tuple[Callback, ...]
    enters: tuple[Callback, ...]
    afters: tuple[Callback, ...]


class Firing:
    """Fires a chosen transition of a shared Machine on a model (see the module docstring
    for why this adapter exists and what pins it)."""

    def __init__(self, machine: Machine) -> None:
        self.machine = machine
        self._plans: dict[tuple[str, str], _Plan] = {}

    def fire(self, trigger: str, model: Any) -> None:
        """Run ``trigger`` from the model's current state: the source's ``on_exit``, the
        state change, the destination's ``on_enter``, then the transition's ``after`` (an
        internal transition, ``dest`` None, runs ``after`` only)."""
        key = (trigger, model.state)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(trigger, model.state)
        if _LOGGER.isEnabledFor(logging.INFO):
            self._fire_logged(plan, model)
            return
        data = EventData(plan.source, plan.event, self.machine, model, (), {})
        data.transition = plan.transition
        if plan.dest is not None:
            for callback in plan.exits:
                callback(data)
            model.state = plan.dest.value
            data.state = plan.dest
            for callback in plan.enters:
                callback(data)
        for callback in plan.afters:
            callback(data)
        data.result = True

    def _fire_logged(self, plan: _Plan, model: Any) -> None:
        """``fire`` with the lines transitions 0.9's ``Event.trigger`` logs at each step
        (``core.py``: ``Event._process``, ``Transition.execute``, ``State.exit/enter``,
        ``Machine.callbacks``), the finalize line even when a callback raises. Kept apart
        from ``fire`` so the usual path pays one ``isEnabledFor`` and nothing else."""
        name, t = self.machine.name, plan.transition
        data = EventData(plan.source, plan.event, self.machine, model, (), {})
        data.transition = t
        try:
            _LOGGER.debug("%sExecuted machine preparation callbacks before conditions.", name)
            _LOGGER.debug("%sInitiating transition from state %s to state %s...", name,
                          t.source, t.dest)
            _LOGGER.debug("%sExecuted callbacks before conditions.", name)
            _LOGGER.debug("%sExecuted callback before transition.", name)
            if plan.dest is not None:
                _LOGGER.debug("%sExiting state %s. Processing callbacks...", name,
                              plan.source.name)
                _run_logged(plan.exits, data, name)
                _LOGGER.info("%sFinished processing state %s exit callbacks.", name,
                             plan.source.name)
                model.state = plan.dest.value
                data.state = plan.dest
                _LOGGER.debug("%sEntering state %s. Processing callbacks...", name,
                              plan.dest.name)
                _run_logged(plan.enters, data, name)
                _LOGGER.info("%sFinished processing state %s enter callbacks.", name,
                             plan.dest.name)
            _run_logged(plan.afters, data, name)
            _LOGGER.debug("%sExecuted callback after transition.", name)
            data.result = True
        finally:
            _LOGGER.debug("%sExecuted machine finalize callbacks", name)

    def _plan(self, trigger: str, state: str) -> _Plan:
        m = self.machine
        unsupported = [name for name in ("prepare_event", "before_state_change",
                                         "after_state_change", "finalize_event",
                                         "on_exception", "on_final") if getattr(m, name)]
        if unsupported or not m.send_event or m.model_attribute != "state" or m.has_queue:
            raise MachineError(f"Firing cannot run this Machine's {unsupported or 'options'}")
        event = m.events[trigger]
        candidates = event.transitions.get(state, [])
        if len(candidates) != 1:
            raise MachineError(f"Can't trigger event {trigger} from state {state}!")
        t = candidates[0]
        if t.prepare or t.conditions or t.before:
            raise MachineError(f"Firing cannot run {trigger}'s conditions or callbacks")
        source = m.get_state(state)
        dest = m.get_state(t.dest) if t.dest is not None else None
        return _Plan(event, source, t, dest, _callables(source.on_exit),
                     _callables(dest.on_enter if dest else ()), _callables(t.after))


def _run_logged(callbacks: tuple[Callback, ...], data: EventData, name: str) -> None:
    for callback in callbacks:
        callback(data)
        _LOGGER.info("%sExecuted callback '%s'", name, callback)


def _callables(callbacks: Iterable[object]) -> tuple[Callback, ...]:
    out: list[Callback] = []
    for callback in callbacks:
        if not callable(callback):
            raise MachineError(f"Firing runs callables only, not {callback!r}")
        out.append(cast(Callback, callback))
    return tuple(out)
