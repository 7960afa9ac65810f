"""Finding 8 of the attack probe (the item part): `item create` accepted ids that are
empty, blank, hold newlines or control characters, or run to 5,000 characters;
`--lead ''` (an item nobody can ever act on); unknown `--kind`/`--urgency`; a `--parent`
that does not exist or is the item itself. Each is refused at the door with the field it
concerns, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from duban.engine.model import Event

Duban = Callable[..., Result]

EventsOf = Callable[[str], list[Event]]
GOOD = ["--title", "资产清查", "--lead", "财务部", "--at", "2026-09-21T09:00"]


@pytest.fixture
def create(duban: Duban, gansu: tuple[str, ...]) -> Callable[..., Result]:
    """``create(id, *options, policy=…)``: ``duban item create`` under gansu_huizhan unless
    ``policy`` gives other options."""
    def run(item_id: str, *args: str, policy: tuple[str, ...] = gansu) -> Result:
        return duban("item", "create", item_id, *policy, *args)
    return run


def _refused(result: object, field: str) -> None:
    out = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 2, out  # type: ignore[attr-defined]
    assert "validation_error" in out and field in out, out
    assert "Traceback" not in out


@pytest.mark.parametrize("item_id", ["", "   ", "A\nB", "A\x07B", "A\tB", "x" * 5000,
                                     "../A", "A/B"])
def test_bad_item_ids_are_refused(duban: Duban, item_id: str, create: Callable[..., Result]) -> None:
    _refused(create(item_id, *GOOD), "事项编号")
    assert "共 0 项" in duban("item", "list").stdout


@pytest.mark.parametrize("item_id", ["A", "S1", "2026-督-07", "陕秦安督字〔2026〕7号", "x" * 64])
def test_ordinary_ids_are_accepted(duban: Duban, item_id: str, create: Callable[..., Result]) -> None:
    made = create(item_id, *GOOD)
    assert made.exit_code == 0, made.output  # type: ignore[attr-defined]


@pytest.mark.parametrize("lead", ["", "   ", "财务部\n人力资源部"])
def test_a_lead_nobody_can_act_for_is_refused(duban: Duban, lead: str, create: Callable[..., Result]) -> None:
    _refused(create("A", "--title", "资产清查", "--lead", lead,
                     "--at", "2026-09-21T09:00"), "主办部门")


def test_unknown_kind_and_urgency_are_refused(duban: Duban, create: Callable[..., Result]) -> None:
    _refused(duban("item", "create", "A", "-p", "gansu_huizhan", "--kind", "nonsense",
                   *GOOD), "nonsense")
    jiaotong = ("-p", "gongjiao_jituan", "--kind", "document")
    _refused(create("B", *GOOD, "--urgency", "特急", policy=jiaotong), "特急")
    assert create("C", *GOOD, "--urgency", "紧急", policy=jiaotong).exit_code == 0  # type: ignore[attr-defined]


def test_a_parent_must_exist_and_not_be_the_item(duban: Duban, events_of: EventsOf, create: Callable[..., Result]) -> None:
    _refused(create("A", *GOOD, "--parent", "NOPE"), "NOPE")
    _refused(create("A", *GOOD, "--parent", "A"), "A")
    assert events_of("A") == []


def test_a_lead_the_policy_does_not_know_is_refused(duban: Duban, tmp_path: Path, create: Callable[..., Result]) -> None:
    folder = tmp_path / "cwd" / "policies"
    folder.mkdir()
    (folder / "dept_co.yaml").write_text(
        "duban: 1\nid: dept_co\nname: 示例公司督查督办管理办法\nextends: standard\n"
        "organisation:\n  departments: [财务部, 人力资源部]\n", encoding="utf-8")
    policy = ("-p", "dept_co")
    _refused(create("A", "--title", "资产清查", "--lead", "市场部",
                     "--at", "2026-09-21T09:00", policy=policy), "市场部")
    _refused(create("B", "--title", "资产清查", "--lead", "财务部", "--assist", "市场部",
                     "--at", "2026-09-21T09:00", policy=policy), "市场部")
    assert create("C", *GOOD, policy=policy).exit_code == 0  # type: ignore[attr-defined]
