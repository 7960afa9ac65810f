"""The pure core: ``apply(policy, item, event, now) -> (item', effects)``.

Nothing here reads the clock, the disk or the network. The order of work for one action
(docs/lifecycle.md keeps this table):

====  ==========================================================================
1     idempotency: an event whose key was applied already is a no-op
2     resolve the action (canonical, the policy's word, or a transition name)
3     find transitions from the current state; none → ``invalid_transition``
4     authorise the actor (role, and department for department roles) → ``permission_denied``
5     evaluate the transition's CEL ``when``; checks of the action (extension rules,
      decline limit, children open) → the action's error code
6     the Machine fires: exit, state change, ``on_enter`` (pending approval, pause clock,
      milestones), ``after`` (audit) — on a scratch copy
7     deadline, counters and penalties of the action are computed
8     the scratch copy is frozen into the new :class:`ItemState`; effects are returned
====  ==========================================================================

A refused action raises :class:`ActionRefused` before step 6 and the input state is
untouched (it is immutable). Persistence and notification happen in the shell, after
the new state and its effects are committed together.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, replace
from typing import Any, cast

from transitions import EventData

from duban.calendar.deadline import compute_deadline, due_from_date
from duban.calendar.duration import Duration
from duban.calendar.pause import shift_for_pause, shift_for_pause_exact
from duban.engine import access, assessment, inform, lateness
from duban.engine import penalties as penalty_rules
from duban.engine.activation import activation, holds
from duban.engine.healing import CALENDAR_HEALED, apply_healing
from duban.engine.machine import Work, machine_for, trigger_name
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
from duban.engine.timers import schedule, shift_calendar
from duban.errors import DubanError
from duban.policy.model import Category, Policy, Transition
from duban.vocabulary import CANONICAL_ACTIONS, REQUIRED_FIELDS

_FIELDS = tuple(f.name for f in fields(ItemState))
_GET = operator.attrgetter(*_FIELDS)
INTERNAL_ACTIONS = frozenset({"timer", "number", "subitem_added", "subitem_closed",
                              "policy_migrated", CALENDAR_HEALED})


def to_datetime(value: Any, policy: Policy, *, end_of_day: bool = True) -> dt.datetime:
    """A due/until value: a date means the end of that day (23:59:59 local)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=policy.timezone)
    if isinstance(value, dt.date):
        return due_from_date(value, policy.timezone) if end_of_day else \
            dt.datetime.combine(value, dt.time(0), tzinfo=policy.timezone)
    text = str(value).strip()
    try:
        if len(text) == 10:
            return to_datetime(dt.date.fromisoformat(text), policy, end_of_day=end_of_day)
        return to_datetime(dt.datetime.fromisoformat(text), policy)
    except ValueError:
        raise DubanError(f"无法识别的时间 '{value}'，应写 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM / "
                         f"not a date or time: {value!r}", "validation_error") from None


