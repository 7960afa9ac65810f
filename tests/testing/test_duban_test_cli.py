"""``duban test``: a company's suite, the shipped scenarios, readable mismatches, exit
codes 0/1/2, JSON for tools, coverage with a threshold, and ``--update``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from duban.cli import main
from duban.simulation.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]

BROKEN = "my_company: {items: {A: {state: 已办结, due: \"2026-10-14T23:59:59+08:00\""
WRONG = "my_company: {items: {A: {state: 已办结, due: \"2026-10-13T23:59:59+08:00\""


def duban_test(*args: str) -> Result:
    return CliRunner().invoke(main, ["test", *args], catch_exceptions=False)


def break_suite(company: Path) -> Path:
    suite = company / "duban-test.yaml"
    text = suite.read_text(encoding="utf-8")
    assert BROKEN in text
    suite.write_text(text.replace(BROKEN, WRONG), encoding="utf-8")
    return suite


def test_a_passing_suite_exits_0(company: Path) -> None:
    result = duban_test("-v")
    assert result.exit_code == 0, result.output
    assert "✓ late-return-my_company" in result.output
    assert "✓ late-return-gansu_huizhan" in result.output
    assert "共 2 个用例：通过 2，失败 0" in result.output


def test_a_mismatch_exits_1_with_the_field_in_chinese_and_dates(company: Path) -> None:
    break_suite(company)
    result = duban_test(str(company))
    assert result.exit_code == 1
    assert ("场景“迟报退办” 在 my_company 下：事项 A 的期限：应为 2026-10-13 23:59:59，"
            "实际 2026-10-14 23:59:59") in result.output
    assert "duban-test.yaml:7:" in result.output  # where the expectation is written
    assert "{'" not in result.output and "Traceback" not in result.output
    assert "late-return-gansu_huizhan" not in result.output  # passing cases stay quiet


def test_json_for_tools(company: Path) -> None:
    break_suite(company)
    result = duban_test("--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["summary"] == {"total": 2, "passed": 1, "failed": 1, "error": 0}
    (case,) = [c for c in data["cases"] if c["status"] == "failed"]
    assert case["id"] == "late-return-my_company"
    (diff,) = case["differences"]
    assert diff["field"] == "items.A.due"
    assert diff["expected"] == "2026-10-13T23:59:59+08:00"
    assert diff["actual"] == "2026-10-14T23:59:59+08:00"
    assert diff["written_at"].startswith("duban-test.yaml:7:")


def test_a_scenarios_own_expect_counts_too(company: Path) -> None:
    scenario = company / "scenarios" / "late-return.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8") +
                        "expect:\n  gansu_huizhan: {items: {A: {returns: 2}}}\n", encoding="utf-8")
    result = duban_test()
    assert result.exit_code == 1
    assert "在 gansu_huizhan 下：事项 A 的退办次数：应为 2，实际 1" in result.output
    assert "scenarios/late-return.yaml:" in result.output


def test_malformed_input_exits_2_with_its_location(company: Path) -> None:
    suite = company / "duban-test.yaml"
    suite.write_text("policies: [no_such_policy]\nscenarios: [nowhere/*.yaml]\nextra: 1\n",
                     encoding="utf-8")
    result = duban_test()
    assert result.exit_code == 2
    err = result.stderr
    assert "duban-test.yaml:1:12: 错误[test.unknown_policy]: 找不到策略 'no_such_policy'" in err
    assert "duban-test.yaml:2:13: 错误[test.invalid]: 没有文件匹配 'nowhere/*.yaml'" in err
    assert "duban-test.yaml:3:1: 错误[test.invalid]: 不认识的键 'extra'" in err
    assert "Traceback" not in result.output
    data = json.loads(duban_test("--format", "json").stdout)
    assert data["exit_code"] == 2
    assert [(e["line"], e["column"], e["code"]) for e in data["errors"]] == [
        (1, 12, "test.unknown_policy"), (2, 13, "test.invalid"), (3, 1, "test.invalid")]


def test_a_malformed_scenario_is_bad_input(company: Path) -> None:
    (company / "scenarios" / "late-return.yaml").write_text(
        "name: x\nitems: {A: {kind: nonsense}}\nsteps: []\n", encoding="utf-8")
    result = duban_test()
    assert result.exit_code == 2
    assert "late-return.yaml:2:19: 错误[scenario.invalid]: 未知事项类型 'nonsense'" in result.stderr


def test_nothing_to_test_and_a_missing_path_are_bad_input(tmp_path: Path) -> None:
    assert duban_test(str(tmp_path)).exit_code == 2
    result = duban_test(str(tmp_path / "nope"))
    assert result.exit_code == 2 and "找不到这个文件或目录" in result.stderr


def test_a_case_without_any_expectation_fails_and_says_what_to_do(company: Path) -> None:
    (company / "duban-test.yaml").write_text(
        "policies: [policies/my_company.yaml]\nscenarios: [scenarios/*.yaml]\n", encoding="utf-8")
    result = duban_test()
    assert result.exit_code == 1
    assert "没有预期结果" in result.output and "--update" in result.output


def test_update_rewrites_the_golden_values_and_keeps_comments(company: Path) -> None:
    suite = break_suite(company)
    result = duban_test("--update")
    assert result.exit_code == 0, result.output
    assert "已更新预期结果" in result.output
    text = suite.read_text(encoding="utf-8")
    assert BROKEN in text and "# 退办后 10-14 为新期限" in text
    assert duban_test().exit_code == 0


def test_update_writes_a_first_expectation(company: Path) -> None:
    suite = company / "duban-test.yaml"
    suite.write_text("# 我公司\npolicies: [policies/my_company.yaml, gansu_huizhan]\n"
                     "scenarios: [scenarios/*.yaml]\n", encoding="utf-8")
    assert duban_test("--update").exit_code == 0
    text = suite.read_text(encoding="utf-8")
    assert text.startswith("# 我公司\n") and "expect:\n  late-return:\n    my_company:" in text
    assert "gansu_huizhan:" in text
    assert duban_test().exit_code == 0


def test_coverage_and_threshold(company: Path) -> None:
    result = duban_test("--coverage")
    assert result.exit_code == 0
    assert "my_company：" in result.output and "gansu_huizhan：" in result.output
    assert "未覆盖：" in result.output
    low = duban_test("--threshold", "100")
    assert low.exit_code == 1 and "未达到" in low.output
    assert duban_test("--threshold", "1").exit_code == 0
    data = json.loads(duban_test("--coverage", "--format", "json").output)
    cov = data["coverage"]["my_company"]
    assert cov["covered"] <= cov["total"] and "撤销" in cov["areas"]["transitions"]["missing"]


def test_the_shipped_policies_scenarios_pass() -> None:
    expected = sum(len(load_scenario(p).policies or (1,))
                   for p in (ROOT / "tests" / "policies").glob("*/*.yaml")
                   if p.name != "clauses.yaml")
    result = duban_test(str(ROOT / "tests" / "policies"), "--format", "json", "--coverage")
    data = json.loads(result.output)
    assert result.exit_code == 0, [c for c in data["cases"] if c["status"] != "passed"]
    assert data["summary"]["total"] == expected
    assert {c["policy"] for c in data["cases"]} == set(data["coverage"])


def test_a_scenario_in_a_suite_is_not_run_again_on_its_own(company: Path) -> None:
    scenario = company / "scenarios" / "late-return.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8") +
                        "policies: [gansu_huizhan]\nexpect: {kpi: {total: 1}}\n", encoding="utf-8")
    data = json.loads(duban_test("--format", "json").output)
    assert sorted(c["id"] for c in data["cases"]) == ["late-return-gansu_huizhan",
                                                      "late-return-my_company"]
