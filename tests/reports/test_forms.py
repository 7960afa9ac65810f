"""Forms: overridable by a policy and by a plugin, rendered in the sandbox, strict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from duban.errors import DubanError
from duban.policy.loader import load_policy
from duban.policy.model import Policy
from duban.reports import render_form
from duban.reports.render import DOCUMENTS, resolve_kind
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import Scenario

POLICY_DIR = Path(__file__).parent / "data" / "policies"
BASE = (POLICY_DIR / "report_company.yaml").read_text(encoding="utf-8")


def variant(tmp_path: Path, templates: str) -> Policy:
    """The test policy with a documents.templates mapping added."""
    text = BASE.replace("documents:\n", f"documents:\n  templates:\n{templates}\n", 1)
    path = tmp_path / "report_company.yaml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


@pytest.fixture
def notice(as_of: dt.datetime) -> Callable[..., bytes]:
    """``notice(policy, scenario, fmt="md", **kw)``: item A's 任务通知单 of the run."""
    def render(policy: Policy, scenario: Scenario, fmt: str = "md", **kw: object) -> bytes:
        run = run_scenario(policy, scenario)
        return render_form("notice", policy, run.items["A"], run.events["A"], as_of, fmt,
                           **kw).data  # type: ignore[arg-type]
    return render


def test_policy_overrides_a_form_by_its_chinese_name(tmp_path: Path, scenario: Scenario,
        notice) -> None:
    p = variant(tmp_path, '    任务通知单: "# {{ form_title }}\\n\\n文号 {{ number }}，限 {{ due }}\\n"')
    assert notice(p, scenario).decode() == "# 督办事项通知单\n\n文号 测督字〔2026〕2号，限 2026年11月13日\n"


def test_policy_overrides_with_a_file_next_to_it(tmp_path: Path, scenario: Scenario,
        notice) -> None:
    (tmp_path / "notice.md.j2").write_text("# 通知\n\n| 项 | 值 |\n|---|---|\n"
                                           "| 文号 | {{ number }} |\n", encoding="utf-8")
    p = variant(tmp_path, "    notice: notice.md.j2")
    assert "| 文号 | 测督字〔2026〕2号 |" in notice(p, scenario).decode()
    import io

    import docx  # the override goes through the same Word writer

    doc = docx.Document(io.BytesIO(notice(p, scenario, "docx")))
    assert doc.tables[0].cell(1, 1).text == "测督字〔2026〕2号"


def test_missing_template_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DubanError, match=r"nowhere\.md\.j2.*不存在"):  # when the policy loads
        variant(tmp_path, "    notice: nowhere.md.j2")


def test_misspelt_field_names_it(tmp_path: Path, scenario: Scenario, notice) -> None:
    p = variant(tmp_path, '    任务通知单: "{{ numbr }}"')
    with pytest.raises(DubanError, match="numbr"):
        notice(p, scenario)


def test_sandbox_refuses_python_internals(tmp_path: Path) -> None:
    with pytest.raises(DubanError, match="模板"):  # when the policy loads, before any render
        variant(tmp_path, "    任务通知单: \"{{ title.__class__.__mro__[1].__subclasses__() }}\"")


def test_plugin_renderer_adds_a_format_and_overrides_one(policy: Policy,
                                                        scenario: Scenario, notice) -> None:
    seen: list[str] = []

    def pdf(template: str, context: dict[str, object]) -> bytes:
        seen.append(template)
        return f"PDF {context['number']} {context['form_title']}".encode()

    def notice_html(template: str, context: dict[str, object]) -> bytes:
        return b"<p>mine</p>"

    renderers = {"pdf": pdf, "notice.html": notice_html}
    assert notice(policy, scenario, "pdf", renderers=renderers) == \
        "PDF 测督字〔2026〕2号 督办事项通知单".encode()
    assert "收件人签字" in seen[0]  # the plugin got the template text of the form
    assert notice(policy, scenario, "html", renderers=renderers) == b"<p>mine</p>"
    with pytest.raises(DubanError, match=r"不支持的格式 'odt'.*pdf"):
        notice(policy, scenario, "odt", renderers=renderers)


def test_kinds_by_name_slug_and_alias() -> None:
    assert resolve_kind("notice") == "notice"
    assert resolve_kind("任务通知单") == "notice"
    assert resolve_kind("延期申请表") == "extension"
    assert resolve_kind("顺延事项审批单") == "postpone"
    assert resolve_kind("督查通报") == "bulletin"
    with pytest.raises(DubanError) as err:
        resolve_kind("请假条")
    assert all(name in str(err.value) for name, _ in DOCUMENTS.values())


def test_markdown_special_characters_in_values(policy: Policy, as_of: dt.datetime) -> None:
    from duban.simulation.scenario import load_scenario

    sc = load_scenario(text="""
name: 特殊字符
items:
  X: {kind: other, title: "# 甲|乙 *丙*", lead: 财务部, due: 2026-11-20}
steps:
  - {at: 2026-11-02T09:00, item: X, action: create}
""")
    run = run_scenario(policy, sc)
    text = render_form("confirmation", policy, run.items["X"], run.events["X"], as_of).markdown
    assert "| 督办事项 | \\# 甲\\|乙 \\*丙\\* |" in text
    from duban.reports.mdblocks import Table, parse, plain

    table = next(b for b in parse(text) if isinstance(b, Table))
    assert plain(table.rows[0][1]) == "# 甲|乙 *丙*"
