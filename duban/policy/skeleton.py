"""The skeleton of a new policy (``duban init``), and the placeholders it leaves.

Why placeholders and not defaults: a skeleton that wrote "5个工作日" or "最多延期1次"
would put numbers in force that the organisation's regulation may never give. Instead,
every choice the implementer must make from the text is a placeholder ``〔待填写：…〕``
saying what to write; the loader reports each one (``duban.policy.placeholders``,
file:line:column) until it is filled
with the text's rule and its ``cite``, replaced by an explicit default (``because``), or
deleted. The skeleton holds no number the user did not give.

:func:`skeleton` is the one writer of new policy files; ``duban init --from`` and other
generators reuse it and fill what they found in a document.
"""

from __future__ import annotations

from duban.policy.placeholders import FILL

_CITE = f"{FILL}：规定它的条款，如 第九条（五）；制度未规定的，删去 cite 改写 because（做法与理由）〕"

TEMPLATE = """\
# yaml-language-server: $schema={schema}
# {name}的督查督办策略。每条规则写 cite（制度原文的条款）；制度未规定而本单位自定的写 because
# （显示为“制度未规定，本单位按…”）；制度没有、本单位也不定的，删掉那一项。
# 〔待填写：…〕是占位：逐处填写或删除，填完之前 duban validate {file} 会指出每一处。
# Policy skeleton for {name}; see docs/authoring.md.
duban: 1
id: {id}
name: {name}
organisation_name: {name}
extends: standard            # 标准生命周期只提供机制与词汇，不提供任何时限、次数或扣分

organisation:
  roles:                     # 改为制度原文的角色词，并写 cite
    督办部门: {{canonical: supervisor_office}}
    分管领导: {{canonical: leader_in_charge}}
    总经理: {{canonical: general_manager}}
    主办部门: {{canonical: lead_department}}
    协办部门: {{canonical: assisting_department}}

chains:                      # 审批人用制度原文的角色词
  领导批示:
    steps: [{{role: 分管领导, name: 立项批示}}]
    cite: {cite}
  延期审批:
    steps: [{{role: 分管领导, name: 延期审批}}]
    cite: {cite}
  办结审核:
    steps: [{{role: 督办部门, name: 办结审核}}]
    cite: {cite}

time_limits:
  handling:
    default: {fill}：领导未明确时限时的默认办理时限，如 5个工作日；制度没有规定的删除本项〕
    cite: {cite}

extensions:                  # 制度未规定次数、时机的，不写 max、before_due（即不限）
  approvers: [延期审批]
"""


def skeleton(policy_id: str, name: str, *, schema_ref: str, file: str) -> str:
    """The text of a new policy for ``name`` (used as given, nothing appended)."""
    return TEMPLATE.format(id=policy_id, name=name, schema=schema_ref, file=file, cite=_CITE,
                           fill=FILL)
