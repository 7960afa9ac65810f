"""Acceptance tests driven by example files: adding a case means adding a file.

``tests/policy_examples/valid/*.yaml`` must load and validate; every
``tests/policy_examples/invalid/NN_name.yaml`` must be refused with exactly the text in
``NN_name.expected`` (what ``duban validate FILE`` prints, run from the repository root with
the path as written here). Files under ``invalid/bases/`` are bases the examples extend.
Numbers are two digits up to 99, then three (``100_name``): the next free number, never
a renumbering, so a golden's name stays what reviewers and docs refer to.

Regenerate the goldens after an intended change of wording with::

    DUBAN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_policy_examples.py

then read the diff: a golden is a promise about what an implementer sees.

Why the repository root is replaced by ``<repo>``: a few messages name an absolute path (a
missing base, a file that is not UTF-8), and the goldens must not depend on where the
checkout lives.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from duban.cli import main
from duban.errors import PolicyError
from duban.policy.loader import load_policy
from duban.policy.model import Policy

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "tests" / "policy_examples"
VALID = sorted((EXAMPLES / "valid").glob("*.yaml"))
#: ``NN_name.yaml`` or ``NNN_name.yaml``, in numeric order
INVALID = sorted((p for p in (EXAMPLES / "invalid").glob("*.yaml")
                  if re.fullmatch(r"\d{2,3}_.+\.yaml", p.name)),
                 key=lambda p: (int(p.name.split("_", 1)[0]), p.name))
SCHEMA = ROOT / "schemas" / "policy.schema.json"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
UPDATE = os.environ.get("DUBAN_UPDATE_GOLDEN") == "1"
#: ``file:line:column: 错误[code]:`` — how every problem line of the text output starts.
PROBLEM_LINE = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*): 错误\[")


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def validate_text(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """Exit code and stdout of ``duban validate <path relative to the root>``."""
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["validate", rel(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exc_info
    return result.exit_code, result.stdout.replace(str(ROOT), "<repo>")


# --------------------------------------------------------------------------- valid


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_example_loads(path: Path) -> None:
    policy = load_policy(path)
    assert isinstance(policy, Policy)
    assert policy.id and policy.name


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_example_passes_validate(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = validate_text(path, monkeypatch)
    assert code == 0, out
    assert out == f"✓ {rel(path)}: 有效 (valid)\n"


def test_valid_examples_cover_the_language() -> None:
    """The full example really uses every top-level section, and one example extends a file."""
    from duban.policy.schema_src import root_properties

    full = load_policy(EXAMPLES / "valid" / "full_language.yaml")
    unused = {"$schema", "extends"}
    assert set(root_properties()) - unused <= set(full.raw), \
        set(root_properties()) - unused - set(full.raw)
    texts = {p.name: p.read_text(encoding="utf-8") for p in VALID}
    assert any(re.search(r"^extends: [\w./-]+\.yaml$", t, re.M) for t in texts.values())
    assert any(re.search(r"^extends: standard$", t, re.M) for t in texts.values())


def test_extends_by_relative_path_merges() -> None:
    """subsidiary.yaml over group_base.yaml over standard: each merge rule took effect."""
    sub = load_policy(EXAMPLES / "valid" / "subsidiary.yaml")
    assert "综合管理部" in sub.roles and "协办部门" not in sub.roles  # added; removed by null
    assert "集团办公室" in sub.roles  # inherited from the group
    assert str(sub.handling.default) != str(load_policy(
        EXAMPLES / "valid" / "group_base.yaml").handling.default)
    assert set(sub.handling.by_urgency) == {"普通", "紧急"}  # inherited map entries
    names = [p.name for p in sub.penalties]
    assert names == ["逾期扣分"]  # 退办扣分 removed with `remove: true`
    assert sub.penalties[0].max_points == -10 and sub.penalties[0].points_per_day == -1
    assert "回访复核" not in {t.name for t in sub.transitions}
    reminders = {r.name: r for r in sub.reminders}
    assert set(reminders) == {"催办通知", "催办预告", "升级催办"}
    assert reminders["升级催办"].repeat_times == 4  # copied by the YAML merge key <<


def test_check_jsonschema_accepts_the_metaschema() -> None:
    run = subprocess.run([str(CHECK_JSONSCHEMA), "--check-metaschema", str(SCHEMA)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_check_jsonschema_accepts_every_valid_example() -> None:
    """An independent validator agrees with ours on every valid example."""
    run = subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(SCHEMA),
                          *map(str, VALID)], capture_output=True, text=True, timeout=120,
                         check=False)
    assert run.returncode == 0, run.stdout + run.stderr


# --------------------------------------------------------------------------- invalid


def test_there_are_at_least_thirty_invalid_examples() -> None:
    assert len(INVALID) >= 30
    numbers = [int(p.name.split("_", 1)[0]) for p in INVALID]
    assert len(numbers) == len(set(numbers)), "two invalid examples share a number"


def test_every_golden_has_an_example() -> None:
    stems = {p.stem for p in INVALID}
    orphans = [g.name for g in (EXAMPLES / "invalid").glob("*.expected") if g.stem not in stems]
    assert not orphans


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_matches_golden(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = validate_text(path, monkeypatch)
    golden = path.with_suffix(".expected")
    if UPDATE:
        golden.write_text(out, encoding="utf-8", newline="\n")
    assert code == 1, out
    assert golden.exists(), f"no golden; run with DUBAN_UPDATE_GOLDEN=1 to write {golden.name}"
    assert out == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_locates_every_problem(path: Path) -> None:
    """Every problem of every invalid example has a file:line:column, in the output too."""
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    problems = info.value.problems
    assert problems
    for problem in problems:
        assert problem.location is not None, problem.format()
        assert problem.location.line >= 1 and problem.location.column >= 1
        first = problem.format().splitlines()[0]
        assert PROBLEM_LINE.match(first), first
