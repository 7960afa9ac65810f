"""An item's history read as a trail of named steps, for forms and the 通报's lists.

Why replay: an ``approve`` event says nothing about *what* it approved — 立项, the first
extension, or the 分管领导's step of the completion review. Folding the events through
the engine again (it is deterministic) gives, before every event, the pending approval
and its chain step, so a 延期办理申请表 can show who signed which step and a 过程记录单
can say 退办 instead of "reject".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from duban import vocabulary
from duban.engine.core import engine_for
from duban.engine.entry import entered_for_another
from duban.engine.model import Actor, Event, Pending
from duban.errors import DubanError
from duban.policy.model import Policy

#: Default words of actions and bookkeeping events (a policy's own action word wins).
ACTION_WORDS = {**vocabulary.ACTIONS, **vocabulary.INTERNAL_ACTIONS}
PURPOSE_WORDS = vocabulary.APPROVAL_PURPOSES


@dataclass(frozen=True)
class TrailStep:
    seq: int
    at: dt.datetime
    canonical: str  # canonical action, "timer", or an internal action
    word: str  # what the form prints: 立项, 申请延期, 分管领导签署意见（同意）, 催办通知 …
    actor: str
    data: Mapping[str, Any] = field(default_factory=dict)
    before: str = ""  # the policy state before
    after: str = ""  # and after
    purpose: str | None = None  # approve/reject: what was pending
    step_name: str | None = None  # approve/reject: the chain step
    due_before: dt.datetime | None = None  # the deadline in force before the event
    chain: str | None = None  # the approval chain it decided (approve/reject) or opened
    opens: str | None = None  # the approval purpose this step sent the item to, if any


def action_word(policy: Policy, canonical: str, written: str) -> str:
    """The policy's own word for an action (a transition name written as the action wins)."""
    if written != canonical:
        return written
    for word, c in policy.actions.items():
        if c == canonical and word != canonical:
            return word
    return ACTION_WORDS.get(canonical, canonical)


def verdict(canonical: str, purpose: str | None) -> str:
    """What an approve/reject decides: 同意, 不同意, or 退办 (a rejection in the completion
    review sends the work back)."""
    if canonical == "approve":
        return "同意"
    return "退办" if purpose == "review" else "不同意"


def pending_step(policy: Policy, pending: Pending) -> str | None:
    """The name of the chain step a pending approval waits on (None past the chain)."""
    chain = policy.chains.get(pending.chain)
    return chain.steps[pending.step].name if chain and pending.step < len(chain.steps) \
        else None


def decision_word(policy: Policy, pending: Pending, canonical: str) -> str:
    """An approval decision named by the step it decides — ``督办领导批准：同意``,
    ``总经理工作部审核：退办`` — as the history, the demo and the item page's buttons say it."""
    step = pending_step(policy, pending) or PURPOSE_WORDS.get(pending.purpose, pending.purpose)
    return f"{step}：{verdict(canonical, pending.purpose)}"


def describe(policy: Policy, actor: Actor | None) -> str:
    """Who acted, in the policy's words: ``王五``, ``部门负责人（财务部）``, ``系统``."""
    if actor is None or "system" in actor.roles:
        return "系统"
    who = actor.person or "、".join(sorted(policy.word(r) for r in actor.roles)) or "系统"
    return f"{who}（{actor.department}）" if actor.department else who


def describe_event(policy: Policy, event: Event) -> str:
    """Who decided, and who entered it when that was someone else (代录):
    ``总经理（代录：综合部 张三）``."""
    who = describe(policy, event.actor)
    if entered_for_another(event) and who != "系统":
        return f"{who}（代录：{event.entered_by}）"
    return who


def trail(policy: Policy, item_id: str, events: Sequence[Event]) -> list[TrailStep]:
    """Every event of the item, named; state and approval step where replay can tell."""
    engine = engine_for(policy)
    item = engine.new_item(item_id)
    replaying = True
    out: list[TrailStep] = []
    for n, e in enumerate(events, 1):
        before = item
        if replaying:
            try:
                item, _ = engine.apply(item, e, e.at)
            except DubanError:  # e.g. history written under a migrated policy version
                replaying = False
        who = describe_event(policy, e)
        if e.action == "timer":
            out.append(TrailStep(n, e.at, "timer", str(e.data.get("timer") or "定时提醒"), "系统",
                                 dict(e.data), before.state, item.state if replaying else "",
                                 due_before=before.due))
            continue
        canonical, _ = engine.resolve(e.action)
        word = action_word(policy, canonical, e.action)
        purpose = step_name = chain = opens = None
        if canonical in ("approve", "reject") and replaying and before.pending is not None:
            purpose, chain = before.pending.purpose, before.pending.chain
            step_name = pending_step(policy, before.pending)
            word = decision_word(policy, before.pending, canonical)
        elif replaying and item.pending is not None and item.pending is not before.pending:
            opens, chain = item.pending.purpose, item.pending.chain
        out.append(TrailStep(n, e.at, canonical, word, who, dict(e.data), before.state,
                             item.state if replaying else "", purpose, step_name, before.due,
                             chain, opens))
    return out


@dataclass(frozen=True)
class ApprovalRound:
    """One request sent to an approval chain (a progress report, a department's share
    extension, a coordination request …) and the signatures it has received."""

    purpose: str
    number: int  # the n-th request of this purpose on the item
    request: TrailStep
    chain: str
    decisions: tuple[TrailStep, ...]
    done: bool  # decided (approved through, refused, or ended early)


def approval_rounds(steps: Sequence[TrailStep], purpose: str) -> list[ApprovalRound]:
    """The item's requests of ``purpose`` in order, each with its decisions."""
    out: list[ApprovalRound] = []
    current: TrailStep | None = None
    decisions: list[TrailStep] = []

    def close(done: bool) -> None:
        nonlocal current, decisions
        if current is not None:
            out.append(ApprovalRound(purpose, len(out) + 1, current, current.chain or "",
                                     tuple(decisions), done))
        current, decisions = None, []

    for s in steps:
        if s.opens == purpose:
            close(False)
            current = s
        elif current is not None and s.purpose == purpose:
            decisions.append(s)
            if s.canonical == "reject" or (s.after and s.after != s.before):
                close(True)
    close(False)
    return out


@dataclass(frozen=True)
class ExtensionRequest:
    """One 延期/顺延 request and what became of it."""

    number: int  # the n-th request of the item
    at: dt.datetime
    actor: str
    until: str
    reason: str
    due_before: dt.datetime | None
    decisions: tuple[TrailStep, ...]
    granted: bool | None  # None: still pending


def extension_requests(steps: Sequence[TrailStep]) -> list[ExtensionRequest]:
    out: list[ExtensionRequest] = []
    current: TrailStep | None = None
    decisions: list[TrailStep] = []

    def close(granted: bool | None) -> None:
        nonlocal current, decisions
        if current is not None:
            out.append(ExtensionRequest(len(out) + 1, current.at, current.actor,
                                        str(current.data.get("until") or ""),
                                        str(current.data.get("reason") or ""),
                                        current.due_before, tuple(decisions), granted))
        current, decisions = None, []

    for s in steps:
        if s.canonical == "request_extension":
            close(None)
            current = s
        elif current is not None and s.purpose == "extension":
            decisions.append(s)
            if s.canonical == "reject":
                close(False)
            elif s.after and s.after != s.before:  # the chain's last step moved the state
                close(True)
    close(None)
    return out


def returns(steps: Sequence[TrailStep]) -> list[TrailStep]:
    """The 退办 steps (a rejection during the completion review)."""
    return [s for s in steps if s.canonical == "reject" and s.purpose == "review"]
