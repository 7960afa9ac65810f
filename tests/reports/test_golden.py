"""Golden files of the 督查通报 (month, quarter, year) and of every form.

They are the text a user prints (``--format md``); HTML and Word are made from the same
text (test_html.py, test_docx.py). ``DUBAN_UPDATE_GOLDEN=1`` rewrites them after an
intended change — read the diff first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from duban.policy.model import Policy
from duban.reports import Dataset, Period, render_form, render_report
from duban.simulation.runner import RunResult


@pytest.mark.parametrize("period", ["2026-11", "2026Q4", "2026"])
def test_bulletin(dataset: Dataset, period: str,
                  check_golden: Callable[[str, str], None]) -> None:
    p = Period.month(period) if "-" in period else Period.quarter(period) if "Q" in period \
        else Period.whole_year(period)
    text = render_report(dataset, p, "md").markdown
    check_golden(f"通报-{period}.md", text)
    assert "有的单位" not in text and "有的部门" not in text


def test_form(form_item: tuple[str, str], policy: Policy, run: RunResult, as_of: dt.datetime,
              check_golden: Callable[[str, str], None]) -> None:
    kind, item = form_item
    text = render_form(kind, policy, run.items[item], run.events[item], as_of, "md").markdown
    check_golden(f"form-{kind}-{item}.md", text)
