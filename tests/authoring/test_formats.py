"""The same regulation as .txt, .md, .docx (typed or Word-numbered) and PDF gives one
inventory; unreadable files are refused with what to do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from fpdf import FPDF

from duban.authoring.regulation import read_regulation
from duban.authoring.source_error import SourceError


def inventory(path: Path, part: int | None = None) -> list[tuple[str, str]]:
    return [(c.cite, c.text) for c in read_regulation(path, part).clauses]


@pytest.mark.parametrize("name", ["TIAO", "DOTTED", "PARTS", "TRADITIONAL"])
def test_docx_pdf_and_text_give_the_same_inventory(name: str, tmp_path: Path, cjk_font: Path,
        write_docx: Callable[..., Path], write_pdf: Callable[[list[str], Path], Path],
        regulations: ModuleType) -> None:
    paragraphs = getattr(regulations, name)
    text = tmp_path / "reg.txt"
    text.write_text("\n".join(paragraphs), encoding="utf-8")
    expected = inventory(text)
    assert [cite for cite, _ in expected] == getattr(regulations, f"{name}_CITES")
    assert inventory(write_docx(paragraphs, tmp_path / "reg.docx")) == expected
    assert inventory(write_pdf(paragraphs, tmp_path / "reg.pdf")) == expected


def test_the_pdf_really_wraps_lines(tmp_path: Path, cjk_font: Path, regulations: ModuleType,
        write_pdf: Callable[[list[str], Path], Path]) -> None:
    """The PDF test is only worth something if lines wrap inside clauses."""
    from pdfminer.high_level import extract_text
    pdf = write_pdf(regulations.TIAO, tmp_path / "reg.pdf")
    lines = [x for x in extract_text(str(pdf)).splitlines() if x.strip()]
    assert len(lines) > len(regulations.TIAO) + 3


def test_word_numbered_articles_are_read_with_their_numbers(tmp_path: Path, regulations: ModuleType,
        write_docx: Callable[..., Path]) -> None:
    typed = inventory(write_docx(regulations.TIAO, tmp_path / "typed.docx"))
    numbered = write_docx(regulations.TIAO, tmp_path / "numbered.docx", word_numbering=True)
    import docx
    assert not any(p.text.startswith("第一条") for p in docx.Document(str(numbered)).paragraphs)
    assert inventory(numbered) == typed


def test_gb18030_text_and_markdown(tmp_path: Path, regulations: ModuleType) -> None:
    gbk = tmp_path / "reg.txt"
    gbk.write_bytes("\n".join(regulations.DOTTED).encode("gb18030"))
    md = tmp_path / "reg.md"
    md.write_text("# 行政督办管理办法\n\n" + "\n\n".join(regulations.DOTTED[1:]), encoding="utf-8")
    assert [c for c, _ in inventory(gbk)] == regulations.DOTTED_CITES
    assert [c for c, _ in inventory(md)] == regulations.DOTTED_CITES


def test_a_file_of_several_parts_needs_part(tmp_path: Path, regulations: ModuleType) -> None:
    f = tmp_path / "汇编.txt"
    f.write_text("\n".join(regulations.COLLECTION), encoding="utf-8")
    with pytest.raises(SourceError, match="文件含 2 篇制度（第1篇 办法一；第2篇 制度二），请用 --part N"):
        read_regulation(f)
    assert [c for c, _ in inventory(f, 1)] == ["第一条", "第二条"]
    with pytest.raises(SourceError, match="没有第3篇"):
        read_regulation(f, 3)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.docx", None, "找不到文件"),
    ("old.doc", b"\xd0\xcf\x11\xe0", "另存为 .docx"),
    ("reg.rtf", b"{\\rtf1}", "不支持的文件类型 '.rtf'"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "不是有效的 .docx 文件"),
    ("broken.pdf", b"%PDF-1.4\n garbage", "PDF"),
    ("empty.txt", b"\n\n", "没有读到任何文字"),
])
def test_unreadable_files_are_refused_with_what_to_do(tmp_path: Path, name: str,
                                                      content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SourceError, match=message) as err:
        read_regulation(path)
    assert str(path) in str(err.value)


def test_a_scanned_pdf_without_text_is_refused(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(SourceError, match="没有文字层"):
        read_regulation(path)


def test_a_docx_that_unpacks_too_large_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        regulations: ModuleType, write_docx: Callable[..., Path]) -> None:
    from duban.authoring import docx_source
    path = write_docx(regulations.DOTTED, tmp_path / "reg.docx")
    monkeypatch.setattr(docx_source, "MAX_UNPACKED", 10_000)
    with pytest.raises(SourceError, match="解压后过大"):
        read_regulation(path)


def test_control_characters_never_reach_the_report(tmp_path: Path) -> None:
    f = tmp_path / "reg.txt"
    f.write_text("第一条 承办部门\x1b[31m应在2个工作日内\x07反馈。\n", encoding="utf-8")
    [clause] = read_regulation(f).clauses
    assert clause.text == "承办部门[31m应在2个工作日内反馈。"
