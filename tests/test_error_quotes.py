"""An error quotes at most ~80 characters of what the user wrote, with ``…`` after.

A thousand-character value (a pasted paragraph, a runaway line, a key typed by a script)
must still give a message a person can read in a terminal or a log.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from duban.errors import QUOTE_LIMIT, PolicyError, Problem, clip
from duban.policy.loader import load_policy

LONG = "长" * 1000
HEAD = "id: x\nname: y\nduban: 1\nextends: standard\n"
CASES = {
    "value of the wrong kind": HEAD + f"timezone: {LONG}\n",
    "unknown key": HEAD + f"{LONG}: 1\n",
    "value not in the list": HEAD + f"organisation:\n  roles:\n    r: {{canonical: {LONG}}}\n",
    "policy id": f"id: {LONG}\nname: y\nduban: 1\nextends: standard\n",
    "syntax error on a long line": HEAD + f"foo: [{LONG}\n",
    "runaway nesting": "[" * 10_000,
    "unknown role in a transition": HEAD
    + f"transitions:\n  - {{name: t, action: approve, from: 草稿, to: 草稿, roles: [{LONG}]}}\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_a_long_value_is_quoted_short(tmp_path: Path, text: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(str(path))
    report = str(info.value)
    assert info.value.problems
    for run in ("长" * (QUOTE_LIMIT + 1), "[" * (QUOTE_LIMIT + 1)):
        assert run not in report, report[:300]
    for p in info.value.problems:
        assert p.value is None or len(p.value) <= QUOTE_LIMIT


def test_clip_marks_the_cut() -> None:
    assert clip("a" * 80) == "a" * 80
    assert clip("a" * 81) == "a" * 79 + "…" and len(clip("a" * 81)) == QUOTE_LIMIT
    assert Problem("x", "m", value="b" * 500).value == "b" * 79 + "…"
