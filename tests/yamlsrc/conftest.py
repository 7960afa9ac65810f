"""Fixtures for the strict YAML loader tests."""

from __future__ import annotations

import pytest
import yaml

from duban.policy import yamlsrc


@pytest.fixture(params=["libyaml", "python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libyaml and again with PyYAML's pure-Python parser (the fallback)."""
    if request.param == "python":
        monkeypatch.setattr(yamlsrc, "_LOADER", yaml.SafeLoader)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("libyaml is not installed")
    return str(request.param)
