"""Areas 状态与流转 and 审批链: states, transitions and who approves what.

States and transitions are keyed by name, chains by name with their steps in order, and
the approver of each purpose (立项, 暂停, 恢复, 办结审核) is compared as the resolved chain —
the roles in order — so renaming a chain is no change and swapping its approver is.
"""

from __future__ import annotations

from collections.abc import Callable

from duban.diff import words as w
from duban.diff.change import Collector, named_keywords
from duban.diff.keyed import by_name, pairs, render
from duban.policy.explain_workflow import informed, required_words
from duban.policy.model import Approvals, Policy, State, Transition

PURPOSES = ("opening", "pause", "resume", "review", "progress", "share", "coordination")


def _state(s: State) -> str:
    parts = [s.canonical]
    if s.approval:
        parts.append(w.PURPOSE_WORDS.get(s.approval, s.approval))
    if s.clock_stopped:
        parts.append("停止计时")
    if s.final:
        parts.append("终态")
    return "，".join(parts)


def _to(t: Transition) -> str:
    return {"same": "状态不变", "previous": "回到进入前的状态"}.get(t.to, f"“{t.to}”")


def _transition(p: Policy, t: Transition) -> str:
    who = w.roles(p, t.roles) if t.roles else "由审批链决定"
    cond = f"，条件：{t.when.source}" if t.when is not None else ""
    told = f"，分送{informed(t)}知晓" if t.inform else ""
    return (f"{w.words(t.sources)} → {_to(t)}，动作 {t.action}"
            f"（{w.ACTION_WORDS.get(t.action, t.action)}），{who}{cond}{told}")


def lifecycle(c: Collector) -> None:
    o, n = c.old, c.new
    for name, a, b in pairs(o.states, n.states):
        path = ("states", name)
        if c.presence("lifecycle", path, f"状态“{name}”", render(a, _state), render(b, _state),
                      cite=b.cite if b else None, old_cite=a.cite if a else None, raw=path):
            assert a is not None and b is not None
            c.value("lifecycle", path, f"状态“{name}”", _state(a), _state(b),
                    cite=b.cite, old_cite=a.cite, raw=path)
    c.value("lifecycle", ("initial",), "初始状态", o.initial, n.initial, raw=("initial",))
    for name, x, y in pairs(by_name(o.transitions), by_name(n.transitions)):
        _transition_change(c, name, x, y)
    for word, a2, b2 in pairs(o.actions, n.actions):
        c.value("lifecycle", ("actions", word), f"动作词“{word}”", a2, b2,
                raw=("actions", word), thing=True)
    flags: tuple[tuple[str, str, Callable[[Policy], bool]], ...] = (
        ("handoff", "无主办部门时各部门依次办理", lambda p: p.sequential_handoff),
        ("subitems", "允许任务分解", lambda p: p.subitems_allowed),
        ("subitems_wait", "分解事项全部办结后方可报结", lambda p: p.parent_waits_for_children))
    for key, label, get in flags:
        sec = "subitems" if key.startswith("subitems") else key
        c.value("lifecycle", (key,), label, w.yes(get(o)), w.yes(get(n)),
                cite=_raw_cite(n, sec), old_cite=_raw_cite(o, sec), raw=(sec,))


def _raw_cite(p: Policy, section: str) -> str | None:
    node = p.raw.get(section)
    return node.get("cite") if isinstance(node, dict) else None


def _transition_change(c: Collector, name: str, a: Transition | None,
                       b: Transition | None) -> None:
    o, n = c.old, c.new
    path, label = ("transitions", name), f"流转“{name}”"
    kw = named_keywords(c, "transitions", name, a, b)
    if not c.presence("lifecycle", path, label, render(a, lambda t: _transition(o, t)),
                      render(b, lambda t: _transition(n, t)), **kw):
        return
    assert a is not None and b is not None
    c.value("lifecycle", (*path, "action"), f"{label}的动作", a.action, b.action, **kw)
    c.value("lifecycle", (*path, "from"), f"{label}的起点状态", w.words(a.sources),
            w.words(b.sources), **kw)
    c.value("lifecycle", (*path, "to"), f"{label}的去向", _to(a), _to(b), **kw)
    c.roles_value("lifecycle", (*path, "roles"), f"{label}可执行角色",
                  lambda p, t: w.roles(p, t.roles) if t.roles else "由审批链决定", a, b, **kw)
    c.value("lifecycle", (*path, "when"), f"{label}的条件", a.when.source if a.when else w.NONE,
            b.when.source if b.when else w.NONE, **kw)
    c.value("lifecycle", (*path, "inform"), f"{label}分送知晓", informed(a) or "不分送",
            informed(b) or "不分送", **kw)
    c.value("lifecycle", (*path, "requires"), f"{label}须写明", "、".join(required_words(a)) or
            w.NONE, "、".join(required_words(b)) or w.NONE, **kw)


