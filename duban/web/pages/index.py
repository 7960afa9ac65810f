"""The listing index: every stored item, decoded once and kept in memory per process.

Why: decoding an item costs about half a millisecond, so a page that decoded 10,000 items
per request would take seconds. The index asks the store for each item's sequence
(:meth:`duban.store.base.Store.item_versions`, one cheap query) and reloads only the
items whose sequence moved since the last request — written by this process or any
other. What depends on the clock (the 红/黄/绿 light) is read per request from each item's
:class:`~duban.reports.taizhang.Lamp`, kept here: two comparisons of timestamps.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from duban.engine.access import visible_to
from duban.engine.model import ItemState
from duban.policy.model import Policy
from duban.reports.taizhang import Lamp, lamp
from duban.runtime.service import Service


@dataclass(frozen=True, slots=True)
class Indexed:
    """One item as the listings read it."""

    policy: Policy
    item: ItemState
    lamp: Lamp
    due: float  # the deadline as a POSIX timestamp (infinity: none), to sort by
    public: bool  # visible to anyone (the engine's rule: visible even to no one in particular)

    @classmethod
    def of(cls, policy: Policy, item: ItemState) -> Indexed:
        return cls(policy, item, lamp(policy, item),
                   item.due.timestamp() if item.due is not None else math.inf,
                   visible_to(policy, item, None))


def _choices(entries: Iterable[Indexed]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {"department": set(), "category": set(), "state": set()}
    for e in entries:
        it = e.item
        out["department"].update(d for d in (it.department, *it.assist) if d)
        if it.category:
            out["category"].add(it.category)
        out["state"].add(it.state)
    return out


@dataclass(frozen=True)
class Snapshot:
    """Every kept item at one moment, by deadline (none last) then id — the order
    listings show within one light — with groupings that let 我的待办 look only where
    something can wait for a viewer, and the 台账's filter choices of the public items.
    Every group keeps the same order."""

    entries: list[Indexed]
    public: dict[str, set[str]]
    policies: dict[str, Policy] = field(default_factory=dict)
    #: items by each department responsible, assisting or in the hand-off
    by_department: dict[str, list[Indexed]] = field(default_factory=dict)
    #: items by (policy id, state)
    by_state: dict[tuple[str, str], list[Indexed]] = field(default_factory=dict)
    #: items whose pending approval step waits on ("word", w) or ("role", policy id, c)
    awaiting: dict[tuple[str, ...], list[Indexed]] = field(default_factory=dict)
    #: the confidential items (not public)
    private: list[Indexed] = field(default_factory=list)

    @classmethod
    def of(cls, entries: list[Indexed]) -> Snapshot:
        out = cls(entries, _choices(e for e in entries if e.public))
        for e in entries:
            it, policy = e.item, e.policy
            out.policies.setdefault(policy.id, policy)
            for dept in {it.department, *it.assist, *it.handoff} - {None}:
                out.by_department.setdefault(str(dept), []).append(e)
            out.by_state.setdefault((policy.id, it.state), []).append(e)
            key = _approver(policy, it)
            if key is not None:
                out.awaiting.setdefault(key, []).append(e)
            if not e.public:
                out.private.append(e)
        return out

    def choices(self, private: Iterable[Indexed]) -> dict[str, list[str]]:
        """The filter choices for a viewer: the public items' and those of the
        confidential items this viewer sees (no other's department leaks into a list)."""
        mine = _choices(private)
        return {k: sorted(v | mine[k]) for k, v in self.public.items()}


def _approver(policy: Policy, item: ItemState) -> tuple[str, ...] | None:
    """Whom the item's pending approval step waits on: its role word as the policy wrote
    it, else its canonical role under this policy."""
    p = item.pending
    chain = policy.chains.get(p.chain) if p is not None else None
    if p is None or chain is None or p.step >= len(chain.steps):
        return None
    step = chain.steps[p.step]
    return ("word", step.word) if step.word else ("role", policy.id, step.role)


class ItemIndex:
    """Items by id, refreshed from the store before each read.

    A refresh costs one query (:meth:`~duban.store.base.Store.item_versions`) and the loads
    of the items that moved; on SQLite not even the query when the connection's
    ``change_token()`` (``PRAGMA data_version`` and the connection's own changes) says
    nothing was committed since this connection last looked."""

    def __init__(self) -> None:
        self._rows: dict[str, Indexed] = {}
        self._snapshot = Snapshot([], {"department": set(), "category": set(), "state": set()})
        #: per store connection: its change token when it last synced the index
        self._seen: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def refresh(self, service: Service) -> Snapshot:
        """Every item, current as of this call."""
        store = service.store
        versions = getattr(store, "item_versions", None)
        watch = getattr(store, "change_token", None)
        with self._lock:
            token = watch() if watch is not None else None
            if token is not None and self._seen.get(store) == token:
                return self._snapshot  # nothing committed since this connection synced
            if versions is None:  # a plugin store without versions: read everything
                self._rows = {i.id: self._entry(service, i) for i in store.items()}
                changed = True
            else:
                changed = self._sync(service, versions())
            if changed:
                self._snapshot = Snapshot.of(sorted(self._rows.values(),
                                                    key=lambda e: (e.due, e.item.id)))
            if token is not None:
                self._seen[store] = token
            return self._snapshot

    def _sync(self, service: Service, current: dict[str, int]) -> bool:
        """Bring the kept items up to ``current``; whether any changed."""
        rows = self._rows
        gone = rows.keys() - current.keys()
        for item_id in gone:
            del rows[item_id]
        changed = bool(gone)
        for item_id, seq in current.items():
            known = rows.get(item_id)
            if known is not None and known.item.seq == seq:
                continue
            item = service.store.load(item_id)
            if item is None:
                rows.pop(item_id, None)
            else:
                rows[item_id] = self._entry(service, item)
            changed = True
        return changed

    @staticmethod
    def _entry(service: Service, item: ItemState) -> Indexed:
        return Indexed.of(service.policy_for(item), item)


def indexed(app_state: Any, service: Service) -> Snapshot:
    """Every item, from this process's index (kept on the app's state, built on first
    use), current as of this call: what the listings — pages and API — read."""
    index = getattr(app_state, "item_index", None)
    if index is None:
        index = app_state.item_index = ItemIndex()
    return index.refresh(service)


__all__ = ["Indexed", "ItemIndex", "Snapshot", "indexed"]
