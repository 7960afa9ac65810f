"""``why``: which rule (with its citation) set an item's deadline, each reminder and each
penalty, and from which event — the answer to "why is this red" and "why -0.05"."""

from __future__ import annotations

from duban.engine.closure import on_time, overdue
from duban.simulation.runner import RunResult


def _cite(cite: str | None) -> str:
    return f"（{cite}）" if cite else "（标准生命周期，制度未规定）"


def why_item(result: RunResult, key: str) -> str:
    policy = result.policy
    item = result.items.get(key)
    if item is None:
        return f"事项 {key} 在本场景中未立项（所有步骤均被拒绝）。"
    events = result.events.get(key, [])
    lines = [f"事项 {key}《{item.title}》在 {policy.name}（{policy.id}）下：",
             f"  状态：{item.state}（{policy.states[item.state].canonical}）；"
             f"类别：{item.category}；主办：{item.department or '—'}"]
    if item.due is not None and item.due_info is not None:
        di = item.due_info
        ev = events[di.event_seq - 1] if 0 < di.event_seq <= len(events) else None
        src = f"第 {di.event_seq} 个事件（{ev.action}，{ev.at.isoformat()}）" if ev else "立项"
        lines.append(f"  期限 {item.due.isoformat()}：{di.rule}{_cite(di.cite)}，由{src}确定；"
                     f"日历数据 {di.calendar_version}" + ("（暂定）" if di.provisional else ""))
        if item.original_due and item.original_due != item.due:
            lines.append(f"  原期限 {item.original_due.isoformat()}，已延期 "
                         f"{item.extensions_granted} 次、退办 {item.returns} 次")
    status = "按时办结" if on_time(item) else "逾期" if overdue(item, result.end) else "未到期"
    lines.append(f"  结论：{status}")
    reminders = {r.name: r for r in policy.reminders}
    for f in item.fired:
        r = reminders.get(f.name)
        lines.append(f"  提醒 {f.name}（{f.event}）{f.at.isoformat()}：" + (
            f"{'期限前 ' + str(r.before_due) if r.before_due else '期限后 ' + str(r.after_due)}"
            f"{_cite(r.cite)}" if r else "环节时限"))
    for e in item.penalties:
        lines.append(f"  扣分 {e.target} {e.points:g} 分、系数 {e.coefficient:+g}"
                     f"{'、' + '、'.join(e.measures) if e.measures else ''}：规则“{e.rule}”"
                     f"{_cite(e.cite)}，{e.reason or '由第 ' + str(e.source_event) + ' 个事件触发'}")
    for e in result.counters:
        if e.item == key:
            lines.append(f"  累计 {e.target}：{e.rule}{_cite(e.cite)}，{e.reason}")
    return "\n".join(lines)

