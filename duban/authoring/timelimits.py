"""Find the time limits a clause states: N个工作日, N日/N天, N小时, 两周, 一个月, ranges.

Why rules and not a model: the forms regulations use are few and exact (``2个工作日内``,
``提前1至3个工作日``, ``一般不超过一个月``, ``自接到…之日起算，节假日顺延``), and a
suggestion must quote what the text says, not a guess. Each time expression is read into
a :class:`~duban.calendar.duration.Duration` with the facts around it — the range, the
bound (不超过, 一般, 原则上), the anchor (自…之日起), 节假日顺延 — and the sentence is
classified into what the limit governs (handling, a review step, a decline, a reminder
before or after the deadline, a period), which decides where the suggestion goes.

Not time limits: dates (2022年6月16日), rates inside penalties (迟办1天扣1分), counts.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from duban.authoring.candidates import Candidate, original, sentence_around
from duban.authoring.structure import Clause
from duban.calendar.duration import Duration, parse_duration

_NUM = r"[0-9]+|[一二两三四五六七八九十]+|半"
_UNIT = r"个工作日|工作日|个小时|小时|个星期|星期|个月|周|日|天"
TIME = re.compile(
    rf"(?P<ord>第)?(?:(?P<low>{_NUM})\s*[—\-–~～至到]\s*)?(?P<num>{_NUM})\s*(?P<unit>{_UNIT})")
_PERIOD = re.compile(rf"每\s*(?P<num>{_NUM})?\s*(?P<unit>个工作日|个月|月|季度|周|星期|天|日|年)"
                     r"[^。；;，,]{0,20}?(不少于|至少|一次|\d+次)")
_ANCHOR = re.compile(r"(自|从)([^，,。；;]{1,30}?)之日起算?")
_BOUND = re.compile(r"(不超过|不得超过|不能超过|最长|最多|一般|原则上|至少|不少于)")
_UNITS = {"个工作日": "个工作日", "工作日": "个工作日", "个小时": "小时", "小时": "小时",
          "个星期": "周", "星期": "周", "周": "周", "个月": "个月", "日": "日", "天": "日"}

#: What a sentence's limit governs, by its words; first match wins.
KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("per_department", re.compile(r"部门时间|每个部门|各部门\S{0,4}时间")),
    ("period", re.compile(r"每\S{0,4}(个月|月|周|季度)")),
    ("before_due", re.compile(r"提前\s*(" + _NUM + r")|到期前|届满前\S{0,6}(" + _NUM + r")")),
    ("after_due", re.compile(r"(超期|逾期|到期|超过\S{0,12}时限)\S{0,4}后")),
    ("extension_step", re.compile(r"延期申请\S*?(审核|审批|批复)|(审核|审批|批复)\S*?延期")),
    ("decline", re.compile(r"非本(单位|部门)职责|不属于本(单位|部门)|无法协调|退回督办")),
    ("urgency", re.compile(r"(普通|紧急|特急|急件|平件)\S{0,4}(收文|公文|文件|件)")),
    ("review_step", re.compile(r"审核|审批|批复|审定|签署意见|审阅")),
    ("confirm_step", re.compile(r"确认单|签收")),
    ("process_step", re.compile(r"发出|下发|转办|登记|拟办意见|送审|报送|整理")),
    ("handling", re.compile(r"办结|办理完毕|办毕|办理完结|完成|办理")),
]


def _amount(text: str) -> int | None:
    if text == "半":
        return None
    try:
        return parse_duration(f"{text}日").amount
    except ValueError:
        return None


def read_duration(num: str, unit: str) -> Duration | None:
    """``两`` + ``周`` → 2周; ``半`` + ``个月`` → 15日; None when not a limit."""
    if num == "半":
        return parse_duration("半个月") if unit == "个月" else None
    amount = _amount(num)
    if amount is None:
        return None
    try:
        return parse_duration(f"{amount}{_UNITS[unit]}")
    except ValueError:
        return None


def _excluded(plain: str, m: re.Match[str]) -> bool:
    """Dates, penalty rates and other numbers that are not time limits."""
    before = plain[max(0, m.start() - 1):m.start()]
    after = plain[m.end():m.end() + 6]
    if before in ("年", "月"):
        return True
    if re.match(r"\s*(扣|加扣|罚)", after):
        return True  # 迟办1天扣1分: a rate, found by the penalty finder
    if m.group("unit") == "日" and re.match(r"(前|止|起)?", after) and \
            re.search(r"\d{4}\s*年", plain[max(0, m.start() - 12):m.start()]):
        return True
    return bool(m.group("ord")) and "工作日" not in m.group("unit")


_LEVEL = re.compile(r"(普通|紧急|特急|急件|平件)")


def _segment(plain: str, start: int, end: int) -> str:
    """The part of the sentence between commas (or brackets) around a match: "部门时间
    不得超过2天" inside "(涉及多部门办理的公文,部门时间不得超过2天,…)"."""
    left = max(plain.rfind(ch, 0, start) for ch in "，,（(。；;")
    rights = [i for i in (plain.find(ch, end) for ch in "，,）)。；;") if i >= 0]
    return plain[left + 1:min(rights) if rights else len(plain)]


