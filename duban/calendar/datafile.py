"""Writing a calendar data file from a notice, whole or not at all.

Why its own module: the file is what a deployment names in ``duban.yaml`` and what a
reviewer reads before it moves anyone's deadline, so it is written one entry per line with
the festival beside each day, says which notice it came from, and is replaced atomically:
a failed or interrupted import never leaves half a file where a calendar is expected.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from duban.calendar.notice import WEEKDAY_NAMES, Notice

#: The version of the data-file layout written here (read by :mod:`duban.calendar.data`).
DATA_FILE_FORMAT = 1


def _runs(days: tuple[dt.date, ...]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days as (first, last) runs, so a seven-day holiday is one line."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def notice_source(notice: Notice) -> str:
    """``国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕7号，2026-11-04）``."""
    extra = [x for x in (notice.number, notice.published and notice.published.isoformat()) if x]
    return notice.title + (f"（{'，'.join(extra)}）" if extra else "")


def render_data_file(notice: Notice, *, origin: str = "") -> str:
    """The data file for ``notice``: ``holidays``/``workdays`` lists plus where they came from.

    Args:
        notice: what :func:`duban.calendar.notice.read_notice` read.
        origin: the notice file's name, recorded in the header comment.
    """
    q = json.dumps
    lines = [
        f"# 由 duban calendar import 读取{('“' + origin + '”') if origin else '通知'}生成；"
        "核对后在 duban.yaml 的 calendar: files: 中引用。",
        f"# Written by duban calendar import from {origin or 'a notice'}; review it before use.",
        f"format: {DATA_FILE_FORMAT}",
        f"year: {notice.year}",
        f"source: {q(notice_source(notice), ensure_ascii=False)}",
        "holidays:",
    ]
    for f in notice.festivals:
        for first, last in _runs(f.rest):
            span = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
            lines.append(f"  - {q(span)}  # {f.name}")
    lines.append("workdays:" + ("" if notice.workdays else " []"))
    for f in notice.festivals:
        for day in f.workdays:
            lines.append(f"  - {q(day.isoformat())}  # {f.name}（{WEEKDAY_NAMES[day.weekday()]}上班）")
    return "\n".join(lines) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename,
    so readers see the old file or the new one, never a part of it."""
    folder = path.resolve().parent
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
