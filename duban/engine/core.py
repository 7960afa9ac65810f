"""The pure core: ``apply(policy, item, event, now) -> (item', effects)``.

Nothing here reads the clock, the disk or the network: ``now`` is the caller's clock (an
event dated after it is refused), ``event.at`` the instant the event happened. The order
of work for one action (docs/lifecycle.md keeps this table):

====  ==========================================================================
1     idempotency: an event whose key was applied already is a no-op
2     admission: the item's policy version, events in time order, none from the future
3     resolve the action (canonical, the policy's word, or a transition name)
4     find transitions from the current state; none → ``invalid_transition``
5     authorise the actor (role, and department for department roles) → ``permission_denied``
6     evaluate the transition's CEL ``when``; rules of the action (extension limits,
      decline limit, children open; :mod:`duban.engine.rules`) → the action's error code
7     the attributes the action carries are written on the draft
      (:mod:`duban.engine.attributes`)
8     the shared Machine's transition fires on the draft (``machine.Firing``): exit,
      state change, ``on_enter`` (pending approval, pause clock, milestones),
      ``after`` (audit, 分送)
9     deadline, counters and penalties of the action are computed
10    the draft is frozen into the new :class:`ItemState`; effects are returned
====  ==========================================================================

A refused action raises :class:`ActionRefused` and the input state is untouched (it is
immutable; only the draft, thrown away, changed). Persistence and notification happen in
the shell, after the new state and its effects are committed together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import cast

from transitions import EventData

from duban.calendar.duration import Duration
from duban.calendar.pause import shift_for_pause, shift_for_pause_exact
from duban.engine import (
    access,
    assessment,
    at_least,
    ceiling,
    coordination,
    feedback,
    inform,
    lateness,
    share,
)
from duban.engine import penalties as penalty_rules
from duban.engine.activation import activation, holds
from duban.engine.attributes import set_attributes
from duban.engine.draft import Draft
from duban.engine.entry import check_entry
from duban.engine.healing import CALENDAR_HEALED, apply_healing
from duban.engine.instants import deadline, to_datetime
from duban.engine.machine import Firing, build_machine, trigger_name
from duban.engine.model import (
    EMPTY,
    SYSTEM,
    Actor,
    DueInfo,
    Effect,
    Event,
    FiredTimer,
    ItemState,
    Move,
    Pending,
)
from duban.engine.refusal import ActionRefused as ActionRefused  # re-exported
from duban.engine.rules import check_action, check_contents_shape
from duban.engine.timers import schedule
from duban.policy.model import Category, Policy, Transition
from duban.vocabulary import CANONICAL_ACTIONS

INTERNAL_ACTIONS = frozenset({"timer", "number", "subitem_added", "subitem_closed",
                              "policy_migrated", CALENDAR_HEALED})


class Engine:
    """Interprets one policy. Stateless apart from its Machine (built once, shared by every
    item); thread-safe to share as long as one item is not applied concurrently (the store
    serialises per item). The Machine's callbacks are this engine's bound methods."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.machine = build_machine(policy, self._entered, self._moved)
        self._firing = Firing(self.machine)
        self._names = {t.name: (t.action, t.name) for t in reversed(policy.transitions)}

    # -- public ----------------------------------------------------------------------------
    def new_item(self, item_id: str) -> ItemState:
        return ItemState(id=item_id, policy_id=self.policy.id,
                         policy_hash=self.policy.content_hash, state=self.policy.initial)

    def apply(self, item: ItemState, event: Event, now: dt.datetime | None = None
              ) -> tuple[ItemState, list[Effect]]:
        """The item after ``event``, and what the shell must do about it.

        ``now`` is the caller's clock: an event dated after it is refused
        (``validation_error``). ``None`` applies the event at its own instant, as replay
        and simulation do."""
        if event.key is not None and event.key in item.keys:
            return item, []
        self._admit(item, event, now)
        draft = Draft.of(item, event)
        if event.action == "timer":
            self._fire_timer(item, draft)
        elif event.action in INTERNAL_ACTIONS:
            self._internal(item, draft)
        else:
            check_entry(self.policy, item, event)  # 代录 only for the roles the policy allows
            self._act(item, draft)
        self._settle(draft, item.seq + 1)
        draft.seq = item.seq + 1
        draft.last_at = max(item.last_at or event.at, event.at)
        if event.key is not None:
            draft.keys = item.keys | {event.key}
        return draft.freeze(), draft.effects

    def tick(self, item: ItemState, now: dt.datetime) -> list[Event]:
        """Timer events due at ``now`` (each at its scheduled instant), in order."""
        return [Event("timer", t.at, SYSTEM, {"timer": t.name, "event": t.event, "key": t.key,
                                              "to": t.to}, key=f"timer:{item.id}:{t.key}")
                for t in schedule(self.policy, item) if t.at <= now]

    def moves(self, item: ItemState) -> tuple[Move, ...]:
        """What may be done to ``item`` now and by which roles: the pending approval step
        first (its approver named by the chain), then the transitions out of its state, in
        the policy's order. A planner tries these on :meth:`apply`, which decides."""
        p = self.policy
        out: list[Move] = []
        pending = item.pending
        if pending is not None and p.states[item.state].approval:
            chain = p.chains[pending.chain]
            if pending.step < len(chain.steps):
                step = chain.steps[pending.step]  # a base may write the canonical role
                roles = tuple(r for r, _ in step.options())
                words = tuple(w if w not in ("", r) else p.word(r) for r, w in step.options())
                out += [Move(a, a, roles, words, step.cite or chain.cite)
                        for a in ("approve", "reject")]
        for t in p.transitions:
            if item.state in t.sources and t.roles:
                pairs = access.written_roles(p, t.words or t.roles)
                out.append(Move(t.name, t.action, tuple(r for r, _ in pairs),
                                tuple(w for _, w in pairs), t.cite))
        return tuple(out)

    def resolve(self, action: str) -> tuple[str, str | None]:
        """(canonical action, specific transition name or None) for a written action: a
        transition's own name is the most precise, then the policy's action words."""
        hit = self._names.get(action)
        if hit is not None:
            return hit
        return self.policy.actions.get(action, action), None

    def category(self, item: ItemState | Draft) -> Category:
        return self.policy.categories.get(item.category) or self.policy.category_for(item.kind)

    def who(self, actor: Actor | None) -> str:
        """The actor in the organisation's own words (for messages)."""
        if actor is None:
            return "未知身份"
        roles = "、".join(sorted(actor.words) or
                          (self.policy.word(r) for r in sorted(actor.roles)))
        name = actor.person or roles
        return f"{name}（{actor.department}）" if actor.department else name

    def authorized(self, actor: Actor | None, roles: Iterable[str], item: ItemState,
                   words: Iterable[str] = ()) -> bool:
        """Role check in the organisation's own words (duban.engine.access)."""
        return access.authorized(self.policy, actor, roles, item, words)

    # -- admission and actions -------------------------------------------------------------
    def _admit(self, item: ItemState, event: Event, now: dt.datetime | None) -> None:
        """Refuse an event this item cannot take whatever the policy says."""
        if item.policy_hash != self.policy.content_hash and event.action != "policy_migrated":
            raise ActionRefused("validation_error",
                                f"事项按策略版本 {item.policy_hash} 建立，当前为 "
                                f"{self.policy.content_hash}；请先迁移 / item is pinned to another "
                                "policy version", item=item.id, action=event.action)
        if event.action not in INTERNAL_ACTIONS and item.last_at is not None and \
                event.at < item.last_at:
            raise ActionRefused("validation_error",
                                f"事件时间 {event.at.isoformat()} 早于上一事件 "
                                f"{item.last_at.isoformat()} / out-of-order event",
                                item=item.id, action=event.action)
        if now is not None and event.at > now:
            raise ActionRefused("validation_error",
                                f"事件时间 {event.at.isoformat()} 晚于当前时间 {now.isoformat()} "
                                "/ an event dated in the future", item=item.id,
                                action=event.action)
        check_contents_shape(item, event)

    def _act(self, item: ItemState, draft: Draft) -> None:
        p = self.policy
        event = cast(Event, draft.event)
        canonical, specific = self.resolve(event.action)
        if canonical not in CANONICAL_ACTIONS:
            raise ActionRefused("validation_error",
                                f"未知动作 '{event.action}' / unknown action; 可用: "
                                + "、".join([*CANONICAL_ACTIONS, *p.actions]),
                                item=item.id, action=event.action)
        if canonical in ("approve", "reject") and p.states[item.state].approval and item.pending:
            self._approval(item, draft, canonical, specific)
            return
        chosen = self._choose(item, draft, canonical, specific)
        check_action(p, self.category(item), item, event, canonical, chosen)
        if canonical in ("create", "confirm") and event.data.get("due") is not None and \
                (canonical == "create" or item.due is None):  # a deadline being written
            ceiling.check(p, item, draft, event, to_datetime(event.data["due"], p))
        if canonical != "create":
            set_attributes(p, item, draft, event, canonical)
        if canonical == "progress" and feedback.awaits_approval(p, chosen):
            draft.last_progress_at = item.last_progress_at  # it counts once approved
        elif canonical == "request_extension" and share.asks(p, chosen):
            draft.extension_requests = item.extension_requests  # the department's share,
            share.hold(p, item, draft)                          # not the item's deadline
        if canonical == "report" and item.handoff and \
                item.handoff_index < len(item.handoff) - 1 and not item.lead:
            self._hand_over(item, draft)
            return
        self._fire(draft, chosen, item)
        self._finish(item, draft, canonical, chosen)

    def _choose(self, item: ItemState, draft: Draft, canonical: str,
                specific: str | None) -> Transition:
        """The one transition the action fires: from this state, allowed to this actor,
        its condition holding (each failure with its own code)."""
        p = self.policy
        event = cast(Event, draft.event)
        actor = event.actor
        candidates = [t for t in p.transitions_by_action.get(canonical, ())
                      if item.state in t.sources and (specific is None or t.name == specific)]
        if not candidates:
            what = "没有待审批的事项 / nothing is pending approval" \
                if canonical in ("approve", "reject") else \
                f"在“{item.state}”状态下不能执行“{event.action}” / not allowed in state " \
                f"'{item.state}'"
            raise ActionRefused("invalid_transition", what, item=item.id, action=event.action)
        subject = item
        if canonical == "create":  # roles and conditions see the item being created
            set_attributes(p, item, draft, event, canonical)
            subject = draft.freeze()
        allowed = [t for t in candidates if self.authorized(actor, t.roles, subject, t.words)]
        if not allowed:
            t = candidates[0]
            who = "、".join(sorted(p.own_words(t.words)) or
                            (p.word(r) for r in sorted(t.roles)))
            raise ActionRefused("permission_denied",
                                f"{self.who(actor)} 无权执行“{t.name}”，应由 {who}"
                                f"{access.oversight_note(p, subject, t.words)} 执行 / "
                                "permission denied", item=item.id,
                                action=event.action, rule=t.name, cite=t.cite)
        act = None  # condition variables only when a condition exists
        for t in allowed:
            if t.when is not None:
                act = act or activation(p, subject, event, actor, event.at)
                if not holds(t.when, act, t.name, t.cite):
                    continue
            return t
        t = allowed[0]
        raise ActionRefused("invalid_transition", f"条件不满足：{t.when.source if t.when else ''}",
                            item=item.id, action=event.action, rule=t.name, cite=t.cite)

    def _hand_over(self, item: ItemState, draft: Draft) -> None:
        """Sequential hand-off: a report passes the item to the next department; only the
        last department reports the item itself."""
        nxt = item.handoff[item.handoff_index + 1]
        draft.reported_at = item.reported_at
        draft.handoff_index = item.handoff_index + 1
        draft.state_since = cast(Event, draft.event).at
        draft.effects.append(Effect("notify", {"to": [nxt], "kind": "handoff",
                                               "message": f"请 {nxt} 接续办理"}))

    def _finish(self, item: ItemState, draft: Draft, canonical: str,
                t: Transition | None) -> None:
        """Deadlines and penalties that follow the action."""
        event = cast(Event, draft.event)
        new_due = event.data.get("due")
        if new_due is not None and item.due is not None and canonical in (
                "reject", "reassign", "assign", "resume"):
            due = to_datetime(new_due, self.policy)
            if due != draft.due:  # e.g. reopened by a leader's new instruction
                self._set_due(draft, due, "重新限期", t.cite if t else None, item.seq + 1)
        if canonical in ("report", "close"):
            marker = lateness.late_on_finishing(self.policy, item, event.at)
            if marker is not None:
                draft.fired = (*draft.fired, marker)
                self._penalize(item, draft, lateness.LATE)
        if canonical in ("censure", "commend"):
            self._penalize(item, draft, canonical)
        elif canonical == "request_extension" and not share.asks(self.policy, t):
            self._penalize(item, draft, "extension_requested")
        defect = event.data.get("defect")
        if defect and canonical in ("censure", "verify", "reject"):
            self._assess(item, event, f"defect:{defect}")
            self._penalize(item, draft, f"defect:{defect}")

    def _assess(self, item: ItemState, event: Event, trigger: str) -> None:
        try:
            assessment.check(self.policy, trigger, event, event.actor,
                             lambda a, roles, words: any(
                                 self.authorized(a, (r,), item, words) for r in roles))
        except assessment.AssessmentRefused as err:
            raise ActionRefused(err.code, str(err), item=item.id, action=event.action,
                                rule=err.rule, cite=err.cite) from None

    def _fire(self, draft: Draft, t: Transition, item: ItemState) -> None:
        """Fire the chosen transition of the shared Machine on the draft: the source
        state's exit callbacks, the state change, the destination's ``on_enter``
        (:meth:`_entered`), then the transition's ``after`` (:meth:`_moved`) —
        transitions' documented order, run by :class:`~duban.engine.machine.Firing`."""
        name = trigger_name(t.name, item.previous or item.state) if t.to == "previous" \
            else t.name
        draft.transition = t
        self._firing.fire(name, draft)

    # -- approvals -------------------------------------------------------------------------
    def chain_for(self, purpose: str, draft: Draft) -> str | None:
        p = self.policy
        cat = p.categories.get(draft.category or "") or p.category_for(draft.kind or "other")
        if purpose == "extension":
            approvers = cat.extensions.approvers
            n = max(draft.extension_requests - 1, 0)  # this request is counted already
            return approvers[min(n, len(approvers) - 1)] if approvers else None
        if purpose == "opening" and (above := ceiling.chain_above(p, draft)) is not None:
            return above  # a deadline above a ceiling needs the approval the text names
        chain: str | None = getattr(cat.approvals, purpose)
        return chain

    def _approval(self, item: ItemState, draft: Draft, canonical: str,
                  specific: str | None) -> None:
        p = self.policy
        event = cast(Event, draft.event)
        actor = event.actor
        pending = item.pending
        assert pending is not None
        chain = p.chains[pending.chain]
        step = chain.steps[pending.step] if pending.step < len(chain.steps) else None
        if step is not None and not any(self.authorized(actor, (role,), item, (word,))
                                        for role, word in step.options()):
            raise ActionRefused("permission_denied",
                                f"{self.who(actor)} 无权审批，本步“{step.name}”"
                                f"应由 {step.words(p.word)}"
                                f"{access.oversight_note(p, item, (w for _, w in step.options()))}"
                                " 审批 / permission denied",
                                item=item.id, action=event.action, rule=chain.name,
                                cite=step.cite or chain.cite)
        outs = [t for t in p.transitions_by_action.get(canonical, ())
                if item.state in t.sources and (specific is None or t.name == specific)]
        if not outs:
            raise ActionRefused("invalid_transition", f"“{item.state}”没有定义{canonical}转换",
                                item=item.id, action=event.action)
        ends_here = step is not None and step.may_end and bool(event.data.get("end"))
        if canonical == "approve" and step is not None and pending.step + 1 < len(chain.steps) \
                and not ends_here:  # 转报: on to the next approver; 批复 (end) decides here
            who = actor.describe() if actor else "系统"
            draft.pending = replace(pending, step=pending.step + 1, since=event.at,
                                    approvals=(*pending.approvals,
                                               (step.name, who, event.at.isoformat())))
            nxt = chain.steps[pending.step + 1]
            draft.effects.append(Effect("approval_requested", {
                "chain": chain.name, "step": nxt.name, "role": nxt.role,
                "to": [nxt.word or p.word(nxt.role)]}))
            return
        t = next((o for o in outs if o.when is None or holds(
            o.when, activation(p, item, event, actor, event.at), o.name, o.cite)), None)
        if t is None:
            raise ActionRefused("invalid_transition", f"条件不满足：{outs[0].when.source if outs[0].when else ''}",
                                item=item.id, action=event.action, rule=outs[0].name,
                                cite=outs[0].cite)
        if canonical == "approve":
            self._approved(item, draft, pending)
        else:
            self._refused(item, draft, pending)
        self._fire(draft, t, item)
        self._finish(item, draft, canonical, t)

    def _approved(self, item: ItemState, draft: Draft, pending: Pending) -> None:
        """The last step of an approval says yes: what that approval grants."""
        p = self.policy
        event = cast(Event, draft.event)
        if pending.purpose == "opening":
            draft.opened_at = event.at
            if p.numbering and p.numbering_on == "opened":
                draft.effects.append(Effect("number_needed", {"format": p.numbering}))
        elif pending.purpose == "extension":
            draft.extensions_granted = item.extensions_granted + 1
            until = to_datetime(pending.request.get("until"), p)
            rules = self.category(item).extensions
            self._set_due(draft, until, f"第{item.extensions_granted + 1}次延期获批",
                          rules.cite, item.seq + 1)
            self._penalize(item, draft, "extension_granted")
        elif pending.purpose == feedback.PURPOSE:
            feedback.decided(draft, True, event.at)
        elif pending.purpose == share.PURPOSE:
            share.granted(p, draft, pending.request)
        elif pending.purpose == coordination.PURPOSE:
            coordination.resolved(draft)

    def _refused(self, item: ItemState, draft: Draft, pending: Pending) -> None:
        """An approval says no: an extension stays refused, a review returns the work."""
        p = self.policy
        event = cast(Event, draft.event)
        if pending.purpose == "extension":
            draft.extensions_rejected = item.extensions_rejected + 1
            self._penalize(item, draft, "extension_rejected")
        elif pending.purpose == "review":
            draft.returns = item.returns + 1
            draft.reported_at = None
            new_due = event.data.get("due")
            if new_due is not None:
                self._set_due(draft, to_datetime(new_due, p), "退办重新限期", p.rework_cite,
                              item.seq + 1)
            elif p.rework is not None:
                self._set_due(draft, deadline(p, event.at, p.rework),
                              f"退办后{p.rework}", p.rework_cite, item.seq + 1)
            self._penalize(item, draft, "returned")
        elif pending.purpose == feedback.PURPOSE:
            feedback.decided(draft, False, event.at)

    # -- the Machine's callbacks (bound to this engine) -------------------------------------
    def _entered(self, ev: EventData) -> None:
        """Entering a state: a pending approval, the pause clock, milestones, closing."""
        draft = cast(Draft, ev.model)
        assert ev.transition is not None and ev.transition.dest is not None
        src = self.policy.states[ev.transition.source]
        dst = self.policy.states[ev.transition.dest]
        now = cast(Event, draft.event).at
        draft.state_since = now
        if not src.approval and not src.clock_stopped and (dst.approval or dst.clock_stopped):
            draft.previous = src.name
        self._await_approval(draft, dst.approval)
        if src.clock_stopped and not dst.clock_stopped and draft.paused_at is not None:
            self._resume_clock(draft, now)
        if dst.clock_stopped and not src.clock_stopped:
            draft.paused_at = now
        if dst.canonical in ("assigned", "in_progress") and draft.assigned_at is None:
            draft.assigned_at = now
        if dst.canonical == "closed" and draft.closed_at is None:
            self._closed(draft, now)
        if dst.canonical in ("in_progress", "assigned") and src.canonical == "closed":
            draft.closed_at = None  # 回访复核 reopened it

    def _moved(self, ev: EventData) -> None:
        """After every transition: the audit effect, and who it informs (分送/知会)."""
        draft = cast(Draft, ev.model)
        t = draft.transition
        assert ev.transition is not None and t is not None
        draft.effects.append(Effect("state_changed", {
            "transition": t.name, "from": ev.transition.source,
            "to": ev.transition.dest or ev.transition.source}))
        draft.effects.extend(inform.notices(self.policy, t, draft, cast(Event, draft.event).at))
        at_least.tally(self.policy, t, draft, cast(Event, draft.event).at)

    def _await_approval(self, draft: Draft, purpose: str | None) -> None:
        """Entering a state that waits for an approval starts its chain's first step."""
        if not purpose:
            draft.pending = None
            return
        p = self.policy
        event = cast(Event, draft.event)
        chain = self.chain_for(purpose, draft)
        if chain is None:
            raise ActionRefused("invalid_transition", f"没有 {purpose} 审批链",
                                item=draft.id, action=event.action)
        draft.pending = Pending(purpose, chain, 0, event.at,
                                dict(event.data) if purpose in (
                                    "extension", "pause", feedback.PURPOSE, share.PURPOSE,
                                    coordination.PURPOSE)
                                else EMPTY)
        steps = p.chains[chain].steps
        if steps:
            draft.effects.append(Effect("approval_requested", {
                "chain": chain, "step": steps[0].name, "role": steps[0].role,
                "to": [p.word(steps[0].role)]}))

    def _resume_clock(self, draft: Draft, now: dt.datetime) -> None:
        """Leaving a paused state: the deadline moves by the time the clock stood still."""
        p = self.policy
        paused_at = cast(dt.datetime, draft.paused_at)
        if draft.due is not None:
            shifted = shift_for_pause_exact(draft.due, paused_at, now) \
                if p.extensions.unit == "hour" else \
                shift_for_pause(p.calendar, draft.due, paused_at, now)
            if shifted != draft.due:
                self._set_due(draft, shifted, "暂停期间停止计时，恢复后顺延", None, draft.seq + 1)
        draft.paused_at = None

    def _closed(self, draft: Draft, now: dt.datetime) -> None:
        """办结: the closing instant, lateness (by the report's time), the parent told."""
        draft.closed_at = now
        if draft.due is not None and (draft.reported_at or now) > draft.due:
            self._penalize(draft.freeze(), draft, "closed_late")
        if draft.parent:
            draft.effects.append(Effect("subitem_closed", {"parent": draft.parent,
                                                           "child": draft.id}))

    # -- timers and internal events ----------------------------------------------------------
    def _fire_timer(self, item: ItemState, draft: Draft) -> None:
        event = cast(Event, draft.event)
        key = event.data.get("key")
        due = {t.key: t for t in schedule(self.policy, item)}
        timer = due.get(str(key))
        if timer is None or timer.at != event.at:
            raise ActionRefused("invalid_transition", f"定时器 {key} 未到期或不存在 / timer is "
                                "not scheduled", item=item.id, action="timer")
        draft.fired = (*item.fired, FiredTimer(timer.name, timer.event, timer.at, timer.key))
        draft.effects.append(Effect("timer_fired", {"name": timer.name, "event": timer.event,
                                                    "at": timer.at.isoformat()}))
        if timer.event == at_least.PERIOD_END:  # a count checked, not a notice
            short = at_least.check(self.policy, item, timer.name, timer.at, draft)
            if short is not None:
                draft.effects.append(Effect("shortfall", short.to_json()))
            return
        if timer.event == lateness.DEADLINE_PASSED:  # a fact, not a notice
            self._penalize(item, draft, lateness.LATE)
            return
        to = [t for r in timer.to
              for t in penalty_rules.targets(self.policy, r, draft.department, draft.assist)] \
            or [item.department or self.policy.word("lead_department")]
        draft.effects.append(Effect("notify", {"kind": timer.event, "name": timer.name,
                                               "to": to, "at": timer.at.isoformat()}))
        self._penalize(item, draft, f"timer:{timer.name}")

    def _internal(self, item: ItemState, draft: Draft) -> None:
        event = cast(Event, draft.event)
        child = str(event.data.get("child", ""))
        if event.action == "number":
            draft.number = str(event.data["number"])
            if event.data.get("notice_item"):  # 一单多事: its place on the notice, its date
                draft.notice_item = int(event.data["notice_item"])
                draft.issued_at = to_datetime(event.data["issued"], self.policy)
        elif event.action == "subitem_added":
            draft.children_open = item.children_open | {child}
        elif event.action == "subitem_closed":
            draft.children_open = item.children_open - {child}
        elif event.action == "policy_migrated":  # re-pinned on purpose (duban migrate);
            draft.policy_hash = self.policy.content_hash  # replay reads the log under it
        elif event.action == CALENDAR_HEALED:  # the year's data arrived (duban calendar heal)
            apply_healing(item, event, draft)

    # -- deadlines and penalties ---------------------------------------------------------------
    def _set_due(self, draft: Draft, due: dt.datetime, rule: str, cite: str | None,
                 seq: int) -> None:
        draft.due = due
        if draft.original_due is None:
            draft.original_due = due
        draft.due_info = DueInfo(rule, cite, seq, self.policy.calendar.version,
                                 self.policy.calendar.provisional(due.date()))
        draft.effects.append(Effect("deadline_set", {"due": due.isoformat(), "rule": rule,
                                                     "cite": cite}))

    def default_limit(self, draft: Draft) -> tuple[Duration, str, str | None] | None:
        """The limit when the leader set none: category, urgency, kind, then the default."""
        p = self.policy
        h = p.handling
        cat = p.categories.get(draft.category or "")
        if cat is not None and cat.time_limit is not None:
            return cat.time_limit, f"“{cat.name}”默认办理时限 {cat.time_limit}", cat.cite
        urgency = draft.urgency
        if urgency and urgency in h.by_urgency:
            d = h.by_urgency[urgency]
            return d, f"{urgency}事项办理时限 {d}", h.cite
        kind = draft.kind or ""
        if kind in h.by_kind:
            return h.by_kind[kind], f"{kind} 默认办理时限 {h.by_kind[kind]}", h.cite
        if h.default is None:
            return None  # the text sets no limit: the item has no deadline but its own
        return h.default, f"默认办理时限 {h.default}", h.cite

    def _settle(self, draft: Draft, seq: int) -> None:
        """Set the deadline once its counting milestone has happened (``seq``: the event's)."""
        if draft.due is not None:
            return
        if draft.requested_due is not None and draft.created_at is not None:
            self._set_due(draft, draft.requested_due, "领导明确的办理期限", None, seq)
            return
        start = {"created": draft.created_at, "opened": draft.opened_at,
                 "assigned": draft.assigned_at, "confirmed": draft.confirmed_at}.get(
            self.policy.handling.counts_from)
        if start is None:
            return
        limit = self.default_limit(draft)
        if limit is not None:
            d, rule, cite = limit
            self._set_due(draft, deadline(self.policy, start, d), rule, cite, seq)

    def _penalize(self, item: ItemState, draft: Draft, trigger: str) -> None:
        entries = penalty_rules.evaluate(self.policy, item, draft, trigger,
                                         cast(Event, draft.event))
        if entries:
            draft.penalties = (*draft.penalties, *entries)
            draft.effects.extend(Effect("penalty", {"entry": e}) for e in entries)


def engine_for(policy: Policy) -> Engine:
    """The Engine of a policy (cached on the policy object, with its Machine)."""
    eng = policy.__dict__.get("_duban_engine")
    if eng is None:
        eng = Engine(policy)
        object.__setattr__(policy, "_duban_engine", eng)
    return eng


def apply(policy: Policy, item: ItemState, event: Event, now: dt.datetime | None = None
          ) -> tuple[ItemState, list[Effect]]:
    """Apply one event to an item; raise :class:`ActionRefused` if the policy forbids it
    (``now``: the caller's clock, see :meth:`Engine.apply`)."""
    return engine_for(policy).apply(item, event, now)


def tick(policy: Policy, item: ItemState, now: dt.datetime) -> list[Event]:
    """The timer events due for an item at ``now``, at their scheduled instants."""
    return engine_for(policy).tick(item, now)


def new_item(policy: Policy, item_id: str) -> ItemState:
    return engine_for(policy).new_item(item_id)


def replay(policy: Policy, item_id: str, events: Iterable[Event]) -> ItemState:
    """The item as the fold of its events (raises if any event is refused)."""
    item = new_item(policy, item_id)
    for e in events:
        item, _ = apply(policy, item, e, e.at)
    return item
