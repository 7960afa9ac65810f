"""Print the installed packages whose versions differ from requirements.lock.

Used by `make test-latest`: the newest versions pyproject's ranges allow, beside the locked
ones, so a failure there names the release that caused it.
Usage: python scripts/lock_drift.py requirements.lock   (run with the venv's python)
"""

from __future__ import annotations

import re
import sys
from importlib import metadata


def _name(raw: str) -> str:
    return re.sub(r"[-_.]+", "-", raw).lower()


def main(lock_path: str) -> None:
    pinned = {}
    with open(lock_path, encoding="utf-8") as lock:
        for line in lock:
            m = re.match(r"([A-Za-z0-9._-]+)==([^ ;\\]+)", line)
            if m:
                pinned[_name(m[1])] = m[2]
    for dist in sorted(metadata.distributions(), key=lambda d: _name(d.metadata["Name"])):
        name = _name(dist.metadata["Name"])
        locked = pinned.get(name)
        if locked != dist.version and name != "duban":
            print(f"      {name} {locked or '(not locked)'} → {dist.version}")


if __name__ == "__main__":
    main(sys.argv[1])
