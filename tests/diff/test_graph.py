"""``duban graph``: Mermaid text and a well-formed SVG that name every state."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from duban.graph import build_graph, to_mermaid, to_svg
from duban.policy.loader import load_policy
from duban.policy.shipped import SHIPPED_IDS, resolve_policy

DATA = Path(__file__).parent / "data"
OLD = DATA / "areas" / "old.yaml"

SVG = "{http://www.w3.org/2000/svg}"


def test_mermaid_lifecycle_of_a_shipped_policy() -> None:
    text = to_mermaid(load_policy(resolve_policy("gansu_huizhan") or ""))
    lines = text.splitlines()
    assert lines[:2] == ["stateDiagram-v2", "    direction LR"]
    assert '    state "待批示" as s1' in lines
    assert "    s1 : pending_approval" in lines
    # approval states carry their chains per category, in the organisation's words
    assert "    s1 : 立项审批 总经理（总经理督办）" in lines
    assert "    s1 : 立项审批 督办领导（挂牌督办、日常督办）" in lines
    assert "    s4 : 延期审批 第一次：分管领导、督办领导；第二次：总经理（挂牌督办、日常督办）" in lines
    # time limits on states; transitions with the roles allowed
    assert "    s2 : 办理时限 默认2周（自交办起算）" in lines
    assert "    s5 : 环节时限 3个工作日（办结审核）" in lines
    assert "    s0 --> s1 : 立项〔create〕总经理工作部" in lines
    assert "    s4 --> s3 : 同意延期〔approve〕审批链（回到原状态）" in lines
    assert "    [*] --> s0" in lines and "    s7 --> [*]" in lines


def test_mermaid_labels_are_sanitised() -> None:
    text = to_mermaid(load_policy(DATA / "areas" / "lifecycle.yaml"))
    for line in text.splitlines()[3:]:
        label = line.split(" : ", 1)[1] if " : " in line else ""
        assert not any(ch in label for ch in '";#{}:'), line


@pytest.mark.parametrize("policy_id", SHIPPED_IDS)
def test_svg_is_well_formed_and_names_every_state(policy_id: str) -> None:
    policy = load_policy(resolve_policy(policy_id) or "")
    root = ET.fromstring(to_svg(policy).encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert set(policy.states) <= texts
    assert {s.canonical for s in policy.states.values()} <= texts
    graph = build_graph(policy)
    labels = {label for e in graph.edges for label in e.labels}
    assert labels <= texts  # every transition is drawn with its label


def test_graph_cli_writes_files(tmp_path: Path, run: Callable[..., Result]) -> None:
    svg = tmp_path / "lifecycle.svg"
    result = run("graph", str(OLD), "--format", "svg", "-o", str(svg))
    assert result.exit_code == 0 and svg.is_file()
    ET.parse(svg)
    mermaid = run("graph", str(OLD))
    assert mermaid.exit_code == 0 and mermaid.stdout.startswith("stateDiagram-v2\n")
    assert "主办部门" in mermaid.stdout  # roles in the organisation's words


def test_graph_errors_are_two(tmp_path: Path, run: Callable[..., Result]) -> None:
    assert run("graph", "no_such_policy").exit_code == 2
    blocked = tmp_path / "dir"
    blocked.mkdir()
    result = run("graph", str(OLD), "-o", str(blocked / "missing" / "x.svg"))
    assert result.exit_code == 2 and "无法写入" in result.stderr
