"""Shared by the diff tests: the data folder, the CLI runner, golden files."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner, Result

from duban.cli import main

DATA = Path(__file__).parent / "data"
OLD = DATA / "areas" / "old.yaml"
UPDATE = os.environ.get("DUBAN_UPDATE_GOLDEN") == "1"


def run(*args: str) -> Result:
    """``duban ARGS`` through click's runner (stderr kept apart from stdout)."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def golden(path: Path, actual: str) -> str:
    """The expected text stored at ``path``; ``DUBAN_UPDATE_GOLDEN=1`` rewrites it."""
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with DUBAN_UPDATE_GOLDEN=1 and review it"
    return path.read_text(encoding="utf-8")
