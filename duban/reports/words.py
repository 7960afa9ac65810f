"""How reports and forms write dates, numbers and the organisation's names.

Kept in one place so that every template receives ready-made strings (templates stay
simple, and a plugin renderer gets the same words the built-in ones print).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from duban import vocabulary
from duban.policy.model import Policy


def cn_date(moment: dt.datetime | dt.date | None, tz: dt.tzinfo | None = None) -> str:
    """``2026年9月18日`` (an instant is read in ``tz``)."""
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime):
        moment = (moment.astimezone(tz) if tz else moment).date()
    return f"{moment.year}年{moment.month}月{moment.day}日"


def cn_datetime(moment: dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    """``2026年9月18日 18:00``."""
    if moment is None:
        return ""
    local = moment.astimezone(tz) if tz else moment
    return f"{cn_date(local)} {local:%H:%M}"


def short_date(moment: dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    """``9月18日`` — inside a period's own report the year is understood."""
    if moment is None:
        return "—"
    local = moment.astimezone(tz) if tz else moment
    return f"{local.month}月{local.day}日"


def day_text(value: object, full: bool = False) -> str:
    """A date written in an event (``2026-09-25`` or an instant) as ``9月25日``."""
    text = str(value or "").strip()
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return text
    return cn_date(day) if full else f"{day.month}月{day.day}日"


def signed(value: float, digits: int = 2) -> str:
    """``-0.15``, ``+0.05``, ``0`` (coefficients and points, no float noise)."""
    value = round(value, digits)
    if value == 0:
        return "0"
    return f"{value:+.{digits}f}".rstrip("0").rstrip(".")


def organisation(policies: Iterable[Policy]) -> str:
    """The organisation's name without the office in brackets: ``公交集团公司``."""
    names = []
    for p in policies:
        raw = str(p.raw.get("organisation_name") or "").strip()
        name = re.sub(r"[（(][^（）()]*[）)]$", "", raw).strip() or raw
        if name and name not in names:
            names.append(name)
    return "、".join(names)


def office(policies: Iterable[Policy]) -> str:
    """The supervising office's own word (总经理工作部, 跟进督办工作办公室 …)."""
    words: list[str] = []
    for p in policies:
        w = p.word("supervisor_office")
        if w not in words:
            words.append(w)
    return "、".join(words) or vocabulary.ROLES["supervisor_office"]


#: Keywords that find a policy's own name for each form (first match in documents.forms).
FORM_KEYWORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (any of these in the name, none of these)
    "notice": (("通知单", "任务通知", "通知书", "督导单", "联系单", "事项通知"), ("催办", "存根")),
    "confirmation": (("确认单",), ()),
    "process": (("过程记录单", "跟踪表", "处理单", "办理卡"), ()),
    "report": (("报告单", "办结报告", "反馈单", "承办单位报告"), ()),
    "reminder": (("催办通知",), ()),
    "extension": (("延期",), ()),
    "postpone": (("顺延",), ()),
    "bulletin": (("通报",), ()),
}


def form_title(policy: Policy | None, kind: str, default: str) -> str:
    """The policy's own name for a form (e.g. 跟进督办事项通知单), else ``default``."""
    if policy is None:
        return default
    anyof, noneof = FORM_KEYWORDS.get(kind, ((), ()))
    for name in policy.forms:
        if any(k in name for k in anyof) and not any(k in name for k in noneof):
            return name
    return default
