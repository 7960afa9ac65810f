"""Placeholders a generated policy leaves for its author: the top-level ``待定`` list.

``duban init --from`` writes every rule it found in a regulation commented out, and one
``待定`` line per suggestion. A policy is not valid while any is left: each is reported at
its own line, so ``duban validate`` is the author's to-do list, and nothing the tool
guessed can be in force before a person decided it.
"""

from __future__ import annotations

from typing import Any

from duban.errors import Problem
from duban.policy.yamlsrc import Source

#: The top-level key holding undecided suggestions.
KEY = "待定"
_HINT = ("采用：删去下文该建议行首的“# ”；不采用：删去该建议。然后删去这一行；"
         "全部删完后删去“待定:”/ adopt (uncomment) or delete the suggestion, then this line")


def undecided(source: Source) -> list[Problem]:
    """One problem per line left in ``待定`` (or one for an empty ``待定:``)."""
    data = source.data
    if not isinstance(data, dict) or KEY not in data:
        return []
    items = data[KEY]
    if not isinstance(items, list) or not items:
        return [Problem("placeholder.undecided", "“待定:”已空，请删去这一行 / remove the empty "
                        "`待定:` key", source.locate((KEY,), key=True), "At 待定",
                        hint="删去“待定:”后本文件即可通过检查")]
    return [Problem("placeholder.undecided", f"尚未决定的建议 / undecided suggestion: {_text(x)}",
                    source.locate((KEY, i)), f"At 待定[{i}]", hint=_HINT)
            for i, x in enumerate(items)]


def without_placeholders(data: Any) -> Any:
    """The document as the schema sees it: without the ``待定`` list."""
    if isinstance(data, dict) and KEY in data:
        return {k: v for k, v in data.items() if k != KEY}
    return data


def _text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)
