"""Which rules of a policy the scenarios exercised, as ``opa test --coverage`` reports lines.

Why from the run and not from the scenario text: a step written ``action: approve`` may
fire any of several transitions, or none (refused); only the engine's effects say what
happened. So the events a run recorded are folded again through the pure core (which
also checks that replay gives the live items) and their effects are read:

================  ==============================================================
area              exercised when
================  ==============================================================
transitions       a ``state_changed`` effect names it
timers            it fired (reminders, step limits, approval-step limits,
                  分部门时限, 定时反馈)
chains            an approval on it was requested
chain steps       someone approved or rejected at that step
penalties         the ledger holds an entry of the rule
counters          the ledger holds an entry of the counter
================  ==============================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from duban.engine.core import INTERNAL_ACTIONS, engine_for
from duban.engine.model import Effect, Event, ItemState
from duban.policy.model import Policy
from duban.simulation.runner import RunResult

AREAS = ("transitions", "timers", "chains", "steps", "penalties", "counters")
AREA_WORDS = {"transitions": "转换", "timers": "定时器", "chains": "审批链", "steps": "审批步骤",
              "penalties": "扣分规则", "counters": "累计规则"}
HANDOFF_TIMER, PROGRESS_TIMER = "分部门时限", "定时反馈"


@dataclass
class Exercised:
    """What one run (or several, merged) exercised, per area, by rule name."""

    hit: dict[str, set[str]] = field(default_factory=lambda: {a: set() for a in AREAS})

    def merge(self, other: Exercised) -> None:
        for area in AREAS:
            self.hit[area] |= other.hit[area]


def universe(policy: Policy) -> dict[str, list[str]]:
    """Every rule of the policy that a scenario could exercise, per area, in policy order."""
    chains = referenced_chains(policy)
    timers = [r.name for r in policy.reminders] + [s.name for s in policy.step_limits]
    review_chains = set(_extension_chains(policy)) if _review_limit(policy) else set()
    timers += [f"{c}/{s.name}" for c in chains for s in policy.chains[c].steps
               if s.limit is not None or c in review_chains]
    if policy.per_department is not None:
        timers.append(HANDOFF_TIMER)
    if policy.progress is not None:
        timers.append(PROGRESS_TIMER)
    timers += [r.name for r in policy.at_least]  # the end of each period is checked
    return {
        "transitions": list(dict.fromkeys(t.name for t in policy.transitions)),
        "timers": list(dict.fromkeys(timers)),
        "chains": chains,
        "steps": [f"{c}/{s.name}" for c in chains for s in policy.chains[c].steps],
        "penalties": list(dict.fromkeys(r.name for r in policy.penalties)),
        "counters": list(dict.fromkeys(c.name for c in policy.counters)),
    }


def referenced_chains(policy: Policy) -> list[str]:
    """Chains some category uses (opening, pause, resume, review, progress, n-th extension); a chain
    only defined (e.g. inherited and replaced) cannot be exercised and is not counted."""
    names: list[str] = []
    for appr in [policy.approvals, *(c.approvals for c in policy.categories.values())]:
        names += [n for n in (appr.opening, appr.pause, appr.resume, appr.review,
                              appr.progress, appr.share, appr.coordination) if n]
    names += _extension_chains(policy)
    return [n for n in dict.fromkeys(names) if n in policy.chains]


def _extension_chains(policy: Policy) -> list[str]:
    return [*policy.extensions.approvers,
            *(a for c in policy.categories.values() for a in c.extensions.approvers)]


def _review_limit(policy: Policy) -> bool:
    return policy.extensions.review_limit is not None


def trace(result: RunResult) -> tuple[dict[str, ItemState], Exercised]:
    """Replay every item's recorded events through the core; return the items as replayed
    (the caller compares them with the live ones) and what the run exercised."""
    policy = result.policy
    engine = engine_for(policy)
    seen = Exercised()
    items: dict[str, ItemState] = {}
    for key, events in result.events.items():
        item = engine.new_item(key)
        for event in events:
            before = item
            item, effects = engine.apply(item, event, event.at)
            _read(policy, before, event, effects, seen)
        items[key] = item
    penalty_names = {r.name for r in policy.penalties}
    counter_names = {c.name for c in policy.counters}
    for entry in result.ledger:
        if entry.rule in penalty_names:
            seen.hit["penalties"].add(entry.rule)
        if entry.rule in counter_names:
            seen.hit["counters"].add(entry.rule)
    return items, seen


def _read(policy: Policy, before: ItemState, event: Event, effects: list[Effect],
          seen: Exercised) -> None:
    hit = seen.hit
    for eff in effects:
        if eff.kind == "state_changed":
            hit["transitions"].add(str(eff.data["transition"]))
        elif eff.kind == "approval_requested":
            hit["chains"].add(str(eff.data["chain"]))
        elif eff.kind == "timer_fired":
            hit["timers"].add(_timer(policy, before, str(eff.data["name"])))
    pending = before.pending
    if pending is None or event.action in INTERNAL_ACTIONS or \
            not policy.states[before.state].approval:
        return
    if engine_for(policy).resolve(event.action)[0] in ("approve", "reject"):
        chain = policy.chains.get(pending.chain)
        if chain is not None and pending.step < len(chain.steps):
            hit["steps"].add(f"{pending.chain}/{chain.steps[pending.step].name}")


def _timer(policy: Policy, before: ItemState, name: str) -> str:
    """The coverage label of a fired timer (approval-step limits are named by chain)."""
    if any(r.name == name for r in policy.reminders) or \
            any(s.name == name for s in policy.step_limits) or \
            name in (HANDOFF_TIMER, PROGRESS_TIMER):
        return name
    if before.pending is not None:
        return f"{before.pending.chain}/{name}"
    return name


@dataclass(frozen=True)
class AreaCoverage:
    area: str
    total: tuple[str, ...]
    covered: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        done = set(self.covered)
        return tuple(n for n in self.total if n not in done)

    @property
    def percent(self) -> float | None:
        return 100.0 * len(self.covered) / len(self.total) if self.total else None


@dataclass(frozen=True)
class PolicyCoverage:
    """One policy's coverage over every scenario run under it."""

    policy_id: str
    scenarios: int
    areas: tuple[AreaCoverage, ...]

    @property
    def covered(self) -> int:
        return sum(len(a.covered) for a in self.areas)

    @property
    def total(self) -> int:
        return sum(len(a.total) for a in self.areas)

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.total if self.total else 100.0

    def to_json(self) -> dict[str, object]:
        return {"policy": self.policy_id, "scenarios": self.scenarios,
                "percent": round(self.percent, 2), "covered": self.covered,
                "total": self.total,
                "areas": {a.area: {"percent": None if a.percent is None else round(a.percent, 2),
                                   "covered": list(a.covered), "missing": list(a.missing),
                                   "total": len(a.total)} for a in self.areas}}


