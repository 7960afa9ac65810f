"""``/api/v1/policies``: the loaded policies — list, the regulation read back (explain),
the workflow graph, and the difference between two of them in domain words.

Policies are not confidential (they are the organisation's published rules), but reading
them still needs a signed-in user, like the rest of the API.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from duban.errors import DubanError
from duban.policy.model import Policy
from duban.web.api.models import PROBLEMS
from duban.web.auth import lease, require_user
from duban.web.deployment import Lease

router = APIRouter(prefix="/api/v1/policies", tags=["policies"],
                   dependencies=[Depends(require_user)])
Store = Annotated[Lease, Depends(lease)]
PolicyId = Annotated[str, Path(min_length=1, max_length=100)]


def _policy(borrowed: Lease, policy_id: str) -> Policy:
    policy = borrowed.service.policies.get(policy_id)
    if policy is None:
        raise DubanError(f"没有策略 '{policy_id}'；已加载：{'、'.join(borrowed.service.policies)} "
                         "/ unknown policy", "not_found")
    return policy


def _brief(p: Policy) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "version": p.version, "content_hash": p.content_hash,
            "categories": list(p.categories),
            "roles": sorted({r.word for r in p.roles.values()}),
            "actions": dict(p.actions), "states": {n: s.canonical for n, s in p.states.items()}}


@router.get("", responses=PROBLEMS)
def list_policies(borrowed: Store) -> list[dict[str, Any]]:
    """Every loaded policy (current versions): id, name, version and content hash."""
    return [_brief(p) for p in borrowed.service.policies.values()]


@router.get("/diff", responses=PROBLEMS)
def diff(borrowed: Store, old: Annotated[str, Query(max_length=100)],
         new: Annotated[str, Query(max_length=100)],
         format: Literal["json", "md", "text"] = "json") -> Response:
    """How ``new`` differs from ``old``, rule by rule, with citations."""
    from duban.diff.render import RENDERERS, Report
    from duban.diff.semantic import diff_policies

    a, b = _policy(borrowed, old), _policy(borrowed, new)
    report = Report(a, b, diff_policies(a, b))
    text = RENDERERS[format](report)
    media = {"json": "application/json", "md": "text/markdown; charset=utf-8",
             "text": "text/plain; charset=utf-8"}[format]
    if format == "json":
        text = json.dumps({"old": a.id, "new": b.id, "changes": json.loads(text)},
                          ensure_ascii=False)
    return Response(text, media_type=media)


@router.get("/{policy_id}", responses=PROBLEMS)
def explain(policy_id: PolicyId, borrowed: Store) -> dict[str, Any]:
    """One policy, with its rules read back as regulation text (``explain``)."""
    from duban.policy.explain import explain_policy

    policy = _policy(borrowed, policy_id)
    return {**_brief(policy), "explain": explain_policy(policy)}


@router.get("/{policy_id}/graph", response_class=Response, responses=PROBLEMS)
def graph(policy_id: PolicyId, borrowed: Store,
          format: Literal["mermaid", "svg"] = "svg") -> Response:
    """The workflow: states and transitions with the roles that fire them."""
    from duban.graph import to_mermaid, to_svg

    policy = _policy(borrowed, policy_id)
    if format == "svg":
        return Response(to_svg(policy), media_type="image/svg+xml")
    return Response(to_mermaid(policy), media_type="text/plain; charset=utf-8")
