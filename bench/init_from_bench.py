"""``duban init --from`` against the shipped policies: clause ids and time limits.

For every shipped policy whose regulation is in ``../shared/seeds`` (as in CI), draft it
from the seed text and compare, re-reading the shipped files each run (they change as
policies are re-encoded):

* clause ids: the share of the shipped ``clauses.yaml`` cites that the drafted inventory
  has, with the ones it lacks listed;
* time limits: every duration in the policy, with its nearest ``cite``. One is *explicit*
  when its cited clause says that amount in that unit (e.g. "2个工作日", "两周", "每个月");
  recall is the share of explicit limits the draft suggests with the same cite and value,
  precision the share of drafted time-limit suggestions that some policy limit matches.
  Limits the text does not state at their cite are listed (an encoding decision, or a
  cite to check).

Run with ``python -m bench`` (all benchmarks) or ``python -m bench.init_from_bench``.
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from duban.authoring.docx_source import chinese_numeral
from duban.authoring.draft import Draft, draft_from_file
from duban.authoring.numbering import read_number
from duban.authoring.script import clean, to_simplified
from duban.calendar.duration import Duration, DurationSyntaxError, parse_duration

ROOT = Path(__file__).resolve().parents[1]
_SKIP_KEYS = {"name", "title", "note", "text", "cite", "reason", "notes", "source", "measures",
              "question", "decision", "kinds", "when"}
_UNIT_WORDS = {"working_day": "个?工作日", "day": "[日天]", "hour": "个?小时",
               "week": "个?(?:周|星期)", "month": "个?月"}


def seeds_dir() -> Path | None:
    """``../shared/seeds`` beside the checkout (or beside the main checkout of a worktree)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        folder = base / "shared" / "seeds"
        if folder.is_dir():
            return folder
    return None


@dataclass
class Comparison:
    policy: str
    shipped_ids: int
    matched_ids: int
    missing_ids: list[str]
    extra_ids: list[str]
    explicit: list[tuple[str, str, str]]          # (rule path, duration, cite)
    found: list[tuple[str, str, str]]
    not_in_text: list[tuple[str, str, str]]
    suggested: int
    suggested_matched: int
    seconds: float
    missing_limits: list[tuple[str, str, str]] = field(default_factory=list)


def shipped_regulations(seeds: Path) -> list[tuple[str, Path, int | None]]:
    """(policy id, seed file, 篇 number) read from each inventory's ``source``."""
    out = []
    for inventory in sorted((ROOT / "tests" / "policies").glob("*/clauses.yaml")):
        source = str((yaml.safe_load(inventory.read_text(encoding="utf-8")) or {}).get("source"))
        seed = re.search(r"\b(\d{3})\b", source)
        part = re.search(r"第\s*([0-9一二三四五六七八九十]+)\s*篇", source)
        if seed is None:
            continue
        files = sorted(seeds.glob(f"{seed.group(1)}_*.txt"))
        if files:
            out.append((inventory.parent.name, files[0],
                        read_number(part.group(1)) if part else None))
    return out


def policy_limits(raw: Any, cite: str | None = None, path: str = ""
                  ) -> list[tuple[str, Duration, str | None]]:
    """Every duration in a policy document with the cite that governs it."""
    out: list[tuple[str, Duration, str | None]] = []
    if isinstance(raw, dict):
        here = raw.get("cite", cite)
        for key, value in raw.items():
            if key not in _SKIP_KEYS:
                out.extend(policy_limits(value, here, f"{path}.{key}" if path else str(key)))
    elif isinstance(raw, list):
        for i, value in enumerate(raw):
            out.extend(policy_limits(value, cite, f"{path}[{i}]"))
    elif isinstance(raw, str):
        with contextlib.suppress(DurationSyntaxError, ValueError):
            out.append((path, parse_duration(raw), cite))
    return out


def states(text: str, d: Duration) -> bool:
    """Whether ``text`` says the amount of ``d`` in its unit (独立于 the finders)."""
    numerals = {str(d.amount), chinese_numeral(d.amount)} | ({"两"} if d.amount == 2 else set())
    amount = "|".join(sorted(numerals, key=len, reverse=True))
    pattern = rf"(?<![0-9一二三四五六七八九十])(?:{amount})\s*{_UNIT_WORDS[d.unit]}"
    if d.amount == 1 and d.unit in ("month", "week"):
        pattern += rf"|每\s*{_UNIT_WORDS[d.unit]}"
    return bool(re.search(pattern, text))


