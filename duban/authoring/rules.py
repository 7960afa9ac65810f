"""Find the other rule shapes a clause states: approvals, extensions, reminders,
penalties and commendations, and document numbering (〔年〕号).

Why one module for these: each is a handful of patterns over the sentence that says it,
and each turns into a suggestion in the same way. Numbers are taken only from the text:
where a sentence names a matter (催办) but gives no time, the candidate says so and
suggests nothing to put in force.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from duban.authoring.candidates import Candidate, original, sentence_around
from duban.authoring.roles import role_words
from duban.authoring.structure import Clause

_APPROVAL = re.compile(r"(经|报|由|须报|须经|呈报|送|根据)([^，,。；;、]{2,16}?)"
                       r"(审批|审定|审核|批准|签署意见|签署|签批|签发|审阅|批示|同意)")
_EXTENSION = re.compile(r"延期|顺延|延长办理")
_FIRST_SECOND = re.compile(r"第([一二三四五1-5])次(申请)?延期")
_NO_MORE = re.compile(r"不得(再次)?延期|原则上不得延期|没有次数限制|不限次数")
_BEFORE_DUE = re.compile(r"(到期前|届满前|期满前|期限前|提前)[^。；;]{0,12}(申请|办理延期|提出)")
_REMINDER = re.compile(r"催办|催报|预告|提醒|督导")
_POINTS = re.compile(r"(?:迟办|逾期|超期)?\s*(?:每)?\s*(\d+)\s*(天|日|个工作日)\s*扣\s*(\d+(?:\.\d+)?)\s*分|"
                     r"(加扣|扣减?|扣除|加)\s*(\d+(?:\.\d+)?)\s*(?:[—\-–~～至到]\s*(\d+(?:\.\d+)?))?\s*分")
_COEFFICIENT = re.compile(r"系数\s*(下浮|上浮|下调|上调|扣减|增加)\s*(\d+(?:\.\d+)?)")
_MEASURES = ("通报批评", "通报表扬", "通报表彰", "表彰", "批评教育", "书面检查", "诫勉谈话",
             "取消评先资格", "取消部门评先资格", "取消评优评先资格", "问责", "追究", "降岗", "待岗")
_NUMBERING = re.compile(r"([\u4e00-\u9fff]{1,8}[发字督办函]?)\s*[〔\[［【(（]\s*(\d{4})?\s*"
                        r"[〕\]］】)）]\s*(\d*)\s*号")


def _sentences(clause: Clause, pattern: re.Pattern[str]) -> Iterator[tuple[str, re.Match[str]]]:
    seen: set[str] = set()
    for m in pattern.finditer(clause.plain):
        sentence = sentence_around(clause.plain, m.start(), m.end())
        if sentence not in seen:
            seen.add(sentence)
            yield sentence, m


def find_approvals(clause: Clause) -> list[Candidate]:
    out = []
    for sentence, _ in _sentences(clause, _APPROVAL):
        for m in _APPROVAL.finditer(sentence):
            approvers = role_words(m.group(2))
            if not approvers:
                continue
            name = f"{approvers[0]}{m.group(3)}"
            out.append(Candidate(
                "approval_chain", clause.cite, original(clause.text, clause.plain, sentence),
                f"审批：{'、'.join(approvers)} {m.group(3)}", None, ("chains",), name,
                {"steps": [{"role": a, "name": f"{a}{m.group(3)}"} for a in approvers],
                 "cite": clause.cite},
                "审批链；用在哪里（立项 approvals.opening、办结 approvals.review、延期 "
                "extensions.approvers）由你决定。role 须是 organisation.roles 中的词",
                {"approvers": approvers, "verb": m.group(3)}))
    return out


def find_extensions(clause: Clause) -> list[Candidate]:
    """Extension sentences that say something: a count, a limit, a time, an approver."""
    out = []
    for sentence, _ in _sentences(clause, _EXTENSION):
        facts: dict[str, object] = {}
        nth = [m.group(1) for m in _FIRST_SECOND.finditer(sentence)]
        if nth:
            facts["次数"] = "、".join(f"第{n}次" for n in nth)
        if _NO_MORE.search(sentence):
            facts["限制"] = _NO_MORE.search(sentence).group()  # type: ignore[union-attr]
        if _BEFORE_DUE.search(sentence):
            facts["时点"] = "期限届满前申请"
        approvers = [w for m in _APPROVAL.finditer(sentence) for w in role_words(m.group(2))]
        if approvers:
            facts["审批人"] = "、".join(approvers)
        if not facts:
            continue
        detail = "；".join(f"{k} {v}" for k, v in facts.items())
        value = {"before_due": True, "cite": clause.cite} if "时点" in facts else None
        note = ("只写了须在期限前申请：次数与审批人制度未规定，不要补" if value else
                "次数（max）与各次审批链（approvers）按原文写；原文未说的不写")
        out.append(Candidate("extension", clause.cite,
                             original(clause.text, clause.plain, sentence),
                             f"延期：{detail}", None, (), "extensions" if value else None,
                             value, note, facts))
    return out


def find_reminders(clause: Clause) -> list[Candidate]:
    """Reminder sentences; their times, when given, are time-limit candidates."""
    out = []
    for sentence, m in _sentences(clause, _REMINDER):
        has_time = bool(re.search(r"\d+\s*个?工作日|[一二两三]个?工作日|\d+\s*[日天]", sentence))
        out.append(Candidate(
            "reminder", clause.cite, original(clause.text, clause.plain, sentence),
            f"{m.group()}：" + ("时点见同条时限建议" if has_time else "制度未给时点"), None,
            (), None, None,
            "时点见本条的时限建议" if has_time else
            "制度未给提醒或催办的时点：不编码，或由本单位声明默认（写明理由）"))
    return out


def find_penalties(clause: Clause) -> list[Candidate]:
    out = []
    plain = clause.plain
    for m in _POINTS.finditer(plain):
        sentence = sentence_around(plain, m.start(), m.end())
        quote = original(clause.text, plain, sentence)
        if m.group(1):
            value = {"name": f"迟办扣分（{clause.cite}）", "on": "closed_late",
                     "points_per_day": -float(m.group(3)) / int(m.group(1)),
                     "day_unit": "working_day" if "工作日" in m.group(2) else "day",
                     "cite": clause.cite}
            summary = f"逾期每{m.group(1)}{m.group(2)}扣{m.group(3)}分"
        else:
            sign = 1 if m.group(4) == "加" else -1
            low, high = m.group(5), m.group(6)
            value = {"name": f"{m.group(4)}{low}{'–' + high if high else ''}分（{clause.cite}）",
                     "on": "closed_late",
                     "points": sign * float(high or low), "cite": clause.cite}
            summary = f"{m.group(4)}{low}{'–' + high if high else ''}分"
        out.append(Candidate("penalty", clause.cite, quote, summary, None, ("penalties",), None,
                             _clean_numbers(value),
                             "on 写何时记入（逾期办结、退办、查实某种问题 defect:…）；区间分值在考核时定"))
    for m in _COEFFICIENT.finditer(plain):
        sentence = sentence_around(plain, m.start(), m.end())
        sign = 1 if m.group(1) in ("上浮", "上调", "增加") else -1
        out.append(Candidate("penalty", clause.cite, original(clause.text, plain, sentence),
                             f"绩效系数{m.group(1)} {m.group(2)}", None, ("penalties",), None,
                             {"name": f"绩效系数{m.group(1)}{m.group(2)}（{clause.cite}）",
                              "on": "closed_late",
                              "coefficient": sign * float(m.group(2)), "cite": clause.cite},
                             "on 与条件（when）按原文写：何种情形下浮"))
    for word in _MEASURES:
        at = plain.find(word)
        if at < 0:
            continue
        sentence = sentence_around(plain, at, at + len(word))
        out.append(Candidate("penalty", clause.cite, original(clause.text, plain, sentence),
                             f"措施：{word}", None, ("penalties",), None,
                             {"name": f"{word}（{clause.cite}）", "on": "censure",
                              "measures": [word], "cite": clause.cite},
                             "on 写触发的情形；表扬、表彰是奖励，不是扣分"))
    return out


def _clean_numbers(value: dict[str, object]) -> dict[str, object]:
    """1.0 → 1 so the suggestion reads as the text wrote it."""
    return {k: int(v) if isinstance(v, float) and v.is_integer() else v
            for k, v in value.items()}


def find_numbering(clause: Clause) -> list[Candidate]:
    out = []
    for m in _NUMBERING.finditer(clause.plain):
        prefix = m.group(1)
        fmt = f"{prefix}〔{{year}}〕{{seq}}号"
        out.append(Candidate("document", clause.cite, m.group(), f"文号：{m.group()}", None,
                             ("documents",), "numbering", {"format": fmt, "cite": clause.cite},
                             "编号格式：{year} 年份、{seq} 年内序号"))
    return out
