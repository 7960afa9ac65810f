"""Read a regulation file into its paragraphs: .docx, .pdf (with a text layer), .txt, .md.

Why one reader per format and one output shape: everything after this stage works on a
list of paragraphs, so a Word file, its PDF and the text copied from a web page give the
same inventory. Each reader keeps what the format knows about paragraphs — Word's own
paragraphs (with the numbers Word draws from its list definitions, which are not in the
text), a PDF's line geometry (a line that stops short of the right margin ends its
paragraph) — and nothing else.

Bad input raises :class:`SourceError` naming the file and what to do; nothing is written.
"""

from __future__ import annotations

import re
from pathlib import Path

from duban.authoring.source_error import SourceError

#: Largest file read (a regulation is a few dozen pages; this guards the PDF parser).
MAX_BYTES = 50 * 1024 * 1024
SUFFIXES = (".docx", ".pdf", ".txt", ".md", ".text")


def read_paragraphs(path: Path) -> list[str]:
    """The paragraphs of a regulation file, in reading order."""
    if not path.is_file():
        raise SourceError(f"{path}: 找不到文件 / no such file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SourceError(f"{path}: 文件过大（{size // 1024 // 1024} MB，上限 50 MB）/ file too "
                          "large; 请只保留制度正文")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from duban.authoring.docx_source import docx_paragraphs
        return docx_paragraphs(path)
    if suffix == ".pdf":
        from duban.authoring.pdf_source import pdf_paragraphs
        return pdf_paragraphs(path)
    if suffix in (".txt", ".md", ".text"):
        return text_paragraphs(path)
    if suffix == ".doc":
        raise SourceError(f"{path}: 不支持旧版 Word 的 .doc 格式 / .doc is not supported；"
                          "请在 Word 或 LibreOffice 中另存为 .docx")
    raise SourceError(f"{path}: 不支持的文件类型 '{suffix}' / unsupported file type；"
                      f"可读取 {', '.join(SUFFIXES)}")


def text_paragraphs(path: Path) -> list[str]:
    """Lines of a text file (UTF-8, UTF-16 with BOM, or GB18030 as Chinese Windows saves)."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SourceError(f"{path}: 无法识别文本编码（试过 UTF-8、UTF-16、GB18030）/ unknown "
                          "encoding；请另存为 UTF-8")
    if path.suffix.lower() == ".md":
        text = _strip_markdown(text)
    return text.splitlines()


def _strip_markdown(text: str) -> str:
    """Markdown headings, emphasis and list bullets are layout, not regulation words."""
    text = re.sub(r"(?m)^\s{0,3}#{1,6}\s*", "", text)
    text = re.sub(r"(?m)^\s{0,3}(?:[-*+]|>)\s+", "", text)
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
