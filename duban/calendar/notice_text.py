"""The words of a holiday notice, made uniform before it is read.

Why a separate step: the same notice reaches an office in several spellings — the
simplified text from gov.cn, a traditional-character copy, a PDF pasted with full-width
or ASCII punctuation, 星期 or 周 — and the reader (:mod:`duban.calendar.notice`) should
see one spelling only. Nothing here decides what a day is.
"""

from __future__ import annotations

import re
import unicodedata

#: Traditional → simplified, for the characters a notice uses (titles, festival names,
#: the verbs of an arrangement, weekdays, lunar dates). Anything else passes unchanged.
_TRADITIONAL = str.maketrans({
    "節": "节", "勞": "劳", "動": "动", "國": "国", "慶": "庆", "調": "调", "週": "周",
    "補": "补", "與": "与", "連": "连", "農": "农", "曆": "历", "臘": "腊", "務": "务",
    "辦": "办", "廳": "厅", "關": "关", "於": "于", "號": "号", "電": "电", "發": "发",
    "為": "为", "個": "个", "間": "间", "現": "现", "將": "将", "準": "准", "經": "经",
    "區": "区", "門": "门", "單": "单", "會": "会", "報": "报", "處": "处", "產": "产",
    "緊": "紧", "續": "续", "項": "项", "體": "体", "規": "规", "時": "时", "條": "条",
    "屬": "属", "構": "构", "機": "机", "員": "员", "達": "达", "遊": "游", "確": "确",
    "眾": "众", "歡": "欢", "樂": "乐", "說": "说", "應": "应", "當": "当", "軍": "军",
    "們": "们", "場": "场", "內": "内", "對": "对", "實": "实", "際": "际", "衛": "卫",
    "災": "灾", "學": "学", "習": "习", "業": "业", "禮": "礼", "義": "义", "請": "请",
    "計": "计", "劃": "划", "後": "后", "歲": "岁", "鬆": "松",
})

#: Sentence ends, clause breaks and range marks, after NFKC (which makes ``，`` ``,`` and
#: ``（`` ``(``, but leaves ``。`` and ``、`` alone).
_SENTENCE_END = "。."
_RANGE_MARKS = ("至", "~", "—", "–")
_SPACE = re.compile(r"\s+")

def normalize(line: str) -> str:
    """One spelling of a line: NFKC (full-width → ASCII), simplified characters, no blanks,
    ``。`` as ``.``, ``;`` as ``,``, every range mark as ``至``."""
    text = unicodedata.normalize("NFKC", line).translate(_TRADITIONAL)
    text = _SPACE.sub("", text)
    for mark in _SENTENCE_END:
        text = text.replace(mark, "。")
    text = text.replace(";", ",").replace("，", ",")
    for mark in _RANGE_MARKS[1:]:
        text = text.replace(mark, "至")
    return text


def sentences(body: str) -> list[str]:
    """The sentences of an item's body (``。``-ended), without empty ones."""
    return [s for s in body.split("。") if s]


def clauses(sentence: str) -> list[str]:
    """The clauses of a sentence (``,``-separated), without empty ones."""
    return [c for c in sentence.split(",") if c]
