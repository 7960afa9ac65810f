"""duban: 督查督办 regulations as YAML policies, enforced by a generic deterministic engine."""

from __future__ import annotations

__version__ = "0.1.0"
