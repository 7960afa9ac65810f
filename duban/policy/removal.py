"""Removing an inherited state takes the inherited transitions that only serve it along.

Why: a policy whose regulation has no 退回 writes ``已退回: null``; the base's 退回 and 改派
transitions still name that state, and the author used to get "unknown state" errors
located in the base file, then had to guess which transitions to remove. Here, after
merging, every transition written by another file than the one that removed the state:

* is dropped when it leads to the removed state or starts only from removed states;
* loses the removed states from its ``from`` list otherwise.

The policy's own transitions are left alone: naming a state it removed is its own
mistake, reported where it stands.
"""

from __future__ import annotations

from typing import Any

from duban.policy.merge import Origins
from duban.policy.yamlsrc import Source

Path = tuple[Any, ...]


def removed_states(chain: list[Source]) -> dict[str, Source]:
    """State name -> the file that removed it (``name: null``) after a base defined it."""
    defined: set[str] = set()
    out: dict[str, Source] = {}
    for src in chain:
        for name, spec in (src.data.get("states") or {}).items():
            if spec is None and name in defined:
                out[name] = src
            elif spec is not None:
                defined.add(name)
                out.pop(name, None)
    return out


def prune(data: dict[str, Any], origins: Origins, chain: list[Source]) -> None:
    """Drop or trim, in place, inherited transitions that refer to removed states."""
    gone = removed_states(chain)
    if not gone or not isinstance(data.get("transitions"), list):
        return
    kept: list[Any] = []
    moves: dict[int, int | None] = {}
    for i, t in enumerate(data["transitions"]):
        writer = _writer(origins, ("transitions", i))
        refs = gone if writer is None else {s: src for s, src in gone.items() if src is not writer}
        sources = [t["from"]] if isinstance(t.get("from"), str) else list(t.get("from") or [])
        left = [s for s in sources if s not in refs]
        if refs and (t.get("to") in refs or (sources and not left)):
            moves[i] = None
            continue
        if len(left) != len(sources):
            t = {**t, "from": left}
        moves[i] = len(kept)
        kept.append(t)
    data["transitions"] = kept
    _renumber(origins, moves)


def _writer(origins: Origins, path: Path) -> Source | None:
    for k in range(len(path), -1, -1):
        hit = origins.get(path[:k])
        if hit is not None:
            return hit[0]
    return None


def _renumber(origins: Origins, moves: dict[int, int | None]) -> None:
    shifted: Origins = {}
    for key, value in list(origins.items()):
        if len(key) >= 2 and key[0] == "transitions" and isinstance(key[1], int):
            del origins[key]
            new = moves.get(key[1], key[1])
            if new is not None:
                shifted[("transitions", new, *key[2:])] = value
    origins.update(shifted)
