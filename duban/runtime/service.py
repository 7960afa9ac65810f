"""The imperative shell: commands in, one transaction per command, notices out.

``Service.act`` loads the item and the policy version it is pinned to, asks the pure core
to apply the event, and writes the events, the projection, the penalty ledger and the
outbox rows in one store transaction (retrying on a concurrent update). Observers hear
about it only after the commit. ``tick`` fires due timers through the same path;
``deliver`` hands outbox rows to notifiers with retries and a dead-letter state.

This is the only layer that may read the clock, and only as a default for ``now``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from duban.calendar.instants import DEFAULT_ZONE
from duban.engine.access import visible_to
from duban.engine.core import INTERNAL_ACTIONS, ActionRefused, engine_for
from duban.engine.model import SYSTEM, Actor, Effect, Event, ItemState, PenaltyEntry
from duban.engine.notice import joining, number_event
from duban.engine.timers import next_due
from duban.errors import DubanError
from duban.notify.base import DeliveryError, Notifier
from duban.outbox import OutboxDraft
from duban.plugins import Hooks
from duban.policy.model import Policy
from duban.runtime.intake import check_new_item
from duban.store.base import (
    Commit,
    ConcurrencyError,
    IdempotencyConflict,
    Request,
    Store,
    StoreError,
)

log = logging.getLogger("duban.service")
MAX_CONFLICT_RETRIES = 20
#: How long a passed quick check of the store stands before a write checks it again
#: (``quick_check_every_minutes`` in duban.yaml; 0 checks before every write).
QUICK_CHECK_EVERY = dt.timedelta(hours=1)


class UnknownItem(DubanError):
    def __init__(self, item_id: str) -> None:
        super().__init__(f"没有事项 '{item_id}' / unknown item", "unknown_item")


@dataclass
class DeliveryPolicy:
    """Retries with exponential backoff; dead-letter after ``max_attempts``.

    The defaults ride out a receiver that is down for more than two days (1, 2, 4 … minutes,
    then every 6 hours, 20 attempts ≈ 66 hours) before an operator has to look."""

    max_attempts: int = 20
    base_delay: dt.timedelta = dt.timedelta(minutes=1)
    max_delay: dt.timedelta = dt.timedelta(hours=6)

    def retry_at(self, now: dt.datetime, attempts: int) -> dt.datetime | None:
        if attempts >= self.max_attempts:
            return None
        delay: dt.timedelta = min(self.base_delay * (2 ** (attempts - 1)), self.max_delay)
        return now + delay


@dataclass
class Service:
    store: Store
    policies: Mapping[str, Policy]  # by id (current versions)
    hooks: Hooks | None = None
    channels: Sequence[str] = ("console",)
    notifiers: dict[str, Notifier] = field(default_factory=dict)
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    require_viewer: bool = False  # the CLI must be told who is looking (deployment setting)
    operator: str | None = None  # who enters commands here (recorded on each event)
    zone: dt.tzinfo = DEFAULT_ZONE  # the zone of times written without an offset
    #: how long (on the writes' own clock) a passed quick check of the store stands
    quick_check_every: dt.timedelta = QUICK_CHECK_EVERY

    def __post_init__(self) -> None:
        self._sound = False  # the store passed its quick check (checked before a write)
        self._checked_at: dt.datetime | None = None  # when, on the writes' clock
        self._by_hash = {p.content_hash: p for p in self.policies.values()}
        for p in self.policies.values():
            self.store.save_policy(p.content_hash, p.id,
                                   json.dumps(dict(p.raw), ensure_ascii=False, sort_keys=True))

    # -- policies ----------------------------------------------------------------------------
    def policy_for(self, item: ItemState) -> Policy:
        """The policy version the item was created under (content hash)."""
        hit = self._by_hash.get(item.policy_hash)
        if hit is not None:
            return hit
        doc = self.store.policy_document(item.policy_hash)
        if doc is None:
            raise DubanError(f"事项 {item.id} 所依据的策略版本 {item.policy_hash} 不在库中 / "
                             "policy version missing", "validation_error")
        from duban.policy.loader import policy_from_document

        policy = policy_from_document(json.loads(doc), f"<stored {item.policy_hash}>")
        self._by_hash[item.policy_hash] = policy
        return policy

    # -- integrity ---------------------------------------------------------------------------
    def ensure_sound(self, at: dt.datetime | None = None) -> None:
        """Refuse to write to a store that fails its quick check (garbage in the file, a
        bad restore): writing would spread the damage.

        The check reads the whole database file (4–14 ms per MB measured on SQLite), so it runs
        before the first write of this service and then again only once
        ``quick_check_every`` has passed on the writes' own clock ``at`` (a tick's ``now``,
        a command's time) — not on every tick round of a long-running worker. A clock that
        goes back (a command dated earlier) does not bring a check forward."""
        if self._sound and not self._check_due(at):
            return
        problems = self.store.check(quick=True)
        if problems:
            self._sound = False
            raise StoreError("数据库完整性检查未通过，本次未写入任何内容；请运行 duban doctor 查看详情，"
                             f"并从备份恢复（{'；'.join(problems[:3])}）/ the database failed its "
                             "integrity check; nothing was written, run duban doctor")
        self._sound = True
        self._checked_at = at

    def _check_due(self, at: dt.datetime | None) -> bool:
        if not self.quick_check_every:
            return True
        if at is None:
            return False
        if self._checked_at is None:  # the first check was not dated: count from now
            self._checked_at = at
            return False
        return at - self._checked_at >= self.quick_check_every

    # -- commands ----------------------------------------------------------------------------
    def create(self, item_id: str, policy_id: str, data: Mapping[str, Any], actor: Actor,
               at: dt.datetime, key: str | None = None, *,
               entered_by: str | None = None) -> ItemState:
        if policy_id not in self.policies:
            raise DubanError(f"没有策略 '{policy_id}'，已加载：{'、'.join(self.policies)} / "
                             "unknown policy", "validation_error")
        policy = self.policies[policy_id]
        check_new_item(policy, item_id, data, self.store.load)
        if data.get("notice") is not None:
            data = self._joining(policy, item_id, data, actor)
        return self.act(item_id, "create", actor, data, at, key, policy_id=policy_id,
                        entered_by=entered_by)

    def _joining(self, policy: Policy, item_id: str, data: Mapping[str, Any],
                 actor: Actor) -> Mapping[str, Any]:
        """一单多事: the create data of an item joining a notice, or the refusal (see
        :func:`duban.engine.notice.joining`); a notice ``actor`` may not see is unknown."""
        notice = str(data["notice"])
        head = self.store.load(notice)
        if head is not None and not visible_to(self.policy_for(head), head, actor):
            head = None  # not confirmed to exist
        members = () if head is None else (
            i for i in self.store.items(policy_id=policy.id) if i.notice == notice)
        return joining(policy, item_id, data, head, members)

    def act(self, item_id: str, action: str, actor: Actor | None, data: Mapping[str, Any],
            at: dt.datetime, key: str | None = None, *, policy_id: str | None = None,
            entered_by: str | None = None, read: ItemState | None = None) -> ItemState:
        """Apply one command; returns the new item. Refusals raise ActionRefused and write
        nothing. With a ``key``, the same request again (item, action, actor, payload)
        returns its first result and writes nothing; another request with a used key
        raises IdempotencyConflict and writes nothing. Internal events (timers, numbers,
        roll-ups, migrations, calendar healing) are the service's own: no caller may send
        one as a command.

        ``read`` is the item as the caller has just read it (the HTTP API does, to check
        who may see it): the first attempt starts from it instead of reading it again. If
        it is no longer the stored one, the commit's sequence check refuses it and the
        next attempt reads the item afresh."""
        if action in INTERNAL_ACTIONS:
            raise ActionRefused("invalid_transition", f"“{action}”是系统内部事件，不能作为操作提交 "
                                "/ an internal event cannot be sent as a command",
                                item=item_id, action=action)
        self.ensure_sound(at)
        payload = dict(data) if policy_id is None else {**data, "policy": policy_id}
        request = Request.of(key, item_id, action, actor, payload) if key is not None else None
        for _ in range(MAX_CONFLICT_RETRIES):
            if request is not None:
                first = self.store.request_result(request)
                if first is not None:
                    return first
            item, read = (read if read is not None and read.id == item_id
                          else self.store.load(item_id)), None
            if item is None:
                if policy_id is None:
                    raise UnknownItem(item_id)
                item = engine_for(self.policies[policy_id]).new_item(item_id)
            elif policy_id is not None:
                raise DubanError(f"事项 '{item_id}' 已存在 / item exists", "validation_error")
            elif not visible_to(self.policy_for(item), item, actor):
                raise UnknownItem(item_id)  # a confidential item is not confirmed to exist
            if item.children_open:
                item = self._reconcile_children(item, at)
            try:
                return self._apply(item, [Event(action, at, actor, dict(data), key,
                                                entered_by or self.operator)], request)
            except ConcurrencyError:
                continue
            except IdempotencyConflict:
                if request is None:
                    raise
                continue  # a racing command took the key: request_result says which
        raise DubanError(f"事项 {item_id} 更新冲突过多，请重试 / too many conflicts", "conflict")

    def _apply(self, item: ItemState, events: list[Event],
               request: Request | None = None) -> ItemState:
        policy = self.policy_for(item)
        engine = engine_for(policy)
        expected = item.seq
        written: list[Event] = []
        effects: list[Effect] = []
        ledger: list[PenaltyEntry] = []
        queue = list(events)
        while queue:
            event = queue.pop(0)
            before = len(item.penalties)
            item, eff = engine.apply(item, event, event.at)
            written.append(event)
            effects.extend(eff)
            ledger.extend(item.penalties[before:])
            for e in eff:
                if e.kind == "number_needed" and policy.numbering:
                    queue.insert(0, number_event(policy, item, event.at, self.store))
        if item.number is None and policy.numbering and policy.numbering_on == "create" \
                and item.created_at is not None:
            numbered = number_event(policy, item, item.created_at, self.store)
            numbered = replace(numbered, at=written[-1].at)
            item, _ = engine.apply(item, numbered)
            written.append(numbered)
        outbox = list(self._drafts(policy, item, expected, effects))
        if written and written[0].action == "create" and item.parent and expected == 0:
            # the parent learns of the child first: if the child's own commit is then lost,
            # the parent holds a child that does not exist, which _reconcile_children drops;
            # the other order would leave the parent free to report with a child open
            self._roll_up(item.parent, "subitem_added", item.id, written[0].at)
        self.store.commit(Commit(item, written, expected, next_due(policy, item), outbox,
                                 ledger, request=request))
        for e in effects:
            if e.kind == "subitem_closed":
                self._roll_up(str(e.data["parent"]), "subitem_closed", item.id, written[-1].at)
        if self.hooks is not None:
            self.hooks.event_applied(item, written, effects)
        return item

    def _reconcile_children(self, item: ItemState, at: dt.datetime) -> ItemState:
        """Catch up a roll-up that a crash cut off: a child closed (its own transaction
        committed) while the parent's ``subitem_closed`` did not, or a child announced to
        the parent whose creation never committed. Run before acting on a parent, so a
        报结 is never refused for a child that is done or does not exist."""
        for child_id in sorted(item.children_open):
            child = self.store.load(child_id)
            if child is None:  # its creation never committed
                self._roll_up(item.id, "subitem_closed", child_id, at)
                continue
            canonical = self.policy_for(child).states[child.state].canonical
            if canonical in ("closed", "archived", "cancelled"):
                self._roll_up(item.id, "subitem_closed", child_id, at)
        return self.store.load(item.id) or item

    def _roll_up(self, parent: str, action: str, child: str, at: dt.datetime) -> None:
        for _ in range(MAX_CONFLICT_RETRIES):
            item = self.store.load(parent)
            if item is None:
                return
            try:
                self._apply(item, [Event(action, max(at, item.last_at or at), None,
                                         {"child": child})])
                return
            except ConcurrencyError:
                continue

    def _drafts(self, policy: Policy, item: ItemState, seq0: int,
                effects: Iterable[Effect]) -> Iterable[OutboxDraft]:
        """Outbox rows for the notices among the effects, one per channel and recipient."""
        n = 0
        for e in effects:
            if e.kind not in ("notify", "approval_requested"):
                continue
            recipients = [str(r) for r in e.data.get("to") or [] if r]
            for recipient in recipients:
                n += 1
                payload = {
                    "subject": f"【{policy.name}】{e.data.get('name') or e.data.get('step') or '通知'}",
                    "item": item.id, "title": item.title, "kind": e.data.get("kind") or e.kind,
                    "name": e.data.get("name") or e.data.get("step"),
                    "due": item.due.isoformat() if item.due else None,
                    "at": e.data.get("at"), "confidential": item.confidential,
                    "policy": policy.id, "policy_hash": item.policy_hash,
                    "number": item.number, "message": e.data.get("message"),
                }
                for channel in self.channels:
                    yield OutboxDraft(f"{item.id}:{seq0}:{n}:{recipient}:{channel}", channel,
                                      recipient, payload)

    # -- timers ------------------------------------------------------------------------------
    def tick(self, now: dt.datetime, limit: int = 1000) -> int:
        """Fire every timer due at ``now`` (each at its scheduled instant); returns the count."""
        self.ensure_sound(now)
        fired = 0
        while True:
            ids = self.store.due(now, limit)
            if not ids:
                return fired
            progressed = False
            for item_id in ids:
                item = self.store.load(item_id)
                if item is None:
                    continue
                engine = engine_for(self.policy_for(item))
                events = engine.tick(item, now)
                if not events:
                    continue
                try:  # every timer due for the item, in one transaction
                    self._apply(item, events)
                    fired += len(events)
                    progressed = True
                except ConcurrencyError:  # another worker fired it; it will be re-read
                    progressed = True
                except ActionRefused:  # an earlier timer moved the schedule: one at a time
                    try:
                        self._apply(item, events[:1])
                        fired += 1
                        progressed = True
                    except (ActionRefused, ConcurrencyError):
                        log.warning("timer on %s refused; schedule moved", item_id)
            if not progressed:
                return fired

    # -- delivery ----------------------------------------------------------------------------
    def deliver(self, now: dt.datetime, limit: int = 100) -> tuple[int, int]:
        """Deliver due outbox messages; returns (sent, failed)."""
        self.ensure_sound(now)
        sent = failed = 0
        for msg in self.store.outbox_due(now, limit):
            notifier = self.notifiers.get(msg.channel)
            if notifier is None:
                self.store.outbox_failed(msg.id, f"没有配置通知渠道 {msg.channel}", None)
                failed += 1
                continue
            try:
                notifier.send(msg)
            except DeliveryError as exc:
                retry = self.delivery.retry_at(now, msg.attempts + 1) if exc.retry else None
                self.store.outbox_failed(msg.id, str(exc), retry)
                failed += 1
                continue
            self.store.outbox_done(msg.id, now)
            sent += 1
        return sent, failed


__all__ = ["SYSTEM", "DeliveryPolicy", "Service", "UnknownItem"]
