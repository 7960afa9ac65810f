"""Policy tests, kyverno-test style: which scenarios, under which policies, with which outcome.

Two kinds of file make cases:

* a suite, ``duban-test.yaml`` (or ``<name>.duban-test.yaml``)::

      name: 我公司督办制度测试
      policies: [policies/my_company.yaml, gansu_huizhan]   # files or ids
      scenarios: [scenarios/*.yaml]                          # globs, relative to this file
      expect:                                                # per scenario, then per policy
        late-return: {gansu_huizhan: {items: {A: {on_time: false}}}}

  runs every scenario under every policy;
* a scenario file with its own ``expect:`` (found in a directory, or named
  ``*.scenario.yaml``) runs under the policies it names in ``policies:``, else under the
  policy named like its folder (``tests/policies/gansu_huizhan/*.yaml``).

A scenario's own ``expect:`` counts in a suite too: ``{<policy id>: …}`` for that policy,
or written flat for the policies in its ``policies:`` (every policy when it names none).
A policy written as an id is looked up in ``policies/<id>.yaml`` beside the file or in a
folder above it, then among the shipped policies. Everything here returns data; a
malformed file is a :class:`PolicyError` naming every problem with its location.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from duban.errors import DubanError, Location, PolicyError, Problem
from duban.policy.loader import load_policy
from duban.policy.model import Policy
from duban.policy.shipped import resolve_policy
from duban.policy.yamlsrc import Source, load_yaml_file
from duban.simulation.outcome import outcome
from duban.simulation.runner import RunResult, run_scenario
from duban.simulation.scenario import Scenario, parse_scenario
from duban.testing import golden as golden_file
from duban.testing.coverage import Exercised, trace
from duban.testing.expect import Difference, differences, golden, updated

SUITE_KEYS = ("name", "description", "policies", "scenarios", "expect")
OUTCOME_KEYS = frozenset({"items", "penalties", "rejected_steps", "kpi"})
SKIP_DIRS = frozenset({"__pycache__", "node_modules", "venv", "build", "dist", "site-packages"})
NO_EXPECTATION = ("没有预期结果：在场景或 duban-test.yaml 的 expect: 中写出，或用 --update"
                  "（pytest: --duban-update）生成 / no expected outcome")
_TOP = re.compile(r"^(steps|expect|scenarios|policies):", re.MULTILINE)


def is_suite_file(path: Path) -> bool:
    return path.name in ("duban-test.yaml", "duban-test.yml") or \
        path.name.endswith((".duban-test.yaml", ".duban-test.yml"))


def top_keys(path: Path) -> set[str]:
    """The top-level keys that matter here, read cheaply (no YAML parse)."""
    try:
        return set(_TOP.findall(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return set()


def is_scenario_with_expect(path: Path) -> bool:
    """A scenario file that carries its own expected outcome (``steps:`` and ``expect:``)."""
    return path.suffix in (".yaml", ".yml") and {"steps", "expect"} <= top_keys(path)


def scenario_key(path: Path) -> str:
    """How cases and suites name a scenario: the file name without ``.scenario.yaml``."""
    name = path.name
    for suffix in (".scenario.yaml", ".scenario.yml", ".yaml", ".yml"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


# -- policies --------------------------------------------------------------------------------

def find_policy(ref: str, base: Path) -> Path | None:
    """The file of a policy written in a test file in folder ``base``: a path (relative to
    ``base``, then to the working directory), or an id found in ``policies/<id>.yaml``
    beside or above ``base``, then a shipped or built-in policy."""
    if "/" in ref or ref.endswith((".yaml", ".yml")):
        for candidate in (base / ref, Path(ref)):
            if candidate.is_file():
                return candidate
        return None
    for folder in (base, *base.resolve().parents):
        candidate = folder / "policies" / f"{ref}.yaml"
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            break
    return resolve_policy(ref)


@cache
def _load_policy(path: str) -> Policy:
    return load_policy(path)


def policy_from(path: Path) -> Policy:
    """A compiled policy, once per file and process (policies are immutable)."""
    return _load_policy(str(path.resolve()))


# -- cases -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Expectation:
    """A partial expected outcome and where it is written (for messages and updates)."""

    file: Path
    path: tuple[str, ...]
    value: Any
    source: Source | None = field(default=None, compare=False, repr=False)
    shared: bool = False  # a flat ``expect:`` that several policies of the run share

    def locate(self, diff: Difference) -> Location | None:
        if self.source is None:
            return None
        return self.source.locate([*self.path, *diff.path])


@dataclass(frozen=True)
class Case:
    """One scenario under one policy, with what it must give."""

    id: str
    scenario: Scenario
    scenario_file: Path
    policy: Policy
    expectations: tuple[Expectation, ...]
    home: Expectation  # where a first expectation is written (``--update``)
    suite: Path | None = None


def _own_expectations(sc: Scenario, file: Path, src: Source | None, policy_id: str,
                      run_ids: Sequence[str]) -> list[Expectation]:
    """The expectations a scenario file writes for one policy. A flat ``expect:`` belongs
    to the scenario's own policies (``policies:``, else the policy its folder is named
    after); a scenario that names none shares it with every policy it runs under."""
    expect = sc.expect
    if not isinstance(expect, Mapping) or not expect:
        return []
    if policy_id in expect:
        return [Expectation(file, ("expect", policy_id), expect[policy_id], src)]
    if not OUTCOME_KEYS & set(expect):
        return []
    owners = sc.policies or ((file.parent.name,) if file.parent.name in run_ids else ())
    if owners and policy_id not in owners:
        return []
    return [Expectation(file, ("expect",), expect, src, shared=not owners and len(run_ids) > 1)]


def _read_scenario(path: Path) -> tuple[Scenario, Source]:
    src = load_yaml_file(path)
    return parse_scenario(src), src


def scenario_cases(path: Path) -> list[Case]:
    """The cases of a scenario file run on its own (its policies, its own ``expect:``)."""
    sc, src = _read_scenario(path)
    refs = list(sc.policies)
    problems: list[Problem] = []
    if not refs:
        if find_policy(path.parent.name, path.parent) is not None:
            refs = [path.parent.name]
        else:
            problems.append(Problem(
                "test.no_policy", "场景没有指明在哪个策略下运行 / the scenario names no policy",
                src.locate(()), "At 顶层", None, None,
                "写 policies: [策略id]，或把场景放进以策略 id 命名的文件夹，或在 duban-test.yaml 中列出"))
    policies = _policies(refs, path.parent, src, ("policies",), problems)
    if problems:
        raise PolicyError(problems)
    cases = []
    for policy in policies:
        home_path = ("expect",) if len(policies) == 1 and not _keyed(sc.expect, policies) \
            else ("expect", policy.id)
        cases.append(Case(f"{scenario_key(path)}-{policy.id}", sc, path, policy,
                          tuple(_own_expectations(sc, path, src, policy.id,
                                                 [p.id for p in policies])),
                          Expectation(path, home_path, None, src)))
    return cases


def _keyed(expect: Any, policies: Sequence[Policy]) -> bool:
    return isinstance(expect, Mapping) and any(p.id in expect for p in policies)


def _policies(refs: Iterable[str], base: Path, src: Source, at: tuple[Any, ...],
              problems: list[Problem]) -> list[Policy]:
    out: list[Policy] = []
    for i, ref in enumerate(refs):
        where = src.locate((*at, i))
        path = find_policy(str(ref), base)
        if path is None:
            problems.append(Problem(
                "test.unknown_policy", f"找不到策略 '{ref}' / no such policy", where,
                "At " + " > ".join(map(str, (*at, i))), str(ref), "策略文件路径（相对于本文件）或策略 id",
                "写 policies/我公司.yaml 这样的路径，或已发布策略的 id，如 gansu_huizhan"))
            continue
        try:
            policy = policy_from(path)
        except DubanError as err:
            problems.extend(err.problems or [Problem("test.policy", str(err), where)])
            continue
        if all(p.id != policy.id for p in out):
            out.append(policy)
    return out


@dataclass(frozen=True)
class Suite:
    file: Path
    name: str
    policies: tuple[Policy, ...]
    scenarios: tuple[Path, ...]
    cases: tuple[Case, ...]


def load_suite(path: Path) -> Suite:
    """Read a ``duban-test.yaml`` and build its cases; every mistake is reported at once."""
    src = load_yaml_file(path)
    data = src.data
    problems: list[Problem] = []

    def bad(at: tuple[Any, ...], message: str, hint: str | None = None, value: Any = None,
            key: bool = False) -> None:
        problems.append(Problem("test.invalid", message, src.locate(at, key=key),
                                "At " + (" > ".join(map(str, at)) or "顶层"),
                                None if value is None else str(value), None, hint))

    if not isinstance(data, dict):
        bad((), "测试文件须是映射，含 policies 和 scenarios / a test file is a mapping",
            "如 policies: [gansu_huizhan] 与 scenarios: [scenarios/*.yaml]")
        raise PolicyError(problems)
    for key in data:
        if key not in SUITE_KEYS:
            bad((key,), f"不认识的键 '{key}' / unknown key", "可用：" + ", ".join(SUITE_KEYS),
                key=True)
    lists: dict[str, list[str]] = {}
    for key, example in (("policies", "[gansu_huizhan, policies/我公司.yaml]"),
                         ("scenarios", "[scenarios/*.yaml]")):
        value = data.get(key)
        if not isinstance(value, list) or not value or \
                not all(isinstance(v, str) and v for v in value):
            bad((key,), f"`{key}` 须是非空的字符串列表 / `{key}` must be a list of strings",
                f"如 {key}: {example}", value)
            value = []
        lists[key] = value
    base = path.parent
    policies = _policies(lists["policies"], base, src, ("policies",), problems)
    scenarios = _scenario_files(lists["scenarios"], base, bad)
    loaded: list[tuple[Path, Scenario, Source]] = []
    for sc_path in scenarios:
        try:
            loaded.append((sc_path, *_read_scenario(sc_path)))
        except PolicyError as err:
            problems.extend(err.problems)
    expect = data.get("expect") or {}
    if not isinstance(expect, dict):
        bad(("expect",), "expect 须是 {场景: {策略id: 预期}} / `expect` is a mapping")
        expect = {}
    names = {k for sc_path, sc, _ in loaded for k in (scenario_key(sc_path), sc.name)}
    _check_expect(expect, {p.id for p in policies}, names, bad)
    if problems:
        raise PolicyError(problems)
    cases = _suite_cases(path, src, policies, loaded, expect)
    return Suite(path, str(data.get("name") or path.name), tuple(policies),
                 tuple(scenarios), tuple(cases))


class _Bad(Protocol):
    """Reports one mistake of a suite file (``load_suite``'s collector)."""

    def __call__(self, at: tuple[Any, ...], message: str, hint: str | None = None,
                 value: Any = None, key: bool = False) -> None: ...


def _scenario_files(patterns: list[str], base: Path, bad: _Bad) -> list[Path]:
    """The scenario files the suite's globs match, in order, each once; a pattern that
    matches nothing is a mistake."""
    scenarios: list[Path] = []
    for i, pattern in enumerate(patterns):
        hits = sorted(Path(p) for p in glob.glob(str(base / pattern), recursive=True)
                      if Path(p).is_file() and not is_suite_file(Path(p)))
        if not hits:
            bad(("scenarios", i), f"没有文件匹配 '{pattern}' / the pattern matches no file",
                f"路径相对于 {base}", pattern)
        scenarios += [h for h in hits if h not in scenarios]
    return scenarios


def _check_expect(expect: dict[str, Any], ids: set[str], names: set[str], bad: _Bad) -> None:
    """``expect:`` names known scenarios, and under each, policies of the suite or
    outcome fields."""
    for key, value in expect.items():
        if key not in names:
            bad(("expect", key), f"expect 中的场景 '{key}' 不在 scenarios 中 / unknown scenario",
                "写场景文件名（不含 .yaml）或场景的 name", key, key=True)
        elif not isinstance(value, dict):
            bad(("expect", key), "场景的预期须是映射 / an expectation is a mapping")
        else:
            for k in value:
                if k not in ids and k not in OUTCOME_KEYS:
                    bad(("expect", key, k), f"'{k}' 既不是本测试的策略 id，也不是结果字段 / "
                        "neither a policy of this test nor an outcome field",
                        "可用：" + ", ".join([*sorted(ids), *sorted(OUTCOME_KEYS)]), k, key=True)


def suite_scenarios(path: Path) -> frozenset[Path]:
    """The scenario files a suite's globs match (resolved), without building its cases;
    empty for a file that does not load (its own collection reports why)."""
    try:
        return _suite_scenarios(str(path.resolve()), path.stat().st_mtime_ns)
    except OSError:
        return frozenset()


@cache
def _suite_scenarios(path: str, _mtime: int) -> frozenset[Path]:
    try:
        data = load_yaml_file(path).data
    except PolicyError:
        return frozenset()
    patterns = data.get("scenarios") if isinstance(data, dict) else None
    base = Path(path).parent
    return frozenset(Path(p).resolve() for pattern in patterns or () if isinstance(pattern, str)
                     for p in glob.glob(str(base / pattern), recursive=True))


def _suite_cases(path: Path, src: Source, policies: list[Policy],
                 loaded: list[tuple[Path, Scenario, Source]],
                 expect: Mapping[str, Any]) -> list[Case]:
    keys = [scenario_key(p) for p, _, _ in loaded]
    cases = []
    for sc_path, sc, sc_src in loaded:
        key = scenario_key(sc_path)
        label = key if keys.count(key) == 1 else \
            os.path.splitext(os.path.relpath(sc_path, path.parent))[0].replace(os.sep, "/")
        for policy in policies:
            found = _own_expectations(sc, sc_path, sc_src, policy.id, [p.id for p in policies])
            for written in (key, sc.name):
                entry = expect.get(written)
                if isinstance(entry, Mapping):
                    if policy.id in entry:
                        found.append(Expectation(path, ("expect", written, policy.id),
                                                 entry[policy.id], src))
                    elif OUTCOME_KEYS & set(entry):
                        found.append(Expectation(path, ("expect", written), entry, src))
                    break
            cases.append(Case(f"{label}-{policy.id}", sc, sc_path, policy, tuple(found),
                              Expectation(path, ("expect", key, policy.id), None, src), path))
    return cases


# -- discovery -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """Everything ``duban test PATH…`` will run."""

    suites: tuple[Suite, ...]
    cases: tuple[Case, ...]


def discover(paths: Sequence[str | os.PathLike[str]]) -> Plan:
    """Suites and scenario files with ``expect:`` under ``paths`` (files or folders).

    A scenario a suite already runs is not run again on its own. Raises
    :class:`PolicyError` with every problem of every file.
    """
    problems: list[Problem] = []
    suite_files: list[Path] = []
    scenario_files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in _walk(p):
                if is_suite_file(f):
                    suite_files.append(f)
                elif f.name.endswith((".scenario.yaml", ".scenario.yml")) or \
                        is_scenario_with_expect(f):
                    scenario_files.append(f)
        elif p.is_file():
            keys = top_keys(p)
            if is_suite_file(p) or ("scenarios" in keys and "steps" not in keys):
                suite_files.append(p)
            else:
                scenario_files.append(p)
        else:
            problems.append(Problem("test.no_path", "找不到这个文件或目录 / no such file or folder",
                                    None, "", str(raw), None, "检查路径"))
    suites: list[Suite] = []
    for f in dict.fromkeys(suite_files):
        try:
            suites.append(load_suite(f))
        except PolicyError as err:
            problems.extend(err.problems)
    covered = {s.resolve() for suite in suites for s in suite.scenarios}
    cases = [c for s in suites for c in s.cases]
    for f in dict.fromkeys(scenario_files):
        if f.resolve() in covered:
            continue
        try:
            cases += scenario_cases(f)
        except PolicyError as err:
            problems.extend(err.problems)
    if problems:
        raise PolicyError(sorted(problems, key=_place))
    return Plan(tuple(suites), tuple(cases))


def _place(p: Problem) -> tuple[str, int, int]:
    loc = p.location
    return (loc.file, loc.line, loc.column) if loc else ("", 0, 0)


def _walk(root: Path) -> list[Path]:
    out: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        out += [Path(folder) / f for f in sorted(files) if f.endswith((".yaml", ".yml"))]
    return out


# -- running ---------------------------------------------------------------------------------

@dataclass
class CaseResult:
    """What a case gave: ``passed``, ``failed`` (differences, no expectation, replay
    differs) or ``error`` (the scenario cannot run under the policy). ``problems`` are
    the failures no expectation can fix (the run or its replay)."""

    case: Case
    status: str
    differences: list[tuple[Expectation, Difference]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    outcome: dict[str, Any] | None = None
    run: RunResult | None = None
    exercised: Exercised | None = None

    @property
    def header(self) -> str:
        return f"场景“{self.case.scenario.name}” 在 {self.case.policy.id} 下"

    def messages(self) -> list[str]:
        """Every failure as a sentence: "场景“迟报退办” 在 gansu_huizhan 下：事项 A 的期限：
        应为 2026-10-14 23:59:59，实际 2026-10-15 23:59:59"."""
        return [f"{self.header}：{d.sentence()}" for _, d in self.differences] + \
            [f"{self.header}：{p}" for p in self.other_failures()]

    def other_failures(self) -> list[str]:
        """Failures that are not a differing field: no expectation, the run, its replay."""
        lacking = [NO_EXPECTATION] if self.status == "failed" and not self.case.expectations \
            else []
        return [*lacking, *self.problems]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.case.id, "scenario": self.case.scenario.name,
                "file": str(self.case.scenario_file), "policy": self.case.policy.id,
                "suite": None if self.case.suite is None else str(self.case.suite),
                "status": self.status,
                "differences": [{**d.to_json(), "written_at": _where(e, d)}
                                for e, d in self.differences],
                "problems": self.other_failures()}


def _where(exp: Expectation, diff: Difference) -> str | None:
    loc = exp.locate(diff)
    return str(loc) if loc else None


def run_case(case: Case) -> CaseResult:
    """Run the scenario, compare the outcome with every expectation, replay the events."""
    try:
        result = run_scenario(case.policy, case.scenario)
        actual = outcome(result)
    except DubanError as err:
        return CaseResult(case, "error", problems=[f"无法运行 / cannot run: {err}"])
    diffs = [(e, d) for e in case.expectations for d in differences(e.value, actual)]
    problems: list[str] = []
    try:
        replayed, exercised = trace(result)
    except DubanError as err:  # the live run accepted an event its replay refuses
        replayed, exercised = {}, None
        problems.append(f"按事件重放失败（引擎缺陷）/ replay failed: {err}")
    for key, item in result.items.items():
        if exercised is not None and replayed.get(key) != item:
            problems.append(f"事项 {key} 按事件重放的结果与运行结果不同（引擎缺陷）/ replay differs")
    status = "failed" if diffs or problems or not case.expectations else "passed"
    return CaseResult(case, status, diffs, problems, actual, result, exercised)


def update(result: CaseResult) -> tuple[list[Path], list[str]]:
    """Rewrite the expectations of a case to its outcome (``--update``).

    Returns the files changed, and notes on what could not be rewritten: a flat
    ``expect:`` shared by several policies is left alone (rewriting it to one policy's
    outcome would break the others); write it per policy id instead.
    """
    if result.outcome is None:
        return [], []
    changed: list[Path] = []
    notes = [f"{result.header}：{p}" for p in result.problems]  # not the expectations' fault
    targets = [(e, updated(e.value, result.outcome)) for e in result.case.expectations] or \
        [(result.case.home, golden(result.outcome))]
    for exp, value in targets:
        if exp.shared:
            notes.append(f"{result.header}：{exp.file} 的 expect: 由多个策略共用，未自动更新；"
                         f"请按策略 id 分开写（expect: {{{result.case.policy.id}: …}}）/ a shared "
                         "flat expect: is not rewritten")
            continue
        if golden_file.rewrite(exp.file, exp.path, value) and exp.file not in changed:
            changed.append(exp.file)
    return changed, notes
