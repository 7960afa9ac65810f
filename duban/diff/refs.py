"""What OLD and NEW may be: a policy file, a shipped id, or a git revision ``REV:path``.

Why the whole ``extends`` chain is taken at the revision: ``HEAD~1:policies/child.yaml``
means the policy as it was then, and if it extends ``group.yaml`` that is the group policy
of then too. The file and its bases are written with ``git show`` into a temporary folder
laid out like the repository, so relative ``extends`` resolve exactly as in the checkout;
a base the revision does not have falls back to the working copy. Files, lines and
sources are reported as ``REV:path``, never as the temporary folder.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from duban.errors import DubanError, Location, PolicyError
from duban.policy.loader import load_policy
from duban.policy.model import Policy
from duban.policy.shipped import resolve_policy
from duban.policy.yamlsrc import load_yaml

BUILTIN_BASES = ("standard",)


class DiffInputError(DubanError):
    """OLD or NEW cannot be found or read (a user mistake: exit 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "validation_error")


def load_ref(ref: str, cwd: str | os.PathLike[str] | None = None) -> Policy:
    """Load the policy ``ref`` names; raise :class:`DiffInputError` or
    :class:`~duban.errors.PolicyError` (with every located problem)."""
    here = Path(cwd or Path.cwd())
    if (here / ref).is_file():
        return load_policy(ref if cwd is None else here / ref)
    if ":" in ref and not ref.startswith(":"):
        rev, path = ref.split(":", 1)
        return load_revision(rev, path, here)
    found = resolve_policy(ref)
    if found is not None:
        return load_policy(found)
    raise DiffInputError(
        f"找不到策略 '{ref}'：不是文件、不是已发布策略的 id，也不是 git 版本 REV:path / no such "
        f"policy: '{ref}' (a file, a shipped id, or REV:path)")


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise DiffInputError("找不到 git 命令，无法读取 REV:path / git is not installed") from None


def _show(rev: str, rel: str, top: Path) -> bytes | None:
    done = _git(["show", f"{rev}:{rel}"], top)
    return done.stdout if done.returncode == 0 else None


def _repo(here: Path) -> tuple[Path, str]:
    top = _git(["rev-parse", "--show-toplevel"], here)
    if top.returncode != 0:
        raise DiffInputError(f"{here} 不在 git 仓库中，无法读取 REV:path / not inside a git "
                             "repository")
    prefix = _git(["rev-parse", "--show-prefix"], here).stdout.decode().strip()
    return Path(top.stdout.decode().strip()), prefix


def load_revision(rev: str, path: str, here: Path) -> Policy:
    """The policy at ``path`` as of git revision ``rev``, with its bases as of ``rev``."""
    top, prefix = _repo(here)
    # git's convention: REV:path is relative to the repository root, REV:./path to here
    rel = posixpath.normpath(prefix + path[2:] if path.startswith("./") else
                             prefix + path if path.startswith("../") else path)
    text = _show(rev, rel, top)
    if text is None and prefix and not path.startswith(("./", "../")):
        rel = posixpath.normpath(prefix + path)
        text = _show(rev, rel, top)
    if text is None:
        msg = _git(["show", f"{rev}:{path}"], top).stderr.decode(errors="replace").strip()
        raise DiffInputError(f"无法读取 git 版本 {rev}:{path}：{msg} / cannot read {rev}:{path}; "
                             "检查版本号与路径（路径相对于仓库根目录，或写 ./ 相对于当前目录）")
    with tempfile.TemporaryDirectory(prefix="duban-diff-") as tmp:
        root = Path(tmp).resolve()
        _materialise(rev, rel, text, top, root)
        label = f"{rev}:{rel}"

        def show(file: str) -> str:
            p = Path(file)
            p = p if p.is_absolute() else (Path.cwd() / p)
            try:
                inside = p.resolve().relative_to(root)
            except ValueError:
                return file
            return f"{rev}:{inside.as_posix()}"
        try:
            policy = load_policy(root / rel)
        except PolicyError as err:
            raise PolicyError([replace(p, location=_moved(p.location, show))
                               for p in err.problems], err.message) from None
        return replace(policy, path=label,
                       origins={k: show(v) for k, v in policy.origins.items()})


def _moved(loc: Location | None, show: Callable[[str], str]) -> Location | None:
    return None if loc is None else Location(show(loc.file), loc.line, loc.column)


def _materialise(rev: str, rel: str, text: bytes, top: Path, root: Path) -> None:
    """Write ``rel`` and the files it extends (as of ``rev``) under ``root``."""
    seen: set[str] = set()
    current: str | None = rel
    data: bytes | None = text
    while current is not None and data is not None and current not in seen:
        seen.add(current)
        target = root / current
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        base = _extends(data, current)
        if base is None:
            return
        nxt = posixpath.normpath(posixpath.join(posixpath.dirname(current), base))
        if nxt.startswith("../") or nxt == "..":
            raise DiffInputError(f"{rev}:{current} 继承的 '{base}' 在仓库之外，无法按版本取出 / "
                                 "base policy lies outside the repository")
        data = _show(rev, nxt, top)
        if data is None and (top / nxt).is_file():  # not committed then: the working copy
            (root / nxt).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(top / nxt, root / nxt)
            current = nxt
            data = (top / nxt).read_bytes()
            continue
        current = nxt


def _extends(data: bytes, name: str) -> str | None:
    """The relative base a policy file names in ``extends`` (None for a built-in base or
    a file that does not parse; the loader reports the latter properly)."""
    try:
        doc = load_yaml(data.decode("utf-8"), name).data
    except (PolicyError, UnicodeDecodeError):
        return None
    base = doc.get("extends") if isinstance(doc, dict) else None
    if not isinstance(base, str) or base in BUILTIN_BASES or (
            "/" not in base and not base.endswith((".yaml", ".yml"))):
        return None
    return base
