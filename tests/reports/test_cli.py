"""``duban report``, ``duban form`` and ``duban taizhang`` as a user runs them."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl
from click.testing import CliRunner, Result

from duban.cli import main

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"
POLICY_DIR = DATA / "policies"

AS_OF = ["--as-of", "2026-11-30T18:00"]


def duban(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_report_from_the_store_matches_the_golden(config: Path) -> None:
    r = duban("report", "--config", str(config), "--period", "2026-11", *AS_OF)
    assert r.exit_code == 0, r.output
    assert r.stdout == (GOLDEN / "通报-2026-11.md").read_text(encoding="utf-8")


def test_report_from_a_scenario_matches_too() -> None:
    r = duban("report", "--scenario", str(DATA / "november.yaml"), "-p",
              str(POLICY_DIR / "report_company.yaml"), "--quarter", "2026Q4", *AS_OF)
    assert r.exit_code == 0, r.output
    assert r.stdout == (GOLDEN / "通报-2026Q4.md").read_text(encoding="utf-8")


def test_report_html_and_docx_files(config: Path, tmp_path: Path) -> None:
    html, word = tmp_path / "t.html", tmp_path / "t.docx"
    assert duban("report", "--config", str(config), "--year", "2026", "--format", "html",
                 "-o", str(html), *AS_OF).exit_code == 0
    assert "<svg" in html.read_text(encoding="utf-8")
    assert duban("report", "--config", str(config), "--period", "2026-11", "--format",
                 "docx", "-o", str(word), *AS_OF).exit_code == 0
    assert docx.Document(str(word)).tables[0].cell(0, 1).text == "部门"


def test_viewer_does_not_see_a_confidential_item(config: Path) -> None:
    full = duban("report", "--config", str(config), "--period", "2026-11", *AS_OF)
    market = duban("report", "--config", str(config), "--period", "2026-11", *AS_OF,
                   "--as", "主办部门", "--dept", "市场部")
    assert "干部考察方案" in full.stdout
    assert market.exit_code == 0 and "干部考察方案" not in market.stdout
    assert "（市场部主办部门可见范围）" in market.stdout
    assert "到期的督办事项共 6 项" in market.stdout


def test_report_user_errors_exit_2(config: Path) -> None:
    bad = duban("report", "--config", str(config), "--period", "2026-13")
    assert bad.exit_code == 2 and "期间 '2026-13' 无效" in bad.stderr
    none = duban("report", "--config", str(config))
    assert none.exit_code == 2 and "只给出一个期间" in none.stderr
    binary = duban("report", "--config", str(config), "--period", "2026-11", "--format", "docx")
    assert binary.exit_code == 2 and "-o" in binary.stderr
    role = duban("report", "--config", str(config), "--period", "2026-11", "--as", "局长")
    assert role.exit_code == 2 and "没有角色 '局长'" in role.stderr
    nopolicy = duban("report", "--scenario", str(DATA / "november.yaml"), "--period", "2026-11")
    assert nopolicy.exit_code == 2 and "-p" in nopolicy.stderr
    when = duban("report", "--config", str(config), "--period", "2026-11", "--as-of", "昨天")
    assert when.exit_code == 2 and "--as-of" in when.stderr
    for r in (bad, none, binary, role, nopolicy, when):
        assert "Traceback" not in r.output


def test_form_from_the_store(config: Path, tmp_path: Path) -> None:
    r = duban("form", "A", "任务通知单", "--config", str(config), *AS_OF)
    assert r.exit_code == 0, r.output
    assert r.stdout == (GOLDEN / "form-notice-A.md").read_text(encoding="utf-8")
    out = tmp_path / "c.docx"
    assert duban("form", "C", "延期申请表", "--config", str(config), "--format", "docx",
                 "-o", str(out), *AS_OF).exit_code == 0
    cells = [c.text for row in docx.Document(str(out)).tables[0].rows for c in row.cells]
    assert "等待客户书面回复" in cells


def test_form_as_of_an_earlier_moment(config: Path) -> None:
    """As of 11-12 noon, B had been reported (late) but not yet reviewed."""
    r = duban("form", "B", "reminder", "--config", str(config), "--as-of", "2026-11-12T12:00")
    assert r.exit_code == 0, r.output
    assert "已于 2026年11月12日 11:00 报结，逾期2日报结，待审核" in r.stdout


def test_form_user_errors(config: Path) -> None:
    unknown = duban("form", "ZZ", "notice", "--config", str(config))
    assert unknown.exit_code == 2 and "没有事项 'ZZ'" in unknown.stderr
    kind = duban("form", "A", "请假条", "--config", str(config))
    assert kind.exit_code == 2 and "没有文书 '请假条'" in kind.stderr
    hidden = duban("form", "F", "notice", "--config", str(config), "--as", "主办部门",
                   "--dept", "市场部")
    assert hidden.exit_code == 2 and "没有事项 'F'" in hidden.stderr
    allowed = duban("form", "F", "notice", "--config", str(config), "--as", "主办部门",
                    "--dept", "人力资源部")
    assert allowed.exit_code == 0 and "干部考察方案" in allowed.stdout


def test_plugin_renderer_from_the_plugins_folder(config: Path, tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "txt_renderer.py").write_text(
        "from duban.hookspecs import hookimpl\n\n"
        "def render(template, context):\n"
        "    return ('TXT ' + context['ref'] + ' ' + context['lead']).encode()\n\n"
        "@hookimpl\n"
        "def duban_register_renderers(register):\n"
        "    register('txt', render)\n", encoding="utf-8")
    text = config.read_text(encoding="utf-8").replace("plugins: null", f"plugins: {folder}")
    config.write_text(text, encoding="utf-8")
    r = duban("form", "A", "notice", "--config", str(config), "--format", "txt", "-o",
              str(tmp_path / "a.txt"))
    assert r.exit_code == 0, r.output
    assert (tmp_path / "a.txt").read_text() == "TXT 测督字〔2026〕2号 财务部"


def test_taizhang_csv_and_xlsx(config: Path, tmp_path: Path) -> None:
    r = duban("taizhang", "--config", str(config), *AS_OF)
    assert r.exit_code == 0
    assert r.stdout.splitlines()[0].startswith("序号,编号,通知单项次,事项")
    assert len(r.stdout.splitlines()) == 11
    out = tmp_path / "t.xlsx"
    assert duban("taizhang", "--config", str(config), "--format", "xlsx", "-o", str(out),
                 *AS_OF).exit_code == 0
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert wb["督办台账"].max_row == 11
    csv_file = tmp_path / "t.csv"
    assert duban("taizhang", "--scenario", str(DATA / "november.yaml"), "-p",
                 str(POLICY_DIR / "report_company.yaml"), "-o", str(csv_file),
                 *AS_OF).exit_code == 0
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf")
    xlsx_stdout = duban("taizhang", "--config", str(config), "--format", "xlsx")
    assert xlsx_stdout.exit_code == 2 and "-o" in xlsx_stdout.stderr


def test_report_on_an_empty_store(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'empty.db'}"
    r = duban("report", "--store", store, "--period", "2026-09", "--as", "主办部门", "--dept",
              "市场部")
    assert r.exit_code == 0, r.output
    assert "到期的督办事项共 0 项" in r.stdout and "本月没有逾期事项。" in r.stdout
