"""Durations as regulations write them: ``2个工作日``, ``7日``, ``两周``, ``1 month`` …

Why a parser of our own: a policy is written by people copying the regulation's words, so
the policy language accepts those words (Chinese and English) and turns them into one
canonical value that :mod:`duban.calendar.deadline` counts. Anything else is rejected
with the list of accepted forms; nothing is guessed.

Decisions (see ``docs/calendar.md``):

* ``半个月`` is 15 calendar days (``Duration(15, "day")``), the reading government offices
  apply to "半个月内"; it therefore follows the days rule, including 节假日顺延.
* A Chinese month needs 个 (``一个月``, ``2个月``): ``一月`` means January.
* Amounts run from 1 to 9999; ``0 days`` and negative amounts are rejected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

Unit = Literal["working_day", "day", "hour", "week", "month"]
#: The units a :class:`Duration` may have.
UNITS: tuple[str, ...] = ("working_day", "day", "hour", "week", "month")
#: Largest amount accepted (a guard against typos such as ``20000 days``).
MAX_AMOUNT = 9999

ACCEPTED_FORMS = (
    "N working days / N 个工作日、N days / N日 / N天、N hours / N小时、"
    "N weeks / N周、N months / N个月、半个月 (N = 1–9999，可写阿拉伯数字或一二两三…十…九十九)"
)

_EN_UNITS: dict[str, Unit] = {
    "working day": "working_day",
    "working days": "working_day",
    "workday": "working_day",
    "workdays": "working_day",
    "day": "day",
    "days": "day",
    "hour": "hour",
    "hours": "hour",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
}
_ZH_UNITS: dict[str, Unit] = {
    "个工作日": "working_day",
    "工作日": "working_day",
    "日": "day",
    "天": "day",
    "小时": "hour",
    "个小时": "hour",
    "周": "week",
    "个周": "week",
    "星期": "week",
    "个星期": "week",
    "个月": "month",
}
_EN_RE = re.compile(r"^([0-9]+)\s*([a-z]+(?: [a-z]+)?)$")
_ZH_RE = re.compile(
    r"^([0-9]+|[零〇一二两三四五六七八九十]+)\s*("
    + "|".join(sorted(_ZH_UNITS, key=len, reverse=True))
    + r")$"
)
_ZH_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
#: Digits allowed next to 十 (no 两, no 零).
_TENS_DIGITS = {k: v for k, v in _ZH_DIGITS.items() if 1 <= v <= 9 and k != "两"}
_ZH_CANONICAL: dict[str, str] = {
    "working_day": "{}个工作日",
    "day": "{}日",
    "hour": "{}小时",
    "week": "{}周",
    "month": "{}个月",
}
_EN_CANONICAL: dict[str, tuple[str, str]] = {
    "working_day": ("working day", "working days"),
    "day": ("day", "days"),
    "hour": ("hour", "hours"),
    "week": ("week", "weeks"),
    "month": ("month", "months"),
}


class DurationSyntaxError(ValueError):
    """A duration was written in a form duban does not accept; the message lists the forms."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            f"无法识别的时限 {text!r}，可写为 {ACCEPTED_FORMS} "
            f"(not a duration: {text!r}; accepted: N working days, N days, N hours, "
            "N weeks, N months, or the Chinese forms above)"
        )


@dataclass(frozen=True, slots=True)
class Duration:
    """A time limit: an amount of one unit, with the text it was written as.

    Two durations are equal when amount and unit are (``两周 == 2 weeks``); ``text`` is
    kept for messages and does not take part in comparisons.
    """

    amount: int
    unit: Unit
    text: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}, not {self.unit!r}")
        if not 0 <= self.amount <= MAX_AMOUNT:
            raise ValueError(f"amount must be 0..{MAX_AMOUNT}, not {self.amount!r}")

    def to_text_zh(self) -> str:
        """Canonical Chinese, for explain and diff output (``2个工作日``, ``7日``, ``2周``)."""
        return _ZH_CANONICAL[self.unit].format(self.amount)

    def to_text_en(self) -> str:
        """Canonical English (``2 working days``, ``1 month``)."""
        one, many = _EN_CANONICAL[self.unit]
        return f"{self.amount} {one if self.amount == 1 else many}"

    def __str__(self) -> str:
        return self.to_text_zh()


def chinese_number(text: str) -> int | None:
    """Read a count as Chinese documents write it, else None.

    One reader for durations (两周, 十五个工作日), clause numbers and holiday notices
    (共七天, 十二月): ``12``; one digit (两 only on its own); or 十 with 一 to 九 around it
    (十二, 二十, 二十五). Digits side by side are not a count (see :func:`chinese_year`).
    """
    if text.isascii() and text.isdigit():
        return int(text)
    if len(text) == 1 and text in _ZH_DIGITS:
        return _ZH_DIGITS[text]
    if text.count("十") != 1:
        return None
    tens_text, _, ones_text = text.partition("十")
    tens = _TENS_DIGITS.get(tens_text) if tens_text else 1
    ones = _TENS_DIGITS.get(ones_text) if ones_text else 0
    if tens is None or ones is None:
        return None
    return tens * 10 + ones


def chinese_year(text: str) -> int | None:
    """A year written digit by digit (``二〇二五`` → 2025, ``2025``), else None."""
    if text.isascii() and text.isdigit():
        return int(text)
    if not text or any(ch not in _ZH_DIGITS or ch == "两" for ch in text):
        return None
    value = 0
    for ch in text:
        value = value * 10 + _ZH_DIGITS[ch]
    return value


def parse_duration(text: str, *, allow_zero: bool = False) -> Duration:
    """Parse a duration written in English or Chinese.

    ``allow_zero`` accepts an amount of 0 — only where "no time at all" has a meaning,
    e.g. a reminder ``after_due: 0个工作日`` (at the deadline); a time limit of 0 is
    never meant.

    Raises:
        DurationSyntaxError: the text is not one of the accepted forms, or the amount is
            negative, above :data:`MAX_AMOUNT`, or 0 without ``allow_zero``.
    """
    least = 0 if allow_zero else 1
    if not isinstance(text, str):
        raise DurationSyntaxError(repr(text))
    original = text
    norm = unicodedata.normalize("NFKC", text).strip()
    if norm in ("半个月", "半月"):
        return Duration(15, "day", original)
    english = _EN_RE.match(" ".join(norm.lower().split()))
    if english:
        unit = _EN_UNITS.get(english.group(2))
        amount = int(english.group(1))
        if unit is not None and least <= amount <= MAX_AMOUNT:
            return Duration(amount, unit, original)
        raise DurationSyntaxError(original)
    chinese = _ZH_RE.match(norm)
    if chinese:
        number_text, unit_text = chinese.groups()
        value = chinese_number(number_text)
        if value is not None and least <= value <= MAX_AMOUNT:
            return Duration(value, _ZH_UNITS[unit_text], original)
    raise DurationSyntaxError(original)
