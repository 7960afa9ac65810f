"""The ``calendar_healed`` event: a deadline recomputed because the calendar data changed.

Why an event and not a silent rewrite: a deadline that was computed past the known data
(``beyond_known_data: weekends_only``, marked provisional) moves when that year's official
arrangement is added, and the people responsible must see old → new and why. The event
carries the new deadline itself, so folding it gives the same item whichever calendar a
replay uses; :mod:`duban.runtime.heal` decides which items move and writes the events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from duban.engine.draft import Draft
from duban.engine.model import Effect, Event, ItemState

#: The internal action of the event (not a policy word; no actor may send it).
CALENDAR_HEALED = "calendar_healed"
#: The ``kind`` of the notice sent to the item's departments.
NOTICE_KIND = "deadline_recomputed"


def _instant(text: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(str(text)) if text else None


def apply_healing(item: ItemState, event: Event, draft: Draft) -> None:
    """Fold a ``calendar_healed`` event into the draft of ``item``.

    ``event.data``: ``from``/``to`` (ISO instants or None), ``calendar_version``,
    ``provisional`` (whether the new deadline is still beyond the data) and ``message``.
    """
    data = event.data
    old, new = _instant(data.get("from")), _instant(data.get("to"))
    if new is not None:
        draft.due = new
        if draft.original_due == old:
            draft.original_due = new
    info = draft.due_info
    if info is not None:
        draft.due_info = replace(info, calendar_version=str(data["calendar_version"]),
                                 provisional=bool(data.get("provisional", False)))
    to = [d for d in dict.fromkeys((item.department, *item.assist)) if d]
    if to and old != new:
        draft.effects.append(Effect("notify", {"kind": NOTICE_KIND, "name": "期限重算",
                                               "to": to, "at": event.at.isoformat(),
                                               "message": data.get("message")}))
