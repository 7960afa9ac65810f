"""The workflow part of ``duban explain``: from which state, who, does what, to which state.

Why its own section: an implementer encoding a regulation needs to see the lifecycle the
policy really runs — every transition after inheritance, in the organisation's role words,
with its clause and whether it is the policy's own line or inherited from a base (and
which) — before any scenario is written. Without it, an inherited transition that the text
never gives stays invisible.
"""

from __future__ import annotations

from pathlib import Path

from duban.policy.model import Policy, Transition
from duban.vocabulary import ACTIONS as ACTION_WORDS
from duban.vocabulary import APPROVAL_PURPOSES as PURPOSE_WORDS
from duban.vocabulary import REQUIRED_FIELDS


def _own(policy: Policy, src: str | None) -> bool:
    if src is None:
        return True
    return Path(src).name == Path(policy.path).name or src == policy.path


def _who(policy: Policy, t: Transition) -> str:
    if not t.roles:
        states = [policy.states[s] for s in t.sources if s in policy.states]
        purposes = sorted({PURPOSE_WORDS.get(str(s.approval), str(s.approval))
                           for s in states if s.approval})
        return f"{'、'.join(purposes)}链决定" if purposes else "审批链决定"
    words = [w if policy.own_words((w,)) else policy.word(policy.canonical_role(w) or w)
             for w in sorted(t.words)]
    return "、".join(dict.fromkeys(words))


def _to(t: Transition) -> str:
    if t.to == "same":
        return "状态不变"
    if t.to == "previous":
        return "回到原状态"
    return f"“{t.to}”"


def informed(t: Transition) -> str:
    """Whom a notify-only step tells, as written: ``分管领导、人力资源部``."""
    return "、".join(word for _, word in t.inform)


def workflow_lines(policy: Policy) -> list[str]:
    """One line per transition: 从…，谁 做什么 → 到…〔出处〕（本策略 / 继承自 …）."""
    out = []
    for i, t in enumerate(policy.transitions):
        src = policy.source_of(("transitions", i))
        origin = "本策略" if _own(policy, src) else f"继承自 {src}"
        action = ACTION_WORDS.get(t.action, t.action)
        what = t.name if t.name == action else f"{t.name}（{action}）"
        cond = f"，条件：{t.when.source}" if t.when else ""
        need = "，须写明 " + "、".join(required_words(t)) if t.requires else ""
        need += f"，并分送{informed(t)}知晓（不待审批）" if t.inform else ""
        cite = f"〔{t.cite}〕" if t.cite else "〔制度未规定〕"
        out.append(f"- 从“{'”“'.join(t.sources)}”，{_who(policy, t)} {what} → {_to(t)}"
                   f"{cond}{need}{cite}（{origin}）")
    return out


def required_words(t: Transition) -> list[str]:
    """What the action must carry, in words: ``完成时限（due）`` for a field, the text's own
    name (“工作目标”) for a content a report must include."""
    return [f"{REQUIRED_FIELDS[n]}（{n}）" if n in REQUIRED_FIELDS else f"“{n}”"
            for n in t.requires]
