"""The emitted JSON Schema: up to date, valid draft-07, documented in Chinese, and in step
with the checks the loader makes after it.

Editors read ``schemas/policy.schema.json`` (hover text, completion, red underlines), so it
must say in Chinese what each key means, and what it accepts should be what ``duban
validate`` accepts: a value the editor underlines but the loader takes (or the reverse) sends
an implementer in circles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from duban.calendar.duration import parse_duration
from duban.policy import schema_src
from duban.policy.schema_check import schema_path

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "schemas" / "policy.schema.json"
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def _walk(node: Any, path: str = "#") -> Iterator[tuple[str, Any]]:
    """Every (JSON pointer, subschema) in the schema."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("examples", "enum", "const", "default", "required"):
                continue
            if key == "properties":
                for name, sub in value.items():
                    yield from _walk(sub, f"{path}/properties/{name}")
            else:
                yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
PROPERTIES = [(path, sub) for path, sub in _walk(SCHEMA) if re.search(r"/properties/[^/]+$", path)]
WITH_EXAMPLES = [(path, sub) for path, sub in _walk(SCHEMA)
                 if isinstance(sub, dict) and "examples" in sub]

#: Properties known to lack a title/description; each is a reported bug (strict xfail, so a
#: fix shows up as XPASS and the entry must be removed).
UNDOCUMENTED: set[str] = set()


def test_emitted_schema_is_up_to_date() -> None:
    """``python -m duban.policy.schema_src`` was run after the last change to the source:
    both emitted copies (the checkout's and the package's) are what it renders."""
    rendered = schema_src.render()
    for emitted in schema_src.EMITTED:
        assert (ROOT / emitted).read_text(encoding="utf-8") == rendered, emitted
    assert ROOT / schema_src.EMITTED[0] == SCHEMA_FILE
    assert schema_path().resolve() in {(ROOT / e).resolve() for e in schema_src.EMITTED}


def test_schema_is_valid_draft7() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert SCHEMA["required"] == ["duban", "id", "name"]


def test_there_are_many_properties() -> None:
    assert len(PROPERTIES) > 150


@pytest.mark.parametrize(
    "path", [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="reported: no title"))
             if p in UNDOCUMENTED else p for p, _ in PROPERTIES])
def test_property_has_chinese_title_and_description(path: str) -> None:
    sub = dict(PROPERTIES)[path]
    title, description = sub.get("title", ""), sub.get("description", "")
    assert CJK.search(title), f"{path}: title {title!r} has no Chinese"
    zh, sep, en = description.partition("\n\n")
    assert sep, f"{path}: description is not 'Chinese\\n\\nEnglish': {description!r}"
    assert CJK.search(zh), f"{path}: description starts without Chinese: {zh!r}"
    assert LATIN.search(en), f"{path}: no English after the Chinese: {en!r}"


@pytest.mark.parametrize("path", [p for p, _ in WITH_EXAMPLES])
def test_examples_are_valid_for_their_own_schema(path: str) -> None:
    """An example an editor offers must not be one the schema refuses."""
    sub = dict(dict(WITH_EXAMPLES)[path])
    sub["definitions"] = SCHEMA["definitions"]
    validator = jsonschema.Draft7Validator(
        sub, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    for example in sub["examples"]:
        errors = [e.message for e in validator.iter_errors(example)]
        assert not errors, (example, errors)


def test_every_section_has_examples_somewhere() -> None:
    assert len(WITH_EXAMPLES) >= 20


# --------------------------------------------------------------------------- durations

#: Durations written as regulations and implementers write them. The schema pattern is for
#: editors, the calendar's parser is authoritative; the two must agree on each string.
DURATIONS_BOTH_ACCEPT = [
    "2个工作日", "2 working days", "1 working day", "3 workdays", "7日", "7天", "7 days",
    "48小时", "48 hours", "1 hour", "两周", "2 weeks", "一个月", "1 month", "2 months",
    "半个月", "十五日", "二十个工作日", "三个星期", "3个月", "9999 days", "两日", "九十九天", "３天",
]
DURATIONS_BOTH_REFUSE = [
    "三", "3", "3 fortnights", "soon", "1.5 days", "3日内", "十天半", "3 working-days",
    "三天半", "", "days", "个工作日", "10000 days", "半天", "半小时", "一月",
    "3 calendar days", "3个自然日", "2礼拜", "一百天",
]
#: Zero is a valid duration where it has a meaning (a reminder at the deadline); the
#: compiler refuses it as a time limit, with a located error.
DURATIONS_ZERO = ["0个工作日", "0 days", "零天"]


def _schema_accepts(text: str) -> bool:
    return re.search(SCHEMA["definitions"]["duration"]["pattern"], text) is not None


def _parser_accepts(text: str) -> bool:
    try:
        parse_duration(text, allow_zero=True)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("text", DURATIONS_BOTH_ACCEPT)
def test_duration_accepted_by_both(text: str) -> None:
    assert _schema_accepts(text) and _parser_accepts(text)


@pytest.mark.parametrize("text", DURATIONS_BOTH_REFUSE)
def test_duration_refused_by_both(text: str) -> None:
    assert not _schema_accepts(text) and not _parser_accepts(text)


@pytest.mark.parametrize("text", [*DURATIONS_ZERO, "3 Days", "２个工作日"])
def test_duration_schema_and_parser_agree(text: str) -> None:
    assert _schema_accepts(text) and _parser_accepts(text)


def test_canonical_vocabularies_are_in_the_schema() -> None:
    """The enums an editor completes are the ones the compiler knows."""
    text = json.dumps(SCHEMA, ensure_ascii=False)
    for word in (*schema_src.CANONICAL_ROLES, *schema_src.CANONICAL_STATES,
                 *schema_src.CANONICAL_ACTIONS, *schema_src.CANONICAL_KINDS):
        assert f'"{word}"' in text, word
