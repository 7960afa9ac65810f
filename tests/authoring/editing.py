"""What a user does with a drafted policy, as a function the tests can apply."""

from __future__ import annotations


def decide(text: str, adopt: bool) -> str:
    """What a user does: delete the 待定 lines, then uncomment (adopt) or drop every
    suggestion; where two suggestions are alternatives, the first is taken."""
    out: list[str] = []
    placeholders = section = False
    for line in text.splitlines():
        if line.startswith("待定:"):
            placeholders = True
            continue
        if placeholders and line.startswith("  - "):
            continue
        placeholders = False
        if line.startswith("# ── "):
            section = not line.startswith("# ── 其他")
            continue
        if section and adopt and line.startswith("# ") and not line[2:].lstrip().startswith("#"):
            out.append(line[2:])
        elif not (section and line.startswith("#")):
            out.append(line)
    return "\n".join(out) + "\n"
