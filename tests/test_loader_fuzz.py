"""Property-based fuzzing of the policy loader: whatever the file holds, the loader either
returns a policy or raises :class:`PolicyError` whose every problem says where it is.

Inputs are the valid example policies, damaged the ways editing damages them (characters
deleted, inserted or replaced; lines dropped, duplicated, swapped or re-indented; keys
dropped, values swapped between keys or replaced by values of another type), and random
text and bytes. Each input is written to a file, because the loader's file handling
(encoding, ``extends`` by relative path) is part of what is tested.

A failure prints the input hypothesis found; reproduce it by writing that text to a file
and running ``duban validate`` on it.
"""

from __future__ import annotations

import copy
import itertools
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from duban.errors import PolicyError
from duban.policy.loader import load_policy
from duban.policy.model import Policy

ROOT = Path(__file__).resolve().parents[1]
VALID_DIR = ROOT / "tests" / "policy_examples" / "valid"
SEEDS = {p.name: p.read_text(encoding="utf-8") for p in sorted(VALID_DIR.glob("*.yaml"))}
SEED_NAMES = sorted(SEEDS)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

FUZZ = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: Characters that matter to YAML, to durations, to CEL, plus CJK and a few oddities.
ALPHABET = st.sampled_from(list(
    ":-[]{}#&*!|>'\",?%@`\\ \t\n\r~=<()._/0123456789aeyzAE"
    "个工作日天小时周月办结批示拟立项\u00a0\u3000\ufeff\u2028\x85\x00\x1b"))
_counter = itertools.count()
#: What YAML (and so libyaml's line numbers) counts as a line break.
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding copies of the examples, so ``extends: group_base.yaml`` resolves."""
    d = tmp_path_factory.mktemp("fuzz")
    for name in SEED_NAMES:
        shutil.copy(VALID_DIR / name, d / name)
    return d


#: Named maps where ``name: null`` crashes the compiler when no base removes the entry
#: (reported; see test_null_entry_without_base_is_a_policy_error). Inputs that hit this known
#: crash are skipped so the fuzzing keeps looking for new ones; delete this when fixed.
NULL_CRASH_MAPS: tuple[tuple[str, ...], ...] = ()  # fixed: kept for the fuzzers' skip hook


def hits_known_crash(content: str | bytes) -> bool:
    from duban.policy.yamlsrc import load_yaml

    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError:
            return False
    try:
        data = load_yaml(content).data
    except PolicyError:
        return False
    for path in NULL_CRASH_MAPS:
        node = data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and any(v is None for v in node.values()):
            return True
    return False


def check_load(workdir: Path, content: str | bytes) -> None:
    """Write ``content`` to a new file and load it; assert the loader's contract."""
    assume(not hits_known_crash(content))
    path = workdir / f"case_{next(_counter)}.yaml"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", errors="surrogatepass", newline="")
    else:
        path.write_bytes(content)
    text = content if isinstance(content, str) else content.decode("utf-8", "replace")
    n_lines = len(LINE_BREAK.findall(text)) + 1
    try:
        policy = load_policy(path)
    except PolicyError as err:
        assert err.problems, "a PolicyError without problems"
        for problem in err.problems:
            text = problem.format()  # rendering never fails
            assert problem.to_dict()["code"] == problem.code
            if problem.location is None:
                assert problem.code == "yaml.io", text
                continue
            loc = problem.location
            assert loc.line >= 1 and loc.column >= 1, text
            if loc.file == str(path):  # a place in this very file exists in it
                assert loc.line <= n_lines + 1, (text, n_lines)
    else:
        assert isinstance(policy, Policy)
    finally:
        path.unlink()


# --------------------------------------------------------------------------- text mutations


@st.composite
def char_mutations(draw: st.DrawFn) -> str:
    text = SEEDS[draw(st.sampled_from(SEED_NAMES))]
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["delete", "insert", "replace"]))
        if op == "delete":
            text = text[:i] + text[i + draw(st.integers(1, 20)):]
        elif op == "insert":
            text = text[:i] + draw(st.text(ALPHABET, min_size=1, max_size=8)) + text[i:]
        else:
            text = text[:i] + draw(ALPHABET) + text[i + 1:]
    return text


@st.composite
def line_mutations(draw: st.DrawFn) -> str:
    lines = SEEDS[draw(st.sampled_from(SEED_NAMES))].split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "insert"]))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = " " * draw(st.integers(1, 3)) + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][draw(st.integers(1, 3)):] if lines[i][:1] == " " else lines[i]
        else:
            lines.insert(i, draw(st.text(ALPHABET, max_size=30)))
    return "\n".join(lines)


