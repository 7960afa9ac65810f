"""``duban init ID --from FILE``: what a user runs, the files it writes, and the way the
skeleton refuses to validate until every suggestion is decided."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from click.testing import CliRunner

from duban.cli import main
from duban.policy.clauses import inventory as coverage_inventory
from duban.policy.loader import load_policy, validate_paths


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_init_from_a_docx_writes_the_skeleton_and_the_inventory(workdir: Path,
        regulations: ModuleType, write_docx: Callable[..., Path]) -> None:
    source = write_docx(regulations.TIAO, workdir / "制度.docx")
    code, output = run("init", "mou", "--from", str(source), "--name", "某某集团有限公司")
    assert code == 0, output
    policy = workdir / "policies" / "mou.yaml"
    clauses = workdir / "tests" / "policies" / "mou" / "clauses.yaml"
    assert "条建议待决定" in output
    doc = yaml.safe_load(clauses.read_text(encoding="utf-8"))
    assert [c["cite"] for c in doc["clauses"]] == regulations.TIAO_CITES
    by_cite = {c["cite"]: c for c in doc["clauses"]}
    assert by_cite["第五条 4"]["checkable"] is True
    assert by_cite["第五条 4"]["area"] == "time_limit"
    assert by_cite["第六条"]["reason"] == "仅为标题"
    text = policy.read_text(encoding="utf-8")
    assert "organisation_name: \"某某集团有限公司\"" in text
    assert "# 【" in text and "第五条 2「" in text  # suggestions carry cite and quote


def test_the_skeleton_is_not_valid_until_every_suggestion_is_decided(workdir: Path,
        regulations: ModuleType, decide: Callable[[str, bool], str]) -> None:
    source = workdir / "制度.txt"
    source.write_text("\n".join(regulations.TIAO), encoding="utf-8")
    assert run("init", "mou", "--from", str(source))[0] == 0
    policy = workdir / "policies" / "mou.yaml"
    text = policy.read_text(encoding="utf-8")
    pending = len(yaml.safe_load(text)["待定"])
    problems = validate_paths([str(policy)])[str(policy)]
    assert len(problems) == pending > 10
    assert {p.code for p in problems} == {"placeholder.undecided"}
    lines = text.splitlines()
    assert all(lines[p.location.line - 1].startswith("  - \"【") for p in problems if p.location)
    code, output = run("validate", str(policy))
    assert code == 1 and "尚未决定的建议" in output

    policy.write_text(decide(text, adopt=False), encoding="utf-8")
    rejected = load_policy(policy)
    assert not rejected.raw.get("penalties")

    policy.write_text(decide(text, adopt=True), encoding="utf-8")
    adopted = load_policy(policy)
    assert adopted.raw["decline"] == {"within": "2个工作日", "cite": "第五条 2"}
    assert adopted.raw["time_limits"]["handling"]["default"] == "2周"
    assert any(r.get("before_due") == "3个工作日" and r.get("cite") == "第六条（三）"
               for r in adopted.raw["reminders"])


def test_the_inventory_is_read_by_the_coverage_tool(workdir: Path, regulations: ModuleType,
        decide: Callable[[str, bool], str]) -> None:
    source = workdir / "制度.txt"
    source.write_text("\n".join(regulations.DOTTED), encoding="utf-8")
    assert run("init", "xz", "--from", str(source))[0] == 0
    policy = workdir / "policies" / "xz.yaml"
    policy.write_text(decide(policy.read_text(encoding="utf-8"), adopt=True), encoding="utf-8")
    rows = coverage_inventory(load_policy(policy),
                              workdir / "tests" / "policies" / "xz" / "clauses.yaml",
                              workdir / "tests" / "policies" / "xz")
    assert [r.cite for r in rows] == regulations.DOTTED_CITES
    assert any(r.rules for r in rows if r.cite == "2.1.2")


def test_report_in_chinese(workdir: Path, regulations: ModuleType) -> None:
    source = workdir / "制度.txt"
    source.write_text("\n".join(regulations.TIAO), encoding="utf-8")
    code, output = run("init", "mou", "--from", str(source), "--report")
    assert code == 0
    assert "条款：共 26 条" in output
    assert re.search(r"时限：\d+ 条", output) and "第六条（二）：按紧急程度的办理时限 7个工作日" in output
    assert "考核与奖惩" in output and "逾期每1天扣1分" in output
    assert "含数字但未能归类的句子" in output


def test_nothing_is_written_on_a_bad_source_or_an_existing_file(workdir: Path,
        regulations: ModuleType) -> None:
    code, output = run("init", "mou", "--from", str(workdir / "missing.docx"))
    assert code == 1 and "找不到文件" in output
    assert not (workdir / "policies").exists() and not (workdir / "tests").exists()
    source = workdir / "制度.txt"
    source.write_text("\n".join(regulations.TIAO), encoding="utf-8")
    (workdir / "tests" / "policies" / "mou").mkdir(parents=True)
    (workdir / "tests" / "policies" / "mou" / "clauses.yaml").write_text("mine\n")
    code, output = run("init", "mou", "--from", str(source))
    assert code == 1 and "已存在，未覆盖" in output
    assert not (workdir / "policies" / "mou.yaml").exists()
    assert (workdir / "tests" / "policies" / "mou" / "clauses.yaml").read_text() == "mine\n"


def test_output_beside_the_policy_and_plain_init_still_needs_a_name(workdir: Path,
        regulations: ModuleType) -> None:
    source = workdir / "制度.txt"
    source.write_text("\n".join(regulations.DOTTED), encoding="utf-8")
    assert run("init", "xz", "--from", str(source), "-o", "out/xz.yaml")[0] == 0
    assert (workdir / "out" / "xz.clauses.yaml").is_file()
    code, output = run("init", "plain")
    assert code == 2 and "--name" in output
