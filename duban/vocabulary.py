"""The canonical vocabulary, and the one default Chinese word of each term.

Why one module: a scenario, a report, a diff or a notice names roles, kinds, states,
actions, timer events, approval purposes and error codes by their canonical identifiers,
so one story runs under every policy. Where a policy has no word of its own for a term,
every printed page must fall back to the *same* word; this module is the only place those
default words are written. A policy still renames any of them for its organisation (its
``organisation.roles``, ``states``, ``actions`` and reminder names win wherever shown).

The words are the ones the regulations use (催办预告, 催办通知, 确认单, “督办单位要进一步
督办”, 人大代表建议和政协委员提案 …); where no regulation names a term, the usual word of
督查督办 practice (驳回, 改派, 撤销).

The tables are read-only mappings in their canonical order; ``tuple(ROLES)`` is the order
JSON Schema enums, reports and diffs list roles in.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final


def _table(**words: str) -> Mapping[str, str]:
    return MappingProxyType(words)


#: Canonical roles: who acts. A policy maps each of its own role words to one of these.
ROLES: Final = _table(
    supervisor_office="督办部门",
    leadership_group="领导小组",
    general_manager="总经理",
    leader_in_charge="分管领导",
    lead_department="主办部门",
    assisting_department="协办部门",
    department_head="部门负责人",
    handler="承办人",
    liaison="联络人",
)

#: Canonical kinds of item: where a task comes from. A policy's categories cover kinds.
KINDS: Final = _table(
    annual_key_task="年度重点工作",
    meeting_decision="会议决定事项",
    leader_instruction="领导批示事项",
    superior_assignment="上级交办事项",
    document="公文",
    proposal="人大代表建议和政协委员提案",
    special_task="专项任务",
    other="其他事项",
)

#: Canonical states. A policy's states each map to one of these.
STATES: Final = _table(
    draft="拟立项",
    pending_approval="待审批",
    assigned="已交办",
    in_progress="承办中",
    extension_pending="延期审批中",
    paused="已暂停",
    reported="待审核",
    closed="已办结",
    archived="已归档",
    declined="已退回",
    cancelled="已撤销",
)

#: Canonical actions: what a person does to an item. ``approve``/``reject`` act on whatever
#: approval is pending; ``reject`` during the completion review is 退办.
ACTIONS: Final = _table(
    create="立项",
    approve="批准",
    reject="驳回",
    assign="交办",
    confirm="确认",
    decline="退回",
    reassign="改派",
    progress="反馈",
    request_extension="申请延期",
    pause="暂停",
    resume="恢复",
    report="报结",
    close="办结",
    archive="归档",
    verify="复核",
    remind="催办",
    censure="通报批评",
    cancel="撤销",
    commend="通报表扬",
    request_coordination="申请协调",
)

#: Bookkeeping events the engine records besides actions (numbering, sub-items, a policy
#: version change); a history shows them, a 过程记录单 does not list them as steps.
INTERNAL_ACTIONS: Final = _table(
    number="编号",
    subitem_added="增加子事项",
    subitem_closed="子事项办结",
    policy_migrated="迁移策略版本",
)

#: Timer events: what fires on its own when time passes.
TIMER_EVENTS: Final = _table(
    pre_due_reminder="催办预告",
    overdue_notice="催办通知",
    escalation="进一步督办",
    step_overdue="环节超时",
)

#: What a notice can be about: every timer event, plus a pending approval and a hand-over.
NOTICE_KINDS: Final = _table(
    **TIMER_EVENTS,
    approval_requested="待审批",
    handoff="接续办理",
    inform="分送知晓",
)

#: What a pending approval decides.
APPROVAL_PURPOSES: Final = _table(
    opening="立项审批",
    extension="延期审批",
    pause="暂停审批",
    resume="恢复审批",
    review="办结审核",
    progress="反馈审核",
    share="部门时限延期审批",
    coordination="协调",
)

#: What a request sent to such an approval is called on the forms (第1次反馈办理情况), for
#: the approvals that have no form of their own.
APPROVAL_REQUESTS: Final = _table(
    progress="反馈办理情况",
    share="申请部门时限延期",
    coordination="申请协调",
)

#: Why the engine refused a step (``DubanError.code``).
ERROR_CODES: Final = _table(
    permission_denied="无权操作",
    invalid_transition="当前状态不允许此操作",
    extension_limit="超过延期次数",
    extension_not_allowed="不得延期",
    extension_too_late="延期申请过晚",
    validation_error="输入有误",
    unknown_item="没有该事项",
    calendar_unknown_date="日期超出日历数据",
    policy_error="策略条件无法求值",
    idempotency_conflict="幂等键已用于另一请求",
)

#: Where the default time limit counts from (``time_limits.handling.counts_from``).
DEADLINE_ANCHORS: Final = _table(
    created="立项",
    opened="批示同意",
    assigned="交办",
    confirmed="确认",
)

#: Fixed penalty triggers (``penalties[].on``); ``timer:<name>`` and ``defect:<name>`` name
#: the policy's own reminders and defects.
PENALTY_TRIGGERS: Final = _table(
    late="逾期成为事实",
    closed_late="逾期办结",
    returned="被退办",
    censure="被通报批评",
    extension_requested="申请延期",
    extension_granted="延期获批",
    extension_rejected="延期申请被驳回",
    commend="被通报表扬",
)

#: What an action may be required to carry (``transitions[].requires``).
REQUIRED_FIELDS: Final = _table(
    due="完成时限",
    reason="原因",
    until="延至何时",
)

#: Every table, by the name docs/vocabulary.md gives its section.
TABLES: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType({
    "roles": ROLES, "kinds": KINDS, "states": STATES, "actions": ACTIONS,
    "internal_actions": INTERNAL_ACTIONS, "timer_events": TIMER_EVENTS,
    "notice_kinds": NOTICE_KINDS, "approval_purposes": APPROVAL_PURPOSES,
    "error_codes": ERROR_CODES, "deadline_anchors": DEADLINE_ANCHORS,
    "penalty_triggers": PENALTY_TRIGGERS,
})

CANONICAL_ROLES: Final = tuple(ROLES)
CANONICAL_KINDS: Final = tuple(KINDS)
CANONICAL_STATES: Final = tuple(STATES)
CANONICAL_ACTIONS: Final = tuple(ACTIONS)
CANONICAL_TIMER_EVENTS: Final = tuple(TIMER_EVENTS)
CANONICAL_PURPOSES: Final = tuple(APPROVAL_PURPOSES)
CANONICAL_ERROR_CODES: Final = tuple(ERROR_CODES)


def word(table: Mapping[str, str], term: str) -> str:
    """The default word of ``term`` in ``table``; an unknown term is shown as written."""
    return table.get(term, term)


def labelled(table: Mapping[str, str], term: str) -> str:
    """``催办通知（overdue_notice）``: the word with its identifier, for readers of both."""
    return f"{table[term]}（{term}）" if term in table else term
