"""The 台账 (register of every item) with a 红/黄/绿 light, as CSV or XLSX.

The light, at ``as_of``:

* **红** — overdue: the deadline in force passed before the work was reported (done
  late, or still not done);
* **黄** — open and not overdue, and the deadline is within the policy's *warning
  window*: the ``before_due`` of the policy's first reminder that has one (its 催办预告,
  e.g. wuliu_gongsi's 3 working days), else 3 working days — counted as the timers count
  it (from 00:00 of the N-th working day before the deadline's date);
* **绿** — on track: reported or closed in time, or the deadline is further away;
* empty — not (or no longer) the department's to do: not yet opened, 撤销 or 退回.

CSV is UTF-8 with a byte-order mark so that Excel opens the Chinese correctly; XLSX has
the lights as coloured cells, a filter on the header and a sheet explaining the columns.
Every text cell goes through :mod:`duban.reports.cells`, so a title can never become a
formula in either format.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from duban.calendar.deadline import workdays_before
from duban.calendar.duration import Duration, parse_duration
from duban.engine.closure import overdue
from duban.engine.model import ItemState
from duban.engine.timers import shift_calendar
from duban.errors import DubanError
from duban.policy.model import Policy
from duban.reports.cells import safe_text, safe_value
from duban.reports.kpi import item_row
from duban.reports.source import Dataset

DEFAULT_WINDOW = "3个工作日"
NO_LIGHT_STATES = frozenset({"draft", "pending_approval", "cancelled", "declined"})

COLUMNS = ("序号", "编号", "通知单项次", "事项", "类别", "类型", "紧急程度", "主办部门", "协办部门",
           "督办单位", "状态", "办理情况", "信号灯", "立项时间", "交办时间", "原定期限", "现行期限", "预警起点", "延期次数",
           "退办次数", "次数未达周期", "报结时间", "办结时间", "逾期天数", "保密", "策略")
FILLS = {"红": "FFC7CE", "黄": "FFEB9C", "绿": "C6EFCE"}


def warning_window(policy: Policy) -> Duration:
    """The first ``before_due`` reminder's lead time, else 3 working days."""
    for r in policy.reminders:
        if r.before_due is not None:
            return r.before_due
    return parse_duration(DEFAULT_WINDOW)


def warning_start(policy: Policy, due: dt.datetime) -> dt.datetime:
    """When the yellow light comes on for a deadline."""
    d = warning_window(policy)
    if d.unit == "working_day":
        return workdays_before(policy.calendar, due, d.amount)
    return shift_calendar(due, d, -1)


def item_warning_start(policy: Policy, item: ItemState) -> dt.datetime | None:
    """When the item's yellow light comes on (None: no deadline)."""
    if item.due is None:
        return None
    try:
        return warning_start(policy, item.due)
    except DubanError:  # a deadline beyond the calendar's known data: days, not workdays
        return item.due - dt.timedelta(days=3)


@dataclass(frozen=True, slots=True)
class Lamp:
    """An item's light as a function of the instant: a fixed light, or 红 once the
    deadline has passed, 黄 from the warning start, 绿 before it. Only the instant varies
    between two readings of one item, so a reader that keeps items (the web pages'
    listing index) keeps their lamps and reads each with two comparisons."""

    fixed: str | None  # "" (no light), 红 or 绿 whatever the instant; None: read the instant
    due: float = 0.0  # the deadline in force, as a POSIX timestamp
    start: float = 0.0  # when 黄 comes on

    def at(self, as_of: float) -> str:
        """The light at the POSIX timestamp ``as_of``."""
        if self.fixed is not None:
            return self.fixed
        return "红" if as_of > self.due else "黄" if as_of >= self.start else "绿"


def lamp(policy: Policy, item: ItemState) -> Lamp:
    """The item's :class:`Lamp` (see the module docstring for the rules)."""
    if policy.states[item.state].canonical in NO_LIGHT_STATES:
        return Lamp("")
    if item.due is None:
        return Lamp("绿")
    done = item.reported_at or item.closed_at
    if done is not None:  # done: late or in time, whatever the instant
        return Lamp("红" if overdue(item, None) else "绿")
    start = item_warning_start(policy, item)
    due = item.due.timestamp()
    return Lamp(None, due, start.timestamp() if start is not None else due + 1)


