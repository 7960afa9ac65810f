"""The codec writes the 一单多事 fields of an item only when it has them, so an item that
does not use them (every item stored before they existed) encodes exactly as before,
and one that does reads back equal."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import fields, replace
from pathlib import Path

from duban.engine import codec
from duban.engine.core import replay
from duban.engine.model import Actor, Event, ItemState
from duban.policy.loader import load_policy

POLICY = load_policy(Path(__file__).parent / "policies" / "mech.yaml")
AT = dt.datetime(2026, 9, 21, 9, tzinfo=POLICY.timezone)
NEW_FIELDS = {"notice", "notice_item", "issued_at"}


def numbered() -> ItemState:
    return replay(POLICY, "A", [
        Event("create", AT, Actor("王五", None, frozenset({"supervisor_office"})),
              {"kind": "other", "lead": "财务部", "title": "资产清查"}),
        Event("number", AT, None, {"number": "测督字〔2026〕1号"})])


def test_an_item_without_a_notice_encodes_as_before() -> None:
    item = numbered()
    written = json.loads(codec.encode_item(item))
    # the 督办单位 (supervisor) is also written only when set (tests/engine/test_supervisor.py)
    assert set(written) == {f.name for f in fields(ItemState)} - NEW_FIELDS - {"supervisor"}
    assert codec.decode_item(codec.encode_item(item)) == item


def test_an_item_on_a_notice_reads_back_equal() -> None:
    item = replace(numbered(), notice="B", notice_item=2, issued_at=AT)
    text = codec.encode_item(item)
    assert set(json.loads(text)) >= NEW_FIELDS
    assert codec.decode_item(text) == item
