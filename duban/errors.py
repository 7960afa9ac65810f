"""Errors that reach users: every one says where, what, what was expected and what to do.

Why one module: the loader, the schema check, the compiler, the calendar and the engine
all report user mistakes, and the CLI prints them the same way. A user mistake is never a
traceback; it is a :class:`DubanError` (or a subclass) carrying one or more
:class:`Problem` records, each with a :class:`Location` when one is known.

Canonical error codes (``DubanError.code``) are those of docs/vocabulary.md:
``permission_denied``, ``invalid_transition``, ``extension_limit``,
``extension_not_allowed``, ``extension_too_late``, ``validation_error``,
``unknown_item``, ``calendar_unknown_date``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

#: How much of an offending value a message quotes: enough to recognise it, never a flood
#: (a 10,000-character line, a key of a thousand characters) in a terminal or a log.
QUOTE_LIMIT = 80


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to at most ``limit`` characters, ``…`` marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A quoted value: the quote opens after a space, a bracket, a colon or the start, and
# closes before a space, punctuation or the end — so "'a'；… 'b'" is two values, not one.
_LONG_QUOTE = re.compile(r"""(?:^|(?<=[\s(\[{（：:=]))(['"])([^'"\n]{"""
                         + str(QUOTE_LIMIT + 1) + r""",})\1(?=$|[\s,.;:)\]}）/，。；：、])""")


def clip_quotes(text: str) -> str:
    """Every quoted value inside a sentence clipped: messages quote what the user wrote."""
    return _LONG_QUOTE.sub(lambda m: m[1] + clip(m[2]) + m[1], text)


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a source file; line and column are 1-based, as editors show them."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake found in user input.

    Attributes:
        code: a stable, dotted identifier (``yaml.duplicate_key``, ``schema.type``,
            ``semantic.unknown_role`` …) that tests and tools can match on.
        message: what is wrong, Chinese first, English after.
        location: where it is, if the input came from a file.
        context: the object chain, e.g. ``At Transition(event='request_extension') > approvers``.
        value: the offending value, as written.
        expected: what would have been accepted.
        hint: what to write instead.
    """

    code: str
    message: str
    location: Location | None = None
    context: str = ""
    value: str | None = None
    expected: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        if self.value is not None and len(self.value) > QUOTE_LIMIT:
            object.__setattr__(self, "value", clip(self.value))
        for name in ("message", "context"):
            text = getattr(self, name)
            if len(text) > QUOTE_LIMIT:
                object.__setattr__(self, name, clip_quotes(text))

    def format(self) -> str:
        """Render as compiler-style text: ``file:line:col: error[code]: message`` + details."""
        where = f"{self.location}: " if self.location else ""
        lines = [f"{where}错误[{self.code}]: {self.message}"]
        if self.context:
            lines.append(f"  位置 context: {self.context}")
        if self.value is not None:
            lines.append(f"  写的是 value: {self.value}")
        if self.expected:
            lines.append(f"  应为 expected: {self.expected}")
        if self.hint:
            lines.append(f"  提示 hint: {self.hint}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``--format json``)."""
        loc = self.location
        return {
            "code": self.code,
            "message": self.message,
            "file": loc.file if loc else None,
            "line": loc.line if loc else None,
            "column": loc.column if loc else None,
            "context": self.context,
            "value": self.value,
            "expected": self.expected,
            "hint": self.hint,
        }


@dataclass
class DubanError(Exception):
    """Base of every error a user can cause; carries a canonical code and problems."""

    message: str
    code: str = "validation_error"
    problems: Sequence[Problem] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        Exception.__init__(self, self.message)

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return "\n".join(p.format() for p in self.problems)


class PolicyError(DubanError):
    """A policy (or scenario) file is not valid; ``problems`` lists every mistake found."""

    def __init__(self, problems: Iterable[Problem], message: str = "") -> None:
        probs = tuple(problems)
        super().__init__(message or f"发现 {len(probs)} 处错误 ({len(probs)} problem(s))",
                         "validation_error", probs)


class CalendarUnknownDate(DubanError):
    """A date lies outside the calendar data the deployment knows."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "calendar_unknown_date")
