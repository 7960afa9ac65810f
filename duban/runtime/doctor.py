"""``duban doctor``: is the database sound, and does every stored item equal the replay
of its events?

Why: an item's projection is a cache of the fold of its events; the events are the
record. A disk that writes garbage into the middle of the file, a restore from a bad
copy or a hand-edited row make the two disagree or the file unreadable, and a tool that
keeps reading and writing such a database spreads the damage. The doctor reports; the
service refuses to write to a database that fails the quick check
(:meth:`duban.runtime.service.Service.ensure_sound`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from duban.engine.core import replay
from duban.errors import DubanError
from duban.runtime.service import Service

MAX_LISTED = 20  # items named in a report; the count says how many more


@dataclass
class Finding:
    """One check: what was checked, whether it passed, and what was found."""

    what: str
    ok: bool
    details: list[str] = field(default_factory=list)


def _database(service: Service) -> Finding:
    name = "integrity_check" if service.store.name == "sqlite" else "amcheck"
    try:
        problems = service.store.check(quick=False)
    except DubanError as exc:
        return Finding(f"数据库完整性（{name}）", False, [str(exc)])
    details = problems[:MAX_LISTED]
    if not problems and service.store.name != "sqlite" and \
            not getattr(service.store, "amcheck_available", lambda: True)():
        details = ["未安装 amcheck 扩展，索引未检查（CREATE EXTENSION amcheck 后可检查）"]
    return Finding(f"数据库完整性（{name}）", not problems, details)


def _replays(service: Service) -> Finding:
    """Every stored item against the fold of its stored events."""
    differing: list[str] = []
    count = 0
    try:
        for item in service.store.items():
            count += 1
            try:
                again = replay(service.policy_for(item), item.id, service.store.events(item.id))
            except Exception as exc:
                differing.append(f"{item.id}：重放失败（{exc}）")
                continue
            if again != item:
                fields = [f for f in item.__slots__ if getattr(item, f) != getattr(again, f)]
                differing.append(f"{item.id}：与其事件的重放不一致（{', '.join(fields[:6])}）")
    except Exception as exc:
        differing.append(f"读取事项失败：{exc}")
    shown = differing[:MAX_LISTED]
    if len(differing) > MAX_LISTED:
        shown.append(f"…… 另有 {len(differing) - MAX_LISTED} 个")
    return Finding(f"事项与事件重放一致（{count} 个事项）", not differing, shown)


def examine(service: Service) -> list[Finding]:
    """Every check of the doctor, in order; a failed database check comes first."""
    return [_database(service), _replays(service)]


def render(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        lines.append(f"{'✓' if f.ok else '✗'} {f.what}")
        lines.extend(f"    {d}" for d in f.details)
    return "\n".join(lines)


__all__: list[Any] = ["Finding", "examine", "render"]
