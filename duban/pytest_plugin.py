"""pytest plugin: policy tests as pytest items, and a ``duban_run`` fixture.

Registered through the ``pytest11`` entry point, so it is active wherever duban is
installed; collecting YAML is therefore opt-in, and an unrelated test suite is untouched:

* ``--duban`` (or ini ``duban_collect = true``) collects ``duban-test.yaml`` suites and
  ``*.scenario.yaml`` files;
* ``--duban-scenarios PATH`` (or ini ``duban_scenarios = PATH …``) also collects every
  YAML file under PATH with top-level ``steps:`` and ``expect:``;
* a suite or scenario named on the command line is always collected.

Each scenario × policy is one item, ``test[<scenario>-<policy id>]``; a scenario a suite
already runs is not collected again on its own. ``--duban-update`` rewrites the expected
outcomes to the actual ones (see :mod:`duban.testing.golden`); ``--duban-coverage`` prints
the coverage of each policy after the run. Imports of duban happen inside the hooks, so
the plugin costs nothing in a session that does not use it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from duban.policy.model import Policy
    from duban.simulation.runner import RunResult
    from duban.simulation.scenario import Scenario
    from duban.testing.suite import Case, CaseResult

_RESULTS = pytest.StashKey[list["CaseResult"]]()
_UPDATED = pytest.StashKey[list[str]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("duban", "duban policy tests")
    group.addoption("--duban", action="store_true", default=False,
                    help="collect duban-test.yaml and *.scenario.yaml files")
    group.addoption("--duban-scenarios", action="append", default=[], metavar="PATH",
                    help="also collect YAML scenarios with steps: and expect: under PATH")
    group.addoption("--duban-update", action="store_true", default=False,
                    help="rewrite the expected outcomes in the files to the actual ones")
    group.addoption("--duban-coverage", action="store_true", default=False,
                    help="report which transitions, timers, chains and penalty rules ran")
    parser.addini("duban_collect", type="bool", default=False,
                  help="collect duban-test.yaml and *.scenario.yaml files (as --duban)")
    parser.addini("duban_scenarios", type="paths", default=[],
                  help="folders whose YAML scenarios with steps: and expect: are collected")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "duban: a duban policy test (scenario × policy)")
    config.stash[_RESULTS] = []
    config.stash[_UPDATED] = []


def _scenario_roots(config: pytest.Config) -> list[Path]:
    roots = [Path(p).resolve() for p in config.getini("duban_scenarios")]
    roots += [Path(p).resolve() for p in config.getoption("duban_scenarios")]
    return roots


def _explicit(config: pytest.Config, path: Path) -> bool:
    """Whether ``path`` was named on the command line (always collected)."""
    return any(Path(arg.split("::")[0]).resolve() == path for arg in config.args)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    config = parent.config
    path = file_path.resolve()
    roots = _scenario_roots(config)
    enabled = bool(config.getoption("duban") or config.getini("duban_collect") or roots)
    explicit = _explicit(config, path)
    if not (enabled or explicit):
        return None
    from duban.testing import suite
    if suite.is_suite_file(path):
        return DubanSuiteFile.from_parent(parent, path=file_path)
    named = path.name.endswith((".scenario.yaml", ".scenario.yml"))
    under = any(path.is_relative_to(r) for r in roots)
    if not (named or ((under or explicit) and suite.is_scenario_with_expect(path))):
        return None
    if not explicit and _in_a_suite(path, config.rootpath.resolve()):
        return None
    return DubanScenarioFile.from_parent(parent, path=file_path)


def _in_a_suite(path: Path, root: Path) -> bool:
    """Whether a ``duban-test.yaml`` beside or above the file (up to the rootdir) runs it."""
    from duban.testing import suite

    for folder in path.parents:
        for f in sorted(folder.glob("*duban-test.y*ml")):
            if suite.is_suite_file(f) and path in suite.suite_scenarios(f):
                return True
        if folder == root or not folder.is_relative_to(root):
            break
    return False


class DubanFile(pytest.File):
    """A YAML file that yields one item per scenario × policy."""

    def cases(self) -> list[Case]:
        raise NotImplementedError

    def collect(self) -> Iterator[DubanItem]:
        for case in self.cases():
            yield DubanItem.from_parent(self, name=f"test[{case.id}]", case=case)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str | Any:  # noqa: ARG002 (pytest's signature)
        from duban.errors import DubanError

        if isinstance(excinfo.value, DubanError):
            return _relative(f"{excinfo.value}\n测试文件有误，未收集 / bad test input",
                             self.config)
        return super().repr_failure(excinfo)


class DubanSuiteFile(DubanFile):
    def cases(self) -> list[Case]:
        from duban.testing.suite import load_suite

        return list(load_suite(self.path).cases)


class DubanScenarioFile(DubanFile):
    def cases(self) -> list[Case]:
        from duban.testing.suite import scenario_cases

        return scenario_cases(self.path)


class DubanMismatch(Exception):
    """A case whose outcome differs from what was written; carries its sentences."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class DubanItem(pytest.Item):
    """One scenario under one policy."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.add_marker("duban")

    def runtest(self) -> None:
        from duban.testing.suite import run_case, update

        result = run_case(self.case)
        self.config.stash[_RESULTS].append(result)
        if result.status == "passed":
            return
        if result.status == "failed" and self.config.getoption("duban_update"):
            files, notes = update(result)
            self.config.stash[_UPDATED].extend(str(f) for f in files)
            if not notes:
                return
            raise DubanMismatch(notes)
        raise DubanMismatch(_lines(result))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str | Any:  # noqa: ARG002 (pytest's signature)
        if isinstance(excinfo.value, DubanMismatch):
            return _relative("\n".join(excinfo.value.lines), self.config)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[os.PathLike[str] | str, int | None, str]:
        return self.path, None, f"{self.name}（{self.case.scenario_file.name}）"


def _relative(text: str, config: pytest.Config) -> str:
    """File names in messages relative to the rootdir, as pytest shows node ids."""
    return text.replace(f"{config.rootpath}{os.sep}", "")


def _lines(result: CaseResult) -> list[str]:
    """The failure as a reader wants it: each differing field, and where it is written."""
    out = []
    for (exp, diff), msg in zip(result.differences, result.messages(), strict=False):
        loc = exp.locate(diff)
        out.append(msg + (f"\n    （预期写在 {loc}）" if loc else ""))
    out += result.messages()[len(result.differences):]
    out.append("（运行 pytest --duban-update 把预期改写为实际结果 / to accept the new outcome）")
    return out


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    updated = config.stash.get(_UPDATED, [])
    if updated:
        terminalreporter.write_sep("-", "duban: 已更新预期结果 / expected outcomes updated")
        for f in dict.fromkeys(updated):
            terminalreporter.write_line(f)
    results = config.stash.get(_RESULTS, [])
    if config.getoption("duban_coverage") and results:
        from duban.testing.coverage import render, summarize

        terminalreporter.write_sep("-", "duban coverage")
        terminalreporter.write_line(render(summarize((r.case.policy, r.exercised)
                                                     for r in results)))


# -- the fixture for hand-written tests --------------------------------------------------------

@dataclass
class DubanRun:
    """A scenario run under a policy: the outcome JSON of the contract and the raw result."""

    scenario: Scenario
    policy: Policy
    result: RunResult
    outcome: dict[str, Any]

    def item(self, key: str) -> dict[str, Any]:
        """One item's outcome (``state``, ``due``, ``on_time``, ``reminders`` …)."""
        return dict(self.outcome["items"][key])

    def differences(self, expected: dict[str, Any]) -> list[str]:
        """What differs from a partial expectation, as sentences."""
        from duban.testing.expect import differences

        head = f"场景“{self.scenario.name}” 在 {self.policy.id} 下"
        return [f"{head}：{d.sentence()}" for d in differences(expected, self.outcome)]

    def expect(self, expected: dict[str, Any]) -> None:
        """Assert a partial expectation; the failure lists each differing field."""
        problems = self.differences(expected)
        if problems:
            raise AssertionError("\n".join(problems))