def light(policy: Policy, item: ItemState, as_of: dt.datetime) -> str:
    """红, 黄, 绿 or "" at ``as_of`` (see the module docstring)."""
    return lamp(policy, item).at(as_of.timestamp())


@dataclass(frozen=True)
class Row:
    values: tuple[Any, ...]  # in COLUMNS order; instants as naive local datetimes
    light: str


def _local(moment: dt.datetime | None, tz: dt.tzinfo) -> dt.datetime | None:
    return moment.astimezone(tz).replace(tzinfo=None) if moment is not None else None


def rows(dataset: Dataset) -> list[Row]:
    """One row per item, by due date then id."""
    out = []
    entries = sorted(dataset.entries, key=lambda e: (
        e.item.due is None, e.item.due or dataset.as_of, e.item.id))
    for n, e in enumerate(entries, 1):
        p, it, tz = e.policy, e.item, e.policy.timezone
        r = item_row(p, it, dataset.as_of)
        lamp = light(p, it, dataset.as_of)
        try:
            start = warning_start(p, it.due) if it.due is not None else None
        except DubanError:
            start = None
        out.append(Row((
            n, it.number or it.id, f"第{it.notice_item}项" if it.notice_item else "",
            it.title or it.id, it.category, it.kind, it.urgency or "",
            it.department or "", "、".join(it.assist), it.supervisor or "", it.state, r.status, lamp,
            _local(it.opened_at, tz), _local(it.assigned_at, tz), _local(it.original_due, tz),
            _local(it.due, tz), _local(start, tz), it.extensions_granted, it.returns,
            len(it.shortfalls), _local(it.reported_at, tz), _local(it.closed_at, tz), r.days_late,
            "是" if it.confidential else "", p.id), lamp))
    return out


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str):
        return safe_text(value)
    return "" if value is None else str(value)


def to_csv(table: Sequence[Row]) -> bytes:
    """UTF-8 with BOM, CRLF line ends (what Excel expects)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in table:
        writer.writerow([_text(v) for v in r.values])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(table: Sequence[Row], dataset: Dataset) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "督办台账"
    ws.append(list(COLUMNS))
    head_fill = PatternFill("solid", fgColor="F3E5E5")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    lamp_col = COLUMNS.index("信号灯") + 1
    for r in table:
        ws.append([safe_value(v) for v in r.values])
        row = ws.max_row
        for col, v in enumerate(r.values, 1):
            if isinstance(v, dt.datetime):
                ws.cell(row, col).number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(v, str):
                ws.cell(row, col).data_type = "s"  # text, whatever it looks like
        if r.light:
            cell = ws.cell(row, lamp_col)
            cell.fill = PatternFill("solid", fgColor=FILLS[r.light])
            cell.alignment = Alignment(horizontal="center")
            cell.font = Font(bold=True)
    widths = {"事项": 36, "办理情况": 16, "主办部门": 12, "协办部门": 14, "编号": 22,
              "通知单项次": 10}
    for col, name in enumerate(COLUMNS, 1):
        is_time = name.endswith(("时间", "期限", "起点"))
        ws.column_dimensions[get_column_letter(col)].width = widths.get(
            name, 17 if is_time else 9)
    ws.freeze_panes = "E2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(ws.max_row, 1)}"
    notes = wb.create_sheet("说明")
    tz = dataset.policies[0].timezone if dataset.policies else None
    as_of = dataset.as_of.astimezone(tz) if tz else dataset.as_of
    notes.append(["统计时点", as_of.strftime("%Y-%m-%d %H:%M")])
    notes.append(["红", "逾期：现行期限已过而未报结（含逾期后办结）"])
    notes.append(["黄", "在办、未逾期，且已进入预警期（预警起点见该列）"])
    notes.append(["绿", "按期推进或已按时报结、办结"])
    for p in dataset.policies:
        notes.append([f"预警期（{p.id}）", safe_text(warning_window(p).text)])
    notes.append(["次数未达周期", "“每…不少于N次”的要求（如督查频次），截至统计时点已结束而次数不足的周期数；"
                  "明细见月度通报"])
    notes.append(["督办单位", "制度规定每个事项写明督办单位的（如“经督办单位分管局领导批准”），立项时写明的单位；"
                  "其他制度为空"])
    notes.append(["单引号", "以 = + - @ 等开头的文字前加 '，防止被当作公式执行"])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 60
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