class Engine:
    """Interprets one policy. Stateless apart from the shared Machine; thread-safe to share
    as long as one item is not applied concurrently (the store serialises per item)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.machine = machine_for(policy, _on_enter, _after)
        self._plans: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._names = {t.name: (t.action, t.name) for t in reversed(policy.transitions)}

    # -- public ----------------------------------------------------------------------------
    def new_item(self, item_id: str) -> ItemState:
        return ItemState(id=item_id, policy_id=self.policy.id,
                         policy_hash=self.policy.content_hash, state=self.policy.initial)

    def apply(self, item: ItemState, event: Event, now: dt.datetime | None = None
              ) -> tuple[ItemState, list[Effect]]:
        if event.key is not None and event.key in item.keys:
            return item, []
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
        work = Work(item.state, dict(zip(_FIELDS, _GET(item), strict=True)), self)
        w = work.fields
        w["_event"], w["_now"] = event, event.at
        if event.action == "timer":
            self._fire_timer(item, event, work)
        elif event.action in INTERNAL_ACTIONS:
            self._internal(item, event, work)
        else:
            self._act(item, event, work)
        self._settle(work)
        w["seq"] = item.seq + 1
        w["last_at"] = max(item.last_at or event.at, event.at)
        if event.key is not None:
            w["keys"] = item.keys | {event.key}
        w["state"] = work.state
        return _freeze(w), work.effects

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

    # -- actions ---------------------------------------------------------------------------
    def resolve(self, action: str) -> tuple[str, str | None]:
        """(canonical action, specific transition name or None) for a written action: a
        transition's own name is the most precise, then the policy's action words."""
        hit = self._names.get(action)
        if hit is not None:
            return hit
        return self.policy.actions.get(action, action), None

    def category(self, item: ItemState) -> Category:
        return self.policy.categories.get(item.category) or self.policy.category_for(item.kind)

    def _act(self, item: ItemState, event: Event, work: Work) -> None:
        p = self.policy
        canonical, specific = self.resolve(event.action)
        if canonical not in CANONICAL_ACTIONS:
            raise ActionRefused("validation_error",
                                f"未知动作 '{event.action}' / unknown action; 可用: "
                                + "、".join([*CANONICAL_ACTIONS, *p.actions]),
                                item=item.id, action=event.action)
        state = p.states[item.state]
        actor = event.actor
        if canonical in ("approve", "reject") and state.approval and item.pending:
            self._approval(item, event, work, canonical, specific, actor)
            return
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
            self._prepare(item, event, work, canonical)
            subject = _snapshot(work.fields)
        allowed = [t for t in candidates if self.authorized(actor, t.roles, subject, t.words)]
        if not allowed:
            t = candidates[0]
            who = "、".join(sorted(p.own_words(t.words)) or
                            (p.word(r) for r in sorted(t.roles)))
            raise ActionRefused("permission_denied",
                                f"{self.who(actor)} 无权执行“{t.name}”，"
                                f"应由 {who} 执行 / permission denied", item=item.id,
                                action=event.action, rule=t.name, cite=t.cite)
        act: dict[str, Any] | None = None  # condition variables only when a condition exists
        chosen = None
        for t in allowed:
            if t.when is not None:
                act = act or activation(p, subject, event, actor, event.at)
                if not holds(t.when, act, t.name, t.cite):
                    continue
            chosen = t
            break
        if chosen is None:
            t = allowed[0]
            raise ActionRefused("invalid_transition", f"条件不满足：{t.when.source if t.when else ''}",
                                item=item.id, action=event.action, rule=t.name, cite=t.cite)
        self._check(item, event, canonical, chosen)
        if canonical != "create":
            self._prepare(item, event, work, canonical)
        if canonical == "report" and item.handoff and \
                item.handoff_index < len(item.handoff) - 1 and not item.lead:
            w = work.fields  # sequential hand-off: pass to the next department
            w["reported_at"] = item.reported_at  # only the last department reports the item
            w["handoff_index"] = item.handoff_index + 1
            w["state_since"] = event.at
            work.effects.append(Effect("notify", {
                "to": [item.handoff[item.handoff_index + 1]], "kind": "handoff",
                "message": f"请 {item.handoff[item.handoff_index + 1]} 接续办理"}))
            return
        self._fire(work, chosen, item)
        self._finish(item, event, work, canonical, chosen)

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

    def _check(self, item: ItemState, event: Event, canonical: str, t: Transition) -> None:
        """Rules of the action itself, beyond state and role."""
        p = self.policy
        for need in t.requires:
            if event.data.get(need) in (None, ""):
                raise ActionRefused("validation_error",
                                    f"“{t.name}”须写明{REQUIRED_FIELDS[need]}（{need}）/ `{need}` "
                                    "is required", item=item.id, action=event.action,
                                    rule=t.name, cite=t.cite)
        if canonical == "request_extension":
            rules = self.category(item).extensions
            requested = item.extension_requests
            if rules.max == 0:
                raise ActionRefused("extension_not_allowed",
                                    f"“{item.category}”事项不得延期 / extensions are not allowed",
                                    item=item.id, action=event.action, rule="延期次数 0",
                                    cite=rules.basis_for("max"))
            if rules.max is not None and requested >= rules.max:
                raise ActionRefused("extension_limit",
                                    f"已申请延期 {requested} 次，最多 {rules.max} 次 / extension "
                                    "limit reached", item=item.id, action=event.action,
                                    rule=f"最多延期 {rules.max} 次", cite=rules.basis_for("max"))
            if item.due is not None and rules.before_due:
                latest = item.due
                if rules.lead_time is not None:
                    latest = _minus(p, item.due, rules.lead_time)
                if event.at > latest:
                    raise ActionRefused("extension_too_late",
                                        f"延期须在 {latest.isoformat()} 前申请 / too late to ask",
                                        item=item.id, action=event.action,
                                        rule="须在期限届满前申请延期",
                                        cite=rules.basis_for("lead_time" if rules.lead_time
                                                             else "before_due"))
            until = event.data.get("until")
            if until is None:
                raise ActionRefused("validation_error", "申请延期须写明延至何时（until）/ "
                                    "`until` is required", item=item.id, action=event.action)
            new_due = to_datetime(until, p)
            if item.due is not None and new_due <= item.due:
                raise ActionRefused("validation_error",
                                    f"延期后的期限 {new_due.isoformat()} 不晚于原期限 / `until` "
                                    "must be after the current deadline", item=item.id,
                                    action=event.action)
            if rules.longest is not None and item.due is not None:
                latest_until = _plus(p, item.due, rules.longest)
                if new_due > latest_until:
                    raise ActionRefused("extension_limit",
                                        f"单次延期最长 {rules.longest}，最晚至 "
                                        f"{latest_until.isoformat()} / extension too long",
                                        item=item.id, action=event.action,
                                        rule=f"单次延期不超过 {rules.longest}",
                                        cite=rules.basis_for("longest"))
        elif canonical == "decline" and p.decline_within is not None and item.state_since:
            # counted from when this department received it (a reassignment restarts it)
            limit = compute_deadline(p.calendar, item.state_since, p.decline_within,
                                     roll_forward=p.roll_forward, end_of_day=p.end_of_day).at
            if event.at > limit:
                raise ActionRefused("invalid_transition",
                                    f"退回须在交办后 {p.decline_within} 内提出（截至 "
                                    f"{limit.isoformat()}）/ too late to decline", item=item.id,
                                    action=event.action, rule="退回时限", cite=p.decline_cite)
        elif canonical == "report" and item.children_open and p.parent_waits_for_children:
            raise ActionRefused("invalid_transition",
                                f"子事项 {'、'.join(sorted(item.children_open))} 尚未办结，主事项不得报结 "
                                "/ sub-items are still open", item=item.id, action=event.action,
                                rule="子项办结后方可报结")

    def _prepare(self, item: ItemState, event: Event, work: Work, canonical: str) -> None:
        """Attributes an action carries, set before the state changes."""
        w, d, p = work.fields, event.data, self.policy
        if canonical == "create":
            w["created_at"] = event.at
            for key in ("kind", "title", "urgency", "lead", "parent"):
                if d.get(key) is not None:
                    w[key] = str(d[key])
            w["assist"] = tuple(str(x) for x in d.get("assist") or ())
            if not w.get("lead") and p.sequential_handoff and d.get("departments"):
                w["handoff"] = tuple(str(x) for x in d["departments"])
            cat = d.get("category")
            if cat is not None and cat not in p.categories:
                raise ActionRefused("validation_error",
                                    f"未知类别 '{cat}'，可用：{'、'.join(p.categories)} / unknown "
                                    "category", item=item.id, action=event.action)
            w["category"] = cat or p.category_for(w["kind"]).name
            category = p.categories[w["category"]]
            if category.due_required and d.get("due") is None:
                raise ActionRefused("validation_error",
                                    f"“{category.name}”事项须明确办理期限（due）/ a due date is "
                                    "required for this category", item=item.id,
                                    action=event.action, rule="须明确期限", cite=category.cite)
            w["confidential"] = bool(d.get("confidential",
                                           p.categories[w["category"]].confidential))
            if d.get("due") is not None:
                due = to_datetime(d["due"], p)
                w["requested_due"] = due
                if due <= event.at:
                    raise ActionRefused("validation_error",
                                        f"办理期限 {due.isoformat()} 早于立项时间 / due before creation",
                                        item=item.id, action=event.action)
        elif canonical in ("reassign", "assign"):
            if d.get("lead"):
                w["lead"] = str(d["lead"])
            if d.get("assist") is not None:
                w["assist"] = tuple(str(x) for x in d["assist"])
        elif canonical == "confirm":
            w["confirmed_at"] = w["confirmed_at"] or event.at
            if d.get("due") is not None and w["due"] is None:
                w["requested_due"] = to_datetime(d["due"], p)
        elif canonical == "progress":
            w["last_progress_at"] = event.at
        elif canonical == "decline":
            w["declines"] = item.declines + 1
        elif canonical == "report":
            w["reported_at"] = event.at
        elif canonical == "censure":
            w["censures"] = item.censures + 1
        elif canonical == "request_extension":
            w["extension_requests"] = item.extension_requests + 1

    def _finish(self, item: ItemState, event: Event, work: Work, canonical: str,
                t: Transition | None) -> None:
        """Deadlines and penalties that follow the action."""
        new_due = event.data.get("due")
        if new_due is not None and item.due is not None and canonical in (
                "reject", "reassign", "assign", "resume"):
            due = to_datetime(new_due, self.policy)
            if due != work.fields["due"]:  # e.g. reopened by a leader's new instruction
                self._set_due(work, due, "重新限期", t.cite if t else None, item.seq + 1)
        if canonical in ("report", "close"):
            marker = lateness.late_on_finishing(self.policy, item, event.at)
            if marker is not None:
                work.fields["fired"] = (*work.fields["fired"], marker)
                self._penalize(item, work, lateness.LATE, event)
        if canonical in ("censure", "commend"):
            self._penalize(item, work, canonical, event)
        elif canonical == "request_extension":
            self._penalize(item, work, "extension_requested", event)
        defect = event.data.get("defect")
        if defect and canonical in ("censure", "verify", "reject"):
            try:
                assessment.check(self.policy, f"defect:{defect}", event, event.actor,
                                 lambda a, roles, words: any(
                                     self.authorized(a, (r,), item, words) for r in roles))
            except assessment.AssessmentRefused as err:
                raise ActionRefused(err.code, str(err), item=item.id, action=event.action,
                                    rule=err.rule, cite=err.cite) from None
            self._penalize(item, work, f"defect:{defect}", event)

    def _fire(self, work: Work, t: Transition, item: ItemState) -> None:
        """Run the chosen transition of the shared Machine on the scratch copy.

        The engine has already chosen the one transition (role, condition and rule checks
        come first, with their own error codes), so transitions' event dispatch — source
        lookup, queue, the generic execute with its empty prepare/condition/before lists —
        would only repeat work on the hot path. The plan, read once per (trigger, state)
        from the Machine, keeps its semantics: the source State's exit callbacks, the state
        change, the destination State's enter callbacks, then the transition's after
        callbacks (docs/lifecycle.md). It refuses to plan a transition that uses a hook
        this shortcut would skip, so a change in machine.py fails loudly.
        """
        name = trigger_name(t.name, item.previous or item.state) if t.to == "previous" \
            else t.name
        work.fields["_transition"] = t
        key = (name, work.state)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(name, work.state)
        event, transition, source, dest, on_exit, on_enter, after = plan
        data = EventData(source, event, self.machine, work, (), {})
        data.transition = transition
        if dest is not None:
            for callback in on_exit:
                callback(data)
            work.state = dest.name
            data.state = dest
            for callback in on_enter:
                callback(data)
        for callback in after:
            callback(data)

    def _plan(self, name: str, state: str) -> tuple[Any, ...]:
        """(event, transition, source, dest, on_exit, on_enter, after) from the Machine."""
        m = self.machine
        event = m.events[name]
        (transition,) = event.transitions[state]
        source = m.get_state(state)
        dest = m.get_state(transition.dest) if transition.dest else None
        skipped = (transition.prepare, transition.conditions, transition.before,
                   m.prepare_event, m.before_state_change, m.after_state_change,
                   m.finalize_event, m.on_exception, m.on_final)
        callbacks = (*source.on_exit, *(dest.on_enter if dest else ()), *transition.after)
        if any(skipped) or (dest is not None and dest.final) or \
                not all(callable(c) for c in callbacks):
            raise RuntimeError(f"transition {name} uses Machine hooks the engine's plan "
                               "does not run; update Engine._plan and docs/lifecycle.md")
        return (event, transition, source, dest, tuple(source.on_exit),
                tuple(dest.on_enter) if dest else (), tuple(transition.after))

    # -- approvals -------------------------------------------------------------------------
    def chain_for(self, purpose: str, fields_: Mapping[str, Any]) -> str | None:
        p = self.policy
        cat = p.categories.get(fields_.get("category") or "") or p.category_for(
            fields_.get("kind") or "other")
        if purpose == "extension":
            approvers = cat.extensions.approvers
            n = max(fields_["extension_requests"] - 1, 0)  # this request is counted already
            return approvers[min(n, len(approvers) - 1)] if approvers else None
        chain: str | None = getattr(cat.approvals, purpose)
        return chain

    def _approval(self, item: ItemState, event: Event, work: Work, canonical: str,
                  specific: str | None, actor: Actor | None) -> None:
        p = self.policy
        pending = item.pending
        assert pending is not None
        chain = p.chains[pending.chain]
        step = chain.steps[pending.step] if pending.step < len(chain.steps) else None
        if step is not None and not any(self.authorized(actor, (role,), item, (word,))
                                        for role, word in step.options()):
            raise ActionRefused("permission_denied",
                                f"{self.who(actor)} 无权审批，本步“{step.name}”"
                                f"应由 {step.words(p.word)} 审批 / permission denied",
                                item=item.id, action=event.action, rule=chain.name,
                                cite=step.cite or chain.cite)
        outs = [t for t in p.transitions_by_action.get(canonical, ())
                if item.state in t.sources and (specific is None or t.name == specific)]
        if not outs:
            raise ActionRefused("invalid_transition", f"“{item.state}”没有定义{canonical}转换",
                                item=item.id, action=event.action)
        w = work.fields
        who = actor.describe() if actor else "系统"
        ends_here = step is not None and step.may_end and bool(event.data.get("end"))
        if canonical == "approve" and step is not None and pending.step + 1 < len(chain.steps) \
                and not ends_here:  # 转报: on to the next approver; 批复 (end) decides here
            w["pending"] = replace(pending, step=pending.step + 1, since=event.at,
                                   approvals=(*pending.approvals,
                                              (step.name, who, event.at.isoformat())))
            nxt = chain.steps[pending.step + 1]
            work.effects.append(Effect("approval_requested", {
                "chain": chain.name, "step": nxt.name, "role": nxt.role,
                "to": [nxt.word or p.word(nxt.role)]}))
            return
        t = next((o for o in outs if o.when is None or holds(
            o.when, activation(p, item, event, actor, event.at), o.name, o.cite)), None)
        if t is None:
            raise ActionRefused("invalid_transition", f"条件不满足：{outs[0].when.source if outs[0].when else ''}",
                                item=item.id, action=event.action, rule=outs[0].name,
                                cite=outs[0].cite)
        purpose = pending.purpose
        if canonical == "approve":
            if purpose == "opening":
                w["opened_at"] = event.at
                if p.numbering and p.numbering_on == "opened":
                    work.effects.append(Effect("number_needed", {"format": p.numbering}))
            elif purpose == "extension":
                w["extensions_granted"] = item.extensions_granted + 1
                until = to_datetime(pending.request.get("until"), p)
                rules = self.category(item).extensions
                self._set_due(work, until, f"第{item.extensions_granted + 1}次延期获批",
                              rules.cite, item.seq + 1)
                self._penalize(item, work, "extension_granted", event)
        else:
            if purpose == "extension":
                w["extensions_rejected"] = item.extensions_rejected + 1
                self._penalize(item, work, "extension_rejected", event)
            elif purpose == "review":
                w["returns"] = item.returns + 1
                w["reported_at"] = None
                new_due = event.data.get("due")
                if new_due is not None:
                    self._set_due(work, to_datetime(new_due, p), "退办重新限期", p.rework_cite,
                                  item.seq + 1)
                elif p.rework is not None:
                    self._set_due(work, self._deadline(event.at, p.rework),
                                  f"退办后{p.rework}", p.rework_cite, item.seq + 1)
                self._penalize(item, work, "returned", event)
        self._fire(work, t, item)
        self._finish(item, event, work, canonical, t)

    # -- timers and internal events ----------------------------------------------------------
    def _fire_timer(self, item: ItemState, event: Event, work: Work) -> None:
        key = event.data.get("key")
        due = {t.key: t for t in schedule(self.policy, item)}
        timer = due.get(str(key))
        if timer is None or timer.at != event.at:
            raise ActionRefused("invalid_transition", f"定时器 {key} 未到期或不存在 / timer is "
                                "not scheduled", item=item.id, action="timer")
        w = work.fields
        w["fired"] = (*item.fired, FiredTimer(timer.name, timer.event, timer.at, timer.key))
        if timer.event == lateness.DEADLINE_PASSED:  # a fact, not a notice
            work.effects.append(Effect("timer_fired", {"name": timer.name, "event": timer.event,
                                                       "at": timer.at.isoformat()}))
            self._penalize(item, work, lateness.LATE, event)
            return
        to = [t for r in timer.to for t in penalty_rules.targets(self.policy, r, work.fields)] \
            or [item.department or self.policy.word("lead_department")]
        work.effects.append(Effect("timer_fired", {"name": timer.name, "event": timer.event,
                                                   "at": timer.at.isoformat()}))
        work.effects.append(Effect("notify", {"kind": timer.event, "name": timer.name,
                                              "to": to, "at": timer.at.isoformat()}))
        self._penalize(item, work, f"timer:{timer.name}", event)

    def _internal(self, item: ItemState, event: Event, work: Work) -> None:
        w = work.fields
        child = str(event.data.get("child", ""))
        if event.action == "number":
            w["number"] = str(event.data["number"])
        elif event.action == "subitem_added":
            w["children_open"] = item.children_open | {child}
        elif event.action == "subitem_closed":
            w["children_open"] = item.children_open - {child}
        elif event.action == "policy_migrated":  # re-pinned on purpose (duban migrate);
            w["policy_hash"] = self.policy.content_hash  # replay reads the log under it
        elif event.action == CALENDAR_HEALED:  # the year's data arrived (duban calendar heal)
            apply_healing(item, event, w, work.effects)

    # -- deadlines and penalties ---------------------------------------------------------------
    def _deadline(self, start: dt.datetime, d: Duration) -> dt.datetime:
        p = self.policy
        return compute_deadline(p.calendar, start, d, roll_forward=p.roll_forward,
                                end_of_day=p.end_of_day).at

    def _set_due(self, work: Work, due: dt.datetime, rule: str, cite: str | None,
                 seq: int) -> None:
        w = work.fields
        w["due"] = due
        if w["original_due"] is None:
            w["original_due"] = due
        w["due_info"] = DueInfo(rule, cite, seq, self.policy.calendar.version,
                                self.policy.calendar.provisional(due.date()))
        work.effects.append(Effect("deadline_set", {"due": due.isoformat(), "rule": rule,
                                                    "cite": cite}))

    def default_limit(self, fields_: Mapping[str, Any]
                      ) -> tuple[Duration, str, str | None] | None:
        """The limit when the leader set none: category, urgency, kind, then the default."""
        p = self.policy
        h = p.handling
        cat = p.categories.get(fields_.get("category") or "")
        if cat is not None and cat.time_limit is not None:
            return cat.time_limit, f"“{cat.name}”默认办理时限 {cat.time_limit}", cat.cite
        urgency = fields_.get("urgency")
        if urgency and urgency in h.by_urgency:
            d = h.by_urgency[urgency]
            return d, f"{urgency}事项办理时限 {d}", h.cite
        kind = fields_.get("kind") or ""
        if kind in h.by_kind:
            return h.by_kind[kind], f"{kind} 默认办理时限 {h.by_kind[kind]}", h.cite
        if h.default is None:
            return None  # the text sets no limit: the item has no deadline but its own
        return h.default, f"默认办理时限 {h.default}", h.cite

    def _settle(self, work: Work) -> None:
        """Set the deadline once its counting milestone has happened."""
        w = work.fields
        if w["due"] is not None:
            return
        if w["requested_due"] is not None and w["created_at"] is not None:
            self._set_due(work, w["requested_due"], "领导明确的办理期限", None, w["seq"] + 1)
            return
        start = {"created": w["created_at"], "opened": w["opened_at"],
                 "assigned": w["assigned_at"], "confirmed": w["confirmed_at"]}.get(
            self.policy.handling.counts_from)
        if start is None:
            return
        limit = self.default_limit(w)
        if limit is not None:
            d, rule, cite = limit
            self._set_due(work, self._deadline(start, d), rule, cite, w["seq"] + 1)

    def _penalize(self, item: ItemState, work: Work, trigger: str, event: Event) -> None:
        entries = penalty_rules.evaluate(self.policy, item, work.fields, trigger, event)
        if entries:
            work.fields["penalties"] = (*work.fields["penalties"], *entries)
            work.effects.extend(Effect("penalty", {"entry": e}) for e in entries)


def _plus(policy: Policy, at: dt.datetime, d: Duration) -> dt.datetime:
    return compute_deadline(policy.calendar, at, d, roll_forward=policy.roll_forward,
                            end_of_day=policy.end_of_day).at


def _minus(policy: Policy, at: dt.datetime, d: Duration) -> dt.datetime:
    cal = policy.calendar
    if d.unit == "working_day":
        return due_from_date(cal.add_workdays(at.date(), -d.amount), at.tzinfo or
                             policy.timezone, policy.end_of_day)
    return shift_calendar(at, d, -1)


# -- Machine callbacks (plain callables, shared by every item) ------------------------------

def _on_enter(ev: EventData) -> None:
    """Entering a state: approvals, pause clock, milestones, closing."""
    work = cast(Work, ev.model)
    engine: Engine = work.engine
    p = engine.policy
    assert ev.transition is not None and ev.transition.dest is not None
    w = work.fields
    now: dt.datetime = w["_now"]
    event: Event = w["_event"]
    src = p.states[ev.transition.source]
    dst = p.states[ev.transition.dest]
    w["state_since"] = now
    if not src.approval and not src.clock_stopped and (dst.approval or dst.clock_stopped):
        w["previous"] = src.name
    if dst.approval:
        chain = engine.chain_for(dst.approval, w)
        if chain is None:
            raise ActionRefused("invalid_transition", f"没有 {dst.approval} 审批链",
                                item=w["id"], action=event.action)
        w["pending"] = Pending(dst.approval, chain, 0, now,
                               dict(event.data) if dst.approval in ("extension", "pause")
                               else EMPTY)
        steps = p.chains[chain].steps
        if steps:
            work.effects.append(Effect("approval_requested", {
                "chain": chain, "step": steps[0].name, "role": steps[0].role,
                "to": [p.word(steps[0].role)]}))
    else:
        w["pending"] = None
    if src.clock_stopped and not dst.clock_stopped and w["paused_at"] is not None:
        if w["due"] is not None:
            shifted = shift_for_pause_exact(w["due"], w["paused_at"], now) \
                if p.extensions.unit == "hour" else \
                shift_for_pause(p.calendar, w["due"], w["paused_at"], now)
            if shifted != w["due"]:
                engine._set_due(work, shifted, "暂停期间停止计时，恢复后顺延", None, w["seq"] + 1)
        w["paused_at"] = None
    if dst.clock_stopped and not src.clock_stopped:
        w["paused_at"] = now
    if dst.canonical in ("assigned", "in_progress") and w["assigned_at"] is None:
        w["assigned_at"] = now
    if dst.canonical == "closed" and w["closed_at"] is None:
        w["closed_at"] = now
        if w["due"] is not None:
            done = w["reported_at"] or now
            if done > w["due"]:
                engine._penalize(_snapshot(w), work, "closed_late", event)
        if w["parent"]:
            work.effects.append(Effect("subitem_closed", {"parent": w["parent"],
                                                          "child": w["id"]}))
    if dst.canonical in ("in_progress", "assigned") and src.canonical == "closed":
        w["closed_at"] = None  # 回访复核 reopened it


def _after(ev: EventData) -> None:
    work = cast(Work, ev.model)
    t: Transition = work.fields["_transition"]
    assert ev.transition is not None
    work.effects.append(Effect("state_changed", {
        "transition": t.name, "from": ev.transition.source,
        "to": ev.transition.dest or ev.transition.source}))
    work.effects.extend(inform.notices(work.engine.policy, t, work.fields, work.fields["_now"]))


def _make_freeze() -> Callable[[Mapping[str, Any]], ItemState]:
    """The function that builds an ItemState from the scratch fields.

    Why generated (as ``dataclasses`` generates ``__init__``): the frozen dataclass
    ``__init__`` goes through ``object.__setattr__`` per field; setting the slots through
    their descriptors in one unrolled function costs a third of that, on the hot path of
    every action. ItemState has no ``__post_init__`` to skip.
    """
    env: dict[str, Any] = {"new": object.__new__, "ItemState": ItemState}
    lines = ["def freeze(w):", "    o = new(ItemState)"]
    for n, f in enumerate(_FIELDS):
        env[f"s{n}"] = ItemState.__dict__[f].__set__
        lines.append(f"    s{n}(o, w[{f!r}])")
    lines.append("    return o")
    exec("\n".join(lines), env)  # built from the dataclass's own field names
    freeze: Callable[[Mapping[str, Any]], ItemState] = env["freeze"]
    return freeze


_freeze = _make_freeze()
_snapshot = _freeze


def engine_for(policy: Policy) -> Engine:
    """The Engine of a policy (cached on the policy object, like its Machine)."""
    eng = policy.__dict__.get("_duban_engine")
    if eng is None:
        eng = Engine(policy)
        object.__setattr__(policy, "_duban_engine", eng)
    return eng


def apply(policy: Policy, item: ItemState, event: Event, now: dt.datetime | None = None
          ) -> tuple[ItemState, list[Effect]]:
    """Apply one event to an item; raise :class:`ActionRefused` if the policy forbids it."""
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
