"""The canonical vocabulary has one default word per term, written in one place.

Why a test: the words a report, a diff, a notice or a form prints for a canonical term
(催办通知, 确认, 进一步督办 …) drifted apart while six modules kept their own tables. These
tests fail when a module writes a table of its own again, when a term the policy language
accepts has no word, and when a word is empty or shared by two terms of one table.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path

import pytest

from duban import vocabulary
from duban.policy.loader import load_policy
from duban.policy.schema_src import render

ROOT = Path(__file__).resolve().parents[1]

_WORD = re.compile(r"^[\u4e00-\u9fff、（）/]{1,16}$")
_SCANNED = ("duban", "tests", "bench", "plugins")


def _word_tables(path: Path) -> list[str]:
    """Dict literals mapping two or more terms of one vocabulary table to Chinese words."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Dict):
            continue
        keys = {k.value for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)
                and isinstance(v.value, str) and _WORD.match(v.value)}
        for name, table in vocabulary.TABLES.items():
            if len(keys & set(table)) >= 2:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    return found


def test_no_module_writes_its_own_words_for_canonical_terms() -> None:
    own = Path(vocabulary.__file__).resolve()
    found = [hit for folder in _SCANNED for path in sorted((ROOT / folder).rglob("*.py"))
             if path.resolve() != own for hit in _word_tables(path)]
    assert found == [], "write these words in duban/vocabulary.py and read them from there"


def test_the_scan_finds_a_table_of_words() -> None:
    # the check above must be able to fail: a copy like the ones it replaced is found
    sample = ROOT / "tests" / "_vocabulary_sample.py"
    sample.write_text('WORDS = {"escalation": "升级催办", "overdue_notice": "逾期通知"}\n',
                      encoding="utf-8")
    try:
        assert _word_tables(sample) == ["tests/_vocabulary_sample.py:1: timer_events",
                                        "tests/_vocabulary_sample.py:1: notice_kinds"]
    finally:
        sample.unlink()


@pytest.mark.parametrize("name", list(vocabulary.TABLES))
def test_every_term_has_its_own_word(name: str) -> None:
    table = vocabulary.TABLES[name]
    assert table and all(_WORD.match(w) for w in table.values())
    assert len(set(table.values())) == len(table), f"{name}: two terms share a word"


def _enums(node: object) -> list[list[str]]:
    if isinstance(node, dict):
        found = [node["enum"]] if isinstance(node.get("enum"), list) else []
        return found + [e for v in node.values() for e in _enums(v)]
    if isinstance(node, list):
        return [e for v in node for e in _enums(v)]
    return []


def test_the_schema_accepts_exactly_the_vocabulary() -> None:
    text = render()
    enums = _enums(json.loads(text))
    for terms in (vocabulary.CANONICAL_ROLES, vocabulary.CANONICAL_KINDS,
                  vocabulary.CANONICAL_STATES, vocabulary.CANONICAL_ACTIONS,
                  vocabulary.CANONICAL_TIMER_EVENTS, vocabulary.CANONICAL_PURPOSES,
                  tuple(vocabulary.DEADLINE_ANCHORS)):
        assert list(terms) in enums
    # descriptions gloss fixed enumerations with the vocabulary's words
    for table in (vocabulary.DEADLINE_ANCHORS, vocabulary.PENALTY_TRIGGERS,
                  vocabulary.TIMER_EVENTS, vocabulary.APPROVAL_PURPOSES):
        for term, word in table.items():
            assert f"{term} {word}" in text


def test_a_policy_without_its_own_word_for_a_role_shows_the_default() -> None:
    policy = load_policy(str(ROOT / "policies" / "xingzheng_duban.yaml"))
    assert policy.word("supervisor_office") == "综合部"  # the policy's own word wins
    bare = dataclasses.replace(policy, role_words={})
    assert [bare.word(r) for r in vocabulary.ROLES] == list(vocabulary.ROLES.values())
    assert bare.word("no_such_role") == "no_such_role"