def _kind(sentence: str) -> str:
    for kind, pattern in KINDS:
        if pattern.search(sentence):
            return kind
    return "other"


def find_time_limits(clause: Clause) -> list[Candidate]:
    """Every time limit stated in one clause, each with its facts and a suggestion."""
    out: list[Candidate] = []
    plain = clause.plain
    spans: list[tuple[int, int]] = []
    for m in TIME.finditer(plain):
        if _excluded(plain, m):
            continue
        duration = read_duration(m.group("num"), m.group("unit"))
        if duration is None:
            continue
        sentence = sentence_around(plain, m.start(), m.end())
        facts = _facts(sentence, m)
        kind = _kind(_segment(plain, m.start(), m.end()))
        if kind == "other":
            kind = _kind(sentence)
        if kind == "urgency":
            level = _LEVEL.findall(plain[:m.start()])
            facts["level"] = level[-1] if level else "普通"
        facts["kind"] = kind
        spans.append((m.start(), m.end()))
        out.append(_candidate(clause, duration, sentence, facts))
    for m in _PERIOD.finditer(plain):
        if any(a < m.end() and m.start() < b for a, b in spans):
            continue
        duration = _period_duration(m.group("num"), m.group("unit"))
        if duration is None:
            continue
        sentence = sentence_around(plain, m.start(), m.end())
        out.append(_candidate(clause, duration, sentence, {"kind": "period", "text": m.group()}))
    return _merge_urgency(out)


def _merge_urgency(found: list[Candidate]) -> list[Candidate]:
    """One ``by_urgency`` suggestion per clause holding every level it names."""
    levels = [c for c in found if c.facts.get("kind") == "urgency"]
    if len(levels) < 2:
        return found
    merged = {str(c.facts["level"]): c.value["by_urgency"][c.facts["level"]] for c in levels}
    first = levels[0]
    out = []
    for c in found:
        if c is first:
            c = replace(c, value={"by_urgency": merged, "cite": c.cite})
        elif c in levels:
            c = replace(c, path=(), key=None, value=None, note="已并入同条的 by_urgency 建议")
        out.append(c)
    return out


def _period_duration(num: str | None, unit: str) -> Duration | None:
    unit = {"月": "个月", "季度": "", "年": "", "天": "日"}.get(unit, unit)
    if not unit:
        return None
    return read_duration(num or "一", unit)


