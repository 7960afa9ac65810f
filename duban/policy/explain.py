"""``duban explain``: a compiled policy read back as regulation text, clause by clause.

Why: a compliance reviewer holds the regulation beside this text, not beside YAML. Each
line says the rule in the organisation's own words and ends with its citation; a rule
the regulation does not state (inherited from the standard lifecycle) says so, so
silence in the regulation is visible rather than hidden.
"""

from __future__ import annotations

from duban import vocabulary
from duban.calendar.duration import Duration
from duban.policy.explain_workflow import workflow_lines
from duban.policy.frequency import floor_words
from duban.policy.maximum import scope_words
from duban.policy.model import Category, Chain, PenaltyRule, Policy, Reminder
from duban.policy.supervision import field_words, judged_words, overseer, requirement

INHERITED = "〔标准生命周期；制度未规定〕"
#: 一单多事 (``documents.numbering.per: notice``) as explain says it
NOTICE_SHARED = ("一单多事：立项时写明加入哪张通知单的事项，共用该通知单的文号和发单日期，按编号先后列为"
                 "第N项；各事项各自的完成时限、承办部门和状态，各自办结；通知单全部事项办结或撤销后不再加入新事项")


def _c(cite: str | None) -> str:
    return f"〔{cite}〕" if cite else INHERITED


def _d(d: Duration | None) -> str:
    return d.to_text_zh() if d is not None else "—"


def _chain(policy: Policy, chain: Chain | None) -> str:
    if chain is None:
        return "无需审批"
    if not chain.steps:
        return "无需审批"
    return " → ".join(f"{s.words(policy.word)}{_oversight(policy, s.options())}"
                      f"{'' if s.name in (s.word, s.role, s.words(policy.word)) else '（' + s.name + '）'}"
                      + (f"（{_d(s.limit)}内）" if s.limit else "")
                      + ("（可直接批复，结束审批；或转报下一步）" if s.may_end else "")
                      for s in chain.steps)


def _oversight(policy: Policy, options: tuple[tuple[str, str], ...]) -> str:
    """``（须分管本事项的督办单位）``, ``（须分管本事项的主办部门）`` or ``（须分管党政办）``
    after an approver judged against a unit, so the reader sees whose approval it is."""
    needs = dict.fromkeys(n for _, w in options if (n := requirement(policy, w)))
    return "".join(f"（须分管{n}）" for n in needs)


def written_by_base(policy: Policy, path: tuple[str, ...]) -> bool:
    """Whether the value at ``path`` was inherited from the built-in standard lifecycle."""
    return policy.source_of(path) == "standard"


def explain_policy(policy: Policy) -> str:
    """The policy as numbered Chinese sentences with citations."""
    return _Reading(policy).text()


