"""Clean the paragraphs a reader gave us, and read traditional Chinese as simplified.

Why here and not in each reader: a regulation copied from a web page, typed into Word or
printed to PDF carries the same debris — pinyin a converter left after each character
(``實現(xiàn)``), no-break and full-width spaces, download-site boilerplate — and the
same text in traditional characters (繁體). Cleaning once keeps a .docx, a PDF and a .txt
of one regulation giving one inventory.

Conversion uses OpenCC (``opencc``, the project's own Python binding with wheels), whose
phrase tables are maintained with the project; a hand-made character table gets
one-to-many characters wrong (乾/干, 著/着). The clause text we write keeps the
regulation's own characters; only matching (marks, time limits, role words) and cites use
the simplified reading, since policies are written in simplified characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
#: ``實現(xiàn)``: a Han character followed by its pinyin with tone marks, in brackets.
_PINYIN = re.compile(rf"(?<=[\u3400-\u9fff])\((?=[a-zü]*[{_TONED}])[a-zü{_TONED}]{{1,7}}\)")
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》"
_PUNCT = ",.;:!?()\\[\\]"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}{_PUNCT}]) (?=[{_CJK}{_PUNCT}])")
#: Private-use characters (Wingdings bullets a converter left, \uf0d8) and control
#: characters (which a terminal would obey when --report prints them): never words.
_PRIVATE = re.compile("[\ue000-\uf8ff\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u3000\ufeff]+")
#: Lines a download site adds around a copied text; never part of a regulation.
_BOILERPLATE = re.compile(
    r"^([-•·*]|(-\s*)?\d+、(本文档共|本站|原创力文档|如文档侵犯).*|PAGE\b.*|查看更多|文档评论.*|"
    r".*版权声明.*我要投稿.*|注：本文为网友上传.*|\d{4}-\d{2}-\d{2}\s*版权声明.*)$")
#: Share of Han characters that must change under t2s before a text counts as traditional.
TRADITIONAL_SHARE = 0.03


@dataclass(frozen=True, slots=True)
class Line:
    """One paragraph as written (``text``) and as analysed (``plain``: simplified).

    The two have the same length whenever conversion kept it (it almost always does),
    so an offset in one is the same place in the other.
    """

    text: str
    plain: str


def clean(text: str) -> str:
    """One paragraph without converter pinyin, with single ordinary spaces, and with no
    space between two Chinese characters or marks (a PDF or a web page puts them where a
    line was wrapped or justified; Chinese text has none)."""
    text = _PRIVATE.sub("", _PINYIN.sub("", text))
    text = _SPACES.sub(" ", text).strip()
    return _CJK_SPACE.sub("", text)


def is_boilerplate(text: str) -> bool:
    return bool(_BOILERPLATE.match(text))


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s.json")


def to_simplified(text: str) -> str:
    return str(_converter().convert(text))


def is_traditional(texts: list[str]) -> bool:
    """Whether enough characters change under t2s for the text to be traditional."""
    sample = "".join(texts)[:20000]
    han = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    if not han:
        return False
    converted = to_simplified(sample)
    changed = sum(1 for a, b in zip(sample, converted, strict=False) if a != b)
    return changed / han >= TRADITIONAL_SHARE


def prepare(paragraphs: list[str]) -> tuple[list[Line], bool]:
    """Clean paragraphs, drop empty and boilerplate ones, pair each with its simplified form.

    Returns the lines and whether the text was traditional.
    """
    texts = [t for t in (clean(p) for p in paragraphs) if t and not is_boilerplate(t)]
    traditional = is_traditional(texts)
    lines = []
    for t in texts:
        plain = to_simplified(t) if traditional else t
        if len(plain) != len(t):  # a phrase changed length: show the simplified text
            t = plain
        lines.append(Line(t, plain))
    return lines, traditional