def chains(c: Collector) -> None:
    o, n = c.old, c.new
    for name, a, b in pairs(o.chains, n.chains):
        path = ("chains", name)
        cite, old_cite = (b.cite if b else None), (a.cite if a else None)
        if c.presence("chains", path, f"审批链“{name}”", render(a, lambda x: w.chain(o, x)),
                      render(b, lambda x: w.chain(n, x)), cite=cite, old_cite=old_cite,
                      raw=path):
            c.roles_value("chains", (*path, "steps"), f"审批链“{name}”的审批人", w.chain, a, b,
                          cite=cite, old_cite=old_cite, raw=(*path, "steps"))
    _approvals(c)


def _approver(key: str) -> Callable[[Policy, Approvals], str]:
    return lambda p, a: w.chain_named(p, getattr(a, key))


def _approvals(c: Collector) -> None:
    """Policy-wide approvers, then each shared category where it differs from that."""
    o, n = c.old, c.new
    seen: dict[str, tuple[str, str]] = {}
    for key in PURPOSES:
        f = _approver(key)
        seen[key] = (f(c.canon_old, o.approvals), f(c.canon_new, n.approvals))
        if _same_chain(c, getattr(o.approvals, key), getattr(n.approvals, key)):
            continue
        c.roles_value("chains", ("approvals", key), f"{w.PURPOSE_WORDS[key]}人", f,
                      o.approvals, n.approvals, cite=_cite(n, n.approvals, key),
                      old_cite=_cite(o, o.approvals, key),
                      raw=_written(n, n.approvals, key, ("approvals", key)),
                      old_raw=_written(o, o.approvals, key, ("approvals", key)))
    for name in [k for k in o.categories if k in n.categories]:
        ca, cb = o.categories[name].approvals, n.categories[name].approvals
        for key in PURPOSES:
            f = _approver(key)
            if not _same_chain(c, getattr(ca, key), getattr(cb, key)) and \
                    seen[key] != (f(c.canon_old, ca), f(c.canon_new, cb)):
                c.roles_value("chains", ("categories", name, "approvals", key),
                              f"“{name}”{w.PURPOSE_WORDS[key]}人", f, ca, cb,
                              cite=_cite(n, cb, key), old_cite=_cite(o, ca, key),
                              raw=_written(n, cb, key, ("categories", name, "approvals")),
                              old_raw=_written(o, ca, key, ("categories", name, "approvals")))


def _same_chain(c: Collector, x: str | None, y: str | None) -> bool:
    """Both sides use one chain (present in both): its change is listed under its name."""
    return x is not None and x == y and x in c.old.chains and x in c.new.chains


def _written(p: Policy, a: Approvals, key: str, where: tuple[str, ...]) -> tuple[str, ...]:
    """Where the approvers shown for ``key`` were written: the chosen chain's steps (the
    words come from there), else the approvals entry itself."""
    chain = getattr(a, key)
    return ("chains", chain, "steps") if chain in p.chains else where


def _cite(p: Policy, a: Approvals, key: str) -> str | None:
    """The clause of a purpose's approver: the mapping's cite (written for its opening and
    review chains), except for a progress report's approval (反馈须经审核同意), a
    department's own extension (部门时间的延期) and a coordination (送督办单位协调解决),
    which clauses of their own require and their chains cite."""
    chain = p.chains.get(getattr(a, key) or "")
    if key in ("progress", "share", "coordination") and chain is not None and chain.cite:
        return chain.cite
    return a.cite or (chain.cite if chain else None)
