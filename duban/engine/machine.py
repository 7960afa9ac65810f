"""One `transitions` Machine per compiled policy, shared by every item.

Why not a Machine (or ``add_model``) per item: building a Machine costs ~230 µs and
``add_model`` grows super-linearly, while items are cheap values. The shared Machine is
built with ``model=None``; each apply hands it a short-lived :class:`Work` object whose
``state`` attribute the Machine reads and writes. Callbacks are plain callables (never
dotted strings from YAML) and no timeouts are used: deadlines are data.

Trigger names are transition names (unique per policy). A transition written
``to: previous`` becomes one trigger per possible previous state, named
``<name>→<state>``; ``to: same`` becomes an internal transition (no exit/enter).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from transitions import EventData, Machine

from duban.policy.model import Policy

_CACHE_ATTR = "_duban_machine"


class Work:
    """The mutable scratch copy of an item during one apply (the Machine's model)."""

    __slots__ = ("effects", "engine", "fields", "state")

    def __init__(self, state: str, fields: dict[str, Any], engine: Any) -> None:
        self.state = state
        self.fields = fields
        self.effects: list[Any] = []
        self.engine = engine


def trigger_name(transition_name: str, previous: str | None = None) -> str:
    return f"{transition_name}→{previous}" if previous else transition_name


def build_machine(policy: Policy, on_enter: Callable[[EventData], None],
                  after: Callable[[EventData], None]) -> Machine:
    """Build the Machine for a policy; ``on_enter`` runs on entering any state, ``after``
    after every transition (including internal ones)."""
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


def machine_for(policy: Policy, on_enter: Callable[[EventData], None],
                after: Callable[[EventData], None]) -> Machine:
    """The policy's Machine, built once and cached on the (immutable) policy object."""
    cached = policy.__dict__.get(_CACHE_ATTR)
    if cached is None:
        cached = build_machine(policy, on_enter, after)
        object.__setattr__(policy, _CACHE_ATTR, cached)
    return cached
