"""Finding 2 of the attack probe: a reused idempotency key silently dropped a different
command (``act C approve --key K`` then ``act G progress --key K`` exited 0, printed G's
state and wrote nothing). A key belongs to one request — item, action, actor, payload."""

from __future__ import annotations

from collections.abc import Callable

from click.testing import Result

from duban.engine.model import Event

Duban = Callable[..., Result]
Opener = Callable[..., None]

EventsOf = Callable[[str], list[Event]]


def test_a_used_key_on_another_command_is_refused_and_writes_nothing(
        duban: Duban, open_item: Opener, events_of: EventsOf, gansu: tuple[str, ...]) -> None:
    open_item("G", "食堂改造")
    made = duban("item", "create", "C", *gansu, "--title", "预算调整", "--lead", "财务部",
                 "--at", "2026-09-21T09:00")
    assert made.exit_code == 0, made.output
    first = duban("item", "act", "C", "approve", "--as", "总经理", "--key", "K",
                  "--at", "2026-09-21T10:00")
    assert first.exit_code == 0, first.output
    before = events_of("G")
    reused = duban("item", "act", "G", "progress", "--as", "主办部门", "--dept", "财务部",
                   "--key", "K", "--at", "2026-09-22T10:00")
    assert reused.exit_code == 2, reused.output
    assert "idempotency_conflict" in reused.stderr and "Traceback" not in reused.output
    assert "K" in reused.stderr
    assert events_of("G") == before  # nothing written


def test_the_same_command_again_gets_its_first_result(duban: Duban, events_of: EventsOf,
        gansu: tuple[str, ...]) -> None:
    made = duban("item", "create", "C", *gansu, "--title", "预算调整", "--lead", "财务部",
                 "--at", "2026-09-21T09:00", "--key", "new-C")
    assert made.exit_code == 0, made.output
    again = duban("item", "create", "C", *gansu, "--title", "预算调整", "--lead", "财务部",
                  "--at", "2026-09-21T09:05", "--key", "new-C")  # a retry, a little later
    assert again.exit_code == 0 and again.stdout == made.stdout
    first = duban("item", "act", "C", "approve", "--as", "总经理", "--key", "K",
                  "--at", "2026-09-21T10:00")
    duban("item", "act", "C", "confirm", "--as", "主办部门", "--dept", "财务部",
          "--at", "2026-09-21T11:00")
    retry = duban("item", "act", "C", "approve", "--as", "总经理", "--key", "K",
                  "--at", "2026-09-21T12:00")
    assert retry.exit_code == 0 and retry.stdout == first.stdout
    assert [e.action for e in events_of("C")].count("approve") == 1
    other = duban("item", "create", "D", *gansu, "--title", "预算调整", "--lead", "财务部",
                  "--at", "2026-09-21T09:00", "--key", "new-C")
    assert other.exit_code == 2 and "idempotency_conflict" in other.stderr
    assert duban("item", "show", "D").exit_code == 2  # never created
