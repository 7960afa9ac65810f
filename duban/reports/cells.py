"""Spreadsheet cells that stay text: no formula ever reaches Excel or LibreOffice.

Why: a title such as ``=HYPERLINK("http://x.example","点此")`` or ``=cmd|' /C calc'!A0``
written raw into a CSV becomes a live formula when a colleague opens the 台账, and a
formula cell in an XLSX. OWASP's CSV-injection guidance: a cell that begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is prefixed with a single quote, so that
the spreadsheet reads it as text — and the quote stays *visible*, so a reader sees that
the value was neutralised rather than silently changed. The full-width forms
(``＝＋－＠``), which some spreadsheet set-ups in Chinese locales also take as a formula
start, and a line feed are treated the same way; leading spaces do not hide a trigger.

Numbers and instants written as such (not as text) are not formulas and are left alone.
"""

from __future__ import annotations

from typing import Any

#: Characters that make a spreadsheet read a cell as a formula (OWASP, plus full-width).
FORMULA_START = frozenset("=+-@\t\r\n＝＋－＠")


def safe_text(value: str) -> str:
    """``value`` as a cell that a spreadsheet reads as text (prefixed with ``'`` if it
    would otherwise start a formula)."""
    if value and (value[0] in FORMULA_START or value.lstrip(" ")[:1] in FORMULA_START):
        return "'" + value
    return value


def safe_value(value: Any) -> Any:
    """A cell value: text made formula-safe, anything else unchanged."""
    return safe_text(value) if isinstance(value, str) else value
