"""JSON for events and item states, for stores and the outbox.

Why a hand-written codec: the values are frozen dataclasses holding datetimes, tuples,
frozensets and nested records; a store must write them as plain JSON (one column) and
read back *equal* objects, so that replay from the stored log equals the stored
projection. Instants are ISO 8601 with their offset.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from duban.engine.model import (
    Actor,
    DueInfo,
    Event,
    FiredTimer,
    ItemState,
    PenaltyEntry,
    Pending,
    Shortfall,
)

_DT = "$dt"
#: Item fields written only when they differ from their default (added after items were
#: stored: an item that does not use them encodes exactly as before)
_SPARSE: dict[str, Any] = {"notice": None, "notice_item": 0, "issued_at": None,
                            "supervisor": None}


#: Values written as they are. Checked by exact type first: most of an item's fields are
#: strings, numbers or empty, and the isinstance chain below (an ABC check among it) cost
#: more than the rest of the encoding of an item.
_PLAIN = frozenset({str, int, bool, float, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}  # a record type's field names, read once


def _enc(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {str(k): _enc(v) for k, v in value.items()}
    if isinstance(value, dt.datetime):
        return {_DT: value.isoformat()}
    if isinstance(value, frozenset | set):
        return sorted(_enc(v) for v in value)
    if isinstance(value, tuple | list):
        return [_enc(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _enc(v) for k, v in value.items()}
    if isinstance(value, Actor):  # role words only when known: older logs stay byte-equal
        out = {f: _enc(getattr(value, f)) for f in ("department", "person", "roles")}
        return out | {f: _enc(getattr(value, f)) for f in ("words", "oversees")
                      if getattr(value, f)}
    if isinstance(value, ItemState):  # 一单多事, 督办单位 only when set: older items byte-equal
        return {f.name: _enc(getattr(value, f.name)) for f in fields(value)
                if f.name not in _SPARSE or getattr(value, f.name) != _SPARSE[f.name]}
    if hasattr(value, "__dataclass_fields__"):
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = tuple(f.name for f in fields(value))
        out = {}
        for name in names:
            v = getattr(value, name)
            out[name] = v if type(v) in _PLAIN else _enc(v)
        return out
    return value


def _dec(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and _DT in value:
            return dt.datetime.fromisoformat(value[_DT])
        return {k: _dec(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dec(v) for v in value]
    return value


def dumps(value: Any) -> str:
    return json.dumps(_enc(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def encode_event(e: Event) -> str:
    return dumps(e)


def decode_event(text: str) -> Event:
    d = _dec(json.loads(text))
    actor = d.get("actor")
    data = _freeze(d.get("data") or {})
    return Event(d["action"], d["at"], _actor(actor) if actor else None, data, d.get("key"),
                 _entered_by(d, data))


def _entered_by(d: Mapping[str, Any], data: Mapping[str, Any]) -> str | None:
    """Who entered the event. The HTTP API's first 代录 events kept the clerk in their
    *data* (``entered_by``), while the field held the server's operator: the clerk is the
    true answer. The data is left as written (replay must give the stored item again);
    only this reading moves to the one field."""
    legacy = data.get("entered_by")
    return str(legacy) if isinstance(legacy, str) and legacy else d.get("entered_by")


def _actor(d: Mapping[str, Any]) -> Actor:
    return Actor(d.get("person"), d.get("department"), frozenset(d.get("roles") or ()),
                 frozenset(d.get("words") or ()), frozenset(d.get("oversees") or ()))


def _freeze(value: Any) -> Any:
    """Lists inside event data come back as lists (as written); mappings as dicts."""
    return value


def encode_item(item: ItemState) -> str:
    return dumps(item)


def decode_item(text: str) -> ItemState:
    d = _dec(json.loads(text))
    pending = d.get("pending")
    due_info = d.get("due_info")
    d.update(
        assist=tuple(d["assist"]), handoff=tuple(d["handoff"]),
        children_open=frozenset(d["children_open"]), keys=frozenset(d["keys"]),
        pending=Pending(pending["purpose"], pending["chain"], pending["step"],
                        pending["since"], pending["request"],
                        tuple(tuple(a) for a in pending["approvals"])) if pending else None,
        due_info=DueInfo(**due_info) if due_info else None,
        fired=tuple(FiredTimer(**f) for f in d["fired"]),
        penalties=tuple(PenaltyEntry(**{**p, "measures": tuple(p["measures"])})
                        for p in d["penalties"]),
        counted=tuple((str(n), at) for n, at in d.get("counted") or ()),
        shortfalls=tuple(Shortfall(**s) for s in d.get("shortfalls") or ()),
    )
    return ItemState(**d)
