"""Who may do what: every transition of every shipped policy against every role, and
every step of every approval chain against every role — allowed exactly where the policy
says, and a department role only for its own department's items."""

from __future__ import annotations

import datetime as dt

import pytest

from duban.engine.core import ActionRefused, engine_for
from duban.engine.model import Actor, Event, ItemState, Pending
from duban.errors import DubanError
from duban.policy.loader import load_policy
from duban.policy.model import DEPARTMENT_ROLES, Policy, Transition
from duban.policy.shipped import shipped_paths
from duban.vocabulary import CANONICAL_ROLES

POLICIES = [load_policy(str(p)) for p in shipped_paths()]
T0 = dt.datetime(2026, 3, 2, 9, 0)
LEAD, ASSIST, OTHER = "财务部", "人力资源部", "工程部"


def _item(policy: Policy, state: str) -> ItemState:
    tz = policy.timezone
    cat = next(iter(policy.categories.values()))
    return ItemState(
        id="A", policy_id=policy.id, policy_hash=policy.content_hash, state=state,
        kind=cat.kinds[0] if cat.kinds else "other", category=cat.name, title="矩阵",
        lead=LEAD, assist=(ASSIST,), created_at=T0.replace(tzinfo=tz),
        opened_at=T0.replace(tzinfo=tz), assigned_at=T0.replace(tzinfo=tz),
        state_since=T0.replace(tzinfo=tz), due=dt.datetime(2026, 3, 20, 23, 59, 59, tzinfo=tz),
        original_due=dt.datetime(2026, 3, 20, 23, 59, 59, tzinfo=tz),
        last_at=T0.replace(tzinfo=tz), seq=3)


def _actor(role: str, department_ok: bool = True) -> Actor:
    if role == "assisting_department":
        dept = ASSIST if department_ok else OTHER
    elif role in DEPARTMENT_ROLES:
        dept = LEAD if department_ok else OTHER
    else:
        dept = None
    return Actor("某人", dept, frozenset({role}))


def _data(policy: Policy) -> dict[str, object]:
    return {"kind": "other", "title": "矩阵", "lead": LEAD, "assist": [ASSIST],
            "due": "2026-03-31", "until": "2026-03-25", "reason": "测试", "defect": "测试"}


def _cases() -> list[object]:
    out = []
    for policy in POLICIES:
        for t in policy.transitions:
            if not t.roles:
                continue  # decided by an approval chain, checked below
            for state in t.sources:
                out.append(pytest.param(policy, t, state, id=f"{policy.id}-{t.name}-{state}"))
    return out


def _refusal(policy: Policy, item: ItemState, t: Transition, actor: Actor) -> str | None:
    event = Event(t.name, T0.replace(hour=10, tzinfo=policy.timezone), actor, _data(policy))
    try:
        engine_for(policy).apply(item, event)
    except ActionRefused as err:
        return err.code
    except DubanError as err:
        return err.code
    return None


@pytest.mark.parametrize(("policy", "transition", "state"), _cases())
def test_transition_roles(policy: Policy, transition: Transition, state: str) -> None:
    item = _item(policy, state)
    if transition.action == "create":
        item = engine_for(policy).new_item("A")
    for role in CANONICAL_ROLES:
        code = _refusal(policy, item, transition, _actor(role))
        if role in transition.roles:
            assert code != "permission_denied", (policy.id, transition.name, role)
        else:
            assert code == "permission_denied", (policy.id, transition.name, role, code)
    for role in transition.roles & DEPARTMENT_ROLES:  # another department's head may not
        code = _refusal(policy, item, transition, _actor(role, department_ok=False))
        assert code == "permission_denied", (policy.id, transition.name, role, code)


def _chain_cases() -> list[object]:
    out = []
    for policy in POLICIES:
        states = [s for s in policy.states.values() if s.approval]
        if not states:
            continue
        for chain in policy.chains.values():
            for i, _step in enumerate(chain.steps):
                out.append(pytest.param(policy, chain.name, i, states[0].name,
                                        id=f"{policy.id}-{chain.name}-{i + 1}"))
    return out


@pytest.mark.parametrize(("policy", "chain", "step", "state"), _chain_cases())
def test_chain_steps(policy: Policy, chain: str, step: int, state: str) -> None:
    tz = policy.timezone
    item = _item(policy, state)
    item = ItemState(**{**{f: getattr(item, f) for f in item.__dataclass_fields__},
                        "pending": Pending(policy.states[state].approval or "opening", chain,
                                           step, T0.replace(tzinfo=tz))})
    required = policy.chains[chain].steps[step].role
    for role in CANONICAL_ROLES:
        event = Event("approve", T0.replace(hour=10, tzinfo=tz), _actor(role), {})
        try:
            engine_for(policy).apply(item, event)
            code = None
        except DubanError as err:
            code = err.code
        if role == required:
            assert code != "permission_denied", (policy.id, chain, step, role)
        else:
            assert code == "permission_denied", (policy.id, chain, step, role, code)


def test_the_matrix_is_not_empty() -> None:
    assert len(POLICIES) == 14
    assert len(_cases()) > 200 and len(_chain_cases()) > 30