@pytest.fixture
def duban_run(request: pytest.FixtureRequest) -> Callable[[Any, Any], DubanRun]:
    """``duban_run(scenario, policy)``: run a scenario (a file, relative to the test's
    folder or the working directory, YAML text, or a loaded Scenario) under a policy (an
    id, a file, or a loaded Policy)."""
    base = Path(str(request.path)).parent

    def run(scenario: Any, policy: Any) -> DubanRun:
        from duban.policy.model import Policy
        from duban.simulation.outcome import outcome
        from duban.simulation.runner import run_scenario
        from duban.simulation.scenario import Scenario, load_scenario
        from duban.testing.suite import find_policy, policy_from

        if isinstance(scenario, Scenario):
            sc = scenario
        elif isinstance(scenario, str) and "\n" in scenario:
            sc = load_scenario(text=scenario, name=f"<{request.node.name}>")
        else:
            path = base / scenario if (base / scenario).is_file() else Path(scenario)
            sc = load_scenario(path)
        if isinstance(policy, Policy):
            pol = policy
        else:
            found = find_policy(str(policy), base)
            if found is None:
                raise pytest.UsageError(f"找不到策略 '{policy}' / no such policy")
            pol = policy_from(found)
        result = run_scenario(pol, sc)
        return DubanRun(sc, pol, result, outcome(result))

    return run
