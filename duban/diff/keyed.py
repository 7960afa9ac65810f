"""Small helpers for comparing things keyed by id on two sides."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def union(a: Iterable[str], b: Iterable[str]) -> list[str]:
    """Keys of both sides: OLD's order first, then NEW's new keys (stable output)."""
    out = list(dict.fromkeys(a))
    out += [k for k in dict.fromkeys(b) if k not in out]
    return out


def by_name(items: Sequence[Any]) -> dict[str, Any]:
    """A named list (transitions, reminders, penalties …) keyed by name, never position."""
    return {x.name: x for x in items}


def pairs(old: Mapping[str, T], new: Mapping[str, T]) -> list[tuple[str, T | None, T | None]]:
    return [(k, old.get(k), new.get(k)) for k in union(old, new)]


def render(x: T | None, f: Callable[[T], str | None]) -> str | None:
    return None if x is None else f(x)
