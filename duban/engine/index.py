"""An in-memory timer index: which items have a timer due at ``now``, without a scan.

Why: every timer is derived from the item (:mod:`duban.engine.timers`), so the only
thing a tick needs to know up front is each item's *next* instant
(:func:`~duban.engine.timers.next_due`). Asking ``schedule()`` of every open item costs
tens of µs per item — seconds for 100,000 items — while an index answers in time
proportional to the number of items actually due. The SQLite store keeps the same
column (``items.next_due``, indexed); this class is the in-memory counterpart for the
scenario runner, simulations and benchmarks.

Why a heap with lazy invalidation and not ``bisect`` over a sorted list: the list gives
exact, ordered range queries, but moving an item is a ``list.insert`` and a ``del`` that
each shift on average half the list — O(n) per ``apply`` (measured on the bench machine:
about 40 µs at 100,000 items, 500 µs at a million). A heap update is a push, O(log n)
(about 1 µs at either size). A replaced entry is left in the heap and recognised as
stale by its version number; stale entries are dropped when a query meets them and the
heap is rebuilt (O(n), amortised O(1) per update) once they outnumber the live ones.

Order: instants are compared exactly, as whole microseconds since the Unix epoch (a
timezone-aware instant in any zone); ties are broken by item id, as the SQLite store
orders ``next_due, item_id``, so the answer never depends on the order of updates.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable

from duban.engine.model import ItemState
from duban.engine.timers import next_due
from duban.policy.model import Policy

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US = dt.timedelta(microseconds=1)
#: Stale entries tolerated beyond the live ones before the heap is rebuilt.
_SLACK = 64

# A heap entry: (µs since the epoch, item id, version). Only the entry whose version is
# the item's current one is live.
_Entry = tuple[int, str, int]


def _micros(instant: dt.datetime) -> int:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"a timer instant must be timezone-aware, got {instant!r}")
    return (instant - _EPOCH) // _US


class TimerIndex:
    """(next instant, item id) for many items; ``due(now)`` without scanning them.

    Example::

        index = TimerIndex()
        item, effects = apply(policy, item, event)
        index.track(policy, item)            # = index.update(item.id, next_due(policy, item))
        for item_id in index.due(now):       # earliest first
            for timer_event in tick(policy, items[item_id], now): ...
    """

    __slots__ = ("_current", "_heap", "_version")

    def __init__(self) -> None:
        self._heap: list[_Entry] = []
        self._current: dict[str, tuple[int, int]] = {}  # item id → (µs, version)
        self._version = 0

    @classmethod
    def of(cls, policy: Policy, items: Iterable[ItemState]) -> TimerIndex:
        """An index of many items at once (one ``heapify``, O(n))."""
        index = cls()
        for item in items:
            instant = next_due(policy, item)
            if instant is not None:
                index._version += 1
                index._current[item.id] = (_micros(instant), index._version)
        index._rebuild()
        return index

    def __len__(self) -> int:
        """The number of items that have a next instant."""
        return len(self._current)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._current

    def get(self, item_id: str) -> dt.datetime | None:
        """The item's indexed instant (in UTC), or None."""
        entry = self._current.get(item_id)
        return None if entry is None else _EPOCH + entry[0] * _US

    def update(self, item_id: str, instant: dt.datetime | None) -> None:
        """Set (or, with None, remove) the next instant of an item. O(log n)."""
        old = self._current.get(item_id)
        if instant is None:
            if old is not None:
                del self._current[item_id]
                self._maybe_compact()
            return
        micros = _micros(instant)
        if old is not None and old[0] == micros:
            return
        self._version += 1
        self._current[item_id] = (micros, self._version)
        heapq.heappush(self._heap, (micros, item_id, self._version))
        if old is not None:
            self._maybe_compact()

    def track(self, policy: Policy, item: ItemState) -> None:
        """Index an item after an apply: its next instant by :func:`next_due`."""
        self.update(item.id, next_due(policy, item))

    def due(self, now: dt.datetime) -> list[str]:
        """Ids of the items whose next instant is at or before ``now``, earliest first.

        The index is not consumed: an item stays due until it is updated (normally with
        the next instant after its timers have been applied). Cost O((k + s) log n) for k
        due items and s stale entries met, each stale entry being met once.
        """
        limit = _micros(now)
        heap, current = self._heap, self._current
        live: list[_Entry] = []
        while heap and heap[0][0] <= limit:
            entry = heapq.heappop(heap)
            if current.get(entry[1]) == (entry[0], entry[2]):
                live.append(entry)
        for entry in live:  # put back: a query does not consume the index
            heapq.heappush(heap, entry)
        return [entry[1] for entry in live]

    # -- housekeeping ------------------------------------------------------------------
    def _maybe_compact(self) -> None:
        if len(self._heap) > 2 * len(self._current) + _SLACK:
            self._rebuild()

    def _rebuild(self) -> None:
        self._heap = [(micros, item_id, version)
                      for item_id, (micros, version) in self._current.items()]
        heapq.heapify(self._heap)
