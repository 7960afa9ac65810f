"""Healing provisional deadlines once a year's official arrangement is added.

Why: a deployment that chose ``beyond_known_data: weekends_only`` keeps creating items
past the end of the data; their deadlines and timers are provisional (weekday rule). When
the year's notice is imported and named in ``duban.yaml`` (or a calendar package is
upgraded), every policy's calendar changes but the items' projections were computed with
the old one. For each open item whose deadline was computed with another calendar version
(or is provisional), the item's recorded history is re-read under the current calendar
(like ``duban migrate`` does for a new policy version; events are never rewritten). If
the deadline moves, one ``calendar_healed`` event records old → new and the calendar
version, and the item's departments are notified through the outbox, all in one
transaction, so the projection stays what replaying the log gives. If only the timers
move, the store's timer index is refreshed without an event.

An item whose history no longer replays under the new calendar (a timer already fired at
a provisional instant the new data moves) is reported, not changed: a person decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from duban.engine.core import ActionRefused, engine_for
from duban.engine.healing import CALENDAR_HEALED
from duban.engine.model import SYSTEM, Event, ItemState
from duban.engine.timers import next_due
from duban.errors import DubanError
from duban.policy.model import Policy
from duban.runtime.service import Service
from duban.store.base import Commit, ConcurrencyError

#: Canonical states whose deadlines no longer matter to anyone.
FINISHED = frozenset({"closed", "archived", "cancelled", "declined"})


@dataclass(frozen=True)
class Healing:
    """What healing one item does (or why it cannot)."""

    item_id: str
    old: ItemState
    new: ItemState | None
    old_version: str
    new_version: str
    refused: str | None = None

    @property
    def moves(self) -> bool:
        """Whether the deadline moves (a notice goes to the departments)."""
        return self.new is not None and self.new.due != self.old.due

    @property
    def changes(self) -> bool:
        """Whether the item differs under the new calendar (an event is written)."""
        return self.new is not None and self.new != self.old

    def describe(self) -> str:
        """One line for ``duban calendar heal``: item, old → new, calendar versions."""
        if self.refused is not None:
            return f"✗ {self.item_id}：不能自动重算：{self.refused}"
        old = self.old.due.isoformat() if self.old.due else "—"
        new = self.new.due.isoformat() if self.new and self.new.due else "—"
        mark = "（暂定）" if self.old.due_info and self.old.due_info.provisional else ""
        if not self.changes:
            return f"· {self.item_id}：无变化 {old}（只更新定时索引）"
        if not self.moves:
            return f"· {self.item_id}：期限不变 {old}（记录日历 {self.new_version}）"
        return f"→ {self.item_id}：期限 {old}{mark} → {new}（日历 {self.old_version} → {self.new_version}）"


def _needs_look(policy: Policy, item: ItemState) -> bool:
    """Open, and its deadline computed with another calendar version or provisional."""
    if policy.states[item.state].canonical in FINISHED:
        return False
    info = item.due_info
    return info is None or info.provisional or info.calendar_version != policy.calendar.version


def plan_healing(service: Service) -> Iterator[Healing]:
    """What healing would do, item by item (nothing is written)."""
    for item in service.store.items():
        policy = service.policy_for(item)
        if not _needs_look(policy, item):
            continue
        old_version = item.due_info.calendar_version if item.due_info else "—"
        engine = engine_for(policy)
        fresh = engine.new_item(item.id)
        try:
            for e in service.store.events(item.id):
                fresh, _ = engine.apply(fresh, e, e.at)
        except DubanError as err:  # ActionRefused, or a date the calendar still lacks
            yield Healing(item.id, item, None, old_version, policy.calendar.version,
                          refused=f"按新日历重放历史时被拒绝：{err}")
            continue
        yield Healing(item.id, item, fresh, old_version, policy.calendar.version)


def _message(h: Healing) -> str:
    old = h.old.due.isoformat() if h.old.due else "无"
    new = h.new.due.isoformat() if h.new and h.new.due else "无"
    return (f"事项“{h.old.title or h.item_id}”的办理期限由 {old} 调整为 {new}：日历数据已更新"
            f"（{h.new_version}），按正式放假安排重新计算。")


def write_healing(service: Service, h: Healing, at: dt.datetime) -> ItemState:
    """Write one healing in one transaction: the event and outbox rows, or only the index."""
    if h.new is None:
        raise DubanError(h.refused or "无法重算", "validation_error")
    policy = service.policy_for(h.old)
    new = h.new
    if not h.changes:
        service.store.commit(Commit(h.old, [], h.old.seq, next_due(policy, h.old)))
        return h.old
    info = new.due_info
    marker = Event(CALENDAR_HEALED, max(at, new.last_at or at), SYSTEM, {
        "from": h.old.due.isoformat() if h.old.due else None,
        "to": new.due.isoformat() if new.due else None,
        "calendar_version": h.new_version, "previous_version": h.old_version,
        "provisional": bool(info and info.provisional), "message": _message(h)})
    item, effects = engine_for(policy).apply(new, marker, marker.at)
    outbox = list(service._drafts(policy, item, h.old.seq, effects))
    service.store.commit(Commit(item, [marker], h.old.seq, next_due(policy, item), outbox))
    if service.hooks is not None:
        service.hooks.event_applied(item, [marker], effects)
    return item


def heal(service: Service, at: dt.datetime, *, dry_run: bool = False) -> list[Healing]:
    """Plan and (unless ``dry_run``) write every healing; returns what was (to be) done.

    An item changed by someone else meanwhile is left out of the result and unchanged
    (the next heal run looks at it again).
    """
    done: list[Healing] = []
    for h in plan_healing(service):
        if h.new is not None and not dry_run:
            try:
                write_healing(service, h, at)
            except (ConcurrencyError, ActionRefused):
                continue
        done.append(h)
    return done
