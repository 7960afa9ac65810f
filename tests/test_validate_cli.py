"""``duban validate``, ``schema``, ``init`` and ``explain`` through click's runner.

Exit codes are part of the interface: 0 valid, 1 policy errors, 2 usage (an unknown path or
policy id, a bad option, an invalid id for ``init``, a file ``init`` would overwrite).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result

from duban.cli import main
from duban.policy.loader import load_policy

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = "tests/policy_examples"
MINIMAL = f"{EXAMPLES}/valid/minimal.yaml"
FULL = f"{EXAMPLES}/valid/full_language.yaml"
MISSPELT = f"{EXAMPLES}/invalid/01_misspelt_key.yaml"
SEVERAL_SCHEMA = f"{EXAMPLES}/invalid/60_several_schema_mistakes.yaml"
SEVERAL_SEMANTIC = f"{EXAMPLES}/invalid/61_several_semantic_mistakes.yaml"
Run = Callable[..., Result]
LOCATED = re.compile(r"^(\S+?):(\d+):(\d+): 错误\[([\w.]+)\]", re.M)


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Run:
    """Invoke ``duban ARGS`` from the repository root; never let a traceback pass."""
    monkeypatch.chdir(ROOT)

    def invoke(*args: str) -> Result:
        result = CliRunner().invoke(main, list(args))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return invoke


# --------------------------------------------------------------------------- validate


def test_validate_valid_text(run: Run) -> None:
    result = run("validate", MINIMAL)
    assert result.exit_code == 0
    assert result.stdout == f"✓ {MINIMAL}: 有效 (valid)\n"


def test_validate_invalid_text(run: Run) -> None:
    result = run("validate", MISSPELT)
    assert result.exit_code == 1
    assert LOCATED.findall(result.stdout) == [(MISSPELT, "9", "5",
                                               "schema.additionalProperties")]
    assert "did you mean 'default'?" in result.stdout
    assert result.stdout.rstrip().endswith(f"✗ {MISSPELT}: 1 处错误 (1 problem(s))")


def test_validate_builtin_by_name(run: Run) -> None:
    result = run("validate", "standard")
    assert result.exit_code == 0, result.output
    assert "有效 (valid)" in result.stdout


def test_validate_reports_all_schema_errors_at_once(run: Run) -> None:
    result = run("validate", SEVERAL_SCHEMA)
    assert result.exit_code == 1
    found = {(int(line), code) for _, line, _, code in LOCATED.findall(result.stdout)}
    assert found == {(9, "schema.pattern"), (10, "schema.enum"), (12, "schema.type"),
                     (13, "schema.additionalProperties")}
    assert "4 处错误 (4 problem(s))" in result.stdout


def test_validate_reports_all_semantic_errors_at_once(run: Run) -> None:
    result = run("validate", SEVERAL_SEMANTIC)
    assert result.exit_code == 1
    own = {(int(line), code) for f, line, _, code in LOCATED.findall(result.stdout)
           if f == SEVERAL_SEMANTIC}
    assert {(10, "semantic.unknown_role"), (12, "semantic.unknown_chain"),
            (14, "semantic.unknown_state")} <= own


def test_validate_several_files(run: Run) -> None:
    result = run("validate", MINIMAL, MISSPELT, FULL)
    assert result.exit_code == 1
    out = result.stdout
    assert f"✓ {MINIMAL}: 有效 (valid)" in out and f"✓ {FULL}: 有效 (valid)" in out
    assert f"✗ {MISSPELT}: 1 处错误" in out
    assert out.index(MINIMAL) < out.index(MISSPELT) < out.index(f"✓ {FULL}")


def test_validate_several_valid_files(run: Run) -> None:
    valid = sorted(p.relative_to(ROOT).as_posix()
                   for p in (ROOT / EXAMPLES / "valid").glob("*.yaml"))
    result = run("validate", *valid)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.count("有效 (valid)") == len(valid)


def test_validate_json(run: Run) -> None:
    result = run("validate", "--format", "json", MINIMAL, SEVERAL_SCHEMA)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert list(report) == [MINIMAL, SEVERAL_SCHEMA]
    assert report[MINIMAL] == {"valid": True, "problems": [], "warnings": []}
    bad = report[SEVERAL_SCHEMA]
    assert bad["valid"] is False and len(bad["problems"]) == 4
    for p in bad["problems"]:
        assert set(p) == {"code", "message", "file", "line", "column", "context", "value",
                          "expected", "hint"}
        assert p["file"] == SEVERAL_SCHEMA and p["line"] >= 1 and p["column"] >= 1
        assert p["code"].startswith("schema.") and " / " in p["message"]
    assert sorted(p["line"] for p in bad["problems"]) == [9, 10, 12, 13]


def test_validate_json_all_valid_exits_0(run: Run) -> None:
    result = run("validate", "--format=json", MINIMAL)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {MINIMAL: {"valid": True, "problems": [], "warnings": []}}


def test_validate_text_format_explicit(run: Run) -> None:
    assert run("validate", "--format", "text", MINIMAL).exit_code == 0


@pytest.mark.parametrize("args", [
    ("validate",),                                         # no path
    ("validate", "tests/policy_examples/no_such_file.yaml"),  # neither a file nor an id
    ("validate", "no_such_policy_id"),
    ("validate", "--format", "xml", MINIMAL),              # unknown format
    ("validate", "--frmat", "json", MINIMAL),              # unknown option
])
def test_validate_usage_errors_exit_2(run: Run, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""


def test_validate_unknown_path_stops_before_validating(run: Run) -> None:
    result = run("validate", MINIMAL, "nope.yaml")
    assert result.exit_code == 2
    assert "nope.yaml" in result.stderr


# --------------------------------------------------------------------------- schema


def test_schema_prints_the_schema(run: Run) -> None:
    result = run("schema")
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    assert printed == json.loads((ROOT / "schemas" / "policy.schema.json")
                                 .read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(printed)
    assert printed["required"] == ["duban", "id", "name"]


# --------------------------------------------------------------------------- init


def test_init_writes_a_policy_that_validates(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    result = run("init", "demo_co", "--name", "示例公司", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "id: demo_co" in text and "示例公司" in text and "extends: standard" in text
    modeline = re.match(r"# yaml-language-server: \$schema=(\S+)\n", text)
    assert modeline, text.splitlines()[0]
    assert (out.parent / modeline.group(1)).resolve() == \
        (ROOT / "schemas" / "policy.schema.json").resolve()
    policy = load_policy(out)
    assert policy.id == "demo_co"
    again = run("validate", str(out))
    assert again.exit_code == 0, again.output


def test_init_output_passes_the_json_schema(run: Run, tmp_path: Path) -> None:
    from duban.policy.yamlsrc import load_yaml_file

    out = tmp_path / "x.yaml"
    assert run("init", "demo_co", "--name", "示例公司", "-o", str(out)).exit_code == 0
    schema = json.loads((ROOT / "schemas" / "policy.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(load_yaml_file(out).data)


def test_init_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", "demo_co", "--name", "示例公司"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "policies" / "demo_co.yaml").is_file()
    load_policy(tmp_path / "policies" / "demo_co.yaml")


def test_init_refuses_to_overwrite(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    out.write_text("# 我的策略，不能被覆盖\n", encoding="utf-8")
    result = run("init", "demo_co", "--name", "示例公司", "-o", str(out))
    assert result.exit_code == 2
    assert "已存在" in result.stderr
    assert out.read_text(encoding="utf-8") == "# 我的策略，不能被覆盖\n"


def test_init_twice_refuses_the_second_time(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    assert run("init", "demo_co", "--name", "示例公司", "-o", str(out)).exit_code == 0
    first = out.read_bytes()
    assert run("init", "other_co", "--name", "别的公司", "-o", str(out)).exit_code == 2
    assert out.read_bytes() == first


@pytest.mark.parametrize("bad_id", ["Demo_Co", "demo-co", "1demo", "demo co", "示例", "", "_x"])
def test_init_invalid_id_exits_2(run: Run, tmp_path: Path, bad_id: str) -> None:
    out = tmp_path / "x.yaml"
    result = run("init", bad_id, "--name", "示例公司", "-o", str(out))
    assert result.exit_code == 2
    assert not out.exists()


def test_init_requires_a_name(run: Run, tmp_path: Path) -> None:
    result = run("init", "demo_co", "-o", str(tmp_path / "x.yaml"))
    assert result.exit_code == 2
    assert not (tmp_path / "x.yaml").exists()


# --------------------------------------------------------------------------- explain


def test_explain_standard_prints_the_sections(run: Run) -> None:
    result = run("explain", "standard")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("《标准督办生命周期》（standard")
    headings = re.findall(r"^([一二三四五六七八九十]+)、(\S+)$", out, re.M)
    assert [h for _, h in headings] == ["组织与角色", "督办事项分类", "办理时限", "催办与提醒",
                                        "考核与处理", "通报与文书"]
    assert "15个工作日" in out and "催办通知" in out and "最多延期 1 次" in out


def test_explain_cites_every_numbered_line(run: Run) -> None:
    result = run("explain", FULL)
    assert result.exit_code == 0, result.output
    numbered = [ln for ln in result.stdout.splitlines() if re.match(r"\d+\. ", ln)]
    assert len(numbered) > 40
    assert all(re.search(r"〔[^〕]+〕$", ln) for ln in numbered), \
        [ln for ln in numbered if not re.search(r"〔[^〕]+〕$", ln)]
    assert "〔第二十条（一）〕" in result.stdout


def test_explain_unknown_policy_exits_2(run: Run) -> None:
    assert run("explain", "no_such_policy").exit_code == 2


def test_explain_invalid_policy_exits_1(run: Run) -> None:
    result = run("explain", MISSPELT)
    assert result.exit_code == 1
    assert f"{MISSPELT}:9:5" in result.stderr
