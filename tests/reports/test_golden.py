"""Golden files of the 督查通报 (month, quarter, year) and of every form.

They are the text a user prints (``--format md``); HTML and Word are made from the same
text (test_html.py, test_docx.py). ``DUBAN_UPDATE_GOLDEN=1`` rewrites them after an
intended change — read the diff first.
"""

from __future__ import annotations

import pytest

from duban.policy.model import Policy
from duban.reports import Dataset, Period, render_form, render_report
from duban.simulation.runner import RunResult
from tests.reports.conftest import AS_OF, check_golden

#: Which item shows each form best (see data/november.yaml).
FORM_ITEMS = {"notice": "A", "stub": "A", "confirmation": "A", "process": "D", "report": "A",
              "reminder": "E", "extension": "C", "postpone": "C", "bulletin": "E"}


@pytest.mark.parametrize("period", ["2026-11", "2026Q4", "2026"])
def test_bulletin(dataset: Dataset, period: str) -> None:
    p = Period.month(period) if "-" in period else Period.quarter(period) if "Q" in period \
        else Period.whole_year(period)
    text = render_report(dataset, p, "md").markdown
    check_golden(f"通报-{period}.md", text)
    assert "有的单位" not in text and "有的部门" not in text


@pytest.mark.parametrize("kind", sorted(FORM_ITEMS))
def test_form(kind: str, policy: Policy, run: RunResult) -> None:
    item = FORM_ITEMS[kind]
    text = render_form(kind, policy, run.items[item], run.events[item], AS_OF, "md").markdown
    check_golden(f"form-{kind}-{item}.md", text)
