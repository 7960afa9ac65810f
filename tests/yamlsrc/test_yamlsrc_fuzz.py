"""Property-based fuzzing: whatever the input, load_yaml raises only PolicyError, located."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duban.errors import PolicyError
from duban.policy.yamlsrc import load_yaml, load_yaml_file

VALID = (Path(__file__).parent / "data" / "policy300.yaml").read_text(encoding="utf-8")

# characters that matter to YAML's grammar, plus the ones authors paste by accident
SPECIAL = [*":-[]{},#&*!|>'\"%@`?~\t \n\r\x00\x01\ufeff\u3000：，", "<<: *defaults\n", "---\n"]


def check(text: str) -> None:
    """The contract: a Source, or a PolicyError whose every problem is located."""
    try:
        load_yaml(text, "f.yaml")
    except PolicyError as err:
        assert err.problems
        for p in err.problems:
            assert p.code.startswith("yaml.")
            assert p.location is not None, p
            assert p.location.file == "f.yaml"
            assert p.location.line >= 1 and p.location.column >= 1, p
            assert p.message and p.hint, p
        assert str(err)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_random_text(text: str) -> None:
    check(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*SPECIAL, "a", "b", "1", "  ", "\n", "x: ", "- ", "&a ", "*a"]),
                max_size=60))
def test_random_yamlish_text(pieces: list[str]) -> None:
    check("".join(pieces))


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The valid policy with a few random character or line edits."""
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "dup_line", "drop_line",
                                     "swap_lines", "indent"]))
        lines = text.splitlines(keepends=True)
        if kind in ("dup_line", "drop_line", "swap_lines", "indent") and len(lines) > 1:
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if kind == "dup_line":
                lines.insert(j, lines[i])
            elif kind == "drop_line":
                del lines[i]
            elif kind == "swap_lines":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines[i] = draw(st.sampled_from([" ", "  ", "\t", "- "])) + lines[i]
            text = "".join(lines)
            continue
        pos = draw(st.integers(0, len(text)))
        piece = draw(st.one_of(st.sampled_from(SPECIAL), st.text(min_size=1, max_size=3)))
        if kind == "insert":
            text = text[:pos] + piece + text[pos:]
        elif kind == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 5)):]
        else:
            text = text[:pos] + piece + text[pos + 1:]
    return text


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_policy(text: str) -> None:
    check(text)


def check_file(path: Path) -> None:
    """As :func:`check`, through ``load_yaml_file`` (so decoding is fuzzed too)."""
    try:
        load_yaml_file(path)
    except PolicyError as err:
        assert err.problems
        for p in err.problems:
            assert p.location is not None and p.location.file == str(path), p
            assert p.location.line >= 1 and p.location.column >= 1, p


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_file(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.getbasetemp() / "fuzz.yaml"
    path.write_bytes(data)
    check_file(path)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(VALID.encode())), st.integers(0, 255)),
                min_size=1, max_size=4))
def test_corrupted_bytes_file(tmp_path_factory: pytest.TempPathFactory,
                              edits: list[tuple[int, int]]) -> None:
    raw = bytearray(VALID.encode("utf-8"))
    for pos, byte in edits:
        raw[pos:pos + 1] = bytes([byte])
    path = tmp_path_factory.getbasetemp() / "corrupt.yaml"
    path.write_bytes(bytes(raw))
    check_file(path)
