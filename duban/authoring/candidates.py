"""A candidate rule: something a clause says that a policy may encode, with its cite.

Why a record of its own: every finder (time limits, roles, approvals, extensions,
reminders, penalties, numbering) reports in the same shape, so the skeleton, the
inventory and the ``--report`` summary treat them alike. A candidate is never a rule in
force: the skeleton writes its suggestion commented out, and the user decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from duban.calendar.duration import Duration

#: Areas, in the order the skeleton and the report list them, with their Chinese names.
AREAS: dict[str, str] = {
    "organisation": "角色与部门",
    "approval_chain": "审批",
    "time_limit": "时限",
    "extension": "延期",
    "reminder": "催办与提醒",
    "penalty": "考核与奖惩",
    "document": "文号与表单",
}

_SENTENCE = re.compile(r"[^。；;！？!?]*[。；;！？!?]?")


@dataclass(frozen=True)
class Candidate:
    """One suggestion.

    Attributes:
        area: a key of :data:`AREAS`.
        cite: the clause it comes from, as the inventory writes it.
        quote: the sentence that says it (the regulation's own characters).
        summary: one Chinese line for the report and the skeleton comment.
        duration: for time limits, the amount and unit the text gives.
        path: where the suggestion goes in a policy (``("time_limits", "steps")``).
        key: its key at that place (a list section has none: it is an item).
        value: the suggested YAML value; ``None`` when the text gives nothing to encode
            (the skeleton then shows the note only).
        note: why it is suggested so, or what the user still has to decide.
    """

    area: str
    cite: str
    quote: str
    summary: str
    duration: Duration | None = None
    path: tuple[str, ...] = ()
    key: str | None = None
    value: Any = None
    note: str = ""
    facts: dict[str, Any] = field(default_factory=dict, compare=False)


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` that holds ``text[start:end]``."""
    for m in _SENTENCE.finditer(text):
        if m.start() <= start and end <= m.end() and m.group().strip():
            return m.group().strip()
    return text[max(0, start - 40):end + 40].strip()


def original(text: str, plain: str, sentence: str) -> str:
    """The same sentence in the regulation's own characters (``text`` may be traditional)."""
    at = plain.find(sentence)
    if at >= 0 and len(text) == len(plain):
        return text[at:at + len(sentence)]
    return sentence
