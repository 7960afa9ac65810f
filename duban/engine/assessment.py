"""Assessed point ranges: 扣1–5分, decided at assessment by a named role, with a reason.

Why its own rule shape: a regulation that says "视情况扣1-5分" fixes the bounds and who
decides, not the number. A penalty rule with ``assessed: {min, max, by}`` takes its points
from the assessing event (``points``), which must lie within the bounds, be entered by one
of the named roles, and carry a reason; the ledger entry keeps the reason. Anything else
is refused with the rule's clause, and nothing is recorded.
"""

from __future__ import annotations

from duban.engine.model import Actor, Event
from duban.errors import DubanError
from duban.policy.model import Policy


class AssessmentRefused(DubanError):
    """An assessment outside the rule's bounds, without a reason, or by another role."""

    def __init__(self, code: str, message: str, rule: str, cite: str | None) -> None:
        super().__init__(message, code)
        self.rule, self.cite = rule, cite


def check(policy: Policy, trigger: str, event: Event, actor: Actor | None,
          authorized: object) -> None:
    """Refuse the event if an assessed rule it triggers is not met. ``authorized`` is the
    engine's role check ``(actor, roles, words) -> bool``."""
    for rule in policy.penalties:
        a = rule.assessed
        if rule.on != trigger or a is None:
            continue
        if not authorized(actor, a.roles, a.words):  # type: ignore[operator]
            raise AssessmentRefused("permission_denied",
                                    f"“{rule.name}”的分值由 {'、'.join(a.words)} 认定 / only "
                                    "the named role assesses", rule.name, rule.cite)
        raw = event.data.get("points")
        try:
            points = float(raw) if raw is not None else None
        except (TypeError, ValueError):
            points = None
        low, high = sorted((a.min, a.max))
        if points is None or not low <= points <= high:
            raise AssessmentRefused("validation_error",
                                    f"“{rule.name}”须写明分值（points），在 {low:g} 至 {high:g} 之间 / "
                                    f"points must lie within {low:g}..{high:g}",
                                    rule.name, rule.cite)
        if not str(event.data.get("reason") or "").strip():
            raise AssessmentRefused("validation_error",
                                    f"“{rule.name}”须写明认定理由（reason）/ a reason is required",
                                    rule.name, rule.cite)


def points_of(event: Event) -> float:
    """The assessed points the event carries (checked by :func:`check` beforehand)."""
    return float(event.data.get("points") or 0)
