"""Benchmark: loading a policy — strict YAML, schema, extends, compile — for a ~300-line
policy, against PyYAML's own loaders and a bare jsonschema validation of the same data.

Why these peers: a user who hand-builds an OA module would `yaml.safe_load` the file and
run jsonschema on it; duban does more (line marks, duplicate keys, merging, semantic
checks, CEL compilation) and the issue's goal is a median under 20 ms.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from duban.policy import loader
from duban.policy.schema_check import load_schema
from duban.policy.yamlsrc import load_yaml

ROOT = Path(__file__).resolve().parents[1]


def biggest_policy() -> Path:
    """The largest shipped policy (the closest to a real ~300-line one)."""
    candidates = sorted((ROOT / "policies").glob("*.yaml"), key=lambda p: p.stat().st_size)
    return candidates[-1] if candidates else ROOT / "duban" / "policies" / "standard.yaml"


def _median_ms(func: Any, n: int = 30) -> float:
    func()  # warm
    times = []
    for _ in range(n):
        t = time.perf_counter()
        func()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def run() -> list[dict[str, Any]]:
    path = biggest_policy()
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n") + 1
    validator = jsonschema.Draft7Validator(load_schema())
    data = yaml.safe_load(text)
    def cold() -> None:
        loader._CACHE.clear()  # read, parse and schema-check both files again
        loader.load_policy(path)

    rows = [
        {"name": f"duban load_policy ({path.name}, {lines} lines, + standard base), no cache",
         "ms": _median_ms(cold)},
        {"name": "  the same, files unchanged since the last load (cache hit)",
         "ms": _median_ms(lambda: loader.load_policy(path))},
        {"name": "  of which strict YAML (libyaml + marks)",
         "ms": _median_ms(lambda: load_yaml(text, path.name))},
        {"name": "yaml.safe_load (pure Python SafeLoader)", "ms": _median_ms(
            lambda: yaml.load(text, Loader=yaml.SafeLoader))},
        {"name": "yaml.load CSafeLoader (libyaml)", "ms": _median_ms(
            lambda: yaml.load(text, Loader=yaml.CSafeLoader))},
        {"name": "jsonschema Draft7 validate (same data)", "ms": _median_ms(
            lambda: list(validator.iter_errors(data)))},
    ]
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    width = max(len(r["name"]) for r in rows)
    out = ["policy load + validate + compile (median ms)"]
    out += [f"  {r['name']:<{width}}  {r['ms']:8.2f}" for r in rows]
    return "\n".join(out)


if __name__ == "__main__":
    print(format_table(run()))
