"""Divisions in a policy's CEL conditions, found when the policy loads.

Why: ``item.returns / 0`` compiles and type-checks, then fails on every evaluation, and
``10 / item.returns`` fails on the first item that has no returns yet — a guard that
blocks every approve in production. A division by a literal zero is a load error; a
division by anything that is not a literal is a warning ``duban validate`` prints, with
what to write instead (a guard such as ``item.returns > 0 && …``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STRING = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"", re.S)
_DIVISOR = re.compile(r"[/%]\s*(?P<divisor>[-+]?\s*(?:\d+(?:\.\d*)?(?:[eE][-+]?\d+)?[uU]?|"
                      r"[A-Za-z_][\w.]*|\())")


@dataclass(frozen=True)
class Division:
    """One ``/`` or ``%`` in an expression: its divisor as written, and whether it is a
    literal zero (an error) or not a literal at all (a warning)."""

    divisor: str
    column: int  # 1-based, in the expression
    zero: bool
    constant: bool


def divisions(source: str) -> list[Division]:
    """Every division or remainder in ``source`` (string literals skipped)."""
    text = _STRING.sub(lambda m: " " * len(m.group(0)), source)
    out = []
    for m in _DIVISOR.finditer(text):
        divisor = m.group("divisor").replace(" ", "")
        number = divisor.rstrip("uU").lstrip("+-")
        constant = bool(number) and (number[0].isdigit())
        zero = constant and float(number) == 0
        out.append(Division(divisor if divisor != "(" else "(…)", m.start() + 1, zero, constant))
    return out


__all__ = ["Division", "divisions"]
