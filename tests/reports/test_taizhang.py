"""The 台账: lights at an instant, CSV that Excel reads, XLSX with coloured lights."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl

from duban.policy.loader import load_policy
from duban.policy.shipped import resolve_policy
from duban.reports import Dataset, from_run
from duban.reports import taizhang as tz
from duban.reports.period import SHANGHAI
from duban.simulation.runner import RunResult


def by_id(ds: Dataset) -> dict[str, tz.Row]:
    out = {}
    for r in tz.rows(ds):
        number = r.values[1]
        item = next(e.item.id for e in ds.entries if (e.item.number or e.item.id) == number)
        out[item] = r
    return out


def test_lights_at_month_end(dataset: Dataset) -> None:
    got = {k: r.light for k, r in by_id(dataset).items()}
    assert got == {
        "H": "红",  # due 10-30, never reported
        "B": "红",  # reported two days late: still red on the register
        "E": "红",
        "A": "绿", "C": "绿", "D": "绿", "F": "绿",
        "J": "绿",  # reported on the day, awaiting review
        "G": "绿",  # due 12-10; the window opens 12-08
        "I": "",    # 撤销
    }


def test_yellow_when_the_warning_window_opens(run: RunResult) -> None:
    """The test policy's 催办预告 is 2 working days before: for G (due Thursday 12-10) the
    window opens at 00:00 on Tuesday 12-08."""
    before = from_run(run, as_of=dt.datetime(2026, 12, 7, 23, 59, tzinfo=SHANGHAI))
    inside = from_run(run, as_of=dt.datetime(2026, 12, 8, 0, 0, tzinfo=SHANGHAI))
    after = from_run(run, as_of=dt.datetime(2026, 12, 11, 0, 0, tzinfo=SHANGHAI))
    assert by_id(before)["G"].light == "绿"
    assert by_id(inside)["G"].light == "黄"
    assert by_id(after)["G"].light == "红"
    assert by_id(inside)["G"].values[tz.COLUMNS.index("预警起点")] == dt.datetime(2026, 12, 8)


def test_default_window_is_three_working_days() -> None:
    standard = load_policy(resolve_policy("standard"))  # no before_due reminder
    assert tz.warning_window(standard).text == "3个工作日"
    due = dt.datetime(2026, 12, 10, 23, 59, 59, tzinfo=SHANGHAI)
    assert tz.warning_start(standard, due) == dt.datetime(2026, 12, 7, tzinfo=SHANGHAI)


def test_csv_has_bom_and_every_item(dataset: Dataset) -> None:
    data = tz.to_csv(tz.rows(dataset))
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == list(tz.COLUMNS)
    assert len(table) == 1 + 10
    h = next(r for r in table if r[tz.COLUMNS.index("事项")] == "领导批示：清理历史欠款")
    assert h[tz.COLUMNS.index("信号灯")] == "红"
    assert h[tz.COLUMNS.index("现行期限")] == "2026-10-30 23:59"
    assert h[tz.COLUMNS.index("主办部门")] == "财务部"
    a = next(r for r in table if r[1] == "测督字〔2026〕2号")
    assert a[tz.COLUMNS.index("协办部门")] == "人力资源部"


def test_xlsx_lights_are_filled(dataset: Dataset, as_of: dt.datetime) -> None:
    data = tz.to_xlsx(tz.rows(dataset), dataset)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["督办台账"]
    header = [c.value for c in ws[1]]
    assert header == list(tz.COLUMNS)
    col = header.index("信号灯")
    fills = {}
    for row in ws.iter_rows(min_row=2):
        fills[row[header.index("事项")].value] = (row[col].value, row[col].fill.fgColor.rgb if row[col].value
                               else None)
    assert fills["领导批示：清理历史欠款"] == ("红", "00FFC7CE")
    assert fills["总经理办公会：编制年度预算"] == ("绿", "00C6EFCE")
    assert fills["总经理办公会：食堂外包"] == (None, None)
    due = ws.cell(2, header.index("现行期限") + 1).value
    assert isinstance(due, dt.datetime)
    assert wb["说明"]["B1"].value == as_of.strftime("%Y-%m-%d %H:%M")
