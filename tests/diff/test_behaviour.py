"""The behavioural diff: scenarios replayed under OLD and NEW, and a store's recorded
items replayed under both (``--history``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from duban.diff.behaviour import diff_behaviour, scenario_files
from duban.diff.history import diff_history
from duban.policy.loader import load_policy
from duban.store.base import Store
from duban.store.sqlite import SqliteStore

DATA = Path(__file__).parent / "data"
OLD = DATA / "areas" / "old.yaml"

SCENARIOS = DATA / "scenarios"
SHORTER = DATA / "shorter.yaml"


def test_scenario_files_are_found_recursively_without_clause_lists() -> None:
    names = [p.relative_to(SCENARIOS).as_posix() for p in scenario_files([str(SCENARIOS)])]
    assert names == ["late_report.yaml", "nested/second_extension.yaml",
                     "nested/unchanged.yaml"]


def test_a_shorter_limit_changes_one_scenario() -> None:
    d = diff_behaviour(load_policy(OLD), load_policy(SHORTER), [str(SCENARIOS)])
    assert d.scenarios == 3
    [late] = d.differing
    assert late.name == "报结时间在第七个工作日"
    said = [c.sentence() for c in late.changes]
    assert said == [
        "事项 A 的期限：2026-03-16 → 2026-03-09",
        "事项 A 的原定期限：2026-03-16 → 2026-03-09",
        "事项 A 的逾期：否 → 是",
        "事项 A 的按时办结：是 → 否",
        "事项 A 的考核：无 → 财务部 扣2分（逾期扣分，第十四条）2026-03-11 10:00",
        "办结率：100.0%（按时办结 1/1） → 0.0%（按时办结 0/1）",
    ]


def test_cli_golden_with_scenarios(run: Callable[..., Result],
        golden: Callable[[Path, str], None]) -> None:
    result = run("diff", str(OLD), str(DATA / "areas" / "extensions.yaml"), "--scenarios",
                 str(SCENARIOS))
    assert result.exit_code == 1
    body = "\n".join(result.stdout.splitlines()[1:]).replace(str(DATA), "DATA") + "\n"
    golden(DATA / "scenarios.golden.txt", body)


def test_json_lists_scenario_changes_with_their_file(run: Callable[..., Result]) -> None:
    result = run("diff", str(OLD), str(SHORTER), "--scenarios", str(SCENARIOS),
                 "--format", "json")
    rows = [r for r in json.loads(result.stdout) if r["area"] == "scenarios"]
    late = str(SCENARIOS / "late_report.yaml")
    assert {r["source"] for r in rows} == {late}
    due = next(r for r in rows if r["path"] == [late, "A", "due"])
    assert (due["old"], due["new"], due["title"]) == ("2026-03-16", "2026-03-09", "场景结果")


def test_a_rule_change_without_behaviour_change_still_exits_one(run: Callable[..., Result]) -> None:
    """A new word for the lead department changes no outcome; a new number format does."""
    result = run("diff", str(OLD), str(DATA / "areas" / "organisation.yaml"), "--scenarios",
                 str(SCENARIOS))
    assert result.exit_code == 1
    assert "场景结果：3 个场景，0 个结果不同" in result.stdout
    numbers = run("diff", str(OLD), str(DATA / "areas" / "documents.yaml"), "--scenarios",
                  str(SCENARIOS))
    assert "事项 A 的文号：测督字〔2026〕1号 → 测督〔2026〕第1号" in numbers.stdout


def test_same_policy_with_scenarios_exits_zero(run: Callable[..., Result]) -> None:
    result = run("diff", str(OLD), str(OLD), "--scenarios", str(SCENARIOS))
    assert result.exit_code == 0
    assert "场景结果：3 个场景，0 个结果不同" in result.stdout


def test_shipped_scenarios_under_two_organisations(run: Callable[..., Result]) -> None:
    folder = Path(__file__).parents[1] / "policies" / "gansu_huizhan"
    result = run("diff", "xingzheng_guanlibu", "gansu_huizhan", "--scenarios", str(folder))
    assert result.exit_code == 1
    assert "个结果不同" in result.stdout and "办结率：" in result.stdout


# -- history ------------------------------------------------------------------------------------

@pytest.fixture
def store(tmp_path: Path, record_history: Callable[[Store], None]) -> Path:
    path = tmp_path / "duban.db"
    record_history(SqliteStore(path))
    return path


def test_history_replays_recorded_items_under_both(store: Path) -> None:
    h = diff_history(load_policy(OLD), load_policy(SHORTER), str(store))
    assert h.items == 3
    said = [c.sentence() for c in h.changes]
    assert "事项 A 的期限：2026-03-16 → 2026-03-09" in said
    assert "事项 A 的按时办结：是 → 否" in said
    assert "事项 C 的提醒：催办通知 2026-03-17 00:00 → 催办通知 2026-03-10 00:00" in said
    assert "办结率：66.7%（按时办结 2/3） → 33.3%（按时办结 1/3）" in said
    assert not any(s.startswith("事项 B 的按时办结") for s in said)  # early under both
    assert "历史回放：" in h.heading() and "截至 2026-03-17 00:00" in h.heading()


def test_history_period_and_cli(store: Path, run: Callable[..., Result]) -> None:
    result = run("diff", str(OLD), str(SHORTER), "--history", str(store), "--since",
                 "2026-03-01", "--until", "2026-03-31")
    assert result.exit_code == 1
    assert "历史回放：" in result.stdout and "3 个事项，立项于 2026-03-01 00:00 至 2026-03-31 23:59" \
        in result.stdout
    empty = run("diff", str(OLD), str(SHORTER), "--history", str(store), "--since",
                "2026-04-01")
    assert "0 个事项" in empty.stdout


def test_history_errors(tmp_path: Path, run: Callable[..., Result]) -> None:
    missing = run("diff", str(OLD), str(SHORTER), "--history", str(tmp_path / "no.db"))
    assert missing.exit_code == 2 and "找不到数据库文件" in missing.stderr
    assert not (tmp_path / "no.db").exists()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    bad = run("diff", str(OLD), str(SHORTER), "--history", str(junk))
    assert bad.exit_code == 2 and "数据库" in bad.stderr and "Traceback" not in bad.output
    date = run("diff", str(OLD), str(SHORTER), "--history", str(junk), "--since", "三月")
    assert date.exit_code == 2 and "不是有效的日期" in date.stderr
