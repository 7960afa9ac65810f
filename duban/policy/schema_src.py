"""The policy language v1, written once as Python and emitted as JSON Schema (draft-07).

Why generate: every property needs a Chinese title and description (English after) that
editors show on hover, and the same descriptions feed the generated policy reference in
``docs/``. Writing them through small helpers keeps the schema readable and consistent.
This module is the one source; ``python -m duban.policy.schema_src`` emits it twice:
``schemas/policy.schema.json`` for editors of a checkout (policies point their
``$schema`` at it) and ``duban/schemas/policy.schema.json``, the copy an installed
package reads. ``tests/test_schema.py`` fails if either differs from what this module
renders.

Draft-07 is used because both ``jsonschema`` and the YAML language server in editors
understand it fully.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from duban.vocabulary import APPROVAL_PURPOSES as APPROVAL_PURPOSES_WORDS
from duban.vocabulary import (
    CANONICAL_ACTIONS,
    CANONICAL_KINDS,
    CANONICAL_PURPOSES,
    CANONICAL_ROLES,
    CANONICAL_STATES,
    CANONICAL_TIMER_EVENTS,
    DEADLINE_ANCHORS,
    PENALTY_TRIGGERS,
    REQUIRED_FIELDS,
)
from duban.vocabulary import TIMER_EVENTS as TIMER_EVENT_WORDS

SCHEMA_ID = "https://duban.dev/schemas/policy.schema.json"
TIMER_EVENTS = CANONICAL_TIMER_EVENTS
APPROVAL_PURPOSES = CANONICAL_PURPOSES
#: A reminder window such as 1至3个工作日 (duban.policy.window keeps the same grammar).
WINDOW_PATTERN = r"^\s*\d{1,4}\s*(至|到|-|—|–|~)\s*\d{1,4}\s*(个工作日|工作日|日|天|个小时|小时)\s*$"
MEASURES_EXAMPLES = ("批评教育", "书面检查", "诫勉谈话", "取消评先资格", "通报批评")

#: Durations: ``2 working days``, ``2个工作日``, ``7 days``, ``7日``, ``7天``, ``48 hours``,
#: ``48小时``, ``2 weeks``, ``两周``, ``1 month``, ``一个月``, ``半个月``. The calendar's
#: parser (duban.calendar.duration) is authoritative; this pattern mirrors it so editors
#: flag a wrong duration while typing (a test keeps the two in agreement).
_EN_NUM = r"[0-9０-９]{1,4}"
_EN_UNIT = (r"(?:[Ww]orking [Dd]ays?|[Ww]orking [Dd]ay|[Ww]ork[Dd]ays?|[Dd]ays?|[Hh]ours?|"
            r"[Ww]eeks?|[Mm]onths?)")
_ZH_NUM = (r"(?:[0-9０-９]{1,4}|[一二三四五六七八九]?十[一二三四五六七八九]?|"
           r"[零〇一二两三四五六七八九])")
_ZH_UNIT = r"(?:个工作日|工作日|日|天|个小时|小时|个周|周|个星期|星期|个月)"
DURATION_PATTERN = (rf"^\s*(?:{_EN_NUM}\s*{_EN_UNIT}|{_ZH_NUM}\s*{_ZH_UNIT}|半个月|半月)\s*$")


def _glossed(table: Mapping[str, str]) -> str:
    """``created 立项、opened 批示同意 …``: identifiers with their vocabulary words."""
    return "、".join(f"{k} {v}" for k, v in table.items())


def doc(zh: str, en: str) -> str:
    """A bilingual description: Chinese first, English after."""
    return f"{zh}\n\n{en}"


def P(schema: dict[str, Any] | str, title: str, zh: str, en: str,
      examples: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A property: a schema (or a ``$ref`` name) with a title and a bilingual description."""
    base: dict[str, Any] = {"$ref": f"#/definitions/{schema}"} if isinstance(schema, str) \
        else dict(schema)
    if "$ref" in base:  # draft-07 ignores siblings of $ref: wrap it
        base = {"allOf": [base]}
    base["title"] = title
    base["description"] = doc(zh, en)
    if examples:
        base["examples"] = examples
    base.update(extra)
    return base


