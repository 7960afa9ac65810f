"""The policy pipeline, joined: strict YAML → schema → ``extends`` → compile → Policy.

Each stage is its own module and returns data; this one only chains them and turns the
collected problems into one :class:`~duban.errors.PolicyError`. Nothing here prints.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from duban.errors import Location, PolicyError, Problem
from duban.policy import merge, placeholders, removal, schema_check
from duban.policy.compile import compile_policy
from duban.policy.model import Policy
from duban.policy.strict import check as strict_check
from duban.policy.yamlsrc import Source, load_yaml, load_yaml_file

STANDARD = "standard"


def builtin_path(name: str) -> Path:
    """Where a built-in base policy (``extends: standard``) lives."""
    return Path(str(resources.files("duban") / "policies" / f"{name}.yaml"))


#: The largest policy file read (bytes): the largest shipped policy is ~16 KB.
MAX_POLICY_BYTES = 1024 * 1024


def _resolve_base(name: str, referrer: Path) -> Path:
    if name == STANDARD or ("/" not in name and not name.endswith((".yaml", ".yml"))):
        return builtin_path(name)
    return (referrer.parent / name).resolve()


def _base_refused(base: str, target: Path, folder: Path) -> str | None:
    """Why ``extends: base`` (resolved to ``target``) may not be read: it must be a regular
    file inside the folder of the policy being loaded, or a shipped base. Judged by the
    path alone, so nothing of a file outside is ever read, let alone echoed."""
    shipped = builtin_path(STANDARD).parent.resolve()
    if not (target.is_relative_to(folder) or target.is_relative_to(shipped)):
        return (f"extends 只能指向本策略所在文件夹（{folder}）内的文件或内置基础策略，"
                f"'{base}' 不在其中 / `extends` must name a file in the policy's folder or a "
                "shipped base")
    if target.exists() and not target.is_file():
        return f"extends 指向的 '{base}' 不是普通文件 / `extends` must name a regular file"
    return None


def _oversized(path: Path, display: str) -> Problem | None:
    """A file that is not a regular file, or larger than :data:`MAX_POLICY_BYTES`."""
    try:
        st = path.stat()
    except OSError:
        return None  # reported by the read, with the reason
    if not stat.S_ISREG(st.st_mode):
        return Problem("yaml.io", f"不是普通文件 / not a regular file: {display}", None,
                       hint="策略须是 .yaml 文件 / a policy is a .yaml file")
    if st.st_size > MAX_POLICY_BYTES:
        return Problem("yaml.too_large", f"策略文件过大（{st.st_size} 字节，上限 {MAX_POLICY_BYTES}）"
                       f" / policy file too large: {display}", None,
                       hint="策略文件应在 1 MB 以内；把说明移到 docs/ 中 / keep it under 1 MB")
    return None


_CACHE: dict[tuple[str, int, int, str], tuple[Source | None, list[Problem]]] = {}


def _load_one(path: Path, display: str) -> tuple[Source | None, list[Problem]]:
    """Load and schema-check one file; cached by (path, mtime, size), since a base such
    as ``standard`` is read by every policy that extends it. Sources are never mutated."""
    try:
        st = path.stat()
    except OSError:
        return _read_one(path, display)
    key = (str(path), st.st_mtime_ns, st.st_size, display)
    hit = _CACHE.get(key)
    if hit is None:
        hit = _CACHE[key] = _read_one(path, display)
        if len(_CACHE) > 256:
            _CACHE.pop(next(iter(_CACHE)))
    return hit


def _read_one(path: Path, display: str) -> tuple[Source | None, list[Problem]]:
    refused = _oversized(path, display)
    if refused is not None:
        return None, [refused]
    try:
        with open(path, "rb") as fh:  # bounded: the file may grow after the check
            raw = fh.read(MAX_POLICY_BYTES + 1)
        if len(raw) > MAX_POLICY_BYTES:
            return None, [Problem("yaml.too_large", f"策略文件过大 / policy file too large: "
                                  f"{display}", None, hint="策略文件应在 1 MB 以内")]
        text = raw.decode("utf-8")
    except FileNotFoundError:
        return None, [Problem("yaml.io", f"找不到文件 / no such file: {display}", None,
                              hint="检查路径 / check the path")]
    except (OSError, UnicodeDecodeError):
        text = None
    try:
        src = load_yaml(text, display) if text is not None else load_yaml_file(path)
    except PolicyError as err:
        return None, list(err.problems)
    if not isinstance(src.data, dict):
        return None, [Problem("schema.type", "策略文件的顶层必须是映射（键: 值）/ a policy must be a "
                              "mapping at the top level", Location(display, 1, 1),
                              hint="以 `duban: 1`、`id: ...`、`name: ...` 开头")]
    undecided = placeholders.undecided(src)
    if undecided:
        return src, undecided + schema_check.check_data(
            placeholders.without_placeholders(src.data), src)
    return src, schema_check.check(src)


def _chain(path: Path, display: str) -> tuple[list[Source], list[Problem]]:
    """The file and its bases, most basic first; stops at the first problem."""
    chain: list[Source] = []
    seen: list[Path] = []
    current, shown = path.resolve(), display
    folder = current.parent
    while True:
        src, problems = _load_one(current, shown)
        if problems or src is None:
            return chain, problems
        chain.append(src)
        seen.append(current)
        base = src.data.get("extends")
        if base is None:
            break
        nxt = _resolve_base(str(base), current)
        refused = _base_refused(str(base), nxt, folder)
        if refused is not None:
            return chain, [Problem("semantic.extends_outside", refused, src.locate(("extends",)),
                                   "At extends", str(base),
                                   "`standard`，或本策略文件夹内的 .yaml 文件",
                                   "把基础策略复制到本策略所在的文件夹")]
        if nxt in seen:
            names = " → ".join([*(p.name for p in seen), nxt.name])
            return chain, [Problem("semantic.extends_cycle",
                                   f"extends 形成循环 / `extends` cycle: {names}",
                                   src.locate(("extends",)), "At extends", str(base),
                                   hint="删除其中一个 extends")]
        if not nxt.exists():
            return chain, [Problem("semantic.extends_missing",
                                   f"找不到基础策略 '{base}' / base policy not found: "
                                   f"{os.path.relpath(nxt)}",
                                   src.locate(("extends",)), "At extends", str(base),
                                   "`standard` 或相对于本文件的路径",
                                   "检查文件名；内置的基础策略是 standard")]
        current = nxt
        shown = str(base) if nxt.is_relative_to(builtin_path(STANDARD).parent) else \
            os.path.relpath(nxt)
    chain.reverse()
    return chain, []


def _by_place(p: Problem) -> tuple[str, int, int]:
    loc = p.location
    return (loc.file, loc.line, loc.column) if loc else ("", 0, 0)


def load_policy(path: str | os.PathLike[str], *,
                calendar_additions: Iterable[Any] = (),
                conditions: Mapping[str, Callable[[Any], bool]] | None = None,
                beyond_known_data: str | None = None, strict: bool = False) -> Policy:
    """Load, validate and compile a policy file; raise :class:`PolicyError` with every problem.

    ``calendar_additions`` (CalendarAdditions from calendar plugins and the deployment's
    calendar files) extend the calendar; ``beyond_known_data``, when given, is the
    deployment's choice and replaces the policy's own; ``strict`` also refuses every rule
    in force without a cite or an explicit default."""
    p = Path(path)
    chain, problems = _chain(p, str(path))
    if problems:
        raise PolicyError(problems)
    data: Any = {}
    origins: merge.Origins = {}
    removal_problems: list[Problem] = []
    for src in chain:
        if not origins:
            data = merge.strip_removals(src.data, src, (), removal_problems)
            origins = merge.annotate(src)
        else:
            data, origins, found = merge.merge(data, origins, src.data, src)
            removal_problems.extend(found)
    data = {k: v for k, v in data.items() if k != "extends" and not k.startswith("x-")}
    removal.prune(data, origins, chain)

    def locate(mpath: tuple[Any, ...]) -> Location | None:
        for n in range(len(mpath), -1, -1):
            hit = origins.get(mpath[:n])
            if hit is not None:
                src, spath = hit
                return src.locate((*spath, *mpath[n:]))
        return None

    file_of = {k: s.file for k, (s, _) in origins.items()}
    policy, problems = compile_policy(data, locate, str(path), file_of, calendar_additions,
                                      conditions, beyond_known_data)
    problems = removal_problems + _blame_own_file(problems, chain, p)
    if strict:
        problems += strict_check(data, locate, chain[-1])
    if problems or policy is None:
        raise PolicyError(sorted(problems, key=_by_place))
    return policy


def _blame_own_file(problems: list[Problem], chain: list[Source], path: Path) -> list[Problem]:
    """Problems found on inherited lines, when the base alone is valid, were caused by this
    file (a removed state, role or chain the base still names): report them at this file's
    ``extends:`` line, with the inherited line as context, since this is where to act."""
    own = chain[-1]
    inherited = [x for x in problems if x.location is not None and x.location.file != own.file]
    if not inherited or len(chain) < 2:
        return problems
    try:
        load_policy(_resolve_base(str(own.data["extends"]), path.resolve()))
    except PolicyError:
        return problems  # the base is broken on its own: its errors are its own
    here = own.locate(("extends",))
    out = []
    for x in problems:
        if x in inherited:
            x = replace(x, location=here, context=f"{x.context}（继承的 {x.location}，因本策略的改动而失效）",
                        hint=(x.hint + "；" if x.hint else "") + "在本策略中覆盖或删除这条继承项 / "
                        "override or remove the inherited entry here")
        out.append(x)
    return out


def validate_paths(paths: list[str], conditions: Mapping[str, Callable[[Any], bool]] | None = None,
                   *, strict: bool = False) -> dict[str, list[Problem]]:
    """Problems per file (an empty list for a valid one); for ``duban validate``."""
    return {path: problems for path, (problems, _) in
            check_paths(paths, conditions, strict=strict).items()}


def check_paths(paths: list[str], conditions: Mapping[str, Callable[[Any], bool]] | None = None,
                *, strict: bool = False) -> dict[str, tuple[list[Problem], list[Problem]]]:
    """(problems, warnings) per file: a file with problems does not load; warnings name
    what loads but is likely to fail at run time."""
    out: dict[str, tuple[list[Problem], list[Problem]]] = {}
    for path in paths:
        try:
            policy = load_policy(path, conditions=conditions, strict=strict)
            out[path] = ([], list(policy.warnings))
        except PolicyError as err:
            out[path] = (list(err.problems), [])
    return out


def policy_from_document(document: dict[str, Any], path: str) -> Policy:
    """Compile a stored, already merged policy document (a pinned version kept in a
    store); it was valid when stored, so problems here mean the store was tampered with."""
    policy, problems = compile_policy(document, lambda _p: None, path, {})
    if problems or policy is None:
        raise PolicyError(problems)
    return policy
