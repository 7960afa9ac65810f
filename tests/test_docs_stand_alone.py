"""The repository stands alone: its docs link only to files it has, and it names no
design notes that users do not have."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", *patterns], cwd=ROOT, capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    return [ROOT / line for line in out.stdout.splitlines()]


def test_no_file_points_at_the_team_design_notes() -> None:
    name = "DESIGN" + ".md"  # spelt apart so this file does not match itself
    hits = [str(p.relative_to(ROOT)) for p in _tracked()
            if p.is_file() and p.suffix not in (".lock", ".png", ".docx", ".xlsx", ".pdf")
            and name in p.read_text(encoding="utf-8", errors="replace")]
    assert hits == []


@pytest.mark.parametrize("doc", _tracked("README.md", "docs/*.md", "docs/**/*.md",
                                         "plugins/*.md", "plugins/**/*.md"),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    missing = [target for target in LINK.findall(text)
               if "://" not in target and not target.startswith("mailto:")
               and not (doc.parent / target).exists()]
    assert missing == [], f"{doc.relative_to(ROOT)} links to missing files"
