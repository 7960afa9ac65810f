"""Who entered vs who decided: the CLI takes `--as 总经理` from whoever runs it. In real
offices the 督办 clerk often records a leader's paper signature (代录); every event records
the operator who entered it — the configured operator, else the OS user — beside the role
it was entered as, and history and forms show "总经理（代录：综合部 张三）"."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path

from duban.engine.model import Event
from tests.security.conftest import Duban, Opener

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
