"""Imports run one way, no module imports itself round a cycle, and test modules take
what they share as fixtures.

Why a test: the pure core (calendar, policy, engine) must stay testable without a store,
a notifier or the CLI, and a reader must be able to read the layers from the folders
(docs/architecture.md). An import that runs upward, or a cycle, is easy to add and hard to
see in review; this test reads every module of ``duban/`` (imports inside functions too,
not those under ``if TYPE_CHECKING:``) and names each one that breaks a rule.

The tests have a rule of their own: a test module imports nothing from ``tests.`` and no
conftest (pytest's docs advise against importing conftest modules: pytest loads them itself,
and an import makes a second copy). What test modules share reaches them as fixtures —
from the conftest.py of their folder or from the test plugins ``tests/conftest.py``
registers with ``pytest_plugins``; a value needed while collecting (a parametrize list, a
data path) is computed in the module itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PACKAGE = ROOT / "duban"

#: The layers, lowest first. A module may import modules of its own layer or below.
#: A top-level module or package not named here is an interface (the top layer).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("duban", "duban.vocabulary", "duban.errors", "duban.outbox", "duban.templating"),
    ("duban.calendar",),
    ("duban.policy",),
    ("duban.engine",),
    ("duban.store", "duban.notify", "duban.hookspecs", "duban.plugins", "duban.builtin_plugins"),
    ("duban.runtime",),
    ("duban.simulation", "duban.reports", "duban.diff", "duban.testing", "duban.graph"),
)
#: Neighbours on one layer that must not lean on each other either.
APART = {("duban.store", "duban.notify"), ("duban.notify", "duban.store")}
#: Known breaks, each with who removes it; an entry no longer needed fails the test.
KNOWN: Mapping[tuple[str, str], str] = {}
KNOWN_CYCLES: Mapping[frozenset[str], str] = {}


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _walk(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            continue  # annotations only: no import at run time
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        yield from _walk(child)


def imports(name: str, path: Path, known: Mapping[str, Path]) -> set[str]:
    """The duban modules ``name`` imports; ``from pkg import sub`` counts as ``pkg.sub``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in _walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, *([node.module] if node.module else [])])
        subs = {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known}
        out.update(subs)
        if len(subs) < len(node.names):
            out.add(base)
    return {m for m in out if m in known and m != name}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def _unit(name: str) -> str:
    """The layer table's entry a module belongs to (its longest matching prefix)."""
    best = ""
    for layer in LAYERS:
        for unit in layer:
            if (name == unit or name.startswith(unit + ".")) and len(unit) > len(best):
                best = unit
    if best in ("", "duban") and name != "duban":
        return ".".join(name.split(".")[:2])  # an interface: duban.cli, duban.web …
    return best


def level(name: str) -> int:
    unit = _unit(name)
    for n, layer in enumerate(LAYERS):
        if unit in layer:
            return n
    return len(LAYERS)


def upward(g: Mapping[str, set[str]]) -> dict[tuple[str, str], str]:
    """Every import that runs against the layers, with why."""
    out = {}
    for name, deps in g.items():
        for dep in deps:
            if level(dep) > level(name):
                out[(name, dep)] = f"layer {level(name)} imports layer {level(dep)}"
            elif (_unit(name), _unit(dep)) in APART:
                out[(name, dep)] = f"{_unit(name)} must not import {_unit(dep)}"
    return out


def cycles(g: Mapping[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected groups of two or more modules (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[frozenset[str]] = []
    for root in g:
        if root in index:
            continue
        work = [(root, iter(sorted(g[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(g[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                group = set()
                while True:
                    w = stack.pop()
                    on.discard(w)
                    group.add(w)
                    if w == v:
                        break
                if len(group) > 1:
                    found.append(frozenset(group))
    return found


def test_imports_run_one_way() -> None:
    breaks = upward(graph())
    new = {k: v for k, v in breaks.items() if k not in KNOWN}
    assert new == {}, "imports must run calendar → policy → engine → store/notify → runtime " \
        "→ reports, diff, cli (docs/architecture.md)"
    assert [k for k in KNOWN if k not in breaks] == [], "fixed: delete it from KNOWN"


def test_no_import_cycles() -> None:
    found = cycles(graph())
    assert [c for c in found if c not in KNOWN_CYCLES] == []
    assert [c for c in KNOWN_CYCLES if c not in found] == [], "fixed: delete it from KNOWN_CYCLES"


def test_the_core_imports_no_shell() -> None:
    # the rule as the issue states it, independent of the layer table above
    shell = ("duban.runtime", "duban.store", "duban.notify", "duban.cli", "duban.reports")
    core = ("duban.engine", "duban.policy", "duban.calendar")
    hits = {(name, dep) for name, deps in graph().items() if name.startswith(core)
            for dep in deps if dep.startswith(shell)}
    assert hits - set(KNOWN) == set()


def test_the_checks_see_what_they_look_for() -> None:
    # each check can fail: an upward edge, a same-layer edge kept apart, and a cycle
    g = {"duban.engine.core": {"duban.runtime.service"}, "duban.runtime.service": set(),
         "duban.notify.smtp": {"duban.store.base"}, "duban.store.base": set(),
         "duban.diff.a": {"duban.diff.b"}, "duban.diff.b": {"duban.diff.a"}}
    assert set(upward(g)) == {("duban.engine.core", "duban.runtime.service"),
                              ("duban.notify.smtp", "duban.store.base")}
    assert cycles(g) == [frozenset({"duban.diff.a", "duban.diff.b"})]
    assert level("duban.web.app") == len(LAYERS)  # an unlisted package is an interface
    assert imports("duban.reports.render", PACKAGE / "reports" / "render.py", modules()) >= \
        {"duban.reports.docxout"}


# -- tests take what they share as fixtures ---------------------------------------------------

TESTS = ROOT / "tests"


def borrowed(source: str) -> list[str]:
    """The imports in ``source`` (at any depth, ``TYPE_CHECKING`` blocks included) that
    reach into the test suite: ``tests`` or ``tests.…``, or a conftest module."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            names = [base, *(f"{base}.{a.name}" if base else a.name for a in node.names)]
        else:
            continue
        if any(n == "tests" or n.startswith("tests.") or "conftest" in n.split(".")
               for n in names):
            out.append(f"{node.lineno}: {ast.unparse(node)}")
    return out


def test_test_modules_take_shared_helpers_as_fixtures() -> None:
    hits = {str(path.relative_to(ROOT)): found for path in sorted(TESTS.rglob("test_*.py"))
            if (found := borrowed(path.read_text(encoding="utf-8")))}
    assert hits == {}, "a test module imports from tests. or a conftest: make the helper a " \
        "fixture (a conftest.py, or a plugin in tests/conftest.py's pytest_plugins)"


def test_no_conftest_is_imported() -> None:
    hits = {str(path.relative_to(ROOT)): found for path in sorted(TESTS.rglob("*.py"))
            if (found := [hit for hit in borrowed(path.read_text(encoding="utf-8"))
                          if "conftest" in hit])}
    assert hits == {}, "pytest loads conftest modules itself; share through a fixture"


def test_the_fixture_rule_sees_every_form_of_import() -> None:
    sample = """
import tests.pg_fixture
from tests.conftest import ROOT
from tests import chromium
from .conftest import AS_OF
from . import conftest
from conftest import policy_at
import duban.testing
from duban import testing
def later():
    from tests.web.conftest import ITEM
"""
    assert [hit.split(":")[0] for hit in borrowed(sample)] == \
        ["2", "3", "4", "5", "6", "7", "11"]
