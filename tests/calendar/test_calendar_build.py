"""Building calendars from data, a policy's additions, data files and plugins."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from duban.calendar import (
    CalendarAdditions,
    CalendarDataError,
    build_calendar,
    load_additions,
    official_data,
    settings_from_mapping,
)
from duban.calendar.build import additions_hash
from duban.calendar.data import parse_day

D = dt.date.fromisoformat


def test_calendar_modules_import_one_way() -> None:
    """build imports calendar, never the reverse: no cycle, no lazy module __getattr__."""
    import duban.calendar.calendar as counting

    source = Path(counting.__file__).read_text(encoding="utf-8")
    assert "from duban.calendar.build" not in source and "import duban.calendar.build" not in source
    assert not hasattr(counting, "__getattr__")
    assert not hasattr(counting, "build_calendar")


def test_official_data_has_names_and_version() -> None:
    data = official_data()
    assert data.version == "cn-official-2004-2026@chinesecalendar-1.11.0"
    assert data.holiday_name(D("2026-10-01")) == ("国庆节", "National Day")
    assert data.holiday_name(D("2026-10-08")) is None
    assert D("2026-09-20") in data.workdays
    assert D("2026-10-07") in data.in_lieu


def test_runtime_does_not_import_chinesecalendar() -> None:
    """chinesecalendar is the data source and the test oracle, never a runtime import."""
    import subprocess
    import sys

    code = (
        "import sys, duban.calendar, duban.calendar.days;"
        "duban.calendar.official_calendar();"
        "sys.exit('chinese_calendar' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
    root = Path(__file__).resolve().parents[2] / "duban"
    sources = [p for p in (root / "calendar").glob("*.py") if p.name != "_generate.py"]
    for path in [*sources, root / "cli" / "time_cmds.py"]:
        assert "chinese_calendar" not in path.read_text(encoding="utf-8"), path


def test_additions_override_official_days() -> None:
    cal = build_calendar(extra_holidays=["2026-10-08"], extra_workdays=[D("2026-10-03")])
    assert cal.is_workday(D("2026-10-08")) is False
    assert cal.is_workday(D("2026-10-03")) is True
    assert cal.add_workdays(D("2026-09-30"), 1) == D("2026-10-03")


def test_ranges_are_inclusive() -> None:
    assert parse_day("2027-10-01..2027-10-03") == (D("2027-10-01"), D("2027-10-02"),
                                                    D("2027-10-03"))


@pytest.mark.parametrize("bad", ["2027-13-01", "2027/01/01", "tomorrow", 20270101,
                                 "2027-10-07..2027-10-01", dt.datetime(2027, 1, 1)])
def test_bad_days_are_refused(bad: object) -> None:
    with pytest.raises(CalendarDataError, match="extra_holidays"):
        build_calendar(extra_holidays=[bad])  # type: ignore[list-item]


def test_a_day_both_rest_and_work_is_refused() -> None:
    with pytest.raises(CalendarDataError, match="2027-01-01"):
        build_calendar(extra_holidays=["2027-01-01"], extra_workdays=["2027-01-01"])


def test_years_must_be_contiguous() -> None:
    with pytest.raises(CalendarDataError, match="2027"):
        build_calendar(extra_holidays=["2028-01-01"])


def test_unknown_beyond_mode_is_refused() -> None:
    with pytest.raises(CalendarDataError, match="beyond_known_data"):
        build_calendar(beyond_known_data="guess")  # type: ignore[arg-type]


def test_version_hash_is_stable_and_order_free() -> None:
    a = build_calendar(extra_holidays=["2026-10-08", "2026-10-09"])
    b = build_calendar(extra_holidays=[D("2026-10-09"), "2026-10-08..2026-10-08"])
    c = build_calendar(extra_holidays=["2026-10-08"])
    assert a.version == b.version != c.version
    assert len(additions_hash(CalendarAdditions((D("2026-10-08"),)))) == 8


def test_plugin_additions_merge(tmp_path: Path) -> None:
    plugin = CalendarAdditions(holidays=(D("2026-10-08"),), source="plugin x")
    cal = build_calendar(additions=[plugin])
    assert cal.is_workday(D("2026-10-08")) is False
    with pytest.raises(CalendarDataError, match="plugin x"):
        build_calendar(extra_workdays=["2026-10-08"], additions=[plugin])


def test_data_files_yaml_and_json(tmp_path: Path) -> None:
    yml = tmp_path / "2027.yaml"
    yml.write_text("holidays:\n  - 2027-01-01\n  - '2027-02-06..2027-02-12'\n"
                   "workdays: ['2027-02-14']\n", encoding="utf-8")
    js = tmp_path / "office.json"
    js.write_text(json.dumps({"holidays": ["2026-03-08"]}), encoding="utf-8")
    cal = build_calendar(additions=[load_additions(yml), load_additions(js)])
    assert cal.known_range[1] == D("2027-12-31")
    assert cal.is_workday(D("2027-02-14")) and not cal.is_workday(D("2027-02-08"))
    assert not cal.is_workday(D("2026-03-08"))


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("holidays: [2027-01-01]\nrestdays: []\n", "restdays"),
        ("- 2027-01-01\n", "mapping"),
        ("holidays: [\n", "YAML"),
        ("holidays: 2027-01-01\n", "list"),
    ],
)
def test_bad_data_files(tmp_path: Path, content: str, match: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CalendarDataError, match=match):
        load_additions(path)


def test_missing_data_file(tmp_path: Path) -> None:
    with pytest.raises(CalendarDataError, match=r"missing\.yaml"):
        load_additions(tmp_path / "missing.yaml")


def test_policy_settings(tmp_path: Path) -> None:
    (tmp_path / "cal.yaml").write_text("holidays: ['2026-10-09']\n", encoding="utf-8")
    settings = settings_from_mapping(
        {
            "extra_workdays": ["2026-10-03"],
            "data_file": "cal.yaml",
            "beyond_known_data": "weekends_only",
            "end_of_day": "17:30",
            "roll_forward": False,
        },
        base_dir=tmp_path,
    )
    assert settings.end_of_day == dt.time(17, 30)
    assert settings.roll_forward is False
    cal = settings.build()
    assert cal.beyond_known_data == "weekends_only"
    assert cal.is_workday(D("2026-10-03")) and not cal.is_workday(D("2026-10-09"))
    assert settings_from_mapping(None).build().version == official_data().version


@pytest.mark.parametrize(
    ("mapping", "match"),
    [
        ({"extra_holiday": []}, "extra_holiday"),
        ({"beyond_known_data": "guess"}, "beyond_known_data"),
        ({"roll_forward": "yes"}, "roll_forward"),
        ({"end_of_day": 1050}, "end_of_day"),
        ({"end_of_day": "25:00"}, "end_of_day"),
        ({"data_file": 3}, "data_file"),
        ({"extra_workdays": "2026-10-03"}, "extra_workdays"),
        ("weekends_only", "mapping"),
    ],
)
def test_bad_policy_settings(mapping: object, match: str) -> None:
    with pytest.raises(CalendarDataError, match=match):
        settings_from_mapping(mapping)  # type: ignore[arg-type]
