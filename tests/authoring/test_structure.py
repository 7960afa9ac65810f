"""Clauses and cites recovered from regulation texts in the shapes real ones take."""

from __future__ import annotations

from types import ModuleType

import pytest

from duban.authoring.layout import split_documents, split_parts
from duban.authoring.numbering import join_cite, mark_at, read_number
from duban.authoring.script import prepare
from duban.authoring.structure import Clause, clauses_of


def clauses(paragraphs: list[str], part: int | None = None) -> list[Clause]:
    lines, _ = prepare(paragraphs)
    parts = split_parts(lines)
    chosen = next(p for p in parts if p.number == part) if part else parts[0]
    docs = split_documents(chosen.lines)
    out: list[Clause] = []
    for doc in docs:
        out.extend(clauses_of(doc, doc.title if len(docs) > 1 else ""))
    return out


def test_every_clause_gets_the_cite_a_reader_writes(
        cited_text: tuple[list[str], list[str]]) -> None:
    text, cites = cited_text
    assert [c.cite for c in clauses(text)] == cites


def by_cite(text: list[str]) -> dict[str, Clause]:
    return {c.cite: c for c in clauses(text)}


def test_two_articles_on_one_line_are_split_after_the_sentence_end(regulations: ModuleType) -> None:
    got = by_cite(regulations.TIAO)
    assert got["第二条"].text == "本办法适用于集团总部各部门及所属单位。"
    assert got["第三条"].text == "总经理工作部是督查督办工作的归口管理部门。"


def test_a_wrapped_line_is_joined_and_a_new_paragraph_is_its_own_clause(
        regulations: ModuleType) -> None:
    got = by_cite(regulations.TIAO)
    assert got["第五条 4"].text.endswith("完成审核，并签署意见。")
    assert got["第五条 3 第2段"].text.startswith("延期申请应写明原因")


def test_a_bare_mark_takes_the_next_paragraph_and_a_lead_in_stays_with_its_list(
        regulations: ModuleType) -> None:
    got = by_cite(regulations.TIAO)
    assert got["第四条"].text == "督办事项分为以下三类："
    assert got["第五条 1"].text.endswith("督办事项发起按如下原则确定：")
    assert got["第五条 1（1）"].text == "董事会决定事项由董事会办公室发起；"


def test_list_items_whose_numbers_were_lost_are_numbered_by_position(
        regulations: ModuleType) -> None:
    got = by_cite(regulations.TIAO)
    assert got["第七条 第2项"].text == "按月通报督办事项办理情况；"


def test_a_cited_article_number_inside_a_sentence_is_text(regulations: ModuleType) -> None:
    got = by_cite(regulations.TIAO)
    assert got["第八条"].text.endswith("依照第十二条办理的除外。")
    assert "第十二条" not in got


def test_titles_are_marked_as_headings(regulations: ModuleType) -> None:
    got = by_cite(regulations.TIAO)
    assert got["第六条"].heading and got["第六条"].text == "办理时限"
    assert not got["第六条（一）"].heading


def test_cover_notice_preamble_and_attachment(regulations: ModuleType) -> None:
    got = by_cite(regulations.PARTS)
    assert "关于印发《跟进督办制度》的通知" in got["印发通知"].text
    assert got["序言"].text == "为健全跟进督办工作机制，特制订本制度。"
    assert "某督字〔〕号" in got["附件1"].text


def test_traditional_text_is_cited_in_simplified_and_quoted_as_written(
        regulations: ModuleType) -> None:
    got = by_cite(regulations.TRADITIONAL)
    assert got["第二条 2"].text == "反饋。承辦科室應在一個工作日內向部領導反饋。"
    assert got["第二条 2"].plain == "反馈。承办科室应在一个工作日内向部领导反馈。"
    assert "(xiàn)" not in got["序言"].text


def test_a_part_holding_two_regulations_prefixes_each_with_its_title(
        regulations: ModuleType) -> None:
    assert [c.cite for c in clauses(regulations.COLLECTION, part=2)] == [
        "督查工作制度 一、", "督查工作制度 二、", "督查督办工作制度 第一条",
        "督查督办工作制度 第二条"]


@pytest.mark.parametrize(("text", "kind", "label"), [
    ("第十二条 内容", "tiao", "第十二条"), ("（三）内容", "cnparen", "（三）"),
    ("(三)内容", "cnparen", "（三）"), ("( 1 )内容", "numparen", "（1）"),
    ("2、内容", "num", "2"), ("2.内容", "num", "2"), ("4.3.2内容", "dotted", "4.3.2"),
    ("一、内容", "cn", "一、"), ("c)内容", "letter", "c)"), ("二是内容", "shi", "二是"),
    ("第一百零二条 内容", "tiao", "第一百零二条")])
def test_numbering_marks(text: str, kind: str, label: str) -> None:
    mark = mark_at(text)
    assert mark is not None and (mark.kind, mark.label) == (kind, label)


@pytest.mark.parametrize("text", ["2个工作日内办结", "2.5个工作日", "一般不超过一个月", "2022年6月16日"])
def test_numbers_that_are_not_marks(text: str) -> None:
    assert mark_at(text) is None


def test_numerals_and_cite_joins() -> None:
    assert [read_number(x) for x in ("十", "十二", "二十", "一百零五", "7")] == [10, 12, 20, 105, 7]
    assert join_cite("第七条", "1") == "第七条 1"
    assert join_cite("第九条（八）", "1") == "第九条（八）1"
    assert join_cite("四、", "1") == "四、1"
    assert join_cite("四、1", "第2段") == "四、1 第2段"
