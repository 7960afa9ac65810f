"""Rules of an action beyond its state and its actor's role: what the action must carry,
extension limits, the time to decline, sub-items still open.

Why apart from the core: each rule is a regulation's sentence ("延期须在期限届满前申请",
"非本部门职责的 2 个工作日内退回") with its own error code and cite; the core only asks
whether the chosen transition may fire, before anything changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from duban.calendar.duration import Duration
from duban.engine import share
from duban.engine.instants import before, deadline, to_datetime
from duban.engine.model import Event, ItemState
from duban.engine.refusal import ActionRefused
from duban.policy.model import Category, Policy, Transition
from duban.vocabulary import REQUIRED_FIELDS


def check_action(policy: Policy, category: Category, item: ItemState, event: Event,
                 canonical: str, t: Transition) -> None:
    """Refuse the action (:class:`ActionRefused`) if a rule of the action forbids it."""
    for need in t.requires:
        if need in REQUIRED_FIELDS and event.data.get(need) in (None, ""):
            raise ActionRefused("validation_error",
                                f"“{t.name}”须写明{REQUIRED_FIELDS[need]}（{need}）/ `{need}` "
                                "is required", item=item.id, action=event.action,
                                rule=t.name, cite=t.cite)
    _contents_given(item, event, t)
    if canonical == "request_extension" and share.asks(policy, t):  # a department's share
        share.check(policy, item, event, t)
    elif canonical == "request_extension":
        _extension_allowed(category, item, event)
        _extension_in_time(policy, category, item, event)
        _extension_until(policy, category, item, event)
    elif canonical == "decline":
        _asked_in_time(policy, policy.decline_within, policy.decline_cite, item.state_since,
                       "退回", item, event)
    elif canonical == "request_coordination":
        _asked_in_time(policy, policy.coordination_within, policy.coordination_cite,
                       item.assigned_at, "申请协调", item, event)
    elif canonical == "report" and item.children_open and policy.parent_waits_for_children:
        raise ActionRefused("invalid_transition",
                            f"子事项 {'、'.join(sorted(item.children_open))} 尚未办结，主事项不得报结 "
                            "/ sub-items are still open", item=item.id, action=event.action,
                            rule="子项办结后方可报结")


def missing_contents(t: Transition, data: Mapping[str, Any]) -> list[str]:
    """The named contents ``t`` requires that ``data["contents"]`` leaves out or empty."""
    given = data.get("contents")
    given = given if isinstance(given, Mapping) else {}
    return [need for need in t.requires if need not in REQUIRED_FIELDS
            and not str(given.get(need) or "").strip()]


def check_contents_shape(item: ItemState, event: Event) -> None:
    """Any event's ``contents`` maps text names to text (refused before anything else,
    whatever the action): a name starting with ``$`` is the event log's own marker (``$dt``
    would read back as a date and the item could no longer be loaded)."""
    given = event.data.get("contents")
    if given is not None and (not isinstance(given, Mapping) or not all(
            isinstance(k, str) and k and not k.startswith("$") and isinstance(v, str)
            for k, v in given.items())):
        raise ActionRefused("validation_error", "contents 应为“内容名称: 文字”的映射（名称不以 $ 开头）"
                            " / `contents` must map each content's name to its text",
                            item=item.id, action=event.action)


def _contents_given(item: ItemState, event: Event, t: Transition) -> None:
    """A report must include what the text names (必须包括但不限于：…): every named content,
    non-empty, or the whole report is refused with the list of what is missing."""
    missing = missing_contents(t, event.data)
    if missing:
        raise ActionRefused("validation_error",
                            f"“{t.name}”必须包括：{'；'.join(missing)}（缺 {len(missing)} 项，写在 "
                            f"contents 中）/ missing contents: {len(missing)}", item=item.id,
                            action=event.action, rule=t.name, cite=t.cite)


def _extension_allowed(category: Category, item: ItemState, event: Event) -> None:
    rules = category.extensions
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


def _extension_in_time(policy: Policy, category: Category, item: ItemState,
                       event: Event) -> None:
    rules = category.extensions
    if item.due is None or not rules.before_due:
        return
    latest = item.due if rules.lead_time is None else before(policy, item.due, rules.lead_time)
    if event.at > latest:
        raise ActionRefused("extension_too_late",
                            f"延期须在 {latest.isoformat()} 前申请 / too late to ask",
                            item=item.id, action=event.action, rule="须在期限届满前申请延期",
                            cite=rules.basis_for("lead_time" if rules.lead_time
                                                 else "before_due"))


def _extension_until(policy: Policy, category: Category, item: ItemState,
                     event: Event) -> None:
    rules = category.extensions
    until = event.data.get("until")
    if until is None:
        raise ActionRefused("validation_error", "申请延期须写明延至何时（until）/ "
                            "`until` is required", item=item.id, action=event.action)
    new_due = to_datetime(until, policy)
    if item.due is not None and new_due <= item.due:
        raise ActionRefused("validation_error",
                            f"延期后的期限 {new_due.isoformat()} 不晚于原期限 / `until` "
                            "must be after the current deadline", item=item.id,
                            action=event.action)
    if rules.longest is not None and item.due is not None:
        latest_until = deadline(policy, item.due, rules.longest)
        if new_due > latest_until:
            raise ActionRefused("extension_limit",
                                f"单次延期最长 {rules.longest}，最晚至 "
                                f"{latest_until.isoformat()} / extension too long",
                                item=item.id, action=event.action,
                                rule=f"单次延期不超过 {rules.longest}",
                                cite=rules.basis_for("longest"))


def _asked_in_time(policy: Policy, within: Duration | None, cite: str | None,
                   since: dt.datetime | None, what: str, item: ItemState, event: Event) -> None:
    """A request the text allows only within a time of receipt: 退回 (非本部门职责的 2 个工作日内,
    counted from when this department received it — a reassignment restarts it) and 申请协调
    (必须在2个工作日内（自接到督办通知单之日起算）…进行协调, counted from the hand-over)."""
    if within is None or since is None:
        return
    limit = deadline(policy, since, within)
    if event.at > limit:
        raise ActionRefused("invalid_transition",
                            f"{what}须在交办后 {within} 内提出（截至 {limit.isoformat()}）/ too "
                            f"late to ask ({event.action})", item=item.id, action=event.action,
                            rule=f"{what}时限", cite=cite)