def _facts(sentence: str, m: re.Match[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {"text": m.group().lstrip("第")}
    if m.group("low"):
        facts["range"] = f"{m.group('low')}至{m.group('num')}"
    if m.group("ord"):
        facts["ordinal"] = True
    bound = _BOUND.search(sentence)
    if bound:
        facts["bound"] = bound.group(1)
    anchor = _ANCHOR.search(sentence)
    if anchor:
        facts["from"] = anchor.group(0)
    if "节假日顺延" in sentence or "遇节假日顺延" in sentence:
        facts["roll_forward"] = True
    return facts


_SUMMARY = {
    "handling": "办理时限", "review_step": "审核/审批时限", "extension_step": "延期审批时限",
    "confirm_step": "确认时限", "process_step": "步骤时限", "decline": "退回时限", "before_due": "期限前提醒",
    "after_due": "期限后催办", "urgency": "按紧急程度的办理时限", "period": "周期",
    "per_department": "每个部门的时限", "other": "时限",
}


def _candidate(clause: Clause, d: Duration, sentence: str, facts: dict[str, Any]) -> Candidate:
    kind = str(facts["kind"])
    text = d.to_text_zh()
    extra = "，".join(str(facts[k]) for k in ("bound", "from") if k in facts)
    if facts.get("ordinal"):
        extra = "，".join(x for x in (f"第{d.amount}个工作日内", extra) if x)
    if facts.get("range"):
        extra = "，".join(x for x in (f"区间 {facts['range']}", extra) if x)
    if facts.get("roll_forward"):
        extra = "，".join(x for x in (extra, "节假日顺延") if x)
    summary = f"{_SUMMARY[kind]} {text}" + (f"（{extra}）" if extra else "")
    path, key, value, note = suggestion(kind, d, clause.cite, str(facts.get("level", "")))
    return Candidate("time_limit", clause.cite, original(clause.text, clause.plain, sentence),
                     summary, d, path, key, value, note, facts)


def suggestion(kind: str, d: Duration, cite: str, level: str
               ) -> tuple[tuple[str, ...], str | None, Any, str]:
    """Where a limit of this kind goes in a policy, and the note for the user."""
    text = d.to_text_zh()
    match kind:
        case "handling":
            return ("time_limits",), "handling", {"default": text, "cite": cite}, \
                "未规定期限的事项的默认办理时限；若只适用于某类事项，改写到该类别的 time_limit"
        case "per_department":
            return ("time_limits",), "per_department", {"limit": text, "cite": cite}, \
                "多个部门依次办理时每个部门的时限"
        case "urgency":
            return ("time_limits",), "handling", {"by_urgency": {level: text}, "cite": cite}, \
                "按紧急程度的办理时限（同条的各级已并在一起）"
        case "review_step" | "extension_step" | "confirm_step" | "process_step":
            state, name = {"review_step": ("待审核", "审核"),
                           "extension_step": ("延期审批中", "延期审批"),
                           "confirm_step": ("已交办", "确认"),
                           "process_step": ("拟立项", "办理步骤")}[kind]
            return ("time_limits", "steps"), f"{name}（{cite}）", \
                {"state": state, "limit": text, "cite": cite}, \
                f"state 为计时的状态（标准生命周期的“{state}”），按本单位的状态名改写"
        case "decline":
            return (), "decline", {"within": text, "cite": cite}, "承办单位认为不属于本单位职责、退回的时限"
        case "before_due":
            return ("reminders",), None, {"name": "催办预告", "event": "pre_due_reminder",
                                          "before_due": text, "to": ["lead_department"],
                                          "cite": cite}, "to 写提醒对象（本单位的角色名）"
        case "after_due":
            return ("reminders",), None, {"name": "催办通知", "event": "overdue_notice",
                                          "after_due": text, "to": ["lead_department"],
                                          "cite": cite}, "to 写催办对象（本单位的角色名）"
        case "period":
            return (), "progress_reports", {"every": text, "cite": cite}, \
                "定期反馈或督查的周期；若是通报周期，改写到 reports.periods"
    return (), None, None, "未能判断这一时限管什么：请对照原文决定写到哪里（时限、步骤时限、提醒）"
