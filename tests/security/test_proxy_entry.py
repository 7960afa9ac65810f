"""Who entered vs who decided: the CLI takes `--as 总经理` from whoever runs it. In real
offices the 督办 clerk often records a leader's paper signature (代录); every event records
the operator who entered it — the configured operator, else the OS user — beside the role
it was entered as, and history and forms show "总经理（代录：综合部 张三）"."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from duban.engine.model import Event

Duban = Callable[..., Result]
Opener = Callable[..., None]

EventsOf = Callable[[str], list[Event]]


def test_the_configured_operator_is_recorded_and_shown(duban: Duban, open_item: Opener,
                                                       events_of: EventsOf,
                                                       tmp_path: Path) -> None:
    (tmp_path / "cwd" / "duban.yaml").write_text("operator: 综合部 张三\n", encoding="utf-8")
    open_item("A", "资产清查")
    approve = next(e for e in events_of("A") if e.action == "approve")
    assert approve.entered_by == "综合部 张三"
    history = duban("item", "history", "A", "--as", "总经理工作部")
    assert history.exit_code == 0, history.output
    assert "总经理（代录：综合部 张三）" in history.stdout
    form = duban("form", "A", "过程记录单", "--as-of", "2026-09-22")
    assert form.exit_code == 0, form.output
    assert "（代录：综合部 张三）" in form.stdout


def test_without_a_configured_operator_the_os_user_is_recorded(open_item: Opener,
                                                               events_of: EventsOf) -> None:
    open_item("A", "资产清查")
    assert {e.entered_by for e in events_of("A") if e.actor is not None and
            "system" not in e.actor.roles} == {getpass.getuser()}


def test_a_caller_names_who_entered_each_command(tmp_path: Path) -> None:
    """The HTTP API's case: one service, many signed-in users; each command says who
    typed it (``entered_by``), which wins over the service's operator."""
    import datetime as dt

    from duban.engine.model import Actor
    from duban.runtime.app import open_service
    from duban.runtime.config import load_config

    service = open_service(load_config(store=f"sqlite:///{tmp_path / 'api.db'}"))
    at = dt.datetime(2026, 9, 21, 9, tzinfo=service.zone)
    office = Actor(None, None, frozenset({"supervisor_office"}))
    service.create("A", "gansu_huizhan", {"kind": "meeting_decision", "category": "总经理督办",
                                          "title": "资产清查", "lead": "财务部"}, office, at,
                   entered_by="总经理工作部 王五")
    service.act("A", "approve", Actor(None, None, frozenset({"general_manager"})), {},
                at + dt.timedelta(hours=1), entered_by="总经理工作部 王五")
    assert [e.entered_by for e in service.store.events("A") if e.actor is not None] == \
        ["总经理工作部 王五", "总经理工作部 王五"]
    service.store.close()


def test_a_policy_allows_代录_only_for_the_roles_it_names(duban: Duban, events_of: EventsOf,
                                                          tmp_path: Path) -> None:
    """``proxy_entry`` (an organisation default here: the regulation is silent): the clerk
    may enter the 总经理's decision; a department's 反馈 entered by the clerk is refused
    with the basis, and nothing is written; the clerk's own entries are not 代录."""
    cwd = tmp_path / "cwd"
    (cwd / "duban.yaml").write_text("operator: 总经理工作部 张三\n", encoding="utf-8")
    bases = cwd / "policies" / "bases"
    bases.mkdir(parents=True)
    shipped = Path(__file__).resolve().parents[2] / "policies" / "gansu_huizhan.yaml"
    (bases / "gansu_huizhan.yaml").write_text(shipped.read_text(encoding="utf-8"),
                                              encoding="utf-8")
    because = "领导纸面签批由总经理工作部督办专员录入（制度未规定代录）"
    (cwd / "policies" / "gansu_huizhan.yaml").write_text(
        "duban: 1\nid: gansu_huizhan\nname: 督查督办管理制度\nextends: bases/gansu_huizhan.yaml\n"
        "organisation:\n  people:\n    张三: {department: 总经理工作部, roles: [总经理工作部]}\n"
        "    王五: {department: 财务部, roles: [承办部门]}\n"
        f"proxy_entry:\n  roles: [总经理, 分管领导]\n  because: {because}\n", encoding="utf-8")
    made = duban("item", "create", "A", "-p", "gansu_huizhan", "--category", "总经理督办",
                 "--kind", "meeting_decision", "--title", "资产清查", "--lead", "财务部",
                 "--actor", "张三", "--at", "2026-09-21T09:00")
    assert made.exit_code == 0, made.output
    approved = duban("item", "act", "A", "approve", "--as", "总经理", "--at", "2026-09-21T10:00")
    assert approved.exit_code == 0, approved.output
    before = events_of("A")
    refused = duban("item", "act", "A", "progress", "--as", "承办部门", "--dept", "财务部",
                    "--reason", "已完成盘点", "--at", "2026-09-22T10:00")
    assert refused.exit_code == 1, refused.output
    assert "拒绝 [permission_denied]" in refused.output
    assert "承办部门（财务部）的决定须由本人录入，不得由 总经理工作部 张三 代录" in refused.output
    assert f"依据：代录，制度未规定，本单位按{because}" in refused.output
    assert "Traceback" not in refused.output
    assert events_of("A") == before  # nothing written
    history = duban("item", "history", "A", "--as", "总经理工作部")
    assert history.exit_code == 0, history.output
    assert "总经理（代录：总经理工作部 张三）" in history.stdout
    assert "张三（总经理工作部）" in history.stdout and "张三（总经理工作部）（代录" not in history.stdout
