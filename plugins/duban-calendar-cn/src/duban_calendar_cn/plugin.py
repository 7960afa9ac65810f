"""The calendar hook: the years in ``data/`` that the running duban's built-in data lacks.

Why only those: the built-in table stays the default for every year it covers (it is what
every recorded deadline was computed with); this package adds the years published after
the installed duban was released. Each ``data/YYYY.yaml`` is the output of
``duban calendar import`` for that year's 国务院办公厅 notice, reviewed before release.
"""

from __future__ import annotations

import functools
import importlib.metadata
from pathlib import Path

from duban.calendar.build import merge_additions
from duban.calendar.data import CalendarAdditions, load_additions, official_data
from duban.hookspecs import hookimpl

DATA = Path(__file__).resolve().parent / "data"


def data_files() -> list[Path]:
    """The yearly files shipped, by year (``2027.yaml`` …)."""
    return sorted((p for p in DATA.glob("*.yaml") if p.stem.isdigit()), key=lambda p: int(p.stem))


@functools.cache
def additions() -> CalendarAdditions | None:
    """The shipped years after the built-in data's last year, merged (None: none)."""
    last = official_data().last.year
    files = [load_additions(p) for p in data_files() if int(p.stem) > last]
    if not files:
        return None
    merged = merge_additions(files)
    version = importlib.metadata.version("duban-calendar-cn")
    return CalendarAdditions(merged.holidays, merged.workdays,
                             source=f"duban-calendar-cn {version}: {merged.source}")


@hookimpl
def duban_calendar_additions() -> CalendarAdditions | None:
    """Every policy gets the same official years (the arrangement is national), so the
    hook's ``policy_id`` is not taken (pluggy passes only the arguments asked for)."""
    return additions()
