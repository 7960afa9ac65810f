"""`extends`: merging a policy over its base, remembering where every value came from.

Merge rules (documented in docs/authoring.md):

* mappings merge by key, recursively; ``key: null`` removes an inherited key;
* lists of named things (transitions, reminders, penalties — items with a ``name``) merge
  by name: an item with a known name is merged into the inherited one in place, a new
  name is appended, ``{name: X, remove: true}`` removes X; a chain's ``steps`` are a
  sequence and are replaced whole (an approver written anew is not appended after the
  inherited ones);
* any other value (scalars, plain lists) replaces the inherited one.

Why origins: a semantic error found after merging ("unknown role in chain") must still
point at the file and line that wrote the value, which may be the base policy.
"""

from __future__ import annotations

from typing import Any

from duban.errors import Problem
from duban.policy.yamlsrc import Source

Path = tuple[Any, ...]
#: merged path -> (source that wrote it, path inside that source)
Origins = dict[Path, tuple[Source, Path]]


def _named_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(x, dict) and isinstance(x.get("name"), str) for x in value)


def annotate(src: Source, path: Path = (), merged: Path = (),
             origins: Origins | None = None) -> Origins:
    """Record that the subtree at ``merged`` comes from ``src`` at ``path``.

    Only subtree roots are recorded: a location lookup walks up to the deepest recorded
    prefix, so one entry serves a whole subtree written in one file.
    """
    origins = {} if origins is None else origins
    origins[merged] = (src, path)
    return origins


def _nothing(src: Source, path: Path, what: str) -> Problem:
    return Problem("semantic.nothing_to_remove",
                   f"没有可删除的继承项 {what} / nothing inherited to remove: {what}",
                   src.locate(path), "At " + " > ".join(map(str, path)), None,
                   "只能删除基础策略中存在的项 / only inherited entries can be removed",
                   "删除这一行，或检查名称是否与基础策略中的一致 / delete the line or fix the name")


def strip_removals(value: Any, src: Source, path: Path, problems: list[Problem]) -> Any:
    """A copy of a subtree with nothing inherited under it: ``null`` entries and
    ``remove: true`` items have nothing to remove, which is reported, then dropped."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if v is None:
                problems.append(_nothing(src, (*path, k), f"'{k}'"))
                continue
            out[k] = strip_removals(v, src, (*path, k), problems)
        return out
    if isinstance(value, list):
        kept = []
        for i, v in enumerate(value):
            if isinstance(v, dict) and v.get("remove") is True:
                problems.append(_nothing(src, (*path, i), f"'{v.get('name')}'"))
                continue
            kept.append(strip_removals(v, src, (*path, i), problems))
        return kept
    return value


def merge(base: Any, base_origins: Origins, over: Any, src: Source
          ) -> tuple[Any, Origins, list[Problem]]:
    """Merge ``over`` (written in ``src``) onto ``base``; return the result, its origins and
    the removals that had nothing to remove."""
    origins: Origins = {}
    problems: list[Problem] = []
    result = _merge(base, base_origins, (), over, src, (), (), origins, problems)
    return result, origins, problems


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
           mpath: Path, out: Origins, problems: list[Problem]) -> Any:
    """``over`` written over ``base``: mappings key by key, lists of named items name by
    name (not a chain's ``steps``, whose order is the chain), anything else replaced."""
    args = (base, bo, bpath, over, src, opath, mpath, out, problems)
    if isinstance(base, dict) and isinstance(over, dict):
        out[mpath] = (src, opath)
        return _merge_mapping(*args)
    if _named_list(base) and isinstance(over, list) and mpath[-1:] != ("steps",) and all(
            isinstance(x, dict) and "name" in x for x in over):
        out[mpath] = (src, opath)
        return _merge_named(*args)
    annotate(src, opath, mpath, out)
    return over


def _merge_mapping(base: dict[str, Any], bo: Origins, bpath: Path, over: dict[str, Any],
                   src: Source, opath: Path, mpath: Path, out: Origins,
                   problems: list[Problem]) -> dict[str, Any]:
    """Key by key: a key written over is merged, ``null`` removes it, new keys follow."""
    result: dict[str, Any] = {}
    for k, v in base.items():
        if k in over:
            continue
        result[k] = v
        _copy_origins(bo, (*bpath, k), (*mpath, k), out)
    for k, v in over.items():
        if v is None:  # null removes the inherited key
            if k not in base:
                problems.append(_nothing(src, (*opath, k), f"'{k}'"))
            continue
        if k in base and base[k] is not None:
            result[k] = _merge(base[k], bo, (*bpath, k), v, src, (*opath, k),
                               (*mpath, k), out, problems)
        else:
            result[k] = strip_removals(v, src, (*opath, k), problems)
            annotate(src, (*opath, k), (*mpath, k), out)
    # keep the base's key order, then the new keys
    ordered = {k: result[k] for k in base if k in result}
    ordered.update({k: result[k] for k in result if k not in ordered})
    return ordered


def _merge_named(base: list[Any], bo: Origins, bpath: Path, over: list[Any], src: Source,
                 opath: Path, mpath: Path, out: Origins, problems: list[Problem]) -> list[Any]:
    """Name by name: an item of the same name is merged, ``remove: true`` drops it, new
    names are appended."""
    index = {x["name"]: i for i, x in enumerate(base)}
    removed: set[int] = set()
    appended: list[tuple[Any, int]] = []
    overrides: dict[int, int] = {}
    for j, x in enumerate(over):
        i = index.get(x["name"])
        if x.get("remove") is True:
            if i is not None:
                removed.add(i)
            else:
                problems.append(_nothing(src, (*opath, j), f"'{x['name']}'"))
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
                                      (*mpath, k), out, problems))
        else:
            result_list.append(bval)
            _copy_origins(bo, (*bpath, i), (*mpath, k), out)
    for x, j in appended:
        k = len(result_list)
        result_list.append(strip_removals(x, src, (*opath, j), problems))
        annotate(src, (*opath, j), (*mpath, k), out)
    return result_list
