"""`extends`: merging a policy over its base, remembering where every value came from.

Merge rules (documented in docs/authoring.md):

* mappings merge by key, recursively; ``key: null`` removes an inherited key;
* lists of named things (transitions, reminders, penalties — items with a ``name``) merge
  by name: an item with a known name is merged into the inherited one in place, a new
  name is appended, ``{name: X, remove: true}`` removes X;
* any other value (scalars, plain lists) replaces the inherited one.

Why origins: a semantic error found after merging ("unknown role in chain") must still
point at the file and line that wrote the value, which may be the base policy.
"""

from __future__ import annotations

from typing import Any

from duban.policy.yamlsrc import Source

Path = tuple[Any, ...]
#: merged path -> (source that wrote it, path inside that source)
Origins = dict[Path, tuple[Source, Path]]


def _named_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(x, dict) and isinstance(x.get("name"), str) for x in value)


def annotate(data: Any, src: Source, path: Path = (), merged: Path = (),
             origins: Origins | None = None) -> Origins:
    """Record that the subtree at ``merged`` comes from ``src`` at ``path``.

    Only subtree roots are recorded: a location lookup walks up to the deepest recorded
    prefix, so one entry serves a whole subtree written in one file.
    """
    origins = {} if origins is None else origins
    origins[merged] = (src, path)
    return origins


def merge(base: Any, base_origins: Origins, over: Any, src: Source) -> tuple[Any, Origins]:
    """Merge ``over`` (written in ``src``) onto ``base``; return the result and its origins."""
    origins: Origins = {}
    result = _merge(base, base_origins, (), over, src, (), (), origins)
    return result, origins


def _copy_origins(base_origins: Origins, old: Path, new: Path, out: Origins) -> None:
    """Carry the origin of the base subtree at ``old`` (now at ``new``) into ``out``."""
    for n in range(len(old), -1, -1):
        hit = base_origins.get(old[:n])
        if hit is not None:
            src, spath = hit
            out[new] = (src, (*spath, *old[n:]))
            break
    k = len(old)
    for p, o in base_origins.items():
        if len(p) > k and p[:k] == old:
            out[(*new, *p[k:])] = o


def _merge(base: Any, bo: Origins, bpath: Path, over: Any, src: Source, opath: Path,
           mpath: Path, out: Origins) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out[mpath] = (src, opath)
        result: dict[str, Any] = {}
        for k, v in base.items():
            if k in over:
                continue
            result[k] = v
            _copy_origins(bo, (*bpath, k), (*mpath, k), out)
        for k, v in over.items():
            if v is None:
                continue  # null removes the inherited key
            if k in base and base[k] is not None:
                result[k] = _merge(base[k], bo, (*bpath, k), v, src, (*opath, k),
                                   (*mpath, k), out)
            else:
                result[k] = v
                annotate(v, src, (*opath, k), (*mpath, k), out)
        # keep the base's key order, then the new keys
        ordered = {k: result[k] for k in base if k in result}
        ordered.update({k: result[k] for k in result if k not in ordered})
        return ordered
    if _named_list(base) and isinstance(over, list) and all(
            isinstance(x, dict) and "name" in x for x in over):
        out[mpath] = (src, opath)
        index = {x["name"]: i for i, x in enumerate(base)}
        removed: set[int] = set()
        appended: list[tuple[Any, int]] = []
        overrides: dict[int, int] = {}
        for j, x in enumerate(over):
            i = index.get(x["name"])
            if x.get("remove") is True:
                if i is not None:
                    removed.add(i)
                continue
            if i is None:
                appended.append((x, j))
            else:
                overrides[i] = j
        result_list: list[Any] = []
        for i, bval in enumerate(base):
            if i in removed:
                continue
            k = len(result_list)
            if i in overrides:
                j = overrides[i]
                result_list.append(_merge(bval, bo, (*bpath, i), over[j], src, (*opath, j),
                                          (*mpath, k), out))
            else:
                result_list.append(bval)
                _copy_origins(bo, (*bpath, i), (*mpath, k), out)
        for x, j in appended:
            k = len(result_list)
            result_list.append(x)
            annotate(x, src, (*opath, j), (*mpath, k), out)
        return result_list
    annotate(over, src, opath, mpath, out)
    return over
