"""Coverage-guided fuzzing (atheris/libFuzzer) of the policy loader and scenario parser:
a short run in every test run, a long one with ``DUBAN_SOAK=1`` (``make soak``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
atheris = pytest.importorskip("atheris", reason="atheris does not install on this platform")


def test_loader_and_scenario_parser_survive_fuzzing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "fuzz" / "corpus", corpus)  # libFuzzer adds to its corpus
    runs = 200_000 if os.environ.get("DUBAN_SOAK") else 4_000
    proc = subprocess.run([sys.executable, str(ROOT / "fuzz" / "fuzz_policy.py"),
                           f"-runs={runs}", "-max_len=4096", str(corpus)],
                          capture_output=True, text=True, timeout=1800, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert f"Done {runs} runs" in proc.stderr
