"""`python -m bench`: every benchmark, one table each, from one run."""

from __future__ import annotations

import importlib
import platform
import sys

MODULES = ("bench.policy_bench", "bench.calendar_bench", "bench.engine_bench",
           "bench.store_bench", "bench.integrity_bench", "bench.init_from_bench",
           "bench.web_bench", "bench.pages_bench")


def main() -> int:
    print(f"duban benchmarks — Python {platform.python_version()} on {platform.machine()}, "
          f"{platform.processor() or platform.platform()}")
    for name in MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                print(f"\n({name} not present)")
                continue
            raise
        print()
        print(mod.format_table(mod.run()))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
