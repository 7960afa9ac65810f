"""一单多事 as a user sees it on the command line, over a real SQLite store: the second
item joins the first one's notice (``--notice``), the 通知单 lists both items under one
文号 and date, the 报告单 names the item's place (第2项), the 台账 groups them by 文号 with
their 项次 — and a reader not entitled to a confidential item of the notice does not see
it on the notice."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from duban.cli import main

POLICIES = Path(__file__).parents[2] / "policies"
AS_OF = ("--as-of", "2026-03-04T10:00")


def duban(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--config", str(config)], catch_exceptions=False)


def deployment(tmp_path: Path) -> Path:
    config = tmp_path / "duban.yaml"
    config.write_text(f"store: sqlite:///{tmp_path / 'duban.db'}\npolicies: [{POLICIES}]\n"
                      "plugins: null\n", encoding="utf-8")
    office = ("--as", "跟进督办工作办公室")
    for item_id, title, lead, due, more in (
            ("A", "完善评价报告三级审核", "评价一部", "2026-03-20", ()),
            ("B", "更新安全评价人员台账", "技术部", "2026-03-31", ("--notice", "A",
                                                         "--confidential"))):
        r = duban(config, "item", "create", item_id, "-p", "qinan_genjin", "--kind",
                  "meeting_decision", "--title", title, "--lead", lead, "--due", due,
                  "--at", "2026-03-02T09:00", *office, *more)
        assert r.exit_code == 0, r.output
    for item_id, day in (("A", "02"), ("B", "03")):
        r = duban(config, "item", "act", item_id, "approve", "--at", f"2026-03-{day}T10:00",
                  "--as", "有关领导")
        assert r.exit_code == 0, r.output
    return config


def test_the_notice_lists_its_items_under_one_number(tmp_path: Path) -> None:
    config = deployment(tmp_path)
    notice = duban(config, "form", "B", "notice", *AS_OF).stdout
    stub, copy = notice.split("\n---\n")
    for half in (stub, copy):
        assert half.count("陕秦安督字〔2026〕1号") == 1
        assert "| 督办事项内容（第1项） | 完善评价报告三级审核 |" in half
        assert "| 督办事项内容（第2项） | 更新安全评价人员台账（保密） |" in half
        assert half.index("限 2026 年 3 月 20 日") < half.index("限 2026 年 3 月 31 日")
        assert "| 被督办部门 | 评价一部、技术部 |" in half
        assert half.count("（签章）　2026年3月2日") == 1  # the notice's date, not B's approval
    report = duban(config, "form", "B", "report", *AS_OF).stdout
    assert "| 督办文号 | 陕秦安督字〔2026〕1号（第2项） |" in report
    ledger = duban(config, "taizhang").stdout.splitlines()
    assert ledger[0].startswith("序号,编号,通知单项次,事项")
    assert [row.split(",")[1:4] for row in ledger[1:]] == [
        ["陕秦安督字〔2026〕1号", "第1项", "完善评价报告三级审核"],
        ["陕秦安督字〔2026〕1号", "第2项", "更新安全评价人员台账"]]


def test_a_confidential_item_is_not_shown_through_its_notice(tmp_path: Path) -> None:
    config = deployment(tmp_path)
    reader = ("--as", "承办部门", "--dept", "评价一部")  # A's department, not B's
    notice = duban(config, "form", "A", "notice", *AS_OF, *reader)
    assert notice.exit_code == 0, notice.output
    assert "完善评价报告三级审核" in notice.stdout
    assert "更新安全评价人员台账" not in notice.stdout and "技术部" not in notice.stdout
    assert "第2项" not in notice.stdout
    ledger = duban(config, "taizhang", *reader).stdout
    assert "更新安全评价人员台账" not in ledger
    refused = duban(config, "item", "create", "C", "-p", "qinan_genjin", "--title", "x",
                    "--lead", "评价一部", "--due", "2026-04-30", "--notice", "Q",
                    "--at", "2026-03-05T09:00", "--as", "跟进督办工作办公室")
    assert refused.exit_code != 0 and "没有通知单 'Q'" in refused.output
    assert "Traceback" not in refused.output
