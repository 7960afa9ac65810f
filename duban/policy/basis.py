"""Where a rule in force comes from: the regulation's clause, or the organisation's own
explicit default.

Why one place: every rule that limits, counts, times, approves or penalises must say its
basis, and users must never read an organisation's own choice as if the regulation said
it. A rule written with ``cite:`` shows the clause; one written with ``because:`` (the
text is silent and the organisation chose) shows ``制度未规定，本单位按…`` everywhere the
cite would appear — explain, diff, forms, refusals and the ledger — because the compiled
model carries this one basis string in the rule's ``cite`` slot.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: How an explicit default is introduced to users (the regulation is silent).
DEFAULT_LEAD = "制度未规定，本单位按"


def default_basis(because: str) -> str:
    """The user-facing basis of an explicit default: ``制度未规定，本单位按<because>``."""
    text = str(because).strip()
    return text if text.startswith(DEFAULT_LEAD) else DEFAULT_LEAD + text


def is_default(basis: str | None) -> bool:
    """True when a basis is an organisation's own default rather than a clause."""
    return bool(basis) and str(basis).startswith(DEFAULT_LEAD)


def basis_of(spec: Mapping[str, Any] | None, field: str | None = None) -> str | None:
    """The basis of a rule written as a mapping: its ``cite``, else its ``because``.

    ``because`` may be one reason for the whole rule or a mapping ``{field: reason}`` that
    names which of the rule's settings are the organisation's choice (the ``cite`` then
    covers the rest): ``basis_of(spec, "max")`` gives the basis of one setting.
    """
    if not spec:
        return None
    because = spec.get("because")
    if isinstance(because, Mapping):
        if field is not None and because.get(field):
            return default_basis(str(because[field]))
        return spec.get("cite")
    if spec.get("cite"):
        return str(spec["cite"])
    return default_basis(str(because)) if because else None
