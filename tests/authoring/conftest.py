"""Fixtures for the authoring tests: a Chinese font for printing PDFs, and the seeds."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.authoring.documents import FONT

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "install_cjk_font.sh"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def cjk_font() -> Path:
    """The font fpdf2 prints Chinese with; installed (as root) when missing."""
    if FONT.is_file():
        return FONT
    if os.geteuid() == 0:
        proc = subprocess.run(["sh", str(SCRIPT)], capture_output=True, text=True,
                              timeout=1800, check=False)
        if proc.returncode == 0 and FONT.is_file():
            return FONT
        reason = f"installing the font failed ({proc.returncode}): {proc.stderr[-2000:]}"
    else:
        reason = "the Chinese font is missing and we are not root: run scripts/install_cjk_font.sh"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)
