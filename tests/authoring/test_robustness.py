"""Any text at all is read into clauses or refused with a SourceError — never a crash."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from duban.authoring.draft import draft_from_file
from duban.authoring.source_error import SourceError

MARKS = ["第一条", "第二条", "第三章", "一、", "二、", "（一）", "(2)", "1、", "2.", "3.1", "4.3.2",
         "a)", "一是", "附件1", "第1篇:", "第2篇:", "本制度自印发之日起执行。", "二〇二六年三月一日"]
WORDS = ["承办部门应在2个工作日内办结", "经分管领导审批", "提前1至3个工作日", "迟办1天扣1分",
         "不得再次延期", "：", "；", "。", "督办", "陕秦安督字〔2022〕30号", " ", "(xiàn)", "，"]
LINES = st.lists(st.lists(st.sampled_from(MARKS + WORDS), max_size=12).map("".join)
                 | st.text(max_size=40), max_size=25)


@settings(max_examples=150)
@given(LINES)
def test_any_text_is_drafted_or_refused(lines: list[str]) -> None:
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reg.txt"
        path.write_text("\n".join(lines), encoding="utf-8", errors="replace")
        try:
            draft = draft_from_file(path, None)
        except SourceError:
            return
        cites = [c.cite for c in draft.regulation.clauses]
        assert len(cites) == len(set(cites)), "every cite names one clause"
        assert all(c.cite for c in draft.candidates)
