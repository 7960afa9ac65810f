"""Placeholders a generated policy leaves for its author.

Two kinds, one rule: a policy is not valid while any is left, each is reported at its own
line, so ``duban validate`` is the author's to-do list and nothing a tool guessed or
left blank can be in force before a person decided it.

* the top-level ``待定`` list: ``duban init --from`` writes every rule it found in a
  regulation commented out, and one ``待定`` line per suggestion;
* inline values ``〔待填写：…〕``: the plain ``duban init`` skeleton writes no number the
  user did not give, and marks each choice to make from the text (a cite, a limit).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from duban.errors import Problem
from duban.policy.yamlsrc import Source

#: The top-level key holding undecided suggestions.
KEY = "待定"
#: Every inline placeholder value starts with this.
FILL = "〔待填写"
_FILL_HINT = ("按制度原文填写并写 cite，或写 because（本单位默认），或删除这一项 / fill it from the "
              "text with its cite, write an explicit default, or delete it")
_HINT = ("采用：删去下文该建议行首的“# ”；不采用：删去该建议。然后删去这一行；"
         "全部删完后删去“待定:”/ adopt (uncomment) or delete the suggestion, then this line")


def undecided(source: Source) -> list[Problem]:
    """One problem per line left in ``待定`` (or one for an empty ``待定:``), and one per
    inline ``〔待填写：…〕`` value."""
    data = source.data
    unfilled = [Problem("placeholder.unfilled", f"尚未填写 / placeholder not filled: "
                        f"{text.strip('〔〕')}", source.locate(path),
                        "At " + " > ".join(map(str, path)), text, None, _FILL_HINT)
                for path, text in _inline(data, ())]
    if not isinstance(data, dict) or KEY not in data:
        return unfilled
    items = data[KEY]
    if not isinstance(items, list) or not items:
        return [Problem("placeholder.undecided", "“待定:”已空，请删去这一行 / remove the empty "
                        "`待定:` key", source.locate((KEY,), key=True), "At 待定",
                        hint="删去“待定:”后本文件即可通过检查")]
    return unfilled + [Problem("placeholder.undecided",
                               f"尚未决定的建议 / undecided suggestion: {_text(x)}",
                               source.locate((KEY, i)), f"At 待定[{i}]", hint=_HINT)
                       for i, x in enumerate(items)]


def without_placeholders(data: Any) -> Any:
    """The document as the schema sees it: without the ``待定`` list and without the
    entries whose value is an inline placeholder."""
    if isinstance(data, dict):
        return {k: without_placeholders(v) for k, v in data.items()
                if k != KEY and not _is_fill(v)}
    if isinstance(data, list):
        return [without_placeholders(v) for v in data if not _is_fill(v)]
    return data


def _is_fill(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FILL)


def _inline(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if _is_fill(value):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k != KEY:
                yield from _inline(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _inline(v, (*path, i))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)
