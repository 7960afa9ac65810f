"""``duban compare``: the reviewer's table, its golden, formats, escaping and ``-p all``."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from duban.cli import main
from duban.policy.shipped import SHIPPED_IDS, shipped_paths

ROOT = Path(__file__).resolve().parents[2]

GOLDEN = Path(__file__).parent / "golden" / "compare_04_liangci_yanqi.txt"
SCENARIO = ROOT / "tests" / "scenarios" / "common" / "04_liangci_yanqi.yaml"


def invoke(*args: str) -> str:
    result = CliRunner().invoke(main, ["compare", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_golden_text_table_of_all_shipped_policies(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, golden: Callable[[Path, str], None]
) -> None:
    """Read row by row against the regulations (two extensions of a leader's instruction):
    only-one-extension policies refuse the second with their limit; the signatures,
    deadlines, reminders and penalties are each policy's own."""
    monkeypatch.chdir(tmp_path)  # no deployment folder: the shipped policies only
    golden(GOLDEN, invoke(str(SCENARIO), "-p", "all"))


def test_json_marks_the_cells_that_differ_with_their_cites(tmp_path: Path) -> None:
    data = json.loads(invoke(str(SCENARIO), "-p", "gansu_huizhan", "-p", "qinan_genjin",
                             "-p", "zhen_ducha", "--format", "json"))
    assert data["policies"] == ["gansu_huizhan", "qinan_genjin", "zhen_ducha"]
    rows = {r["policy"]: r["cells"] for r in data["rows"]}
    # gansu_huizhan alone records lapses for asking extensions (第十二条（二）): that cell stands out
    assert rows["gansu_huizhan"]["penalties"]["differs"]
    assert "第十二条（二）" in rows["gansu_huizhan"]["penalties"]["cite"]
    assert not rows["qinan_genjin"]["penalties"]["differs"]
    # none of the three texts limits extensions below two, so both are granted everywhere
    assert not any(cells["extension"]["differs"] for cells in rows.values())
    assert rows["gansu_huizhan"]["extension"]["cite"] == "第九条（五）"
    assert all(data["kpi"][p]["closure_rate"] == 1.0 for p in rows)


HOSTILE = """
name: "<script>alert(1)</script> | **粗体** [链接](http://x)"
items:
  A: {kind: annual_key_task, title: "<img src=x onerror=alert(1)>|标题", lead: "<b>部</b>", due: 2026-10-16}
steps:
  - {at: 2026-09-21T09:00, item: A, reach: assigned}
  - {at: 2026-10-15T10:00, item: A, report: accepted}
"""


def test_text_from_the_scenario_is_escaped_in_markdown_and_html(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    page = invoke(str(path), "-p", "gansu_huizhan", "-p", "zhen_ducha", "--format", "html")
    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x" in page
    md = invoke(str(path), "-p", "gansu_huizhan", "--format", "markdown")
    assert not re.search(r"(?<!\\)<(script|img)", md) and not re.search(r"(?<!\\)\]\(", md)
    assert "\\<script\\>" in md and "\\|标题" in md
    out = tmp_path / "c.html"
    assert "已写入" in invoke(str(path), "-p", "gansu_huizhan", "--format", "html", "-o", str(out))
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_all_means_shipped_plus_the_deployments_policies_folder(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    src = next(p for p in shipped_paths() if p.stem == "gansu_huizhan")
    text = src.read_text(encoding="utf-8").replace("id: gansu_huizhan", "id: wo_danwei", 1)
    (tmp_path / "policies" / "wo_danwei.yaml").write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "schemas" / "policy.schema.json", tmp_path / "policy.schema.json")
    monkeypatch.chdir(tmp_path)
    data = json.loads(invoke(str(SCENARIO), "-p", "all", "--format", "json"))
    assert data["policies"] == [*SHIPPED_IDS, "wo_danwei"]
    rows = {r["policy"]: r["cells"] for r in data["rows"]}
    assert rows["wo_danwei"]["signatures"]["text"] == rows["gansu_huizhan"]["signatures"]["text"]


def test_unknown_policy_and_bad_scenario_are_clear_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["compare", str(SCENARIO), "-p", "no_such_policy"])
    assert result.exit_code == 2 and "找不到策略 'no_such_policy'" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nitems: {A: {kind: other}}\nsteps:\n  - {at: 2026-01-05T09:00, "
                   "item: A, reach: nowhere}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["compare", str(bad), "-p", "gansu_huizhan"])
    assert result.exit_code == 2 and "第 1 步" in result.output and "Traceback" not in result.output
