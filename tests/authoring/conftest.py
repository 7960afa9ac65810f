"""Fixtures for the authoring tests: a Chinese font for printing PDFs, the seeds, the
regulation texts written for the tests, and the documents a user reads them from."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from tests.authoring import documents, editing
from tests.authoring import regulations as _regulations

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "install_cjk_font.sh"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def cjk_font() -> Path:
    """The font fpdf2 prints Chinese with; installed (as root) when missing."""
    if documents.FONT.is_file():
        return documents.FONT
    if os.geteuid() == 0:
        proc = subprocess.run(["sh", str(SCRIPT)], capture_output=True, text=True,
                              timeout=1800, check=False)
        if proc.returncode == 0 and documents.FONT.is_file():
            return documents.FONT
        reason = f"installing the font failed ({proc.returncode}): {proc.stderr[-2000:]}"
    else:
        reason = "the Chinese font is missing and we are not root: run scripts/install_cjk_font.sh"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def regulations() -> ModuleType:
    """The regulation texts written for these tests (``tests/authoring/regulations.py``):
    lists of paragraphs and the cites a reader writes for their clauses."""
    return _regulations


@pytest.fixture(params=["tiao", "dotted", "parts", "traditional"])
def cited_text(request: pytest.FixtureRequest) -> tuple[list[str], list[str]]:
    """(paragraphs, the cites of their clauses), once per numbering shape."""
    shape = request.param.upper()
    return getattr(_regulations, shape), getattr(_regulations, f"{shape}_CITES")


@pytest.fixture(scope="session")
def write_docx() -> Callable[..., Path]:
    """``write_docx(paragraphs, path, word_numbering=False)``: a Word file as a user has it."""
    return documents.write_docx


@pytest.fixture(scope="session")
def write_pdf() -> Callable[[list[str], Path], Path]:
    """``write_pdf(paragraphs, path)``: a printed PDF of the paragraphs."""
    return documents.write_pdf


@pytest.fixture(scope="session")
def decide() -> Callable[[str, bool], str]:
    """``decide(text, adopt)``: what a user does with a drafted policy's suggestions."""
    return editing.decide
