"""Closed-form Monday-to-Friday arithmetic on proleptic ordinals (``date.toordinal()``).

Why: beyond the known data a calendar built with ``beyond_known_data="weekends_only"``
still answers in O(1), with the same cumulative-count scheme as inside the data, instead
of walking day by day. Ordinal 1 (0001-01-01) is a Monday.
"""

from __future__ import annotations


def weekdays_upto(ordinal: int) -> int:
    """How many Mondays-to-Fridays there are among ordinals 1..``ordinal``."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def nth_weekday(count: int) -> int:
    """The ordinal of the ``count``-th Monday-to-Friday from ordinal 1 (the inverse of above)."""
    weeks, rest = divmod(count - 1, 5)
    return 7 * weeks + rest + 1


def is_weekday(ordinal: int) -> bool:
    """Whether the day is Monday to Friday."""
    return (ordinal - 1) % 7 < 5
