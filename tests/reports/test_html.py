"""The HTML 通报 is well-formed (it parses as XML) and its charts carry the KPI numbers."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from duban.policy.model import Policy
from duban.reports import Dataset, Period, build_report, from_run, render_form, render_report
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import load_scenario

XHTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
NOV = Period.month("2026-11")


def parse(html: bytes) -> ET.Element:
    text = html.decode("utf-8")
    assert text.startswith("<!DOCTYPE html>\n")
    return ET.fromstring(text.split("\n", 1)[1])


class Balance(HTMLParser):
    """Tags open and close in order (what a browser's parser would accept silently)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()


def test_report_html_is_well_formed(dataset: Dataset) -> None:
    html = render_report(dataset, NOV, "html").data
    root = parse(html)
    assert root.tag == f"{XHTML}html"
    assert root.find(f"{XHTML}head/{XHTML}title").text == "督查通报"
    checker = Balance()
    checker.feed(html.decode())
    assert checker.errors == [] and checker.stack == []


def test_rate_bars_carry_the_table(dataset: Dataset) -> None:
    report = build_report(dataset, NOV)
    root = parse(render_report(dataset, NOV, "html").data)
    bars = {r.get("data-label"): r.get("data-value")
            for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"}
    expected = {d.name: f"{d.rate * 100:.1f}" for d in report.depts if d.rate is not None}
    assert bars == expected
    assert bars["财务部"] == "100.0" and bars["工程部"] == "0.0"
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "value"]
    assert "1/1  100%" in labels and "0/1  0%" in labels


def test_trend_points_are_the_overdue_by_week(dataset: Dataset) -> None:
    report = build_report(dataset, NOV)
    root = parse(render_report(dataset, NOV, "html").data)
    points = [(c.get("data-label"), int(c.get("data-value") or -1))
              for c in root.iter(f"{SVG}circle")]
    assert [label for label, _ in points] == [b.label for b in NOV.buckets()]
    assert points == [("11/1–11/1", 0), ("11/2–11/8", 0), ("11/9–11/15", 1),  # B due 11-10
                      ("11/16–11/22", 1), ("11/23–11/29", 0), ("11/30–11/30", 0)]  # E 11-18
    assert sum(v for _, v in points) == report.total.overdue


def test_every_department_is_on_the_page(dataset: Dataset) -> None:
    root = parse(render_report(dataset, NOV, "html").data)
    text = "".join(root.itertext())
    for name in build_report(dataset, NOV).departments:
        assert name in text


def test_text_is_escaped_not_markup(policy: Policy, as_of: dt.datetime) -> None:
    sc = load_scenario(text="""
name: 转义
items:
  X: {kind: other, title: "<script>alert(1)</script> & 甲|乙 **粗**", lead: "R&D部", due: 2026-11-20}
steps:
  - {at: 2026-11-02T09:00, item: X, action: create}
  - {at: 2026-11-02T10:00, item: X, action: approve}
""")
    ds = from_run(run_scenario(policy, sc), as_of=as_of)
    html = render_report(ds, NOV, "html").data
    root = parse(html)
    assert not list(root.iter(f"{XHTML}script"))
    assert b"&lt;script&gt;" in html and b"R&amp;D" in html
    rows = [tr for tr in root.iter(f"{XHTML}tr")
            if any("甲|乙" in (td.text or "") for td in tr)]
    assert rows and all(len(list(tr)) == 8 for tr in rows)  # the bar did not split a cell


def test_forms_html_parse(policy: Policy, run: object, as_of: dt.datetime) -> None:
    for kind, item in (("notice", "A"), ("report", "A"), ("extension", "C")):
        it = run.items[item]
        root = parse(render_form(kind, policy, it, run.events[item], as_of, "html").data)
        assert it.number in "".join(root.itertext())
        cells = ["".join(td.itertext()) for td in root.iter(f"{XHTML}td")]
        assert it.title in cells