class _Reading:
    """One reading of a policy: numbered sentences, section by section (one method per
    part of the policy), each ending with its citation."""

    def __init__(self, policy: Policy) -> None:
        self.p = policy
        self.out: list[str] = [f"《{policy.name}》（{policy.id}，策略版本 {policy.content_hash}）",
                               ""]
        self.n = 0

    def say(self, text: str, cite: str | None, path: tuple[str, ...] | None = None) -> None:
        self.n += 1
        inherited = path is not None and written_by_base(self.p, path)
        self.out.append(f"{self.n}. {text}{INHERITED if inherited else _c(cite)}")

    def text(self) -> str:
        self.out.append("一、组织与角色")
        self.organisation()
        self.out += ["", "二、督办事项分类"]
        for cat in self.p.categories.values():
            self.category(cat)
        self.out += ["", "三、办理时限"]
        self.time_limits()
        self.out += ["", "四、催办与提醒"]
        self.reminders()
        self.out += ["", "五、考核与处理"]
        self.penalties()
        self.out += ["", "六、通报与文书"]
        self.reports()
        self.documents()
        self.out += ["", "七、流程（从哪个状态、谁、做什么、到哪个状态）", *workflow_lines(self.p)]
        if self.p.notes:
            self.out += ["", "编码说明"] + [f"- {x}" for x in self.p.notes]
        return "\n".join(self.out)

    def organisation(self) -> None:
        p = self.p
        words: dict[str, list[str]] = {}
        for r in p.roles.values():
            if r.word != r.canonical:
                words.setdefault(r.canonical, []).append(r.word)
        for canonical, ws in words.items():
            cite = next((p.roles[w].cite for w in ws if p.roles[w].cite), None)
            self.say(f"{'、'.join(ws)}：{canonical}", cite)
        if p.supervision is not None:  # 督办单位 per item
            self.say(field_words(p.supervision), p.supervision.cite)
        for word in judged_words(p):  # who is judged against one of the item's units
            self.say(f"{overseer(p, word)}：分管其他单位的{p.roles[word].same_as or word}不能代替；"
                     "谁分管哪些单位写在人员（或部署中用户）的 oversees 上", p.roles[word].cite)
        rule = p.proxy_entry
        if rule is not None:  # 代录; where the text is silent nothing is said or enforced
            self.say(f"代录：{'、'.join(rule.words)} 的决定可由他人（如督办人员）代为录入，记录同时写明"
                     "决定人与录入人；其他角色的决定须本人录入" if rule.words else
                     "代录：任何角色的决定都须本人录入，不得由他人代录", rule.cite)

    def category(self, cat: Category) -> None:
        p, say = self.p, self.say
        src = f"，来源：{'；'.join(cat.sources)}" if cat.sources else ""
        kinds = f"覆盖 {', '.join(cat.kinds)}" if cat.kinds else "（无对应规范事项类型）"
        say(f"“{cat.name}”{kinds}{src}", cat.cite)
        chain_open = p.chains.get(cat.approvals.opening or "")
        say(f"“{cat.name}”立项审批：{_chain(p, chain_open)}", cat.approvals.cite or
            (chain_open.cite if chain_open else None))
        chain_rev = p.chains.get(cat.approvals.review or "")
        say(f"“{cat.name}”办结审核：{_chain(p, chain_rev)}；审核不通过即退办",
            chain_rev.cite if chain_rev else None)
        chain_share = p.chains.get(cat.approvals.share or "")
        if chain_share is not None:
            say(f"“{cat.name}”多部门依次办理时，某一部门延长本部门时间须经 {_chain(p, chain_share)} 审批；"
                "只延长该部门的时间，事项的期限和延期次数不变", chain_share.cite)
        chain_co = p.chains.get(cat.approvals.coordination or "")
        if chain_co is not None:
            say(f"“{cat.name}”需要协调的，申请协调后由 {_chain(p, chain_co)} 协调解决（期限不变）",
                chain_co.cite)
        chain_fb = p.chains.get(cat.approvals.progress or "")
        if chain_fb is not None:
            say(f"“{cat.name}”反馈办理情况须经 {_chain(p, chain_fb)} 审核同意后才算已反馈；"
                "不同意的退回，不算反馈", chain_fb.cite)
        self.extensions(cat)
        if cat.time_limit:
            say(f"“{cat.name}”领导未明确时限的，{_d(cat.time_limit)}内办结", cat.cite)
        if cat.due_required:
            say(f"“{cat.name}”立项时须明确办理期限", cat.cite)
        if cat.confidential:
            say(f"“{cat.name}”事项默认保密", cat.cite)

    def extensions(self, cat: Category) -> None:
        p, ext = self.p, cat.extensions
        if ext.max == 0:
            self.say(f"“{cat.name}”事项不得延期", ext.cite)
            return
        approvers = "；".join(f"第{i}次{'及以后' if ext.max is None and i == len(ext.approvers) else ''}"
                              f"由 {_chain(p, p.chains.get(a))} 审批"
                              for i, a in enumerate(ext.approvers[:ext.max], 1))
        extra = []
        extra.append("须在期限届满前申请" if ext.before_due else "期限届满后仍可申请")
        if ext.lead_time:
            extra.append(f"至迟提前{_d(ext.lead_time)}")
        if ext.longest:
            extra.append(f"单次最长{_d(ext.longest)}")
        if ext.unit == "hour":
            extra.append("按小时延期")
        count = "延期不限次数" if ext.max is None else f"最多延期 {ext.max} 次"
        bases = [ext.cite, *(p.chains[a].cite for a in ext.approvers if a in p.chains)]
        self.say(f"“{cat.name}”{count}：{approvers}"
                 + (f"；{'，'.join(extra)}" if extra else ""),
                 "；".join(dict.fromkeys(b for b in bases if b)) or None)

    def time_limits(self) -> None:
        p, say = self.p, self.say
        h = p.handling
        start = vocabulary.DEADLINE_ANCHORS[h.counts_from]
        if h.default is not None:
            say(f"领导未明确时限的，自{start}之日起 {_d(h.default)}内办结（不计当日；节假日"
                f"{'顺延' if p.roll_forward else '不顺延'}）", h.cite,
                ("time_limits", "handling", "default"))
        else:
            self.out.append("- 制度未规定一般办理时限：事项以立项（或确认）时写明的期限为准，"
                            "未写期限的不计逾期")
        for urgency, d in h.by_urgency.items():
            say(f"{urgency}事项 {_d(d)}内办结", h.cite)
        for kind, d in h.by_kind.items():
            say(f"{kind} 类事项 {_d(d)}内办结", h.cite)
        if h.longest:
            say(f"办理时限一般不超过{_d(h.longest)}", h.cite)
        for m in p.maxima:
            above = "超过的不予接受" if m.above is None else \
                f"超过的须经 {_chain(p, p.chains.get(m.above))} 审批（立项时写明，代替立项审批链）"
            say(f"“{m.name}”：{scope_words(m)}写明的办理期限不超过{_d(m.limit)}，{above}", m.cite)
        if p.per_department:
            ask = "；本部门时间的延期须在届满前申请" if p.share_ask_before else ""
            say(f"多部门依次办理的，每个部门 {_d(p.per_department)}{ask}", p.share_cite)
        for s in p.step_limits:
            say(f"“{s.name}”：在“{s.state}”环节不超过 {_d(s.limit)}，超时提示"
                + "、".join(p.word(r) for r in s.to), s.cite)
        if p.decline_within:
            say(f"非本部门职责的，须在交办后 {_d(p.decline_within)}内退回", p.decline_cite)
        if p.coordination_within:
            say(f"需要协调的，须在交办后 {_d(p.coordination_within)}内申请协调，逾期的申请不予受理",
                p.coordination_cite)
        if p.rework:
            say(f"退办后未另定期限的，{_d(p.rework)}内重新办结", p.rework_cite)
        if p.end_of_day:
            say(f"期限截止于当日 {p.end_of_day:%H:%M}", None)

    def reminders(self) -> None:
        p = self.p
        for rem in p.reminders:
            rep = f"，此后每 {_d(rem.repeat_every)}重复" + (f"（至多 {rem.repeat_times} 次）"
                                                          if rem.repeat_times else "") \
                if rem.repeat_every else ""
            to = "、".join(p.word(x) for x in rem.to) or p.word("lead_department")
            cond = f"（条件：{rem.when.source}）" if rem.when else ""
            self.say(f"{_when(rem)}向{to}发出“{rem.name}”{rep}{cond}", rem.cite)
        if p.progress:
            self.say(f"定时反馈：每 {_d(p.progress.every)}反馈一次办理进展", p.progress.cite)
        for r in p.at_least:
            self.say(f"“{r.name}”：{floor_words(p, r)}", r.cite)

    def penalties(self) -> None:
        p = self.p
        for x in p.penalties:
            trig = trigger_words(x.on)
            cond = f"（条件：{x.when.source}）" if x.when else ""
            self.say(f"{trig}{cond}：对{p.word(x.target)}{'，'.join(_amounts(x)) or '记录在案'}"
                     + ("；经批准延期并按期完成的不扣分" if x.exempt_if_extension_met else ""),
                     x.cite)
        for c in p.counters:
            per = {"year": "全年", "quarter": "一季度内", "month": "一月内"}[c.per]
            what = vocabulary.ACTIONS["censure"] if c.counts == "censure" else f"“{c.counts}”"
            self.say(f"{per}被{what}达 {c.threshold} 次的：{'、'.join(c.measures) or '另行处理'}",
                     c.cite)
        if not p.penalties and not p.counters:
            self.out.append("（制度未规定扣分）")

    def reports(self) -> None:
        p = self.p
        reports = p.raw.get("reports") or {}
        periods = {"week": "每周", "month": "每月", "quarter": "每季度", "year": "每年",
                   "adhoc": "随时"}
        if reports.get("periods"):
            self.say("督查通报：" + "、".join(periods[x] for x in reports["periods"]),
                     reports.get("cite"))
        if reports.get("name_departments"):
            self.say("通报须点名部门，不得使用“有的单位”等含糊词语", reports.get("cite"))
        for name, formula in p.kpis.items():
            self.say(f"{name} = {formula.replace('closed_on_time', '按时办结数').replace('total', '督办总数')}"
                     " × 100%", (p.raw.get("reports") or {}).get("kpis", {}).get(name, {}).get("cite"))

    def documents(self) -> None:
        p = self.p
        docs = p.raw.get("documents") or {}
        if p.numbering:
            self.say(f"通知单文号如 {p.numbering.format(year=2026, seq=7)}：按年编号，序号不重复使用",
                     (docs.get("numbering") or {}).get("cite"))
            if p.numbering_per == "notice":
                self.say(NOTICE_SHARED, (docs.get("numbering") or {}).get("cite"))
        if p.list_mode:
            mode = {"single": "一单一事", "multiple": "一单多事", "either": "可一单一事，也可一单多事"}
            self.say(f"督办通知单{mode[p.list_mode]}", docs.get("cite"))
        if p.forms:
            self.say("使用表单：" + "、".join(p.forms), docs.get("cite"))
        if p.confidential_visible_to:
            self.say("保密事项仅承办部门及 " + "、".join(p.word(r) for r in
                                                sorted(p.confidential_visible_to))
                     + " 可见", (p.raw.get("confidentiality") or {}).get("cite"))


