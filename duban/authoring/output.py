"""Write the skeleton policy and the clause inventory together, or neither.

Why a module: the CLI must never leave half a result (a policy without its inventory, a
truncated file) and never overwrite a user's file. Both texts are written to temporary
files beside their targets and renamed into place only when both are complete.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from duban.authoring.source_error import SourceError


def inventory_path(policy_out: Path, policy_id: str, default_layout: bool) -> Path:
    """``tests/policies/ID/clauses.yaml`` in the project layout, else beside the policy."""
    if default_layout:
        return Path("tests") / "policies" / policy_id / "clauses.yaml"
    return policy_out.with_name(f"{policy_out.stem}.clauses.yaml")


def write_all(files: dict[Path, str]) -> None:
    """Write every file or none; refuse to overwrite an existing one."""
    existing = [p for p in files if p.exists()]
    if existing:
        raise SourceError("、".join(str(p) for p in existing) + " 已存在，未覆盖 / already exists, "
                          "not overwritten；请换一个 id 或 -o")
    temps: list[tuple[str, Path]] = []
    done: list[Path] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            temps.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
        for tmp, path in temps:
            os.replace(tmp, path)
            done.append(path)
    except OSError as err:
        for path in done:
            path.unlink(missing_ok=True)
        raise SourceError(f"写入失败 / could not write: {err}") from None
    finally:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)
