"""The item's supervising unit (督办单位) on its papers: guoshuiju's 顺延事项审批单 names the
unit that signs for it (五、（二）“…批准后交督办单位”), the 过程记录单 says it was named at
登记, and the 台账 has it in its own column, in CSV and XLSX alike."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl

from duban.policy.loader import load_policy
from duban.policy.shipped import resolve_policy
from duban.reports import from_run, render_form
from duban.reports import taizhang as tz
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import load_scenario

AS_OF = dt.datetime(2026, 11, 30, 18, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SCENARIO = Path(__file__).resolve().parents[1] / "policies" / "guoshuiju" / "shunyan_fenguan.yaml"


def test_the_supervising_unit_is_on_the_forms_and_in_the_taizhang() -> None:
    policy = load_policy(resolve_policy("guoshuiju"))
    run = run_scenario(policy, load_scenario(SCENARIO))
    a, b = run.items["A"], run.items["B"]
    postpone = render_form("postpone", policy, a, run.events["A"], AS_OF, "md").data
    assert "| 督办单位 | 办公室（签收）" in postpone.decode()  # type: ignore[union-attr]
    unnamed = render_form("postpone", policy, b, run.events["B"], AS_OF, "md").data
    assert "| 督办单位 | 督办单位（签收）" in unnamed.decode()  # type: ignore[union-attr]
    process = render_form("process", policy, a, run.events["A"], AS_OF, "md").data
    assert "督办单位：办公室" in process.decode()  # type: ignore[union-attr]

    ds = from_run(run, as_of=AS_OF)
    col = tz.COLUMNS.index("督办单位")
    table = list(csv.reader(io.StringIO(tz.to_csv(tz.rows(ds)).decode("utf-8-sig"))))
    assert table[0][col] == "督办单位"
    by_ref = {r[tz.COLUMNS.index("编号")]: r[col] for r in table[1:]}
    assert by_ref == {"A": "办公室", "B": ""}
    sheet = openpyxl.load_workbook(io.BytesIO(tz.to_xlsx(tz.rows(ds), ds))).active
    assert sheet.cell(1, col + 1).value == "督办单位"
    assert {sheet.cell(r, 2).value: sheet.cell(r, col + 1).value
            for r in (2, 3)} == {"A": "办公室", "B": None}
