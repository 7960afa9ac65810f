"""Debian's Chromium for the browser tests (the 通报 screenshot, the web app): a test
plugin (registered by ``tests/conftest.py``) whose session fixture ``chromium`` is the
browser's path.

:func:`chromium_path` finds ``/usr/bin/chromium`` or installs it with the project's own
``scripts/install_chromium.sh`` (apt-get, as root — CI runs as root on a fresh Debian);
no browser is ever downloaded by a test tool. In CI (``CI=true``) a browser that cannot
be had fails the test; elsewhere it is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "install_chromium.sh"


def chromium_path() -> str:
    found = shutil.which("chromium") or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if found:
        return found
    if os.geteuid() == 0:
        proc = subprocess.run(["sh", str(SCRIPT)], capture_output=True, text=True,
                              timeout=1800, check=False)
        if proc.returncode == 0 and os.access(CHROMIUM, os.X_OK):
            return CHROMIUM
        reason = f"installing chromium failed ({proc.returncode}): {proc.stderr[-2000:]}"
    else:
        reason = "chromium is missing and we are not root: run scripts/install_chromium.sh as root"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of Debian's Chromium (every test using it is marked ``slow``)."""
    return chromium_path()
