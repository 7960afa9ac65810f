"""Reminder windows: "提前1至3个工作日", "超期后2个工作日内".

Why: regulations often give a window for a notice, not an instant. A reminder written
``before_due: 1至3个工作日`` (or ``after_due: 0至2个工作日``) keeps both ends: the engine
sends it automatically at the earliest instant the text allows (3 working days before;
the first instant after the deadline), and explain shows the whole window, so the cite
covers exactly what is enforced.
"""

from __future__ import annotations

import re

#: ``A至B<unit>`` (also 到, -, —, –); the unit is any the duration parser reads.
WINDOW = re.compile(r"^\s*(\d{1,4})\s*(?:至|到|-|—|–|~)\s*(\d{1,4})\s*(\S+)\s*$")


def split(text: str, *, before: bool) -> tuple[str, str | None]:
    """(the end the timer uses, the other end) of a window; a plain duration is itself.

    Before the deadline the timer uses the farther end (the earliest instant); after it,
    the nearer one."""
    m = WINDOW.match(text)
    if m is None:
        return text, None
    low, high = sorted((int(m.group(1)), int(m.group(2))))
    unit = m.group(3)
    first, other = (high, low) if before else (low, high)
    return f"{first}{unit}", f"{other}{unit}"
