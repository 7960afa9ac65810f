"""``duban demo`` (what ``make demo`` runs) prints the month, the 通报 and the table."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from duban.cli import main
from duban.policy.shipped import SHIPPED_IDS

DEPARTMENTS = ("财务部", "工程部", "安全环保部", "市场部", "审计部", "人力资源部", "云天酒店", "信息中心")


def test_demo(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    r = CliRunner().invoke(main, ["demo", "--out", str(out), "--no-serve"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    text = r.stdout
    month, rest = text.split("== 3. ", 1)
    bulletin, table = rest.split("== 4. ", 1)
    # the month, as it happened: a 总经理办公会 item, an extension, a return, a reminder,
    # a penalty, a 通报批评 — intent steps taken by the policy's own roles, in chain order
    assert "A 办到（reach: assigned） 「总经理办公会：完成年度预算调整」主办 财务部、协办 人力资源部 " \
        "立项（总经理工作部）、总经理批准：同意（总经理） → 已交办，期限 09-18" in month
    assert "D 申请延期（request_extension, decided: approved） 申请延期（承办部门（市场部））、" \
        "分管领导签署意见：同意（分管领导）、督办领导签署意见：同意（督办领导）" in month
    assert "C 报结（report: returned） 报结（承办部门（安全环保部））、总经理工作部初审：退办" in month
    assert "定时检查：B 催办通知（overdue_notice）" in month  # an automatic tick
    assert "考核：工程部 绩效系数-0.1（总经理直接督办未完成" in month
    assert "✗ 拒绝" not in month
    # the 通报 names every department
    assert "# 督查通报" in bulletin and "办结率 66.7%" in bulletin
    for dept in DEPARTMENTS:
        assert f"| {dept} |" in bulletin
    assert "1. **工程部**：总经理办公会：展馆消防设施整改" in bulletin
    assert (out / "督查通报-2026-09.html").read_text(encoding="utf-8").count("<svg") == 2
    assert (out / "督查通报-2026-09.docx").stat().st_size > 0
    # the same month under all fourteen policies
    for pid in SHIPPED_IDS:
        assert f"\n{pid} " in table
    assert "invalid_transition" not in table and "permission_denied" not in table
    assert "用时" in table
    # not served (--no-serve), but the accounts are in the store for `duban serve`
    assert "== 5. 网页未启动" in table and "总经理工作部  督办部门，管理员" in table


def test_demo_refuses_an_existing_database(tmp_path: Path) -> None:
    (tmp_path / "duban.db").write_bytes(b"")
    r = CliRunner().invoke(main, ["demo", "--out", str(tmp_path), "--no-serve"])
    assert r.exit_code == 2 and "已存在" in r.stderr


def test_demo_unknown_policy(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["demo", "--out", str(tmp_path), "-p", "nope", "--no-serve"])
    assert r.exit_code == 2 and "没有已发布策略 'nope'" in r.stderr