# --------------------------------------------------------------------------- data mutations

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10**6), st.floats(allow_nan=False),
    st.sampled_from(["", "yes", "no", "on", "2026-02-30", "三", "3 fortnights", "soon",
                     "2个工作日", "same", "previous", "standard", "timer:x", "item.zz > 1",
                     "supervisor_office", "承办中", "已交办", "延期审批", "closed_late",
                     "{seq}", "unlimited", "(", "group_base.yaml", "missing.yaml"]),
    st.text(max_size=12),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths to every value inside ``node`` (not the root)."""
    out: list[tuple[Any, ...]] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else ()
    for k, v in items:
        out.append((*path, k))
        out.extend(_paths(v, (*path, k)))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        node = node[k]
    return node


def _parent(node: Any, path: tuple[Any, ...]) -> tuple[Any, Any]:
    return _get(node, path[:-1]), path[-1]


@st.composite
def data_mutations(draw: st.DrawFn) -> str:
    data = copy.deepcopy(SEED_DATA[draw(st.sampled_from(SEED_NAMES))])
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        p = draw(st.sampled_from(paths))
        parent, key = _parent(data, p)
        op = draw(st.sampled_from(["drop", "swap", "replace", "wrap"]))
        if op == "drop":
            del parent[key]
        elif op == "swap":
            q = draw(st.sampled_from(paths))
            if q[: len(p)] == p or p[: len(q)] == q:
                continue  # one contains the other
            qparent, qkey = _parent(data, q)
            parent[key], qparent[qkey] = qparent[qkey], parent[key]
        elif op == "replace":
            parent[key] = draw(VALUES)
        else:
            parent[key] = [parent[key]] if draw(st.booleans()) else {"x": parent[key]}
    return yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False)


def _plain(text: str) -> Any:
    from duban.policy.yamlsrc import load_yaml

    return load_yaml(text).data


SEED_DATA = {name: _plain(text) for name, text in SEEDS.items()}


# --------------------------------------------------------------------------- properties


def test_seeds_are_valid(workdir: Path) -> None:
    for name in SEED_NAMES:
        assert isinstance(load_policy(workdir / name), Policy)


@FUZZ
@given(text=char_mutations())
def test_character_mutations(workdir: Path, text: str) -> None:
    check_load(workdir, text)


@FUZZ
@given(text=line_mutations())
def test_line_mutations(workdir: Path, text: str) -> None:
    check_load(workdir, text)


@FUZZ
@given(text=data_mutations())
def test_data_mutations(workdir: Path, text: str) -> None:
    check_load(workdir, text)


@FUZZ
@given(text=st.text(max_size=300))
def test_random_text(workdir: Path, text: str) -> None:
    check_load(workdir, text)


@FUZZ
@given(text=st.text(ALPHABET, max_size=200))
def test_random_yaml_like_text(workdir: Path, text: str) -> None:
    check_load(workdir, "duban: 1\nid: x\nname: y\n" + text)


@FUZZ
@given(raw=st.binary(max_size=200))
def test_random_bytes(workdir: Path, raw: bytes) -> None:
    check_load(workdir, raw)



# --------------------------------------------------------------------------- crashes found

NULL_ENTRY_CASES = {
    "roles": "organisation:\n  roles:\n    协办部门: null\n",
    "categories": "categories:\n  督办事项: null\n",
    "states": "states:\n  已归档: null\n",
    "chains": "chains:\n  延期审批: null\n",
    "steps": "time_limits:\n  steps:\n    签收确认: null\n",
    "kpis": "reports:\n  kpis:\n    办结率: null\n",
    "steps_over_standard": "extends: standard\ntime_limits:\n  steps:\n    签收确认: null\n",
}


@pytest.mark.parametrize("case", sorted(NULL_ENTRY_CASES))
def test_null_entry_without_base_is_a_policy_error(tmp_path: Path, case: str) -> None:
    """``X: null`` removes an inherited entry; with nothing inherited it must be a located
    problem (or be ignored), never a TypeError."""
    path = tmp_path / "p.yaml"
    path.write_text("duban: 1\nid: x\nname: y\n" + NULL_ENTRY_CASES[case], encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert all(p.location is not None for p in info.value.problems)