def report(policy: Policy, runs: Iterable[Exercised]) -> PolicyCoverage:
    """Merge the runs of one policy and measure them against its rules."""
    merged = Exercised()
    n = 0
    for run in runs:
        merged.merge(run)
        n += 1
    rules = universe(policy)
    areas = tuple(AreaCoverage(a, tuple(rules[a]),
                               tuple(x for x in rules[a] if x in merged.hit[a]))
                  for a in AREAS)
    return PolicyCoverage(policy.id, n, areas)


def summarize(runs: Iterable[tuple[Policy, Exercised | None]]) -> dict[str, PolicyCoverage]:
    """Coverage per policy (sorted by id) from ``(policy, exercised)`` pairs of many runs;
    a run that could not finish (``None``) still counts its policy in."""
    policies: dict[str, Policy] = {}
    grouped: dict[str, list[Exercised]] = {}
    for policy, seen in runs:
        policies[policy.id] = policy
        grouped.setdefault(policy.id, [])
        if seen is not None:
            grouped[policy.id].append(seen)
    return {pid: report(policies[pid], grouped[pid]) for pid in sorted(grouped)}


def below(reports: Mapping[str, PolicyCoverage], threshold: float) -> list[PolicyCoverage]:
    """The policies whose total coverage is under ``threshold`` percent."""
    return [r for r in reports.values() if r.percent + 1e-9 < threshold]


def render(cover: Mapping[str, PolicyCoverage], threshold: float | None = None) -> str:
    """Per policy: the total, then each area with what was not exercised."""
    lines = ["覆盖率（各策略的规则被场景执行到的比例）/ coverage of each policy's rules"]
    for c in cover.values():
        flag = "  ✗ 低于门槛" if threshold is not None and c.percent + 1e-9 < threshold else ""
        lines.append(f"{c.policy_id}：{c.percent:.1f}%（{c.covered}/{c.total}，"
                     f"{c.scenarios} 个场景）{flag}")
        for a in c.areas:
            if not a.total:
                continue
            miss = f"  未覆盖：{'、'.join(a.missing)}" if a.missing else ""
            lines.append(f"  {AREA_WORDS[a.area]} {a.area}: {a.percent:.0f}%"
                         f"（{len(a.covered)}/{len(a.total)}）{miss}")
    if threshold is not None:
        low = below(cover, threshold)
        lines.append(f"门槛 threshold {threshold:g}%：" +
                     ("全部达到 / met" if not low else
                      "未达到 / not met: " + "、".join(f"{c.policy_id} {c.percent:.1f}%"
                                                      for c in low)))
    return "\n".join(lines)
