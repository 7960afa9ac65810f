"""The engine's refusal of an action: what every interface reports, with the rule and its cite.

Why its own module: the core raises it, and so does the evaluation of a policy's
condition (:func:`duban.engine.activation.holds`) which the core calls — one class for
both, without the two modules importing each other.
"""

from __future__ import annotations

from duban.errors import DubanError


class ActionRefused(DubanError):
    """An action the policy does not allow; nothing changed.

    Attributes beyond ``code``/``message``: ``item`` id, ``action``, ``rule`` (the
    transition or rule that decided) and ``cite``.
    """

    def __init__(self, code: str, message: str, *, item: str = "", action: str = "",
                 rule: str | None = None, cite: str | None = None) -> None:
        where = f"事项 {item}：" if item else ""
        tail = f"（依据：{rule}" + (f"，{cite}" if cite else "") + "）" if rule else ""
        super().__init__(f"{where}{message}{tail}", code)
        self.item, self.action, self.rule, self.cite = item, action, rule, cite


__all__ = ["ActionRefused"]
