"""The listing index: every stored item, decoded once and kept in memory per process.

Why: decoding an item costs about half a millisecond, so a page that decoded 10,000 items
per request would take seconds. The index asks the store for each item's sequence
(:meth:`duban.store.base.Store.item_versions`, one cheap query) and reloads only the
items whose sequence moved since the last request — written by this process or any
other. What depends on the clock (the 红/黄/绿 light) is computed per request from two
instants kept per item: the deadline and the start of its warning window, which the
reports layer computes (:func:`duban.reports.taizhang.item_warning_start`).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from duban.engine.model import ItemState
from duban.policy.model import Policy
from duban.reports.taizhang import item_warning_start
from duban.runtime.service import Service


@dataclass(frozen=True)
class Indexed:
    """One item as the listings read it."""

    policy: Policy
    item: ItemState
    warn_from: dt.datetime | None  # when its light turns 黄 (None: no deadline)


class ItemIndex:
    """Items by id, refreshed from the store's versions before each read."""

    def __init__(self) -> None:
        self._rows: dict[str, Indexed] = {}
        self._lock = threading.Lock()

    def refresh(self, service: Service) -> list[Indexed]:
        """Every item, current as of this call, in id order."""
        store = service.store
        versions = getattr(store, "item_versions", None)
        with self._lock:
            if versions is None:  # a plugin store without versions: read everything
                self._rows = {i.id: self._entry(service, i) for i in store.items()}
            else:
                self._sync(service, versions())
            return [self._rows[k] for k in sorted(self._rows)]

    def _sync(self, service: Service, current: dict[str, int]) -> None:
        for gone in set(self._rows) - set(current):
            del self._rows[gone]
        for item_id, seq in current.items():
            known = self._rows.get(item_id)
            if known is not None and known.item.seq == seq:
                continue
            item = service.store.load(item_id)
            if item is None:
                self._rows.pop(item_id, None)
            else:
                self._rows[item_id] = self._entry(service, item)

    @staticmethod
    def _entry(service: Service, item: ItemState) -> Indexed:
        policy = service.policy_for(item)
        return Indexed(policy, item, item_warning_start(policy, item))


__all__ = ["Indexed", "ItemIndex"]
