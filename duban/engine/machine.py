"""One `transitions` Machine per compiled policy, shared by every item.

Why not a Machine (or ``add_model``) per item: building a Machine costs ~230 µs and
``add_model`` grows super-linearly, while items are cheap values. The shared Machine is
built with ``model=None``; each apply fires one of its events on a light model made for
that apply (:class:`duban.engine.draft.Draft`, whose ``state`` attribute the Machine reads
and writes) through the Machine's public API, ``machine.events[trigger].trigger(model)``.
Callbacks are callables bound to the engine (never dotted strings from YAML) and no
timeouts are used: deadlines are data.

Trigger names are transition names (unique per policy). A transition written
``to: previous`` becomes one trigger per possible previous state, named
``<name>→<state>``; ``to: same`` becomes an internal transition (no exit/enter).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from transitions import EventData, Machine

from duban.policy.model import Policy

Callback = Callable[[EventData], None]


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
