"""What a caller may do next with an item, and the fields each action reads.

Why a dry run: the engine alone decides what an actor may do (state, role, department,
conditions, extension limits …). Rather than restate those rules, each candidate action
is *applied* to the immutable item in memory — nothing is written — and the engine's own
answer is reported: allowed, or refused with its code, message and cite. The probe
carries no data, so an action the engine refuses only because a field is missing
(``until`` for an extension: checked after the limits, the deadline and the role) is
offered, with the field marked required.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from duban.engine.core import ActionRefused, engine_for
from duban.engine.model import Actor, Event, ItemState
from duban.engine.rules import missing_contents
from duban.errors import DubanError
from duban.policy.model import Policy


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # date | text | department | departments | content
    required: bool = False
    label: str = ""


#: The prefix of a report content's field: ``content:工作目标`` is ``contents["工作目标"]``.
CONTENT = "content:"
_REASON = FieldSpec("reason", "text", label="理由/说明")
_DUE = FieldSpec("due", "date", label="办理期限")
#: The event data each canonical action reads (the engine's ``_prepare``/``_check``).
FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "request_extension": (FieldSpec("until", "date", True, "延期至"), _REASON),
    "reject": (_REASON, FieldSpec("due", "date", label="退办后重新限期"),
               FieldSpec("defect", "text", label="问题类型")),
    "confirm": (FieldSpec("due", "date", label="确认的办理期限"), _REASON),
    "assign": (FieldSpec("lead", "department", label="主办部门"),
               FieldSpec("assist", "departments", label="协办部门"), _DUE, _REASON),
    "reassign": (FieldSpec("lead", "department", True, "改由主办部门"),
                 FieldSpec("assist", "departments", label="协办部门"), _DUE, _REASON),
    "resume": (FieldSpec("due", "date", label="恢复后的期限"), _REASON),
    "censure": (FieldSpec("defect", "text", label="问题类型"), _REASON),
    "verify": (FieldSpec("defect", "text", label="问题类型"), _REASON),
}


@dataclass(frozen=True)
class Offer:
    action: str  # canonical
    word: str  # the policy's own word for it
    allowed: bool
    fields: tuple[FieldSpec, ...] = ()
    code: str | None = None  # why not, when refused
    message: str | None = None
    cite: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action, "word": self.word,
                               "allowed": self.allowed,
                               "fields": [{"name": f.name, "type": f.type,
                                           "required": f.required, "label": f.label}
                                          for f in self.fields]}
        if not self.allowed:
            out.update(code=self.code, message=self.message, cite=self.cite)
        return out


def candidates(policy: Policy, item: ItemState) -> list[str]:
    """Canonical actions that some transition or the pending approval offers now."""
    out = [] if item.pending is None else ["approve", "reject"]
    for t in policy.transitions:
        if item.state in t.sources and t.action not in out and t.action != "create":
            out.append(t.action)
    return out


def offers(policy: Policy, item: ItemState, actor: Actor, at: dt.datetime,
           *, include_refused: bool = False) -> list[Offer]:
    """The actions ``actor`` may take on ``item`` at ``at`` (and, if asked, those the
    engine refuses, each with its reason)."""
    engine = engine_for(policy)
    words = {canonical: word for word, canonical in policy.actions.items()}
    out: list[Offer] = []
    for action in candidates(policy, item):
        specs = FIELDS.get(action, (_REASON,))
        word = words.get(action, action)
        refusal = _probe(engine, item, actor, action, at, {})
        if refusal is not None and refusal.code == "invalid_transition" and refusal.rule:
            # a condition may read the text the caller will write (``event.reason != ""``):
            # try again with every text field filled; if that passes, they are required
            texts = {f.name: "…" for f in specs if f.type == "text"}
            filled = _probe(engine, item, actor, action, at, texts) if texts else refusal
            if filled is None:
                specs = tuple(FieldSpec(f.name, f.type, True, f.label) if f.name in texts
                              else f for f in specs)
            refusal = filled
        specs += _content_fields(policy, engine, item, actor, action, at)
        if refusal is None:
            out.append(Offer(action, word, True, specs))
        elif include_refused:
            out.append(Offer(action, word, False, specs, refusal.code, str(refusal),
                             refusal.cite))
    return out


def _content_fields(policy: Policy, engine: Any, item: ItemState, actor: Actor, action: str,
                    at: dt.datetime) -> tuple[FieldSpec, ...]:
    """The named contents a report must include (必须包括：…), one required field each
    (``content:<name>``, type ``content``), when the engine would refuse the action for
    lacking them — the transition it would fire is the one that names them."""
    try:
        when = max(at, item.last_at or at)
        engine.apply(item, Event(action, when, actor, {}), when)
    except ActionRefused as err:
        t = next((t for t in policy.transitions if t.name == err.rule), None)
        if err.code == "validation_error" and t is not None:
            return tuple(FieldSpec(f"{CONTENT}{name}", "content", True, name)
                         for name in missing_contents(t, {}))
    except DubanError:
        pass
    return ()


def _probe(engine: Any, item: ItemState, actor: Actor, action: str, at: dt.datetime,
           data: dict[str, Any]) -> ActionRefused | None:
    """The engine's refusal of the action (None: it would be taken). A refusal for a
    missing or malformed field value does not count: the caller supplies those."""
    try:
        when = max(at, item.last_at or at)
        engine.apply(item, Event(action, when, actor, data), when)
    except ActionRefused as err:
        return None if err.code == "validation_error" else err
    except DubanError:
        return None
    return None
