"""A person of the directory acting through the CLI (``--actor``) carries the units they
oversee (分管), as a deployed user does over HTTP: guoshuiju 五、（二）“经督办单位分管局领导
批准” — the 分管局领导 overseeing the item's 督办单位 (named with ``--supervisor``)
approves the 顺延; one overseeing only the 承办单位 is refused with the reason, and
nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from duban.engine.model import Event

Duban = Callable[..., Result]
EventsOf = Callable[[str], list[Event]]

PEOPLE = ("organisation:\n  people:\n"
          "    王副局长: {department: 局领导, roles: [分管局领导], oversees: [办公室]}\n"
          "    李副局长: {department: 局领导, roles: [分管局领导], oversees: [征管科]}\n"
          "    刘: {department: 办公室, roles: [督办单位]}\n"
          "    赵: {department: 征管科, roles: [承办单位]}\n")


def test_the_overseer_of_the_supervising_unit_approves_through_the_cli(
        duban: Duban, events_of: EventsOf, tmp_path: Path) -> None:
    cwd = tmp_path / "cwd"
    bases = cwd / "policies" / "bases"
    bases.mkdir(parents=True)
    shipped = Path(__file__).resolve().parents[2] / "policies" / "guoshuiju.yaml"
    (bases / "guoshuiju.yaml").write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    (cwd / "policies" / "guoshuiju.yaml").write_text(
        "duban: 1\nid: guoshuiju\nname: 督查督办工作制度\nextends: bases/guoshuiju.yaml\n"
        + PEOPLE, encoding="utf-8")
    made = duban("item", "create", "G1", "-p", "guoshuiju", "--kind", "superior_assignment",
                 "--title", "市局交办的数据核查", "--lead", "征管科", "--supervisor", "办公室",
                 "--due", "2026-03-09", "--as", "督办单位", "--at", "2026-03-02T09:00")
    assert made.exit_code == 0, made.output
    steps = (("assign", "--as", "督办单位", "--at", "2026-03-02T10:00"),
             ("request_extension", "--as", "承办单位", "--dept", "征管科", "--until",
              "2026-03-13", "--reason", "市局数据未到", "--at", "2026-03-03T10:00"))
    for action, *rest in steps:
        done = duban("item", "act", "G1", action, *rest)
        assert done.exit_code == 0, done.output
    before = events_of("G1")
    refused = duban("item", "act", "G1", "approve", "--actor", "李副局长",
                    "--at", "2026-03-04T10:00")
    assert refused.exit_code == 1, refused.output
    assert "须分管本事项的督办单位“办公室”" in refused.output
    assert "Traceback" not in refused.output
    assert events_of("G1") == before  # nothing written
    granted = duban("item", "act", "G1", "approve", "--actor", "王副局长",
                    "--at", "2026-03-04T11:00")
    assert granted.exit_code == 0, granted.output
    approve = events_of("G1")[-1]
    assert approve.action == "approve" and approve.actor is not None
    assert approve.actor.person == "王副局长" and approve.actor.oversees == {"办公室"}
