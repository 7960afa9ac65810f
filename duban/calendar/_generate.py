"""Regenerate ``duban/data/cn_workdays.json`` from the ``chinesecalendar`` package.

Why a generated file rather than a runtime dependency: the engine must give the same
deadlines for the same events forever, so the calendar it uses is a versioned data file
checked into the repository and reviewed like code. ``chinesecalendar`` (PyPI,
``import chinese_calendar``) transcribes the 国务院办公厅 notices for 2004 onwards; it is
the data source here and the oracle in the tests, never imported at run time.

Run after upgrading chinesecalendar (a new year's notice is usually published in
November)::

    .venv/bin/python -m duban.calendar._generate

then review the diff of the JSON file, and update the version in ``docs/calendar.md``.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import sys
from pathlib import Path
from typing import Any

#: Where the runtime reads the data from (see :mod:`duban.calendar.data`).
OUTPUT = Path(__file__).resolve().parent.parent / "data" / "cn_workdays.json"


def build_document() -> dict[str, Any]:
    """Read chinesecalendar's tables and return the JSON document to write.

    The known range is whole years: from January 1 of the first year with a holiday to
    December 31 of the last, because chinesecalendar answers every day of those years
    (days not listed follow the weekday rule).
    """
    from chinese_calendar.constants import Holiday, holidays, in_lieu_days, workdays

    package_version = importlib.metadata.version("chinesecalendar")
    by_value = {h.value: h for h in Holiday}
    first_year = min(holidays).year
    last_year = max(holidays).year
    return {
        "format": 1,
        "version": f"cn-official-{first_year}-{last_year}@chinesecalendar-{package_version}",
        "source": (
            f"chinesecalendar {package_version} (PyPI, module chinese_calendar): "
            "constants.holidays, constants.workdays, constants.in_lieu_days; "
            "transcribed from the 国务院办公厅 notices on holiday arrangements"
        ),
        "first": dt.date(first_year, 1, 1).isoformat(),
        "last": dt.date(last_year, 12, 31).isoformat(),
        "names": {h.name: [h.chinese, h.value] for h in Holiday},
        # Official rest days, weekends inside a holiday period included, with their holiday.
        "holidays": [[d.isoformat(), by_value[holidays[d]].name] for d in sorted(holidays)],
        # 调休 makeup working days (a Saturday or Sunday worked to lengthen a holiday).
        "workdays": [d.isoformat() for d in sorted(workdays)],
        # Weekdays given as rest in exchange for a makeup working day (调休假期).
        "in_lieu": [d.isoformat() for d in sorted(in_lieu_days)],
    }


def render(document: dict[str, Any]) -> str:
    """One entry per line, so a new year's notice shows up as a readable diff."""
    lines = ["{"]
    keys = list(document)
    for k_index, key in enumerate(keys):
        value = document[key]
        comma = "," if k_index < len(keys) - 1 else ""
        if isinstance(value, list):
            lines.append(f"  {json.dumps(key)}: [")
            for i, item in enumerate(value):
                sep = "," if i < len(value) - 1 else ""
                lines.append(f"    {json.dumps(item, ensure_ascii=False)}{sep}")
            lines.append(f"  ]{comma}")
        elif isinstance(value, dict):
            lines.append(f"  {json.dumps(key)}: {{")
            items = list(value.items())
            for i, (name, item) in enumerate(items):
                sep = "," if i < len(items) - 1 else ""
                lines.append(f"    {json.dumps(name)}: {json.dumps(item, ensure_ascii=False)}{sep}")
            lines.append(f"  }}{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the data file (or the path given as the only argument)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else OUTPUT
    document = build_document()
    target.write_text(render(document), encoding="utf-8")
    print(f"wrote {target} ({document['version']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
