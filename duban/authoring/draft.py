"""A first policy from a regulation: its clauses, every candidate rule, what was left over.

This is the one entry point the CLI calls: read the file, run every finder over every
clause, and collect the sentences with numbers no finder explained (the report lists them
so a user knows what to read by eye). It returns data; rendering is in
:mod:`~duban.authoring.skeleton`, :mod:`~duban.authoring.inventory` and
:mod:`~duban.authoring.report`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from duban.authoring.candidates import AREAS, Candidate, original, sentence_around
from duban.authoring.regulation import Regulation, read_regulation
from duban.authoring.roles import find_roles
from duban.authoring.rules import (
    find_approvals,
    find_extensions,
    find_numbering,
    find_penalties,
    find_reminders,
)
from duban.authoring.structure import Clause
from duban.authoring.timelimits import find_time_limits

#: Sections whose keys are names the tool makes up, so a repeated one can be renamed.
_NAMED_MAPS = (("chains",), ("time_limits", "steps"), ("organisation", "roles"))
#: Finders run on each clause, in the order their candidates are listed.
CLAUSE_FINDERS: tuple[Callable[[Clause], list[Candidate]], ...] = (
    find_approvals, find_time_limits, find_extensions, find_reminders, find_penalties,
    find_numbering)
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|[一二两三四五六七八九十]+(?=[个次项天日周月年分倍人名])")
#: Numbers that are not rules: list positions, years, dates, form fields.
_NOT_A_RULE = re.compile(r"^(第|附件|附表|附)|[年月]$")


@dataclass
class Draft:
    """Everything ``duban init --from`` found in one regulation."""

    regulation: Regulation
    candidates: list[Candidate]
    unclassified: list[tuple[str, str]] = field(default_factory=list)

    def by_area(self) -> dict[str, list[Candidate]]:
        out: dict[str, list[Candidate]] = {a: [] for a in AREAS}
        for c in self.candidates:
            out[c.area].append(c)
        return out

    def of_clause(self, cite: str) -> list[Candidate]:
        return [c for c in self.candidates if c.cite == cite]


def draft_from_file(path: Path, part: int | None = None) -> Draft:
    """Read ``path`` and find every candidate rule in it."""
    regulation = read_regulation(path, part)
    candidates = find_roles(regulation.clauses)
    for clause in regulation.clauses:
        for finder in CLAUSE_FINDERS:
            candidates.extend(finder(clause))
    candidates = distinct_keys(candidates)
    return Draft(regulation, candidates, unclassified(regulation.clauses, candidates))


def distinct_keys(candidates: list[Candidate]) -> list[Candidate]:
    """Drop a suggestion repeated in one clause; name apart the same key from two clauses
    (两条都写“总经理审核”), so adopting both never writes a key twice."""
    out: list[Candidate] = []
    seen: dict[tuple[tuple[str, ...], str], str] = {}
    names: dict[tuple[str, ...], set[str]] = {}
    for c in candidates:
        if c.key is None and isinstance(c.value, dict) and "name" in c.value:
            taken = names.setdefault(c.path, set())
            name, k = str(c.value["name"]), 1
            while name in taken:
                k += 1
                name = f"{c.value['name']}（{k}）"
            taken.add(name)
            c = replace(c, value={**c.value, "name": name})
        if c.key is None or c.value is None or c.path not in _NAMED_MAPS:
            if c.value is not None and any((o.path, o.key, o.value) == (c.path, c.key, c.value)
                                           for o in out):
                continue  # the same suggestion twice (a form printed twice)
            out.append(c)
            continue
        where = (c.path, c.key)
        if where in seen:
            if seen[where] == c.cite:
                continue
            c = replace(c, key=f"{c.key}（{c.cite}）")
        seen[(c.path, str(c.key))] = c.cite
        out.append(c)
    return out


def unclassified(clauses: list[Clause], candidates: list[Candidate]
                 ) -> list[tuple[str, str]]:
    """(cite, sentence) for sentences holding a number that no candidate quotes."""
    quoted: dict[str, list[str]] = {}
    for c in candidates:
        if c.area != "organisation":
            quoted.setdefault(c.cite, []).append(c.quote)
    out: list[tuple[str, str]] = []
    for clause in clauses:
        seen: set[str] = set()
        for m in _NUMBER.finditer(clause.plain):
            context = clause.plain[max(0, m.start() - 1):m.end() + 1]
            if _NOT_A_RULE.search(context.strip()):
                continue
            sentence = sentence_around(clause.plain, m.start(), m.end())
            shown = original(clause.text, clause.plain, sentence)
            if shown in seen or any(shown in q or q in shown for q in quoted.get(clause.cite, [])):
                continue
            seen.add(shown)
            out.append((clause.cite, shown))
    return out