def obj(props: dict[str, Any], required: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    """A closed object: unknown keys are errors (a misspelt key must not pass silently)."""
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    out.update(extra)
    return out


def named_map(value: dict[str, Any], zh_key: str) -> dict[str, Any]:
    """A mapping keyed by the organisation's own names; ``null`` removes an inherited entry."""
    return {"type": "object", "propertyNames": {"minLength": 1, "description": zh_key},
            "additionalProperties": {"if": {"type": "null"}, "then": {"type": "null"},
                                     "else": value}}


def str_list(item: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "array", "items": item or {"type": "string", "minLength": 1},
            "uniqueItems": True}


def enum(values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


CITE = P({"type": "string", "minLength": 1}, "出处 cite",
         "本条规则出自制度的哪一章、条、款，如 `第五章 第九条（五）`。explain、diff、扣分记录和报表都会引用它。",
         "The clause this rule comes from; repeated by explain, diff, penalties and reports.",
         ["第五章 第九条（五）", "4.2.1（2）", "三、（二）"])
BECAUSE = P({"type": "string", "minLength": 2}, "本单位默认 because",
            "制度对此未作规定、由本单位自定时写 because（不写 cite）：写“本单位按”之后的话，即做法与理由，"
            "如 `15个工作日办理（参照集团制度）`。explain、diff、表单、拒绝理由和扣分记录都显示为"
            "“制度未规定，本单位按…”，绝不显示在制度条款之下。`duban validate --strict` 要求每条生效的"
            "时限、次数、审批人、提醒和扣分都有 cite 或 because。",
            "An explicit default: the regulation is silent and the organisation chose. Written "
            "instead of `cite`, as the words after 本单位按 (what is done, and why); shown to "
            "users as 制度未规定，本单位按…, never under a clause.",
            ["15个工作日办理（参照集团制度）", "最多延期一次（与上级制度一致）"])
NOTE = P({"type": "string"}, "说明 note", "给审阅者看的说明：如何理解原文、为何这样编码。",
         "A note for reviewers: how the clause was read and why it is encoded so.")


def definitions() -> dict[str, Any]:
    """Reusable pieces of the language."""
    role_ref = P({"type": "string", "minLength": 1}, "角色 role",
                 "本单位的角色名（在 organisation.roles 中定义）或规范角色名。",
                 "A role: one of the policy's own role words or a canonical role.",
                 ["分管领导", "supervisor_office"])
    return {
        "duration": {
            "type": "string", "pattern": DURATION_PATTERN,
            "title": "时长 duration",
            "description": doc(
                "时长：`N个工作日`（不计当天，到第N个工作日结束）、`N日`/`N天`（自然日，节假日顺延）、"
                "`N小时`（精确）、`两周`、`一个月`、`半个月`；也可写英文 `2 working days`。",
                "A duration: working days (the day of T is not counted), calendar days (rolled "
                "to the next working day when 节假日顺延), hours (exact), weeks, months."),
            "examples": ["2个工作日", "7 working days", "15日", "48小时", "两周", "一个月"],
        },
        "role_list": {"type": "array", "items": role_ref, "minItems": 1, "uniqueItems": True},
        "cel": {
            "type": "string", "minLength": 1, "title": "条件 CEL",
            "description": doc(
                "CEL 条件表达式（Common Expression Language），加载时编译并检查字段名。可用变量："
                "item（kind, category, urgency, lead, assist, confidential, extensions_granted, "
                "returns, due…）、actor（roles, department）、event（until, reason…）、now。",
                "A CEL condition, compiled and type-checked when the policy loads; never "
                "Python eval."),
            "examples": ['item.urgency == "紧急"', "item.extensions_granted < 2"],
        },
        "chain_ref": {"type": "string", "minLength": 1, "title": "审批链 chain",
                      "description": doc("chains 中定义的审批链名称。", "A chain named in `chains`.")},
        "approvals": obj({
            "opening": P("chain_ref", "立项审批链", "立项（批示/审定）时依次审批的链；空链表示无需审批。",
                         "Chain for opening an item (立项批示)."),
            "pause": P("chain_ref", "暂停审批链", "申请暂停时的审批链。", "Chain for a pause request."),
            "resume": P("chain_ref", "恢复审批链", "申请恢复（暂停后）时的审批链。",
                        "Chain for a resume request."),
            "review": P("chain_ref", "办结审核链", "报结后的审核链（如 初审→分管领导→总经理）；驳回即退办。",
                        "Completion review chain; a reject during review is 退办."),
            "progress": P("chain_ref", "反馈审核链",
                          "办理情况反馈（progress）须先经审核同意的链（如“主办部门应经分管领导审核同意后"
                          "及时反馈办理情况”）：反馈转入 approval: progress 的状态，审核同意后才算已反馈，"
                          "不同意的退回、不算反馈。",
                          "Chain a progress report must pass before it counts as given (the "
                          "report enters a state with `approval: progress`)."),
            "share": P("chain_ref", "部门时限延期审批链",
                       "多部门依次办理时，某一部门延长本部门时限（部门时间）的审批链：申请转入 approval: share 的"
                       "状态，批准后只延长该部门的时限，不改变事项的期限、不计入事项的延期次数。",
                       "Chain that extends one department's share of the limit (the item's "
                       "own deadline and extension count are unchanged)."),
            "coordination": P("chain_ref", "协调链",
                              "主办、协办单位意见分歧，主办单位申请协调（request_coordination，转入 approval: "
                              "coordination 的状态）后由谁协调解决（如“送督办单位协调解决”）：同意即协调解决，"
                              "事项回到原状态继续办理。",
                              "Who resolves a disagreement the lead department brings "
                              "(request_coordination into a state with `approval: coordination`)."),
            "cite": CITE,
        }),
        "extensions": obj({
            "max": P({"anyOf": [{"type": "integer", "minimum": 0}, {"const": "unlimited"}]},
                     "最多延期次数",
                     "同一事项最多可申请延期（顺延）几次；0 表示不得延期；unlimited 表示不限次数"
                     "（此时最后一条审批链用于之后的每次申请）。",
                     "Maximum extension requests per item; 0 forbids them; `unlimited`.",
                     [0, 1, 2, "unlimited"]),
            "approvers": P({"type": "array", "items": {"$ref": "#/definitions/chain_ref"}},
                           "第N次延期的审批链",
                           "按次序列出第1次、第2次…延期申请的审批链；条数不得少于 max"
                           "（unlimited 时至少一条，最后一条用于之后各次）。",
                           "The approval chain for the 1st, 2nd, … extension request.",
                           [["分管领导审批", "总经理审批"]]),
            "before_due": P({"type": "boolean"}, "须在期限前申请",
                            "延期须在办理期限届满前提出。", "Must be asked before the deadline."),
            "lead_time": P("duration", "提前申请时限", "须在期限届满前至少多久提出（如 提前3个工作日）。",
                           "How long before the deadline a request must be made at the latest."),
            "longest": P("duration", "单次最长延期", "一次延期最多可延长多久（自原期限起算）。",
                         "The longest single extension, counted from the current deadline."),
            "unit": P(enum(("day", "hour")), "延期计量单位", "延期按日或按小时计（如平台按小时延期）。",
                      "Whether extensions are asked in days or hours."),
            "exempt_penalties": P({"type": "boolean"}, "按期完成延期不扣分",
                                  "经批准的延期（顺延）按新期限完成的，不扣分。",
                                  "An approved extension met on time costs nothing."),
            "review_limit": P("duration", "延期审批时限", "延期申请应在多长时间内审批完毕。",
                              "How long the approvers have to decide."),
            "cite": CITE, "note": NOTE,
            "because": P({"anyOf": [{"type": "string", "minLength": 2}, {
                "type": "object", "propertyNames": {"enum": [
                    "max", "approvers", "before_due", "lead_time", "longest", "review_limit"]},
                "additionalProperties": {"type": "string", "minLength": 2}}]},
                "本单位默认 because",
                "制度未规定、由本单位自定的延期规则：一句话（整条规则）或按项写明，如 "
                "`{max: 一次（与集团制度一致）}`，其余各项仍按 cite。显示为“制度未规定，本单位按…”。",
                "The organisation's own choice where the text is silent: one reason for the whole "
                "rule, or one per setting (the cite covers the rest).",
                [{"max": "最多延期一次（与集团制度一致）"}]),
        }),
        "limit_table": {"type": "object", "additionalProperties": {"$ref": "#/definitions/duration"}},
    }


def removal() -> dict[str, Any]:
    """``{name: X, remove: true}``: drop an inherited transition, reminder or penalty."""
    return obj({
        "name": P({"type": "string", "minLength": 1}, "名称", "要删除的继承项的名称。",
                  "Name of the inherited entry to remove."),
        "remove": P({"const": True}, "删除", "写 true 删除同名的继承项。",
                    "`true` removes the inherited entry of this name."),
    }, ("name", "remove"))


def named_list(item: dict[str, Any]) -> dict[str, Any]:
    """A list merged by ``name``; an entry with ``remove: true`` removes one."""
    return {"type": "array", "items": {"if": {"required": ["remove"]},
                                       "then": removal(), "else": item}}


def root_properties() -> dict[str, Any]:
    """Top-level sections of a policy."""
    role = obj({
        "canonical": P(enum(CANONICAL_ROLES), "规范角色",
                       "该角色对应的规范角色，使同一场景能在不同单位的策略下运行。",
                       "The canonical role this word maps to.", ["supervisor_office"]),
        "title": P({"type": "string"}, "全称", "角色全称或说明。", "Full name."),
        "same_as": P({"type": "string", "minLength": 1}, "同一角色的另一写法",
                     "原文对同一机构或同一人的另一种写法（如 督察组 与 督查工作组），授权时视为同一角色。"
                     "不写 same_as 的两个角色词即使对应同一规范角色，也是不同的审批人"
                     "（如 公司主要领导 与 公司领导）。",
                     "Another written word for the same body or person; without it two words "
                     "on one canonical role are different approvers.", ["督查工作组"]),
        "oversees": P({"anyOf": [enum(("supervisor", "lead")), obj({
            "unit": P({"type": "string", "minLength": 1}, "固定单位",
                      "本单位的一个部门或办公室（organisation.departments，或 canonical 为 "
                      "supervisor_office 的角色词）。",
                      "One unit of the organisation: a department, or an office role word.",
                      ["党政办"])}, ("unit",))]}, "须分管的单位",
                      "写 supervisor：此角色是分管本事项督办单位的领导（如 督办单位分管局领导），授权时"
                      "除角色词外还须分管该事项的督办单位（organisation.supervisor；人员的 oversees）。"
                      "写 lead：此角色是分管本事项主办部门的领导（如“主办部门应经分管领导审核同意”），"
                      "授权时除角色词外还须分管该事项的主办部门（事项的 lead；人员的 oversees）。"
                      "写 {unit: 党政办}：此角色是分管本单位某一固定单位的领导（如“经党政办分管领导审核”），"
                      "不论哪个事项，授权时除角色词外还须分管该单位（人员的 oversees）。",
                      "`supervisor`: this role is the leader overseeing the item's supervising "
                      "unit; besides the word, the actor must oversee the item's supervisor. "
                      "`lead`: the leader overseeing the item's lead department; besides the "
                      "word, the actor must oversee the item's lead. `{unit: 党政办}`: the "
                      "leader overseeing that one unit of the organisation, whatever the item; "
                      "besides the word, the actor must oversee it.",
                      ["supervisor", "lead", {"unit": "党政办"}]),
        "cite": CITE,
    }, ("canonical",))
    person = obj({
        "department": P({"type": "string"}, "所在部门", "此人所在部门。", "The person's department."),
        "roles": P("role_list", "角色", "此人担任的角色。", "The person's roles."),
        "oversees": P(str_list({"type": "string", "minLength": 1}), "分管单位",
                      "此人分管的单位（领导分工），用于判定写 oversees: supervisor、oversees: lead "
                      "或 oversees: {unit: …} 的角色。",
                      "The units this person oversees (for roles with `oversees: supervisor`, "
                      "`oversees: lead` or `oversees: {unit: …}`).",
                      [["办公室", "征管科"]]),
    })
    supervisor = obj({
        "title": P({"type": "string", "minLength": 1}, "名称",
                   "原文对督办单位的称呼（默认 督办单位），表单、台账、事项页以此为标签。",
                   "What the text calls the supervising unit (default 督办单位).", ["督办部门"]),
        "units": P(str_list({"type": "string", "minLength": 1}), "可选单位",
                   "可作督办单位的单位；不写则不限。", "The units that may supervise; absent: any."),
        "required": P({"type": "boolean"}, "立项必填", "立项（create）时须写明督办单位。",
                      "The supervising unit must be named at creation."),
        "cite": CITE, "because": BECAUSE, "note": NOTE,
    })
    category = obj({
        "kinds": P({"type": "array", "items": enum(CANONICAL_KINDS), "uniqueItems": True},
                   "规范事项类型", "本类别覆盖的规范事项类型；场景按 kind 选择类别。",
                   "Canonical kinds this category covers.", [["annual_key_task"]]),
        "sources": P({"type": "array", "items": {"anyOf": [
            {"type": "string", "minLength": 1},
            obj({"text": P({"type": "string", "minLength": 1}, "来源", "原文列举的一项来源。",
                           "One source the text lists."), "cite": CITE},
                ("text",))]}},
            "事项来源", "原文列举的事项来源；可写成 {text: ..., cite: ...} 以注明各项出处。",
            "Sources the text lists; each may carry its own cite.",
            [["公司年度工作报告", {"text": "公司年度重点任务", "cite": "3.1.1（2）"}]]),
        "title": P({"type": "string"}, "说明", "类别说明。", "Description."),
        "approvals": P("approvals", "本类审批链", "覆盖全局 approvals。",
                       "Per-category override of `approvals`."),
        "extensions": P("extensions", "本类延期规则", "覆盖全局 extensions（如 总经理督办 max: 0）。",
                        "Per-category override of `extensions`."),
        "time_limit": P("duration", "本类默认办理时限", "领导未明确时限时本类事项的默认办理时限。",
                        "Default handling limit for this category."),
        "confidential": P({"type": "boolean"}, "默认保密", "本类事项默认保密。",
                          "Items of this category are confidential by default."),
        "due_required": P({"type": "boolean"}, "须明确期限", "本类事项立项时必须写明办理期限（无默认时限）。",
                          "Items of this category must be created with a due date."),
        "cite": CITE, "because": BECAUSE, "note": NOTE,
    })
    state = obj({
        "canonical": P(enum(CANONICAL_STATES), "规范状态", "该状态对应的规范状态。",
                       "The canonical state.", ["in_progress"]),
        "approval": P(enum(APPROVAL_PURPOSES), "审批用途",
                      "处于此状态时 approve/reject 作用于哪种审批："
                      + _glossed(APPROVAL_PURPOSES_WORDS) + "。",
                      "Which approval approve/reject act on while in this state."),
        "clock": P(enum(("running", "stopped")), "计时", "stopped：此状态下办理时限停止计时，恢复后顺延。",
                   "`stopped` pauses the deadline clock (SLA style).", ["stopped"]),
        "final": P({"type": "boolean"}, "终态", "终态不得有流出的转换。",
                   "A final state has no outgoing transitions."),
        "title": P({"type": "string"}, "说明", "状态说明。", "Description."),
        "cite": CITE,
    }, ("canonical",))
    transition = obj({
        "name": P({"type": "string", "minLength": 1}, "名称", "转换名称（唯一，用于覆盖与 diff）。",
                  "Unique name; extends and diff match transitions by it.", ["报结"]),
        "action": P(enum(CANONICAL_ACTIONS), "规范动作", "触发此转换的规范动作。",
                    "The canonical action that fires it."),
        "from": P({"anyOf": [{"type": "string"}, str_list()]}, "起始状态",
                  "从哪个（哪些）状态出发。", "Source state(s)."),
        "to": P({"type": "string"}, "目标状态",
                "目标状态；`same` 表示不改变状态，`previous` 表示回到进入前的状态。",
                "Target state; `same` keeps the state, `previous` returns to the state before."),
        "roles": P("role_list", "可执行角色", "谁可以执行；审批类转换由审批链决定，可不写。",
                   "Roles allowed to fire it (approvals: the chain decides)."),
        "when": P("cel", "条件", "附加条件（CEL）。", "An extra condition (CEL)."),
        "requires": P({"type": "array", "uniqueItems": True, "items": {"anyOf": [
            enum(tuple(REQUIRED_FIELDS)),
            {"type": "string", "pattern": "[^\\x00-\\x7F]", "maxLength": 100,
             "title": "due、reason、until，或报告必须包括的内容（用原文的中文名称）",
             "examples": ["工作目标"]}]}},
                      "须写明", "执行此动作时必须写明的内容：due 完成时限（如确认单须明确完成时限）、"
                      "reason 原因、until 延至何时；或报告必须包括的内容，用原文的名称写（如“工作目标”），"
                      "动作的 contents 中须逐项写明。缺少时拒绝，列出缺少的各项，并引用本转换的出处。",
                      "What the action must carry (a 确认单 must state its 完成时限), or the named "
                      "contents a report must include (written in the text's words, given in the "
                      "action's `contents`); refused without them, citing this transition.",
                      [["due"], ["工作目标", "下一步推进计划"]]),
        "inform": P({"type": "array", "minItems": 1, "items": {"anyOf": [
            {"type": "string", "minLength": 1},
            obj({"department": P({"type": "string", "minLength": 1}, "部门",
                                 "原文点名的部门（不在 organisation.departments 中时这样写）。",
                                 "A department the text names (when it is not among "
                                 "`organisation.departments`).")}, ("department",))]}},
            "分送知晓",
            "此转换完成时分送（知会）谁：通过发件箱通知这些角色或部门，不等待他们审批，事项照常流转"
            "（如“下发承办部门并分送分管领导知晓”）。写本单位的角色词、规范角色、organisation.departments "
            "中的部门，或 {department: 部门名}；主办部门、协办部门、部门负责人等按事项的部门发送。",
            "Who is informed when this transition fires (分送/知会): a notice through the outbox, "
            "no approval awaited. Role words, canonical roles, departments of the organisation, "
            "or `{department: name}`.",
            [["分管领导"], [{"department": "人力资源部"}]]),
        "cite": CITE, "note": NOTE,
    }, ("name",))
    chain_step = obj({
        "role": P({"anyOf": [{"type": "string", "minLength": 1},
                             {"type": "array", "items": {"type": "string", "minLength": 1},
                              "minItems": 2, "uniqueItems": True}]},
                  "审批角色", "此步由谁审批；写成列表表示其中任何一位都可审批（如“分管领导或行政管理部”）。",
                  "Who approves; a list means any one of them may sign this step.",
                  ["分管领导", ["行政管理部", "分管领导"]]),
        "may_end": P({"type": "boolean"}, "可直接批复",
                     "此步的审批人可以直接批复、结束审批链（审批时写 end: true），也可以转报下一步"
                     "（如“初审后根据具体情况批复申请人或转报分管领导审批”）。",
                     "This step's approver may decide alone and end the chain (approve with "
                     "`end: true`) or pass it on to the next step."),
        "name": P({"type": "string"}, "步骤名称", "如 初审、分管领导审核。", "Step name."),
        "limit": P("duration", "审批时限", "此步应在多长时间内完成（超时产生 step_overdue）。",
                   "Time allowed for this step."),
        "cite": CITE, "because": BECAUSE,
    }, ("role",))
    chain = obj({
        "steps": P({"type": "array", "items": chain_step}, "审批步骤", "依次审批的步骤；空表示无需审批。",
                   "Sequential steps; empty means no approval needed."),
        "title": P({"type": "string"}, "说明", "审批链说明。", "Description."),
        "cite": CITE, "because": BECAUSE,
    }, ("steps",))
    step_limit = obj({
        "state": P({"type": "string"}, "所在状态", "在该状态停留的时限。", "The state being timed."),
        "limit": P("duration", "时限", "停留时限。", "Time allowed."),
        "to": P("role_list", "超时通知", "超时（step_overdue）通知谁。", "Who is told when it lapses."),
        "cite": CITE, "because": BECAUSE, "note": NOTE,
    }, ("state", "limit"))
    handling = obj({
        "default": P("duration", "默认办理时限", "领导未明确时限时的默认办理时限。",
                     "Default handling limit when the leader set none.", ["5个工作日", "两周"]),
        "from": P(enum(tuple(DEADLINE_ANCHORS)), "起算",
                  "办理时限从何时起算：" + _glossed(DEADLINE_ANCHORS) + "。",
                  "Which event the handling limit counts from."),
        "by_kind": P("limit_table", "按规范类型", "按事项类型的默认时限。", "Defaults per canonical kind."),
        "by_urgency": P("limit_table", "按紧急程度", "按紧急程度（如 普通、紧急）的办理时限。",
                        "Limits per urgency, e.g. 普通 7 / 紧急 3 working days.",
                        [{"普通": "7个工作日", "紧急": "3个工作日"}]),
        "longest": P("duration", "最长办理时限", "办理时限一般不超过多久（领导所定时限超过时给出提示）。",
                     "The longest limit normally allowed."),
        "cite": CITE, "because": BECAUSE, "note": NOTE,
    })
    maximum = obj({
        "name": P({"type": "string", "minLength": 1}, "名称", "如 普通收文、紧急收文。", "Name."),
        "categories": P(str_list(), "适用类别", "适用于哪些类别（categories 中的名称）；不写表示所有类别。",
                        "Categories it covers; all when absent."),
        "urgency": P({"type": "string", "minLength": 1}, "紧急程度",
                     "只适用于该紧急程度的事项（time_limits.handling.by_urgency 中的名称）；不写表示不论紧急程度。",
                     "Only items of this urgency (a key of handling.by_urgency)."),
        "limit": P("duration", "上限", "自写明期限之时（已起算的，自起算点）起，期限最晚不超过多久。",
                   "The longest limit, counted from the counting start once it has happened, "
                   "else from when the deadline is written.", ["7个工作日", "一个月"]),
        "above": P({"type": "string", "minLength": 1}, "超过时",
                   "refuse（默认）：超过上限的期限被拒绝；写审批链名称：超过的期限须经该链审批（立项时用它代替"
                   "类别的立项审批链）。",
                   "`refuse` (default): a longer deadline is refused; a chain name: a longer "
                   "deadline needs that chain's approval (used as the opening approval).",
                   ["refuse", "总经理审批"]),
        "cite": CITE, "because": BECAUSE, "note": NOTE,
    }, ("name",))
    time_limits = obj({
        "handling": P(handling, "办理时限", "事项的办理期限（item.due）如何确定。",
                      "How an item's deadline is set."),
        "rework": P(obj({"default": P("duration", "退办后时限", "退办后重新办理的默认时限。",
                                      "Default limit after 退办."),
                         "cite": CITE, "because": BECAUSE}), "退办时限", "退办后新的办理期限。", "The new limit after 退办."),
        "per_department": P(obj({"limit": P("duration", "每个部门时限", "依次办理时每个部门的时限。",
                                            "Each department's share."),
                                 "ask_before_end": P({"type": "boolean"}, "须在部门时限内申请延期",
                                                     "部门延期（approval: share 的状态）须在本部门时限届满前申请"
                                                     "（“特殊情况需提前报办公室办理延期手续”）。",
                                                     "A department's own extension must be asked "
                                                     "before its share ends."),
                                 "cite": CITE, "because": BECAUSE}), "分部门时限",
                            "多部门依次办理（无主办部门时）每个部门的时限。",
                            "Per-department limit for sequential hand-off."),
        "maximum": P(named_list(maximum), "最长办理时限",
                     "写明的办理期限不得超过的上限，按类别和紧急程度（如 普通收文不超过7个工作日、紧急收文不超过"
                     "3个工作日）：超过的期限被拒绝，或须经指定审批链审批，按原文。",
                     "Ceilings on the deadline a person writes, per category and urgency: a "
                     "longer deadline is refused, or needs the named chain's approval."),
        "steps": P(named_map(step_limit, "步骤名"), "步骤时限",
                   "各环节时限：如 签收确认 2个工作日、延期审批 2个工作日、办结审核 3个工作日。",
                   "Limits on time spent in a state."),
    })
    reminder = obj({
        "name": P({"type": "string", "minLength": 1}, "名称", "提醒名称，如 催办预告、催办通知。",
                  "Name, e.g. 催办预告."),
        "event": P(enum(TIMER_EVENTS), "定时事件",
                   "产生哪种定时事件：" + _glossed(TIMER_EVENT_WORDS) + "。", "Timer event kind."),
        "before_due": P({"anyOf": [{"$ref": "#/definitions/duration"},
                                   {"type": "string", "pattern": WINDOW_PATTERN}]},
                        "期限前", "在期限前多久提醒（如 3个工作日）；也可写窗口，如 `1至3个工作日`"
                        "（提前1至3个工作日：在窗口开始即提前3个工作日时自动发出）。",
                        "How long before the deadline; or a window such as 1至3个工作日 (sent "
                        "at the window's start).", ["3个工作日", "1至3个工作日"]),
        "after_due": P({"anyOf": [{"$ref": "#/definitions/duration"},
                                  {"type": "string", "pattern": WINDOW_PATTERN}]},
                       "期限后", "在期限后多久发出（0个工作日表示到期即发）；也可写窗口，如 `0至2个工作日`"
                       "（超期后2个工作日内：期限一过即自动发出）。",
                       "How long after the deadline (0 = at the deadline)."),
        "after_assigned": P("duration", "交办后", "在交办（事项到达承办部门）后多久发出，"
                            "如到达提醒（0 表示交办即发）。",
                            "How long after the item reached the department (0 = on arrival)."),
        "repeat": P(obj({"every": P("duration", "间隔", "重复间隔。", "Interval."),
                         "times": P({"type": "integer", "minimum": 1}, "次数", "最多重复几次。",
                                    "At most how many repeats.")}, ("every",)),
                    "重复", "重复提醒。", "Repeat the reminder."),
        "to": P("role_list", "提醒对象", "提醒谁。", "Who is reminded."),
        "when": P("cel", "条件", "仅在条件成立时提醒。", "Only when this holds."),
        "cite": CITE, "because": BECAUSE, "note": NOTE,
    }, ("name",))
    progress = obj({
        "every": P("duration", "反馈周期", "定时反馈的周期（如 每周）。", "Reporting period."),
        "grace": P("duration", "宽限", "周期结束后多久未反馈即提醒。", "Grace before step_overdue."),
        "when": P("cel", "适用条件", "哪些事项需要定时反馈（如 长期事项）。", "Which items."),
        "to": P("role_list", "提醒对象", "提醒谁。", "Who is reminded."),
        "cite": CITE, "because": BECAUSE,
    }, ("every",))
    floor = obj({
        "name": P({"type": "string", "minLength": 1}, "名称", "要求的名称。", "Requirement name."),
        "action": P({"type": "string", "minLength": 1}, "计数的动作",
                    "数哪个动作：转换名（只数这条转换）、动作词或规范动作（数该动作的所有转换）。",
                    "What is counted: a transition's name (only it), an action word or a "
                    "canonical action (every transition of it).", ["督查记录", "verify"]),
        "times": P({"type": "integer", "minimum": 1}, "不少于几次", "每个周期内至少几次。",
                   "At least how many per period.", [1, 3]),
        "every": P("duration", "周期", "周期长度，自事项交办起算（如 一个月、两个月）。",
                   "The period, counted from the item's hand-over.", ["一个月", "两个月"]),
        "by": P("role_list", "责任者", "这是谁的要求（不足时记在谁名下），写本单位的角色词。",
                "Whose duty it is (the shortfall is recorded against them)."),
        "when": P("cel", "适用条件", "哪些事项适用（如 某些类别）。", "Which items it applies to."),
        "cite": CITE, "because": BECAUSE, "note": NOTE,
    }, ("name",))
    penalty = obj({
        "name": P({"type": "string", "minLength": 1}, "名称", "扣分规则名称。", "Rule name."),
        "on": P({"type": "string", "pattern":
                 "^(" + "|".join(PENALTY_TRIGGERS) + "|timer:.+|defect:.+)$"},
                "触发", "何时记入：" + _glossed(PENALTY_TRIGGERS) + "（逾期成为事实 late：期限届满仍未报结，"
                "或期限后才报结，以先到者为准，每个期限一次，不依赖任何提醒；逾期办结按报结时间计）、"
                "timer:名称 某提醒/环节超时发出、defect:名称 查实某种问题（通报批评、复核或退办时写 defect）。",
                "When the rule applies.", ["closed_late", "timer:催办通知", "defect:不良后果"]),
        "points": P({"type": "number"}, "扣分", "每次扣（负数）或加的分值。", "Points per occurrence."),
        "points_per_day": P({"type": "number"}, "每日扣分", "逾期每日扣分（负数）。", "Points per day late."),
        "day_unit": P(enum(("day", "working_day")), "逾期按", "逾期天数按自然日还是工作日计。",
                      "Count days late in calendar or working days."),
        "max_points": P({"type": "number"}, "封顶", "本规则对一个事项最多扣多少分（负数）。",
                        "Cap per item (negative)."),
        "coefficient": P({"type": "number"}, "绩效系数", "绩效考核系数的增减（如 -0.05）。",
                         "Performance-coefficient delta."),
        "measures": P(str_list(), "处理措施", "如 批评教育、书面检查、诫勉谈话、取消评先资格。",
                      "Measures taken.", [list(MEASURES_EXAMPLES[:2])]),
        "target": P({"type": "string"}, "对象", "扣谁：规范角色或本单位角色名，默认主办部门。",
                    "Whom it applies to; default the lead department."),
        "when": P("cel", "条件", "仅在条件成立时适用（如 按类别）。", "Only when this holds."),
        "assessed": P(obj({
            "min": P({"type": "number"}, "下限", "分值的一端，如 -5。", "One bound, e.g. -5."),
            "max": P({"type": "number"}, "上限", "分值的另一端，如 -1。", "The other bound, e.g. -1."),
            "by": P("role_list", "认定角色", "由谁在考核时认定分值。", "Who assesses."),
        }, ("min", "max", "by")), "考核认定分值",
            "分值在考核时由指定角色在范围内认定（如 分(子)公司视情况扣1-5分）：触发事件须带 points（在范围内）"
            "和 reason，否则拒绝；扣分记录保留理由。",
            "Points decided at assessment within the bounds by the named role; the event must "
            "carry `points` within them and a `reason`.",
            [{"min": -5, "max": -1, "by": ["办公室"]}]),
        "exempt_if_extension_met": P({"type": "boolean"}, "延期按期免扣",
                                     "经批准延期并按新期限完成的不扣分。",
                                     "No penalty when an approved extension was met."),
        "cite": CITE, "because": BECAUSE, "note": NOTE,
    }, ("name",))
    counter = obj({
        "name": P({"type": "string", "minLength": 1}, "名称", "累计规则名称。", "Name."),
        "counts": P({"type": "string"}, "累计什么", "累计哪条扣分规则（名称）或动作 censure。",
                    "What is counted: a penalty rule name or `censure`."),
        "per": P(enum(("year", "quarter", "month")), "周期", "累计周期。", "Counting period."),
        "threshold": P({"type": "integer", "minimum": 1}, "达到次数", "达到（≥）几次时适用。",
                       "Applies when the count reaches this."),
        "points": P({"type": "number"}, "扣分", "额外扣分。", "Extra points."),
        "coefficient": P({"type": "number"}, "绩效系数", "绩效系数增减。", "Coefficient delta."),
        "measures": P(str_list(), "处理措施", "如 诫勉谈话。", "Measures."),
        "target": P({"type": "string"}, "对象", "对象角色。", "Target."),
        "cite": CITE, "because": BECAUSE, "note": NOTE,
    }, ("name", "counts", "per", "threshold"))
    kpi = obj({
        "formula": P({"type": "string", "enum": [
            "closed_on_time / total", "closed / total", "overdue / total"]},
            "公式", "如 办结率 = 按时办结数 / 督办总数。", "Formula."),
        "cite": CITE,
    }, ("formula",))
    numbering = obj({
        "format": P({"type": "string", "pattern": r"\{seq\}"}, "文号格式",
                    "文号格式，{year} 年份、{seq} 当年序号（不重复使用）。",
                    "Number format; {year} and {seq} (per year, never reused).",
                    ["陕秦安督字〔{year}〕{seq}号"]),
        "assign_on": P(enum(("create", "opened")), "编号时机", "立项时或批示通过时编号。",
                       "When the number is assigned."),
        "per": P(enum(("item", "notice")), "编号单位",
                 "item：每个事项一个文号（默认）；notice：一张通知单一个文号，一单多事时同单各事项共用"
                 "通知单的文号和发单日期，并按编号先后编“第N项”。",
                 "item: one number per item (default); notice: one number per notice, shared "
                 "with its date by every item that joins it (一单多事), each item numbered "
                 "第N项 on the notice in the order they are numbered.", ["notice"]),
        "cite": CITE,
    }, ("format",))
    return {
        "$schema": P({"type": "string"}, "模式", "JSON Schema 地址（可省略）。", "Schema URL."),
        "duban": P({"const": 1}, "语言版本", "策略语言版本，目前为 1。", "Language version.", [1]),
        "id": P({"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"}, "策略标识",
                "策略的唯一标识（小写字母、数字、下划线）。", "Policy id.", ["gansu_huizhan"]),
        "name": P({"type": "string", "minLength": 1}, "名称", "制度名称。", "Regulation title.",
                  ["督查督办管理制度"]),
        "version": P({"type": "string"}, "版本", "策略版本号。", "Policy version."),
        "extends": P({"type": "string", "minLength": 1}, "继承",
                     "继承的基础策略：`standard`（内置标准生命周期）或相对路径。合并规则：映射按键合并，"
                     "具名列表按 name 合并，null 删除。",
                     "Base policy: `standard` or a relative path.", ["standard"]),
        "source": P({"type": "string"}, "出处", "所依据的制度文本。", "The regulation text."),
        "organisation_name": P({"type": "string"}, "单位名称", "单位全称。", "Organisation."),
        "notes": P({"type": "array", "items": {"type": "string"}}, "说明",
                   "编码说明：原文缺失、存疑之处及处理方式。", "Notes: missing text, ambiguities."),
        "timezone": P({"type": "string"}, "时区", "默认 Asia/Shanghai。", "Time zone.",
                      ["Asia/Shanghai"]),
        "calendar": P(obj({
            "roll_forward": P({"type": "boolean"}, "节假日顺延",
                              "按自然日计的期限落在休息日时顺延至下一工作日（默认是）。",
                              "Roll calendar-day deadlines to the next working day."),
            "end_of_day": P({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$"}, "下班时间",
                            "期限截止于当天几点（默认 23:59:59）。", "End of the office day.",
                            ["17:30"]),
            "extra_holidays": P(str_list({"type": "string", "format": "date"}), "额外休息日",
                                "本单位额外的休息日（YYYY-MM-DD）。", "Extra rest days."),
            "extra_workdays": P(str_list({"type": "string", "format": "date"}), "额外工作日",
                                "本单位额外的工作日（如调休）。", "Extra working days."),
            "data_file": P({"type": "string"}, "日历数据文件", "补充的日历数据文件（相对路径）。",
                           "An extra calendar data file."),
            "beyond_known_data": P(enum(("error", "weekends_only")), "超出已知数据",
                                   "超出官方数据的日期：error 报错（默认）；weekends_only 仅按周末推算并标记为暂定。",
                                   "Dates beyond the official data."),
            "cite": CITE,
        }), "日历", "工作日日历设置。", "Working-day calendar settings."),
        "organisation": P(obj({
            "roles": P(named_map(role, "角色名"), "角色", "本单位的角色词及其规范角色。",
                       "The organisation's role words and their canonical roles.",
                       [{"综合部": {"canonical": "supervisor_office"}}]),
            "departments": P(str_list(), "部门", "部门名单（也可由目录插件提供）。", "Departments."),
            "people": P(named_map(person, "人员"), "人员", "人员及其部门、角色（示例或小单位）。",
                        "People (small organisations)."),
            "supervisor": P(supervisor, "督办单位",
                            "每个事项的督办单位（如 督办单位分管局领导批准）：立项时写明（字段 supervisor），"
                            "显示在事项、台账、表单中；角色写 oversees: supervisor 的，按事项的督办单位判定。",
                            "A supervising unit per item, named at creation (`supervisor`), "
                            "shown on the item, the ledger and forms; roles with `oversees: "
                            "supervisor` are judged against it.",
                            [{"units": ["办公室", "征管科"], "cite": "五、（二）"}]),
            "cite": CITE,
        }), "组织", "组织机构与角色。", "Organisation and roles."),
        "categories": P(named_map(category, "类别名"), "事项类别",
                        "督办事项类别（如 一类/二类/三类；总经理督办/挂牌督办/日常督办）。",
                        "Categories of items."),
        "states": P(named_map(state, "状态名"), "状态", "本单位的状态名及其规范状态。", "States."),
        "initial": P({"type": "string"}, "初始状态", "新事项的初始状态。", "Initial state."),
        "actions": P({"type": "object", "additionalProperties": {
            "anyOf": [enum(CANONICAL_ACTIONS), {"type": "null"}]}},
            "动作名", "本单位的动作词及其规范动作，如 报结: report。", "Action words."),
        "transitions": P(named_list(transition),
            "转换", "状态转换：动作、起止状态、可执行角色、条件。按 name 合并（同名即覆盖，"
            "remove: true 删除）。", "Transitions, merged by name."),
        "chains": P(named_map(chain, "审批链名"), "审批链", "审批链（依次审批）。", "Approval chains."),
        "approvals": P("approvals", "审批", "各类审批使用的审批链。", "Which chain each approval uses."),
        "time_limits": P(time_limits, "时限", "办理时限、退办时限、各环节时限。", "Time limits."),
        "extensions": P("extensions", "延期", "延期（顺延）规则。", "Extension rules."),
        "decline": P(obj({
            "within": P("duration", "退回时限", "非本部门职责的，须在多长时间内退回。",
                        "How long a department has to decline."),
            "cite": CITE, "because": BECAUSE,
        }), "退回", "退回（非本部门职责）规则。", "Declining an item."),
        "coordination": P(obj({
            "within": P("duration", "申请协调时限",
                        "承办部门须在接到交办后多长时间内申请协调（申请协调 request_coordination），"
                        "如“必须在2个工作日内（自接到督办通知单之日起算）报告并由总经理工作部进行协调”；"
                        "逾期的申请被拒绝并注明出处。",
                        "How long after the hand-over a department may ask for coordination "
                        "(request_coordination); a later request is refused with the clause."),
            "cite": CITE, "because": BECAUSE,
        }), "协调", "申请协调的规则（谁来协调见 approvals.coordination）。",
            "Rules of coordination requests (who coordinates: approvals.coordination)."),
        "handoff": P(obj({
            "sequential_when_no_lead": P({"type": "boolean"}, "无主办时依次办理",
                                         "未明确主办部门时，各部门按顺序依次办理。",
                                         "Departments work in turn when no lead is named."),
            "cite": CITE,
        }), "交接", "多部门办理方式。", "Multi-department hand-off."),
        "subitems": P(obj({
            "allowed": P({"type": "boolean"}, "允许分解", "允许任务分解为子事项。", "Allow sub-items."),
            "parent_report_requires_children_closed": P(
                {"type": "boolean"}, "子项办结后方可报结", "子事项全部办结前，主事项不得报结。",
                "A parent may be reported only after its children close."),
            "cite": CITE,
        }), "任务分解", "子事项规则。", "Sub-items."),
        "reminders": P(named_list(reminder),
            "催办提醒", "催办预告、催办通知、升级。按 name 合并。", "Reminders, merged by name."),
        "progress_reports": P(progress, "定时反馈", "长期事项的定时反馈要求。", "Periodic progress reports."),
        "at_least": P(named_list(floor),
            "至少N次每周期",
            "“每两个月不少于3次”：每个周期（自交办起算）内某动作至少几次；周期结束时不足的记录为“未达次数”"
            "（谁的要求、哪个周期、做了几次、应做几次、依据），不扣分，除非另写扣分规则。按 name 合并。",
            "Frequency floors: at least N of an action in each period counted from the hand-"
            "over; a period that ends short is recorded as a shortfall. Merged by name."),
        "penalties": P(named_list(penalty),
            "考核扣分", "扣分、绩效系数、处理措施。按 name 合并。", "Penalty rules, merged by name."),
        "commendations": P(named_list(penalty),
            "表彰", "通报表扬、表彰：与扣分同样记入考核台账（kind: commendation）并写入通报。"
            "on 通常是 commend（通报表扬动作）；points、coefficient 为加分时写正数。按 name 合并。",
            "Commendations (通报表扬/表彰): ledger entries of their own kind, listed in the "
            "通报; usually `on: commend`.",
            [[{"name": "通报表彰", "on": "commend", "measures": ["通报表彰"], "cite": "第十四条"}]]),
        "counters": P({"type": "array", "items": counter}, "年度累计",
                      "累计规则（如 全年被通报3次以上 → 诫勉谈话）。", "Yearly counters."),
        "reports": P(obj({
            "kpis": P(named_map(kpi, "指标名"), "指标", "如 办结率。", "KPIs."),
            "periods": P({"type": "array", "items": enum(("week", "month", "quarter", "year",
                                                          "adhoc"))},
                         "通报周期", "按周、月、季、年或随时通报。", "Report periods."),
            "ranking": P(obj({"by": P({"type": "string"}, "排名依据", "排名所用指标。", "KPI."),
                              "cite": CITE}), "排名", "排名规则。", "Ranking."),
            "name_departments": P({"type": "boolean"}, "指名道姓", "通报须点名部门，不得使用“有的单位”。",
                                  "Reports must name departments."),
            "cite": CITE,
        }), "报表", "办结率、通报、排名。", "Reports."),
        "documents": P(obj({
            "numbering": P(numbering, "文号", "通知单文号。", "Document numbering."),
            "forms": P(str_list(), "表单", "使用的表单。", "Forms used.",
                       [["任务通知单", "任务确认单"]]),
            "list_mode": P(enum(("single", "multiple", "either")), "一单一事/一单多事",
                           "通知单是一单一事、一单多事还是皆可。", "One item per notice, or several."),
            "templates": P({"type": "object", "additionalProperties": {"type": "string"}},
                           "模板", "覆盖表单模板（jinja2，沙箱渲染）。", "Template overrides."),
            "cite": CITE,
        }), "文书", "表单与编号。", "Forms and numbering."),
        "confidentiality": P(obj({
            "visible_to": P("role_list", "可见角色", "保密事项除承办部门外还有谁可见。",
                            "Who else may see confidential items."),
            "cite": CITE,
        }), "保密", "保密事项的可见范围。", "Confidential items."),
        "proxy_entry": P(obj({
            "roles": P({"type": "array", "items": {"type": "string", "minLength": 1},
                        "uniqueItems": True}, "可代录的角色",
                       "哪些角色的决定可以由他人代为录入（本单位角色词，如 总经理、分管领导）；"
                       "空列表表示任何角色都须本人录入。",
                       "Roles whose decisions may be entered by someone else (the policy's "
                       "own role words); an empty list allows nobody.", [["总经理", "分管领导"]]),
            "cite": CITE, "because": BECAUSE, "note": NOTE,
        }, ("roles",)), "代录",
            "代录：督办人员把领导在纸面上的签批等他人作出的决定录入系统。写明哪些角色的决定可以代录，"
            "并写 cite（制度条款）或 because（制度未规定，本单位自定）。不写本项则不限制（记录仍同时显示"
            "决定人与录入人）；写了，其他角色的决定由他人录入时拒绝，并引用出处。决定人本人录入的不是代录。",
            "代录 (entry on someone's behalf): whose decisions a clerk may enter for them, e.g. "
            "a leader's signature on paper, with a `cite` or a `because`. Absent: nothing is "
            "enforced (the record still shows who decided and who entered it); present: an "
            "entry by someone else for any other role is refused, citing the basis.",
            [{"roles": ["总经理", "分管领导"], "because": "领导纸面签批由综合部督办专员录入（制度未规定代录）"}]),
    }


def build_schema() -> dict[str, Any]:
    """The whole policy schema."""
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "duban 督办策略 policy",
        "description": doc("一个单位督查督办制度的 YAML 策略（语言版本 1）。",
                           "An organisation's supervision regulation as a YAML policy (v1)."),
        "type": "object",
        "properties": root_properties(),
        "required": ["duban", "id", "name"],
        "patternProperties": {"^x-": {"title": "扩展 x-",
                                      "description": doc("以 x- 开头的键被忽略，可用于放置 YAML 锚点。",
                                                         "Keys starting with x- are ignored "
                                                         "(e.g. to hold YAML anchors).")}},
        "additionalProperties": False,
        "definitions": definitions(),
    }


def render() -> str:
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


#: Where the schema is emitted, relative to the repository root (see the module docstring).
EMITTED = ("schemas/policy.schema.json", "duban/schemas/policy.schema.json")

if __name__ == "__main__":  # python -m duban.policy.schema_src [PATH]
    root = Path(__file__).resolve().parents[2]
    text = render()
    for out in [Path(sys.argv[1])] if len(sys.argv) > 1 else [root / e for e in EMITTED]:
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")