def compare(policy: str, seed: Path, part: int | None) -> Comparison:
    inventory = yaml.safe_load((ROOT / "tests" / "policies" / policy / "clauses.yaml")
                               .read_text(encoding="utf-8"))
    texts = {str(c["cite"]): to_simplified(clean(str(c.get("text", ""))))
             for c in inventory.get("clauses") or ()}
    started = time.perf_counter()
    draft = draft_from_file(seed, part)
    seconds = time.perf_counter() - started
    mine = [c.cite for c in draft.regulation.clauses]
    shipped = list(texts)
    raw = yaml.safe_load((ROOT / "policies" / f"{policy}.yaml").read_text(encoding="utf-8"))
    explicit, found, not_in_text, missing = [], [], [], []
    used: set[int] = set()
    for path, d, cite in policy_limits(raw):
        cites = [c for c in re.split(r"[；;]\s*", cite or "") if c]
        row = (path, d.to_text_zh(), cite or "（无出处）")
        if not any(states(texts.get(c, ""), d) for c in cites):
            not_in_text.append(row)
            continue
        explicit.append(row)
        hits = [i for i, c in enumerate(_limits(draft)) if c.cite in cites and c.duration == d]
        used.update(hits)
        (found if hits else missing).append(row)
    suggested = len(_limits(draft))
    return Comparison(policy, len(shipped), sum(1 for c in shipped if c in mine),
                      [c for c in shipped if c not in mine], [c for c in mine if c not in shipped],
                      explicit, found, not_in_text, suggested, len(used), seconds, missing)


def _limits(draft: Draft) -> list[Any]:
    return [c for c in draft.candidates if c.area == "time_limit"]


def run() -> list[Comparison]:
    seeds = seeds_dir()
    if seeds is None:
        return []
    return [compare(*spec) for spec in shipped_regulations(seeds)]


def format_table(results: list[Comparison]) -> str:
    if not results:
        return "init --from: ../shared/seeds not found; nothing compared"
    lines = ["duban init --from vs the shipped policies (seed texts, re-read each run)",
             f"{'policy':20} {'clause ids':>14} {'explicit limits found':>22} "
             f"{'suggestions matched':>20} {'ms':>6}"]
    totals = [0, 0, 0, 0, 0, 0]
    for r in results:
        lines.append(f"{r.policy:20} {r.matched_ids:>5}/{r.shipped_ids:<4} {r.matched_ids / r.shipped_ids:>4.0%}"
                     f" {len(r.found):>12}/{len(r.explicit):<9} {r.suggested_matched:>10}/{r.suggested:<9}"
                     f" {r.seconds * 1000:>6.0f}")
        for i, v in enumerate((r.matched_ids, r.shipped_ids, len(r.found), len(r.explicit),
                               r.suggested_matched, r.suggested)):
            totals[i] += v
    recall = totals[2] / totals[3] if totals[3] else 1.0
    precision = totals[4] / totals[5] if totals[5] else 1.0
    lines.append(f"{'all':20} {totals[0]:>5}/{totals[1]:<4} {totals[0] / totals[1]:>4.0%}"
                 f" {totals[2]:>12}/{totals[3]:<9} {totals[4]:>10}/{totals[5]:<9}")
    lines.append(f"time limits: recall {recall:.0%} (explicit limits found with the same cite), "
                 f"precision {precision:.0%} (suggestions some policy limit matches)")
    for r in results:
        if r.missing_ids:
            lines.append(f"  {r.policy} clause ids not drafted: {', '.join(r.missing_ids)}")
        for path, d, cite in r.missing_limits:
            lines.append(f"  {r.policy} explicit limit not found: {path} {d} @ {cite}")
        for path, d, cite in r.not_in_text:
            lines.append(f"  {r.policy} limit its cited clause does not state: {path} {d} @ {cite}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_table(run()))
