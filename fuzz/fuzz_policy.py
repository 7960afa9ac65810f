"""Coverage-guided fuzzing of the policy loader and the scenario parser with atheris.

Run: ``python fuzz/fuzz_policy.py -runs=20000`` (libFuzzer options apply). The property
is the project's contract for user input: whatever the bytes, loading either succeeds or
raises :class:`duban.errors.PolicyError` with located problems — never another exception.
The seeds are the shipped policies and scenarios.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from duban.errors import PolicyError
    from duban.policy.loader import load_policy
    from duban.simulation.scenario import load_scenario

TMP = Path(tempfile.mkdtemp(prefix="duban-fuzz-"))


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    which = fdp.ConsumeIntInRange(0, 1)
    text = fdp.ConsumeUnicodeNoSurrogates(4096)
    try:
        if which == 0:
            path = TMP / "p.yaml"
            path.write_text(text, encoding="utf-8")
            load_policy(path)
        else:
            load_scenario(text=text, name="s.yaml")
    except PolicyError as err:
        for p in err.problems:
            assert p.location is not None or p.code.startswith("yaml.io"), p
    except RecursionError:
        raise


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
