"""Fixtures of the policy-test tooling: a company's own test folder, made with the real
``duban init``, holding a scenario and a ``duban-test.yaml`` that runs it under the
company's policy and a shipped one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from duban.cli import main

LATE_RETURN = """\
name: 迟报退办
items:
  A: {kind: leader_instruction, title: 完成资产清查, lead: 财务部, due: 2026-09-30}
steps:
  - {at: 2026-09-21T09:00, item: A, action: create}
  - {at: 2026-09-21T10:00, item: A, action: approve}
  - {at: 2026-09-29T09:00, item: A, action: report}
  - {at: 2026-09-29T10:00, item: A, action: reject, due: 2026-10-14, reason: 材料不全}
  - {at: 2026-10-15T09:00, item: A, action: report}
  - {at: 2026-10-15T10:00, item: A, action: approve}
  - {tick: 2026-10-20T09:00}
"""

SUITE = """\
name: 我公司督办制度测试
policies: [policies/my_company.yaml, gansu_huizhan]
scenarios: [scenarios/*.yaml]
expect:
  late-return:
    # 退办后 10-14 为新期限，10-15 才再次上报
    my_company: {items: {A: {state: 已办结, due: "2026-10-14T23:59:59+08:00", on_time: false}}}
    gansu_huizhan: {items: {A: {state: 待审核, returns: 1}}, kpi: {closure_rate: 0}}
"""


def _make_company(root: Path, fill_skeleton: Callable[[str], str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "policies").mkdir(exist_ok=True)
    result = CliRunner().invoke(main, ["init", "my_company", "--name", "我公司", "-o",
                                       str(root / "policies" / "my_company.yaml")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    policy = root / "policies" / "my_company.yaml"  # filled as the implementer would
    policy.write_text(fill_skeleton(policy.read_text(encoding="utf-8")), encoding="utf-8")
    (root / "scenarios").mkdir(exist_ok=True)
    (root / "scenarios" / "late-return.yaml").write_text(LATE_RETURN, encoding="utf-8")
    (root / "duban-test.yaml").write_text(SUITE, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def make_company(fill_skeleton: Callable[[str], str]) -> Callable[[Path], Path]:
    """``make_company(root)``: a company folder under ``root``: policies/my_company.yaml
    (``duban init``, filled in), a scenario, a suite."""
    return lambda root: _make_company(root, fill_skeleton)


@pytest.fixture
def company(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            make_company: Callable[[Path], Path]) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_company(tmp_path)
