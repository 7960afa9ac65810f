"""Moving open items to a new policy version — on purpose, after showing what changes.

Why not automatic: a changed regulation applies to new items; an item created under the
old rules keeps them (it is pinned to its policy's content hash) unless an operator
migrates it. Migration re-reads the item's recorded history under the new policy (the
events are never rewritten) and appends one ``policy_migrated`` event; the projection is
what replaying the whole log under the new policy gives, so replay stays an identity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from duban.engine.core import ActionRefused, engine_for
from duban.engine.model import Event, ItemState
from duban.errors import DubanError
from duban.policy.model import Policy
from duban.runtime.service import Service
from duban.store.base import Commit


@dataclass
class MigrationPlan:
    item_id: str
    old: ItemState
    new: ItemState | None
    changes: list[str] = field(default_factory=list)
    refused: str | None = None  # why it cannot be migrated

    @property
    def ok(self) -> bool:
        return self.new is not None and self.refused is None


def _fmt(value: dt.datetime | None) -> str:
    return value.isoformat() if value else "—"


def plan(service: Service, item_id: str, target: Policy) -> MigrationPlan:
    """What migrating ``item_id`` to ``target`` would change (nothing is written)."""
    old = service.store.load(item_id)
    if old is None:
        raise DubanError(f"没有事项 '{item_id}' / unknown item", "unknown_item")
    events = service.store.events(item_id)
    engine = engine_for(target)
    new = engine.new_item(item_id)
    for n, e in enumerate(events, 1):
        try:
            new, _ = engine.apply(new, e, e.at)
        except (ActionRefused, DubanError) as err:
            return MigrationPlan(item_id, old, None,
                                 refused=f"第 {n} 个事件（{e.action}，{e.at.isoformat()}）在新策略下"
                                         f"被拒绝：{err}")
    changes = []
    if new.state != old.state:
        changes.append(f"状态：{old.state} → {new.state}")
    if new.due != old.due:
        changes.append(f"期限：{_fmt(old.due)} → {_fmt(new.due)}"
                       + (f"（{new.due_info.rule}）" if new.due_info else ""))
    old_p = old.pending.chain if old.pending else None
    new_p = new.pending.chain if new.pending else None
    if old_p != new_p:
        changes.append(f"待审批：{old_p or '无'} → {new_p or '无'}")
    old_pen = [(e.rule, e.points, e.coefficient) for e in old.penalties]
    new_pen = [(e.rule, e.points, e.coefficient) for e in new.penalties]
    if old_pen != new_pen:
        changes.append(f"扣分：{sum(p for _, p, _ in old_pen):g} 分 → {sum(p for _, p, _ in new_pen):g} 分"
                       f"（{len(old_pen)} 条 → {len(new_pen)} 条）")
    return MigrationPlan(item_id, old, new, changes)


def apply_plan(service: Service, p: MigrationPlan, target: Policy, at: dt.datetime) -> ItemState:
    """Write the migration: one appended event and the new projection, in one transaction."""
    if not p.ok or p.new is None:
        raise DubanError(p.refused or "无法迁移", "validation_error")
    marker = Event("policy_migrated", max(at, p.new.last_at or at), None,
                   {"from": p.old.policy_hash, "to": target.content_hash})
    item, _ = engine_for(target).apply(p.new, marker, marker.at)
    from duban.engine.timers import next_due

    service.store.save_policy(target.content_hash, target.id, _document(target))
    service.store.commit(Commit(item, [marker], p.old.seq, next_due(target, item)))
    return item


def _document(policy: Policy) -> str:
    import json

    return json.dumps(dict(policy.raw), ensure_ascii=False, sort_keys=True)
