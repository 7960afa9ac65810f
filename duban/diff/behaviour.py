"""The behavioural diff: replay scenarios under OLD and NEW, list the ones that differ.

Why: a rule change is only as important as the cases it decides differently. Every
scenario file under the given folders (recursively; ``clauses.yaml`` and ``duban-test.yaml``
are not scenarios) runs under both policies with the contract runner, and the two outcomes
are compared field by field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from duban.diff.change import Change
from duban.diff.outcome import compare_outcomes
from duban.diff.refs import DiffInputError
from duban.policy.model import Policy
from duban.simulation.outcome import outcome
from duban.simulation.runner import run_scenario
from duban.simulation.scenario import Scenario, load_scenario

NOT_SCENARIOS = frozenset({"clauses.yaml", "duban-test.yaml", "duban-test.yml"})


@dataclass
class ScenarioDiff:
    """One scenario whose outcome differs."""

    path: str
    name: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class BehaviourDiff:
    scenarios: int  # how many were replayed
    differing: list[ScenarioDiff]

    @property
    def changes(self) -> list[Change]:
        return [c for s in self.differing for c in s.changes]


def scenario_files(folders: Iterable[str]) -> list[Path]:
    """Scenario files under ``folders`` (a file is taken as is), sorted, deduplicated."""
    out: list[Path] = []
    for folder in folders:
        p = Path(folder)
        if p.is_file():
            out.append(p)
        elif p.is_dir():
            out += [f for f in sorted(p.rglob("*")) if f.suffix in (".yaml", ".yml")
                    and f.name not in NOT_SCENARIOS and f.is_file()]
        else:
            raise DiffInputError(f"找不到场景目录 '{folder}' / no such scenario folder")
    return list(dict.fromkeys(out))


def _steps(sc: Scenario) -> dict[int, str]:
    return {s.index: f"（{s.item} {s.action}，{s.at.replace('T', ' ')}）" if not s.tick
            else f"（定时检查 {s.at.replace('T', ' ')}）" for s in sc.steps}


def diff_scenario(old: Policy, new: Policy, sc: Scenario) -> ScenarioDiff:
    a = outcome(run_scenario(old, sc))
    b = outcome(run_scenario(new, sc))
    return ScenarioDiff(sc.path, sc.name, compare_outcomes(
        a, b, area="scenarios", where=(sc.path,), source=sc.path, steps=_steps(sc)))


def diff_behaviour(old: Policy, new: Policy, folders: Iterable[str]) -> BehaviourDiff:
    """Replay every scenario under both policies. A malformed scenario raises
    :class:`~duban.errors.PolicyError` naming its file, step and line."""
    files = scenario_files(folders)
    differing = []
    for f in files:
        d = diff_scenario(old, new, load_scenario(f))
        if d.changes:
            differing.append(d)
    return BehaviourDiff(len(files), differing)
