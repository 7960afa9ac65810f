"""Finding 8 of the attack probe (the item part): `item create` accepted ids that are
empty, blank, hold newlines or control characters, or run to 5,000 characters;
`--lead ''` (an item nobody can ever act on); unknown `--kind`/`--urgency`; a `--parent`
that does not exist or is the item itself. Each is refused at the door with the field it
concerns, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from duban.engine.model import Event
from tests.security.conftest import GANSU, Duban

EventsOf = Callable[[str], list[Event]]
GOOD = ["--title", "资产清查", "--lead", "财务部", "--at", "2026-09-21T09:00"]


def _create(duban: Duban, item_id: str, *args: str, policy: tuple[str, ...] = GANSU) -> object:
    return duban("item", "create", item_id, *policy, *args)


def _refused(result: object, field: str) -> None:
    out = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 2, out  # type: ignore[attr-defined]
    assert "validation_error" in out and field in out, out
    assert "Traceback" not in out


@pytest.mark.parametrize("item_id", ["", "   ", "A\nB", "A\x07B", "A\tB", "x" * 5000,
                                     "../A", "A/B"])
def test_bad_item_ids_are_refused(duban: Duban, item_id: str) -> None:
    _refused(_create(duban, item_id, *GOOD), "事项编号")
    assert "共 0 项" in duban("item", "list").stdout


@pytest.mark.parametrize("item_id", ["A", "S1", "2026-督-07", "陕秦安督字〔2026〕7号", "x" * 64])
def test_ordinary_ids_are_accepted(duban: Duban, item_id: str) -> None:
    made = _create(duban, item_id, *GOOD)
    assert made.exit_code == 0, made.output  # type: ignore[attr-defined]


@pytest.mark.parametrize("lead", ["", "   ", "财务部\n人力资源部"])
def test_a_lead_nobody_can_act_for_is_refused(duban: Duban, lead: str) -> None:
    _refused(_create(duban, "A", "--title", "资产清查", "--lead", lead,
                     "--at", "2026-09-21T09:00"), "主办部门")


def test_unknown_kind_and_urgency_are_refused(duban: Duban) -> None:
    _refused(duban("item", "create", "A", "-p", "gansu_huizhan", "--kind", "nonsense",
                   *GOOD), "nonsense")
    jiaotong = ("-p", "gongjiao_jituan", "--kind", "document")
    _refused(_create(duban, "B", *GOOD, "--urgency", "特急", policy=jiaotong), "特急")
    assert _create(duban, "C", *GOOD, "--urgency", "紧急", policy=jiaotong).exit_code == 0  # type: ignore[attr-defined]


def test_a_parent_must_exist_and_not_be_the_item(duban: Duban, events_of: EventsOf) -> None:
    _refused(_create(duban, "A", *GOOD, "--parent", "NOPE"), "NOPE")
    _refused(_create(duban, "A", *GOOD, "--parent", "A"), "A")
    assert events_of("A") == []


def test_a_lead_the_policy_does_not_know_is_refused(duban: Duban, tmp_path: Path) -> None:
    folder = tmp_path / "cwd" / "policies"
    folder.mkdir()
    (folder / "dept_co.yaml").write_text(
        "duban: 1\nid: dept_co\nname: 示例公司督查督办管理办法\nextends: standard\n"
        "organisation:\n  departments: [财务部, 人力资源部]\n", encoding="utf-8")
    policy = ("-p", "dept_co")
    _refused(_create(duban, "A", "--title", "资产清查", "--lead", "市场部",
                     "--at", "2026-09-21T09:00", policy=policy), "市场部")
    _refused(_create(duban, "B", "--title", "资产清查", "--lead", "财务部", "--assist", "市场部",
                     "--at", "2026-09-21T09:00", policy=policy), "市场部")
    assert _create(duban, "C", *GOOD, policy=policy).exit_code == 0  # type: ignore[attr-defined]
