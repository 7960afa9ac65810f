"""The pytest plugin, run through pytester as a company's own suite would run it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from duban.simulation.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]

BROKEN = "my_company: {items: {A: {state: 已办结, due: \"2026-10-14T23:59:59+08:00\""
WRONG = "my_company: {items: {A: {state: 已办结, due: \"2026-10-13T23:59:59+08:00\""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """An inner pytest run, in process, without hypothesis (its summary costs seconds)."""
    return pytester.runpytest("-p", "no:hypothesispytest", *args)


@pytest.fixture
def company(pytester: pytest.Pytester, make_company: Callable[[Path], Path]) -> Path:
    return make_company(pytester.path)


def break_suite(company: Path) -> Path:
    suite = company / "duban-test.yaml"
    suite.write_text(suite.read_text(encoding="utf-8").replace(BROKEN, WRONG), encoding="utf-8")
    return suite


def test_yaml_is_not_collected_unless_asked(pytester: pytest.Pytester, company: Path) -> None:
    result = run(pytester)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_one_item_per_scenario_and_policy(pytester: pytest.Pytester, company: Path) -> None:
    listed = run(pytester, "--duban", "--collect-only", "-q")
    listed.stdout.fnmatch_lines(["duban-test.yaml::test[[]late-return-my_company[]]",
                                 "duban-test.yaml::test[[]late-return-gansu_huizhan[]]"])
    run(pytester, "--duban", "-k", "gansu_huizhan").assert_outcomes(passed=1)


def test_a_broken_expectation_fails_readably(pytester: pytest.Pytester, company: Path) -> None:
    break_suite(company)
    result = run(pytester, "--duban")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*test[[]late-return-my_company[]]*",
        "场景“迟报退办” 在 my_company 下：事项 A 的期限：应为 2026-10-13 23:59:59，"
        "实际 2026-10-14 23:59:59",
        "    （预期写在 duban-test.yaml:7:*）",
        "*--duban-update*",
    ])
    out = result.stdout.str()
    assert "Traceback" not in out and "{'" not in out and "duban/testing" not in out


def test_update_rewrites_the_expectation(pytester: pytest.Pytester, company: Path) -> None:
    suite = break_suite(company)
    result = run(pytester, "--duban", "--duban-update")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*duban: 已更新预期结果*", "*duban-test.yaml"])
    text = suite.read_text(encoding="utf-8")
    assert BROKEN in text and "# 退办后 10-14 为新期限" in text
    run(pytester, "--duban").assert_outcomes(passed=2)


def test_scenario_files_ini_paths_and_no_double_collection(pytester: pytest.Pytester,
                                                           company: Path) -> None:
    pytester.makeini("[pytest]\nduban_scenarios = checks\n")
    checks = pytester.mkdir("checks")
    scenario = (company / "scenarios" / "late-return.yaml").read_text(encoding="utf-8")
    (checks / "return.yaml").write_text(
        scenario + "policies: [gansu_huizhan]\nexpect: {items: {A: {returns: 1}}}\n",
        encoding="utf-8")
    (checks / "no-expect.yaml").write_text(scenario, encoding="utf-8")  # not a test
    (checks / "notes.yaml").write_text("steps: not a scenario\n", encoding="utf-8")
    (company / "scenarios" / "late-return.yaml").rename(
        company / "scenarios" / "late-return.scenario.yaml")
    result = run(pytester, "--collect-only", "-q")
    result.stdout.fnmatch_lines(["checks/return.yaml::test[[]return-gansu_huizhan[]]",
                                 "duban-test.yaml::test[[]late-return-my_company[]]",
                                 "duban-test.yaml::test[[]late-return-gansu_huizhan[]]",
                                 "3 tests collected*"])
    run(pytester).assert_outcomes(passed=3)


def test_a_malformed_suite_is_a_located_collection_error(pytester: pytest.Pytester,
                                                         company: Path) -> None:
    (company / "duban-test.yaml").write_text("policies: [no_such_policy]\n"
                                             "scenarios: [scenarios/*.yaml]\n", encoding="utf-8")
    result = run(pytester, "--duban")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines([
        "duban-test.yaml:1:12: 错误[[]test.unknown_policy[]]: 找不到策略 'no_such_policy'*"])
    assert "Traceback" not in result.stdout.str()


def test_the_duban_run_fixture(pytester: pytest.Pytester, company: Path) -> None:
    pytester.makepyfile(test_company="""
        def test_late_return(duban_run):
            run = duban_run("scenarios/late-return.yaml", "policies/my_company.yaml")
            assert run.item("A")["due"] == "2026-10-14T23:59:59+08:00"
            run.expect({"items": {"A": {"returns": 1, "on_time": False}}})

        def test_shipped_policy_by_id(duban_run):
            run = duban_run("scenarios/late-return.yaml", "gansu_huizhan")
            run.expect({"items": {"A": {"state": "已办结"}}})
    """)
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*AssertionError: 场景“迟报退办” 在 gansu_huizhan 下：事项 A 的状态："
                                 "应为 已办结，实际 待审核"])


def test_the_shipped_policies_scenarios_run_under_the_plugin(pytester: pytest.Pytester) -> None:
    folders = sorted(p for p in (ROOT / "tests" / "policies").iterdir() if p.is_dir() and
                     not p.name.startswith("__"))
    expected = sum(len(load_scenario(f).policies or (1,))
                   for d in folders for f in d.glob("*.yaml") if f.name != "clauses.yaml")
    result = run(pytester, "--duban-scenarios", str(ROOT / "tests" / "policies"),
                                "--duban-coverage", *map(str, folders))
    result.assert_outcomes(passed=expected)
    result.stdout.fnmatch_lines(["*duban coverage*", "gansu_huizhan：*%*"])
