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


def test_init_writes_no_number_and_leaves_located_placeholders(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    result = run("init", "demo_co", "--name", "示例公司", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "id: demo_co" in text and "extends: standard" in text
    assert "name: 示例公司\n" in text and "督查督办管理办法" not in text  # the name as given
    in_force = [line for line in text.splitlines()
                if not line.lstrip().startswith("#") and "〔待填写" not in line]
    assert not [line for line in in_force if re.search(r"\d", line.split("#")[0])
                and not line.startswith(("duban: 1", "# yaml"))], in_force
    modeline = re.match(r"# yaml-language-server: \$schema=(\S+)\n", text)
    assert modeline, text.splitlines()[0]
    assert (out.parent / modeline.group(1)).resolve() == \
        (ROOT / "schemas" / "policy.schema.json").resolve()
    check = run("validate", str(out))  # refused, placeholder by placeholder, until filled
    assert check.exit_code == 1
    assert check.stdout.count("placeholder.unfilled") == 5
    assert f"{out}:33:14: 错误[placeholder.unfilled]: 尚未填写" in check.stdout


def test_init_filled_validates_strictly(run: Run, tmp_path: Path,
        fill_skeleton: Callable[..., str]) -> None:
    out = tmp_path / "x.yaml"
    assert run("init", "demo_co", "--name", "示例公司", "-o", str(out)).exit_code == 0
    out.write_text(fill_skeleton(out.read_text(encoding="utf-8")), encoding="utf-8")
    policy = load_policy(out)
    assert policy.id == "demo_co" and str(policy.handling.default) == "5个工作日"
    again = run("validate", "--strict", str(out))
    assert again.exit_code == 0, again.output


def test_init_output_passes_the_json_schema_once_filled(run: Run, tmp_path: Path,
        fill_skeleton: Callable[..., str]) -> None:
    from duban.policy.yamlsrc import load_yaml_file

    out = tmp_path / "x.yaml"
    assert run("init", "demo_co", "--name", "示例公司", "-o", str(out)).exit_code == 0
    out.write_text(fill_skeleton(out.read_text(encoding="utf-8")), encoding="utf-8")
    schema = json.loads((ROOT / "schemas" / "policy.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(load_yaml_file(out).data)


def test_init_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", "demo_co", "--name", "示例公司"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "policies" / "demo_co.yaml").is_file()
    assert "还有 5 处〔待填写〕" in result.output


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
                                        "考核与处理", "通报与文书", "流程（从哪个状态、谁、做什么、到哪个状态）"]
    # mechanics and vocabulary only: no limit, count, reminder or penalty of its own
    assert "制度未规定一般办理时限" in out and "延期不限次数" in out
    assert "工作日内办结" not in out and "最多延期" not in out and "发出“催办" not in out


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


def test_explain_prints_the_workflow_with_who_cite_and_origin(run: Run) -> None:
    out = run("explain", str(ROOT / "policies" / "guoshuiju.yaml")).stdout
    flow = out[out.index("七、流程"):]
    # the policy's own line, in its role words, with its clause
    assert "- 从“拟立项”，督办单位 登记（立项） → “已登记”〔四、（一）〕（本策略）" in flow
    # an inherited line says where it comes from, and that the text does not give it
    assert "- 从“已交办”，承办单位 签收（确认） → “承办中”〔制度未规定〕（继承自 standard）" in flow
    assert "延期审批链决定 同意延期（批准） → 回到原状态" in flow


STRICT_BASE = """\
duban: 1
id: strict_demo
name: 严格检查示例
extends: standard
chains:
  领导批示: {steps: [{role: 分管领导, name: 分管领导批示}], cite: 第三条}
  延期审批: {steps: [{role: 分管领导, name: 分管领导审批}], because: 分管领导审批（制度未写审批人）}
  办结审核: {steps: [{role: 督办部门, name: 督办部门审核}], cite: 第五条}
reminders:
  - {name: 催办通知, event: overdue_notice, after_due: 1个工作日, to: [主办部门]REMINDER}
"""


@pytest.mark.parametrize(("basis", "code"), [("", "strict.no_basis"),
                                             (", cite: 第六条, because: 期限后一天", "strict.basis_twice")])
def test_strict_refuses_a_rule_without_exactly_one_basis(run: Run, tmp_path: Path, basis: str,
                                                        code: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(STRICT_BASE.replace("REMINDER", basis), encoding="utf-8")
    assert run("validate", str(path)).exit_code == 0  # a valid policy …
    result = run("validate", "--strict", str(path))  # … that claims more than it cites
    assert result.exit_code == 1
    assert f"{path}:10:5: 错误[{code}]" in result.stdout, result.stdout


def test_strict_accepts_an_explicit_default_and_shows_it_as_such(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(STRICT_BASE.replace("REMINDER", ", because: 期限后第1个工作日发出（参照集团做法）"),
                    encoding="utf-8")
    assert run("validate", "--strict", str(path)).exit_code == 0
    out = run("explain", str(path)).stdout
    assert "〔制度未规定，本单位按期限后第1个工作日发出（参照集团做法）〕" in out
    assert "〔制度未规定，本单位按分管领导审批（制度未写审批人）〕" in out


def test_strict_asks_a_maximum_limit_for_its_basis_and_explain_shows_it(run: Run,
                                                                        tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    ceiling = ("time_limits:\n  maximum:\n"
               "    - {name: 收文, limit: 7个工作日BASIS}\n")
    path.write_text(STRICT_BASE.replace("REMINDER", ", cite: 第六条") + ceiling.replace(
        "BASIS", ""), encoding="utf-8")
    result = run("validate", "--strict", str(path))
    assert result.exit_code == 1
    assert f"{path}:13:7: 错误[strict.no_basis]: 最长办理时限“收文” 正在生效" in result.stdout
    path.write_text(STRICT_BASE.replace("REMINDER", ", cite: 第六条") + ceiling.replace(
        "BASIS", ", cite: 第七条"), encoding="utf-8")
    assert run("validate", "--strict", str(path)).exit_code == 0
    assert "“收文”：各类事项写明的办理期限不超过7个工作日，超过的不予接受〔第七条〕" in \
        run("explain", str(path)).stdout


COORDINATION = """\
states:
  协调中: {canonical: in_progress, approval: coordination, cite: 第八条}
transitions:
  - {name: 申请协调, action: request_coordination, from: [已交办, 承办中], to: 协调中,
     roles: [主办部门], cite: 第八条}
  - {name: 协调完成, action: approve, from: 协调中, to: previous, cite: 第八条}
approvals: {coordination: 办结审核}
coordination:
  within: WITHIN
"""


def test_a_time_to_ask_for_coordination_is_cited_explained_and_diffed(run: Run,
                                                                      tmp_path: Path) -> None:
    base = STRICT_BASE.replace("REMINDER", ", cite: 第六条") + COORDINATION
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    new.write_text(base.replace("WITHIN", "2个工作日"), encoding="utf-8")
    result = run("validate", "--strict", str(new))
    assert result.exit_code == 1
    assert f"{new}:19:3: 错误[strict.no_basis]: 申请协调时限 正在生效" in result.stdout, result.stdout
    new.write_text(base.replace("WITHIN", "2个工作日\n  cite: 第八条"), encoding="utf-8")
    old.write_text(base.replace("WITHIN", "3个工作日\n  cite: 第八条"), encoding="utf-8")
    assert run("validate", "--strict", str(new)).exit_code == 0
    assert "需要协调的，须在交办后 2个工作日内申请协调，逾期的申请不予受理〔第八条〕" in \
        run("explain", str(new)).stdout
    assert "申请协调时限（自交办起）：3个工作日 → 2个工作日（第八条）" in \
        run("diff", str(old), str(new)).stdout


def test_strict_reports_an_inherited_rule_at_the_extends_line(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("duban: 1\nid: bare\nname: 裸策略\nextends: standard\n", encoding="utf-8")
    result = run("validate", "--strict", str(path))
    assert result.exit_code == 1
    assert f"{path}:4:10: 错误[strict.no_basis]: 继承的审批链“领导批示”的审批人" in result.stdout
    assert "（继承自 standard:" in result.stdout


def test_shipped_policies_pass_strict(run: Run) -> None:
    paths = sorted(str(p) for p in (ROOT / "policies").glob("*.yaml"))
    result = run("validate", "--strict", *paths)
    assert result.exit_code == 0, result.stdout
