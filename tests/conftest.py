"""Shared fixtures: the repository root and policy loading with a cache (policies are
immutable, so one compiled object per file serves every test)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from duban.policy.loader import load_policy
from duban.policy.model import Policy

ROOT = Path(__file__).resolve().parents[1]


@cache
def policy_at(path: str) -> Policy:
    return load_policy(path)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
