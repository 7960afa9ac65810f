"""Findings 1 and 9 of the attack probe: what a title or a department name can make a
spreadsheet or a Markdown viewer do.

1. A title starting with ``=``, ``+``, ``-``, ``@``, tab or CR becomes a live formula
   when the 台账 CSV is opened in Excel/LibreOffice, or a formula cell (type ``f``) in the
   XLSX. Every such cell must read as text, visibly: prefixed with ``'`` as OWASP's
   CSV-injection guidance says.
9. Raw HTML in a title or a department name must not reach a Markdown viewer as HTML.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result
from markdown_it import MarkdownIt

Duban = Callable[..., Result]
Opener = Callable[..., None]


HOSTILE = {
    "F1": '=HYPERLINK("http://x.example","点此")',
    "F2": "=cmd|' /C calc'!A0",
    "F3": "+1+cmd|' /C calc'!A0",
    "F4": "-2+3+cmd|' /C calc'!A0",
    "F5": "@SUM(1+9)*cmd|' /C calc'!A0",
    "F6": "\t=1+1",
    "F7": "\r=1+1",
}


@pytest.fixture
def hostile_store(open_item: Opener) -> None:
    for item_id, title in HOSTILE.items():
        open_item(item_id, title)


def _titles(rows: list[list[str]]) -> dict[str, str]:
    head = rows[0]
    return {r[head.index("编号")]: r[head.index("事项")] for r in rows[1:]}


def test_csv_cells_are_text(duban: Duban, hostile_store: None) -> None:
    out = duban("taizhang", "--format", "csv", "--as-of", "2026-09-22")
    assert out.exit_code == 0, out.output
    titles = _titles(list(csv.reader(io.StringIO(out.stdout.lstrip("\ufeff")))))
    for item_id, title in HOSTILE.items():
        assert titles[item_id] == "'" + title, (item_id, titles[item_id])


def test_xlsx_has_no_formula_cells(duban: Duban, hostile_store: None, tmp_path: Path) -> None:
    target = tmp_path / "台账.xlsx"
    out = duban("taizhang", "--format", "xlsx", "-o", str(target), "--as-of", "2026-09-22")
    assert out.exit_code == 0, out.output
    with zipfile.ZipFile(target) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere
    ws = openpyxl.load_workbook(target).active
    rows = [[str(c.value or "") for c in row] for row in ws.iter_rows()]
    types = {c.data_type for row in ws.iter_rows() for c in row}
    assert "f" not in types
    titles = _titles(rows)
    for item_id, title in HOSTILE.items():
        assert titles[item_id] == "'" + title, (item_id, titles[item_id])


def test_ordinary_titles_and_numbers_are_left_alone(duban: Duban, open_item: Opener) -> None:
    open_item("N1", "2026年预算调整 - 第二稿")
    out = duban("taizhang", "--format", "csv", "--as-of", "2026-09-22")
    rows = list(csv.reader(io.StringIO(out.stdout.lstrip("\ufeff"))))
    assert _titles(rows)["N1"] == "2026年预算调整 - 第二稿"
    assert rows[1][rows[0].index("延期次数")] == "0"


def _html_of(markdown: str) -> str:
    """What a CommonMark viewer (GitLab, Typora, VS Code…) makes of the Markdown."""
    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_markdown_bulletin_carries_no_raw_html(duban: Duban, open_item: Opener) -> None:
    open_item("M1", '<img src=x onerror="alert(1)">资产清查', lead="<b>财务部</b>",
              extra=("--due", "2026-09-30"))
    open_item("M2", "[点此](javascript:alert(1)) <script>alert(2)</script>",
              extra=("--due", "2026-09-30"))
    out = duban("report", "--period", "2026-09", "--format", "md", "--as-of", "2026-10-08")
    assert out.exit_code == 0, out.output
    assert "资产清查" in out.stdout and "点此" in out.stdout
    html = _html_of(out.stdout)
    for tag in ("<img", "<script", "<b>", 'href="javascript'):
        assert tag not in html, (tag, html)
    assert "&lt;img" in html and "&lt;b&gt;财务部&lt;/b&gt;" in html  # shown, as text


def test_markdown_form_carries_no_raw_html(duban: Duban, open_item: Opener) -> None:
    open_item("M3", "<iframe src=//x.example></iframe>督办", lead="<i>财务部</i>")
    out = duban("form", "M3", "任务通知单", "--format", "md", "--as-of", "2026-09-22")
    assert out.exit_code == 0, out.output
    html = _html_of(out.stdout)
    assert "<iframe" not in html and "<i>" not in html, html
    assert "&lt;iframe" in html
