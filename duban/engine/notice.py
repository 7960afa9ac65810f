"""一单多事: several items under one notice (通知单), sharing its 文号 and its date.

Why a notice is not an item of its own: each item on a notice keeps its own due date,
departments, state and closing (qinan_genjin 二、: “可一单一事，也可一单多事”; the
clause inventory's reading) — what they share is the paper: one 文号 and the date it was
issued. So a notice is named by the item that began it, later items *join* it at 立项
(``notice`` in the create data), and a policy that numbers per notice
(``documents.numbering.per: notice``) gives every item of the notice the notice's 文号
when the item itself is numbered, with its place on the notice (第N项, in the order the
items are numbered: an item never approved takes no place, as it takes no 文号).

The store hands out a notice's number and places in one transaction
(:meth:`duban.store.base.Store.notice_number`), so items of one notice numbered at once
by two workers never get two numbers or the same place. The scenario runner keeps the
same books in memory. Both build the ``number`` event here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from duban.engine.model import DONE_STATES, Event, ItemState
from duban.engine.refusal import ActionRefused
from duban.policy.model import Policy


@dataclass(frozen=True)
class NoticeNumber:
    """A notice's 文号 (``year``, ``seq``), the place just given on it, and its date."""

    year: int
    seq: int
    place: int
    issued: dt.datetime


class Numbers(Protocol):
    """Where numbers come from: the store, or the scenario runner's own books."""

    def next_number(self, policy_id: str, year: int) -> int: ...

    def notice_number(self, policy_id: str, notice: str, at: dt.datetime) -> NoticeNumber: ...


def per_notice(policy: Policy) -> bool:
    """Whether the policy numbers notices (一单多事) rather than items."""
    return bool(policy.numbering) and policy.numbering_per == "notice"


def notice_of(item: ItemState) -> str:
    """The notice an item is on: the one it joined, else the one it began."""
    return item.notice or item.id


def number_event(policy: Policy, item: ItemState, at: dt.datetime,
                 numbers: Numbers) -> Event:
    """The ``number`` event that gives ``item`` its 文号 at ``at``."""
    fmt = policy.numbering or "{year}-{seq}"
    if not per_notice(policy):
        year = at.year
        return Event("number", at, None, {"number": fmt.format(
            year=year, seq=numbers.next_number(policy.id, year))})
    n = numbers.notice_number(policy.id, notice_of(item), at)
    return Event("number", at, None, {"number": fmt.format(year=n.year, seq=n.seq),
                                      "notice_item": n.place, "issued": n.issued})


def joining(policy: Policy, item_id: str, data: Mapping[str, Any], head: ItemState | None,
            members: Iterable[ItemState]) -> Mapping[str, Any]:
    """The create data of ``item_id`` joining the notice ``data["notice"]``, or the refusal.

    ``head`` is the item that began the notice as the creator may see it (None when it
    does not exist or is confidential to them: the same answer, so a notice's existence is
    not confirmed to someone not entitled to it); ``members`` the items that joined it.
    An item joining a confidential notice is confidential: the notice is one paper."""
    notice = str(data["notice"])
    refusal = _refusal(policy, item_id, notice, head, members)
    if refusal is not None:
        raise refusal
    if head is None or not head.confidential:
        return data
    if data.get("confidential") is False:
        raise _refuse(item_id, f"通知单 '{notice}' 保密，加入它的事项也保密，不能写 confidential: false "
                      "/ an item of a confidential notice is confidential")
    return {**data, "confidential": True}


def _refuse(item_id: str, message: str) -> ActionRefused:
    return ActionRefused("validation_error", f"通知单（notice）：{message}", item=item_id,
                         action="create")


def _refusal(policy: Policy, item_id: str, notice: str, head: ItemState | None,
             members: Iterable[ItemState]) -> ActionRefused | None:
    """Why ``item_id`` may not join ``notice`` (None: it may)."""
    def refuse(message: str) -> ActionRefused:
        return _refuse(item_id, message)

    def done(i: ItemState) -> bool:
        state = policy.states.get(i.state)
        return state is not None and state.canonical in DONE_STATES

    if not per_notice(policy):
        return refuse(f"策略 {policy.id} 的文号按事项编号（documents.numbering 未写 per: notice），"
                      "不能把事项加入另一张通知单 / this policy does not number notices")
    if notice == item_id:
        return refuse(f"'{notice}' 就是本事项；新的通知单不必写 --notice / an item cannot join itself")
    if head is None or head.policy_id != policy.id:
        return refuse(f"没有通知单 '{notice}'：写通知单第一项的事项编号 / unknown notice")
    if head.notice:
        return refuse(f"事项 '{notice}' 是通知单 '{head.notice}' 的一项；请写 --notice "
                      f"{head.notice} / name the notice by its first item")
    if done(head) and all(done(i) for i in members):  # members read only when needed
        return refuse(f"通知单 '{notice}' 的事项已全部办结或撤销，不能再加入新事项；请另发通知单 / "
                      "the notice is closed")
    return None


__all__ = ["NoticeNumber", "Numbers", "joining", "notice_of", "number_event", "per_notice"]
