"""The seed regulations (``../shared/seeds``, present in CI) against the shipped policies.

Done means, for every shipped policy's regulation: ``duban init --from`` finds every time
limit the policy encodes that its cited clause states, with the same cite; the drafted
inventory has at least 90% of the shipped ``clauses.yaml`` ids (the rest are listed by
the failure and by ``python -m bench.init_from_bench``); and the regulation printed to
.docx and to PDF gives the same inventory as its text. The shipped files are re-read on
every run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bench.init_from_bench import compare, format_table, seeds_dir, shipped_regulations
from duban.authoring.draft import draft_from_file
from duban.authoring.layout import split_parts
from duban.authoring.regulation import read_regulation
from duban.authoring.script import prepare
from duban.authoring.skeleton import render_skeleton
from duban.authoring.sources import text_paragraphs
from duban.policy.clauses import rule_cites
from duban.policy.loader import load_policy, validate_paths

SEEDS = seeds_dir()
pytestmark = pytest.mark.skipif(SEEDS is None, reason="../shared/seeds is not present")
REGULATIONS = shipped_regulations(SEEDS) if SEEDS else []


@pytest.mark.parametrize(("policy", "seed", "part"), REGULATIONS,
                         ids=[r[0] for r in REGULATIONS])
def test_init_from_finds_what_the_shipped_policy_encodes(policy: str, seed: Path,
                                                         part: int | None) -> None:
    result = compare(policy, seed, part)
    print(format_table([result]))
    assert result.missing_limits == [], "explicit time limits not found with the same cite"
    assert result.matched_ids >= 0.9 * result.shipped_ids, (
        f"{policy}: {result.matched_ids}/{result.shipped_ids} clause ids; not drafted: "
        f"{result.missing_ids}")


def test_there_is_something_to_compare() -> None:
    assert len(REGULATIONS) >= 14
    total = [compare(*r) for r in REGULATIONS]
    explicit = sum(len(r.explicit) for r in total)
    assert explicit >= 20, "the comparison must cover the shipped policies' time limits"


def _part_paragraphs(seed: Path, part: int | None) -> list[str]:
    """The paragraphs of one 篇 as a user would save it on its own."""
    if part is None:
        return text_paragraphs(seed)
    lines, _ = prepare(text_paragraphs(seed))
    chosen = next(p for p in split_parts(lines) if p.number == part)
    return [line.text for line in chosen.lines]


@pytest.mark.parametrize(("policy", "seed", "part"), REGULATIONS,
                         ids=[r[0] for r in REGULATIONS])
def test_docx_and_pdf_of_a_seed_give_the_same_inventory(policy: str, seed: Path, part: int | None,
        tmp_path: Path, cjk_font: Path, write_docx: Callable[..., Path],
        write_pdf: Callable[[list[str], Path], Path]) -> None:
    paragraphs = _part_paragraphs(seed, part)
    text = tmp_path / f"{policy}.txt"
    text.write_text("\n".join(paragraphs), encoding="utf-8")
    expected = [(c.cite, c.text) for c in read_regulation(text).clauses]
    from_docx = read_regulation(write_docx(paragraphs, tmp_path / f"{policy}.docx")).clauses
    from_pdf = read_regulation(write_pdf(paragraphs, tmp_path / f"{policy}.pdf")).clauses
    assert [(c.cite, c.text) for c in from_docx] == expected
    assert [(c.cite, c.text) for c in from_pdf] == expected


@pytest.mark.parametrize(("policy", "seed", "part"), REGULATIONS,
                         ids=[r[0] for r in REGULATIONS])
def test_each_seed_skeleton_validates_once_every_suggestion_is_decided(policy: str, seed: Path,
        part: int | None, tmp_path: Path, decide: Callable[[str, bool], str]) -> None:
    out = tmp_path / "policies" / "draft.yaml"
    out.parent.mkdir()
    draft = draft_from_file(seed, part)
    text = render_skeleton(draft, "draft", out, None)
    out.write_text(text, encoding="utf-8")
    problems = validate_paths([str(out)])[str(out)]
    assert {p.code for p in problems} == {"placeholder.undecided"}
    assert len(problems) == len(draft.candidates)
    out.write_text(decide(text, adopt=False), encoding="utf-8")
    load_policy(out)
    out.write_text(decide(text, adopt=True), encoding="utf-8")
    adopted = load_policy(out)
    first: dict[tuple[object, ...], str] = {}
    for c in draft.candidates:  # alternatives (二选一) stay commented: the first is adopted
        if c.value is not None and (c.key is None or (c.path, c.key) not in first):
            first[(c.path, c.key, id(c)) if c.key is None else (c.path, c.key)] = c.cite
    assert set(first.values()) <= {cite for _, cite in rule_cites(dict(adopted.raw))}