def _when(rem: Reminder) -> str:
    """When a reminder goes out, relative to the hand-over or the deadline."""
    if rem.after_assigned is not None:
        return "交办即" if rem.after_assigned.amount == 0 else f"交办后 {_d(rem.after_assigned)}"
    if rem.before_due is not None and rem.window_end is not None:  # 提前1至3个工作日
        return f"期限前 {rem.window_end.amount}至{_d(rem.before_due)}内（自动于提前{_d(rem.before_due)}时）"
    if rem.before_due is not None:
        return "到期当日" if rem.before_due.amount == 0 else f"期限前 {_d(rem.before_due)}"
    if rem.window_end is not None and rem.after_due is not None:  # 超期后2个工作日内
        return (f"超期后 {_d(rem.window_end)}内（自动于"
                + ("期限届满即" if rem.after_due.amount == 0 else f"期限后 {_d(rem.after_due)}")
                + "）")
    return "期限届满即" if rem.after_due is None or rem.after_due.amount == 0 else \
        f"期限后 {_d(rem.after_due)}"


def _amounts(x: PenaltyRule) -> list[str]:
    """What a penalty rule takes or gives: points per day, points, coefficient, measures."""
    parts = []
    if x.points_per_day:
        parts.append(f"每逾期一{'个工作日' if x.day_unit == 'working_day' else '日'}"
                     f"扣 {abs(x.points_per_day):g} 分")
    if x.points:
        parts.append(f"{'扣' if x.points < 0 else '加'} {abs(x.points):g} 分")
    if x.coefficient:
        parts.append(f"绩效系数 {x.coefficient:+g}")
    if x.measures:
        parts.append("、".join(x.measures))
    return parts


def trigger_words(on: str) -> str:
    """A penalty rule's ``on`` in the regulation's words (shared by explain and diff)."""
    if on in vocabulary.PENALTY_TRIGGERS:
        return vocabulary.PENALTY_TRIGGERS[on]
    if on.startswith("timer:"):
        return f"发出“{on[6:]}”时"
    if on.startswith("defect:"):
        return f"查实“{on[7:]}”时"
    return on
