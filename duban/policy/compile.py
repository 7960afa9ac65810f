"""Stage 4 of loading: turn a merged, schema-valid document into a :class:`Policy`.

Semantic checks live here because they need the whole policy: references to states,
roles, chains and penalty rules; unreachable states; final states with exits; chains
naming a role nobody holds; extension approvers missing for some n-th request; durations
and CEL conditions that do not compile. Each problem is located in the file that wrote
the value (which may be the base policy), and all are reported at once.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from duban.calendar.build import official_calendar
from duban.calendar.duration import Duration, parse_duration
from duban.calendar.settings import CalendarSettings, settings_from_mapping
from duban.errors import DubanError, Location, Problem
from duban.policy import cel, frequency, window
from duban.policy.basis import basis_of
from duban.policy.division import divisions
from duban.policy.maximum import compile_maxima
from duban.policy.model import (
    EXTENSION_SETTINGS,
    Approvals,
    Assessed,
    Category,
    Chain,
    ChainStep,
    Counter,
    ExtensionRules,
    HandlingLimits,
    PenaltyRule,
    Policy,
    ProgressReports,
    ProxyEntry,
    Reminder,
    Role,
    State,
    StepLimit,
    Transition,
)
from duban.policy.schema_check import context_of
from duban.policy.supervision import mark_of, supervision
from duban.templating import check_templates, template_file_problem
from duban.vocabulary import CANONICAL_KINDS, CANONICAL_ROLES

Locator = Callable[[tuple[Any, ...]], Location | None]

#: Variables a policy condition may use (checked when the policy loads).
CEL_ENV: dict[str, Any] = {
    "item": {
        "id": "string", "kind": "string", "category": "string", "urgency": "string",
        "title": "string", "lead": "string", "assist": "list<string>", "confidential": "bool",
        "extension_requests": "int", "extensions_granted": "int",
        "extensions_rejected": "int", "returns": "int",
        "state": "string", "canonical_state": "string", "parent": "string",
        "due": "timestamp", "created_at": "timestamp", "days_late": "int",
    },
    "actor": {"person": "string", "department": "string", "roles": "list<string>"},
    "event": {"action": "string", "until": "timestamp", "reason": "string",
              "defect": "string"},
    "now": "timestamp",
    "cond": "map<string, bool>",  # named conditions registered by plugins: cond.is_key_project
}
_COND_REF = re.compile(r"\bcond\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*[\"']([^\"']+)[\"']\s*\])")


class _Compiler:
    def __init__(self, data: Mapping[str, Any], locate: Locator,
                 calendar_additions: Iterable[Any] = (),
                 conditions: Mapping[str, Callable[[Any], bool]] | None = None,
                 beyond_known_data: str | None = None) -> None:
        self.data = data
        self.calendar_additions = tuple(calendar_additions)
        self.beyond_known_data = beyond_known_data
        self.conditions = conditions
        self.locate = locate
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []  # valid, but likely to fail at run time

    # -- reporting -------------------------------------------------------------------------
    def problem(self, code: str, path: tuple[Any, ...], message: str, *,
                value: Any = None, expected: str | None = None, hint: str | None = None) -> None:
        self.problems.append(Problem(
            f"semantic.{code}", message, self.locate(path), context_of(self.data, path),
            None if value is None else str(value), expected, hint))

    def did_you_mean(self, word: str, choices: Iterable[str]) -> str | None:
        close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
        return f"是不是要写 '{close[0]}'？/ did you mean '{close[0]}'?" if close else None

    # -- small parsers ---------------------------------------------------------------------
    def duration(self, text: Any, path: tuple[Any, ...], *,
                 allow_zero: bool = False) -> Duration | None:
        if text is None:
            return None
        try:
            return parse_duration(str(text), allow_zero=allow_zero)
        except ValueError as exc:
            self.problem("duration", path, f"不是有效的时长 / not a valid duration: {exc}",
                         value=text, expected="如 2个工作日、7日、48小时、两周、一个月")
            return None

    def expr(self, source: Any, path: tuple[Any, ...]) -> cel.Expression | None:
        if source is None:
            return None
        if self.conditions is not None:  # named conditions must be registered by a plugin
            for m in _COND_REF.finditer(str(source)):
                name = m.group(1) or m.group(2)
                if name not in self.conditions:
                    self.problem("unknown_condition", path,
                                 f"没有插件注册名为 '{name}' 的条件 / no plugin registers the "
                                 f"condition '{name}'", value=source,
                                 expected="已注册的条件：" + ("、".join(self.conditions) or "无"),
                                 hint=self.did_you_mean(name, self.conditions) or
                                 "安装提供该条件的插件（duban plugins 可列出）/ install its plugin")
                    return None
        try:
            compiled = cel.compile_expression(str(source), CEL_ENV)
        except cel.CelCompileError as exc:
            loc = self.locate(path)
            if loc is not None:  # point into the expression when it sits on one line
                loc = Location(loc.file, loc.line, loc.column + max(exc.column - 1, 0))
            self.problems.append(Problem(
                "semantic.cel", f"条件无法编译 / condition does not compile: {exc.message}",
                loc, context_of(self.data, path), str(source), "CEL 表达式，变量见 docs/authoring.md",
                exc.hint))
            return None
        self.divisions(str(source), path)
        return compiled

    def divisions(self, source: str, path: tuple[Any, ...]) -> None:
        """Division by a literal zero is an error; by anything else, a warning."""
        for d in divisions(source):
            if d.zero:
                self.problem("cel_division_by_zero", path,
                             f"条件除以 0，每次求值都会失败 / the condition divides by zero: {source}",
                             value=source, hint="删除该除法")
            elif not d.constant:
                loc = self.locate(path)
                self.warnings.append(Problem(
                    "warning.cel_division", f"条件除以 {d.divisor}，其值为 0 时求值失败，该动作将被拒绝"
                    f"（policy_error）/ the condition divides by {d.divisor}, which fails when it "
                    "is 0", loc, context_of(self.data, path), source, None,
                    f"先判断除数不为 0，如 {d.divisor} > 0 && …，或改写为乘法比较"))

    def templates(self, templates: Mapping[str, Any], path: str) -> None:
        """Unsafe or runaway wording is a load error, not a dead letter or a crash at
        render; a ``.j2`` file must lie in the policy's folder."""
        for problem in check_templates(templates, path):
            self.problem("template", ("documents", "templates"), f"模板有误 / template: {problem}",
                         hint="模板在沙箱中渲染，只能使用 docs/plugins.md 与 docs/reports.md 列出的变量与过滤器")
        for name, text in templates.items():
            if isinstance(text, str) and "\n" not in text and text.endswith(".j2"):
                refused = template_file_problem(Path(path).resolve().parent, text, name, path)
                if refused:
                    self.problem("template", ("documents", "templates", name), refused,
                                 value=text, hint="把 .j2 文件放在策略文件所在的文件夹内")

    def role(self, word: Any, path: tuple[Any, ...]) -> str | None:
        canonical = self.roles_canonical.get(str(word))
        if canonical is None:
            self.problem("unknown_role", path, f"未定义的角色 '{word}' / unknown role '{word}'",
                         value=word, expected="organisation.roles 中的角色或规范角色",
                         hint=self.did_you_mean(str(word), self.roles_canonical))
        return canonical

    def roles(self, words: Any, path: tuple[Any, ...]) -> tuple[str, ...]:
        out = []
        for i, w in enumerate(words or ()):
            c = self.role(w, (*path, i))
            if c:
                out.append(c)
        return tuple(out)

    def state_ref(self, name: Any, path: tuple[Any, ...], extra: tuple[str, ...] = ()) -> bool:
        if name in self.states or name in extra:
            return True
        self.problem("unknown_state", path, f"未定义的状态 '{name}' / unknown state '{name}'",
                     value=name, expected="states 中定义的状态" + (
                         "，或 " + "、".join(extra) if extra else ""),
                     hint=self.did_you_mean(str(name), list(self.states) + list(extra)))
        return False

    def chain_ref(self, name: Any, path: tuple[Any, ...]) -> str | None:
        if name is None:
            return None
        if name in self.chains:
            return str(name)
        self.problem("unknown_chain", path, f"未定义的审批链 '{name}' / unknown chain '{name}'",
                     value=name, expected="chains 中定义的审批链",
                     hint=self.did_you_mean(str(name), self.chains))
        return None

    # -- sections: one method per top-level key of a policy ------------------------------
    def compile(self, path: str, content_hash: str, origins: Mapping[Any, str]) -> Policy | None:
        """Every section in the order its references need (roles before chains, chains
        before approvals, states before transitions); ``None`` when any problem was found."""
        d = self.data
        fields: dict[str, Any] = {
            "id": d["id"], "name": d["name"], "version": str(d.get("version", "")),
            "content_hash": content_hash, "path": path, "raw": d, "origins": origins,
            "notes": tuple(d.get("notes") or ()), "conditions": dict(self.conditions or {})}
        fields |= self.organisation(d.get("organisation") or {})
        fields |= self.states_and_initial(d.get("states") or {}, d.get("initial"))
        fields |= self.chains_section(d.get("chains") or {}, set(fields["role_words"]))
        approvals = self.approvals(d.get("approvals") or {}, ("approvals",), Approvals())
        extensions = self.extensions(d.get("extensions") or {}, ("extensions",), ExtensionRules())
        fields |= {"approvals": approvals, "extensions": extensions}
        fields |= self.categories(d.get("categories") or {}, approvals, extensions)
        fields["actions"] = {w: a for w, a in (d.get("actions") or {}).items() if a is not None}
        fields["transitions"] = self.transitions(d.get("transitions") or [])
        self.check_shadowing(fields["transitions"])
        self.check_graph(d.get("initial"), fields["transitions"])
        fields |= self.time_limits(d.get("time_limits") or {})
        fields["maxima"] = compile_maxima(self, (d.get("time_limits") or {}).get("maximum") or [],
                                          fields["handling"], fields["categories"])
        fields["reminders"] = self.reminders(d.get("reminders") or [])
        fields["progress"] = self.progress_reports(d.get("progress_reports"))
        fields["penalties"] = self.penalties(d.get("penalties") or [], d.get("reminders") or []) \
            + self.penalties(d.get("commendations") or [], d.get("reminders") or [],
                             "commendations")
        fields["counters"] = self.counters(d.get("counters") or [], fields["penalties"])
        fields["at_least"] = frequency.at_least(self, d.get("at_least") or [],
                                                fields["transitions"], fields["actions"])
        fields |= self.calendar(d.get("calendar") or {}, d.get("timezone"), path)
        fields |= self.documents(d.get("documents") or {}, path)
        fields["proxy_entry"] = self.proxy_entry(d.get("proxy_entry"))
        if self.problems:
            return None
        fields |= self.confidentiality(d.get("confidentiality") or {})
        fields |= self.subitems(d.get("subitems") or {})
        fields |= self.decline(d.get("decline") or {})
        fields |= self.coordination(d.get("coordination") or {}, fields["transitions"],
                                    fields["actions"])
        fields["sequential_handoff"] = bool((d.get("handoff") or {}).get("sequential_when_no_lead"))
        fields["kpis"] = {k: v["formula"]
                          for k, v in ((d.get("reports") or {}).get("kpis") or {}).items()}
        fields["warnings"] = tuple(self.warnings)
        return Policy(**fields)

    def organisation(self, org: Mapping[str, Any]) -> dict[str, Any]:
        """Role words (each mapped to a canonical role), departments and people."""
        self.role_objs: dict[str, Role] = {}
        for word, spec in (org.get("roles") or {}).items():
            self.role_objs[word] = Role(word, spec["canonical"], spec.get("cite"),
                                        spec.get("same_as"), *mark_of(spec.get("oversees")))
        self.check_synonyms(self.role_objs)
        field = supervision(self, org, self.role_objs)
        self.roles_canonical = {w: r.canonical for w, r in self.role_objs.items()}
        role_words: dict[str, str] = {}
        for w, r in reversed(list(self.role_objs.items())):
            if r.same_as and r.oversees:
                continue  # 主办部门分管领导 names one holder per item; its principal names the role
            role_words.setdefault(r.canonical, w)  # the most derived word wins
        self.roles_canonical.update({c: c for c in CANONICAL_ROLES})
        return {"roles": self.role_objs | {c: Role(c, c) for c in CANONICAL_ROLES
                                           if c not in self.role_objs},
                "role_words": role_words, "departments": tuple(org.get("departments") or ()),
                "people": dict(org.get("people") or {}), "supervision": field}

    def states_and_initial(self, spec: Mapping[str, Any], initial: Any) -> dict[str, Any]:
        self.states: dict[str, State] = {}
        for name, st in spec.items():
            self.states[name] = State(name, st["canonical"], st.get("approval"),
                                      st.get("clock") == "stopped", bool(st.get("final")),
                                      st.get("cite"))
        if initial is None:
            self.problem("missing", (), "缺少初始状态 initial / `initial` is required",
                         hint="如 initial: 拟立项")
        else:
            self.state_ref(initial, ("initial",))
        return {"states": self.states, "initial": str(initial)}

    def chains_section(self, spec: Mapping[str, Any], held: set[str]) -> dict[str, Any]:
        """Approval chains; a step's role must be held by some role word."""
        self.chains: dict[str, Chain] = {}
        for name, chain in spec.items():
            steps = []
            for i, st in enumerate(chain.get("steps") or ()):
                steps.append(self.chain_step(st, ("chains", name, "steps", i), held))
            self.chains[name] = Chain(name, tuple(steps), basis_of(chain))
        return {"chains": self.chains}

    def chain_step(self, st: Mapping[str, Any], p: tuple[Any, ...], held: set[str]) -> ChainStep:
        """One approval step: its approver (or any of several), held by some role word;
        ``may_end`` lets that approver decide alone and end the chain."""
        written = st["role"] if isinstance(st["role"], list) else [st["role"]]
        options = []
        for j, word in enumerate(written):
            at = (*p, "role", j) if isinstance(st["role"], list) else (*p, "role")
            c = self.role(word, at)
            if c and c not in held and c not in ("general_manager",):
                self.problem("role_not_held", at,
                             f"审批链中的角色 '{word}' 无人担任 / no role word maps to '{c}'",
                             value=word, hint=f"在 organisation.roles 中加入对应 {c} 的角色 / map "
                                              f"a role word to {c}")
            options.append((c or str(word), str(word)))
        return ChainStep(options[0][0], st.get("name") or "或".join(written), options[0][1],
                         self.duration(st.get("limit"), (*p, "limit")), basis_of(st),
                         tuple(options[1:]), bool(st.get("may_end")))

    def categories(self, spec: Mapping[str, Any], approvals: Approvals,
                   extensions: ExtensionRules) -> dict[str, Any]:
        """Categories (each covering canonical kinds, with its own approvals and
        extensions over the policy-wide ones); every kind covered; every approval state
        has a chain."""
        categories: dict[str, Category] = {}
        for name, cat in spec.items():
            p = ("categories", name)
            categories[name] = Category(
                name, tuple(cat.get("kinds") or ()),
                tuple(x["text"] if isinstance(x, dict) else x for x in cat.get("sources") or ()),
                self.approvals(cat.get("approvals") or {}, (*p, "approvals"), approvals),
                self.extensions(cat.get("extensions") or {}, (*p, "extensions"), extensions),
                self.duration(cat.get("time_limit"), (*p, "time_limit")),
                bool(cat.get("confidential")), bool(cat.get("due_required")), basis_of(cat))
        if not categories:
            self.problem("missing", ("categories",), "至少需要一个事项类别 / at least one category",
                         hint="如 categories: {督办事项: {kinds: [other]}}")
        covered = {k for c in categories.values() for k in c.kinds}
        missing_kinds = [k for k in CANONICAL_KINDS if k not in covered]
        if categories and missing_kinds:
            self.problem("kind_unmapped", ("categories",),
                         "有规范事项类型没有对应的类别 / canonical kinds without a category: "
                         + ", ".join(missing_kinds), value=", ".join(missing_kinds),
                         hint="把它们加入某个类别的 kinds（如 其他事项: {kinds: [other]}）")
        self.check_chains_named(categories, approvals)
        return {"categories": categories}

    def check_chains_named(self, categories: Mapping[str, Category], approvals: Approvals) -> None:
        """A state that waits for an approval needs a chain for it somewhere."""
        unknown_chain = any(p.code == "semantic.unknown_chain" for p in self.problems)
        for purpose in ("opening", "pause", "resume", "review", "progress", "share",
                        "coordination"):
            needing = [s for s in self.states.values() if s.approval == purpose]
            if needing and not unknown_chain and all(getattr(c.approvals, purpose) is None
                               for c in categories.values()) and \
                    getattr(approvals, purpose) is None:
                self.problem("missing_chain", ("states", needing[0].name, "approval"),
                             f"状态 '{needing[0].name}' 需要 {purpose} 审批链，但 approvals.{purpose} "
                             f"未定义 / no chain for approval '{purpose}'",
                             hint=f"在 approvals 中写 {purpose}: <审批链名> / name a chain")

    def time_limits(self, tl: Mapping[str, Any]) -> dict[str, Any]:
        """The handling limit and its defaults, rework, per-department and step limits."""
        h = tl.get("handling") or {}
        hp = ("time_limits", "handling")
        handling = HandlingLimits(  # no default: the text sets none (the item's own due)
            self.duration(h.get("default"), (*hp, "default")), h.get("from", "assigned"),
            {k: v for k, x in (h.get("by_kind") or {}).items()
             if (v := self.duration(x, (*hp, "by_kind", k)))},
            {k: v for k, x in (h.get("by_urgency") or {}).items()
             if (v := self.duration(x, (*hp, "by_urgency", k)))},
            self.duration(h.get("longest"), (*hp, "longest")), basis_of(h))
        for k in (h.get("by_kind") or {}):
            if k not in CANONICAL_KINDS:
                self.problem("unknown_kind", (*hp, "by_kind", k), f"未知事项类型 '{k}' / unknown "
                             f"kind '{k}'",
                             value=k, hint=self.did_you_mean(k, CANONICAL_KINDS))
        step_limits: list[StepLimit] = []
        for name, spec in (tl.get("steps") or {}).items():
            p = ("time_limits", "steps", name)
            self.state_ref(spec["state"], (*p, "state"))
            lim = self.duration(spec["limit"], (*p, "limit"))
            if lim:
                step_limits.append(StepLimit(name, spec["state"], lim, self.roles(spec.get("to"),
                                       (*p, "to")), basis_of(spec)))
        rework = tl.get("rework") or {}
        per_dep = tl.get("per_department") or {}
        return {"handling": handling, "step_limits": tuple(step_limits),
                "rework": self.duration(rework.get("default"),
                                        ("time_limits", "rework", "default")),
                "rework_cite": basis_of(rework),
                "per_department": self.duration(per_dep.get("limit"),
                                                ("time_limits", "per_department", "limit")),
                "share_ask_before": bool(per_dep.get("ask_before_end")),
                "share_cite": basis_of(per_dep)}

    def reminders(self, raw: list[Mapping[str, Any]]) -> tuple[Reminder, ...]:
        """Reminders, each anchored at exactly one of the deadline (before or after) and
        the hand-over."""
        reminders = []
        for i, r in enumerate(raw):
            p = ("reminders", i)
            if not self.require("reminders", i, r, ("event",)):
                continue
            if sum(k in r for k in ("before_due", "after_due", "after_assigned")) != 1:
                self.problem("reminder_anchor", p, "提醒须写 before_due、after_due、after_assigned "
                             "之一 / a reminder needs exactly one of before_due, after_due, "
                             "after_assigned",
                             hint="如 before_due: 3个工作日 / e.g. before_due: 3 working days")
            rep = r.get("repeat") or {}
            side = "before_due" if "before_due" in r else "after_due"  # a window: 1至3个工作日
            first, other = window.split(str(r.get(side, "")), before=side == "before_due")
            reminders.append(Reminder(
                r["name"], r["event"],
                self.duration(first if side == "before_due" else None, (*p, "before_due"),
                              allow_zero=True),
                self.duration(first if side == "after_due" and "after_due" in r else None,
                              (*p, "after_due"), allow_zero=True),
                self.duration(r.get("after_assigned"), (*p, "after_assigned"), allow_zero=True),
                self.duration(rep.get("every"), (*p, "repeat", "every")), rep.get("times"),
                self.roles(r.get("to"), (*p, "to")), self.expr(r.get("when"), (*p, "when")),
                basis_of(r), self.duration(other, (*p, side), allow_zero=True)))
        self.unique_names(raw, "reminders")
        return tuple(reminders)

    def progress_reports(self, pr: Mapping[str, Any] | None) -> ProgressReports | None:
        """定时反馈: how often the department reports progress, and the grace after."""
        if not pr:
            return None
        every = self.duration(pr["every"], ("progress_reports", "every"))
        if not every:
            return None
        return ProgressReports(every, self.duration(pr.get("grace"),
                               ("progress_reports", "grace")),
                               self.roles(pr.get("to"), ("progress_reports", "to")),
                               self.expr(pr.get("when"), ("progress_reports", "when")),
                               basis_of(pr))

    def penalties(self, raw: list[Mapping[str, Any]], reminders: list[Mapping[str, Any]],
                  section: str = "penalties") -> tuple[PenaltyRule, ...]:
        """Penalty rules (or, for ``commendations``, ledger rules of that kind);
        ``timer:<name>`` must name a reminder."""
        penalties = []
        kind = "commendation" if section == "commendations" else "penalty"
        for i, x in enumerate(raw):
            p = (section, i)
            if not self.require(section, i, x, ("on",)):
                continue
            target = x.get("target", "lead_department")
            tc = self.role(target, (*p, "target"))
            on = str(x["on"])
            if on.startswith("timer:") and on[6:] not in {r["name"] for r in reminders}:
                self.problem("unknown_reminder", (*p, "on"), f"未定义的提醒 '{on[6:]}' / unknown "
                             f"reminder '{on[6:]}'",
                             value=on, hint=self.did_you_mean(on[6:], [
                                 r["name"] for r in reminders]))
            penalties.append(PenaltyRule(
                x["name"], on, x.get("points"), x.get("points_per_day"),
                x.get("day_unit", "day"), x.get("max_points"), x.get("coefficient"),
                tuple(x.get("measures") or ()), tc or "lead_department",
                self.expr(x.get("when"), (*p, "when")),
                bool(x.get("exempt_if_extension_met")), basis_of(x),
                self.assessed(x.get("assessed"), (*p, "assessed")), kind))
        self.unique_names(raw, section)
        return tuple(penalties)

    def counters(self, raw: list[Mapping[str, Any]],
                 penalties: tuple[PenaltyRule, ...]) -> tuple[Counter, ...]:
        """Yearly (quarterly, monthly) counters of a penalty rule or of censures."""
        counters = []
        names = {p.name for p in penalties} | {"censure"}
        for i, x in enumerate(raw):
            p = ("counters", i)
            if x["counts"] not in names:
                self.problem("unknown_penalty", (*p, "counts"),
                             f"累计对象 '{x['counts']}' 不是扣分规则名或 censure / counts neither a "
                             "penalty rule nor censure", value=x["counts"],
                             hint=self.did_you_mean(x["counts"], names))
            tc = self.role(x.get("target", "lead_department"), (*p, "target"))
            counters.append(Counter(x["name"], x["counts"], x["per"], x["threshold"],
                                    x.get("points"), x.get("coefficient"),
                                    tuple(x.get("measures") or ()), tc or "lead_department",
                                    basis_of(x)))
        return tuple(counters)

    def calendar(self, cal_spec: Mapping[str, Any], timezone: Any, path: str) -> dict[str, Any]:
        """The time zone and the working-day calendar (official data plus additions)."""
        try:
            tz = ZoneInfo(timezone or "Asia/Shanghai")
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
            self.problem("timezone", ("timezone",), f"未知时区 '{timezone}' / unknown "
                         "time zone",
                         value=timezone, hint="如 Asia/Shanghai")
            tz = ZoneInfo("Asia/Shanghai")
        settings = CalendarSettings()
        calendar = official_calendar()
        try:
            own = {k: v for k, v in cal_spec.items() if k != "cite"}
            if self.beyond_known_data is not None:  # the deployment's choice wins
                own["beyond_known_data"] = self.beyond_known_data
            settings = settings_from_mapping(own, base_dir=Path(path).resolve().parent)
            additions = list(self.calendar_additions)
            calendar = _calendar(settings, additions) if (
                settings.extra_holidays or settings.extra_workdays or settings.data_files
                or additions) else official_calendar(settings.beyond_known_data)
        except (DubanError, ValueError, OSError) as exc:
            self.problem("calendar", ("calendar",), f"日历设置有误 / calendar: {exc}",
                         hint="见 docs/calendar.md")
        return {"timezone": tz, "calendar": calendar, "roll_forward": settings.roll_forward,
                "end_of_day": settings.end_of_day}

    def documents(self, docs: Mapping[str, Any], path: str) -> dict[str, Any]:
        """Templates (checked in the sandbox now), numbering, forms, list mode."""
        self.templates(docs.get("templates") or {}, path)
        numbering = docs.get("numbering") or {}
        per = numbering.get("per", "item")
        if per == "notice" and docs.get("list_mode") == "single":
            self.problem("notice_single", ("documents", "numbering", "per"),
                         "按通知单编号（per: notice）是为一单多事，而 list_mode 写的是 single（一单一事）"
                         " / numbering per notice contradicts list_mode: single",
                         value=per, expected="list_mode: multiple 或 either，或删去 per: notice",
                         hint="一单一事时每个事项自有文号，不写 per（默认 item）")
        return {"numbering": numbering.get("format"),
                "numbering_on": numbering.get("assign_on", "create"), "numbering_per": per,
                "forms": tuple(docs.get("forms") or ()), "list_mode": docs.get("list_mode")}

    def confidentiality(self, conf: Mapping[str, Any]) -> dict[str, Any]:
        return {"confidential_visible_to": frozenset(self.roles(
            conf.get("visible_to"), ("confidentiality", "visible_to")))}

    def proxy_entry(self, spec: Mapping[str, Any] | None) -> ProxyEntry | None:
        """代录: the role words whose decisions someone else may enter, with their basis —
        a rule that refuses entries must say where it comes from."""
        if spec is None:
            return None
        words = tuple(str(w) for w in spec.get("roles") or ())
        for i, w in enumerate(words):
            self.role(w, ("proxy_entry", "roles", i))
        basis = basis_of(spec)
        if basis is None:
            self.problem("no_basis", ("proxy_entry",),
                         "代录规则没有出处（cite）也没有本单位默认（because）/ the 代录 rule needs a "
                         "`cite` or a `because`",
                         hint="写 cite: <条款>（制度原文这样规定），或 because: <做法与理由>（制度未规定，"
                         "本单位自定）；制度没有规定又不想自定的，删除 proxy_entry")
        return ProxyEntry(words, basis)

    def subitems(self, subitems: Mapping[str, Any]) -> dict[str, Any]:
        return {"subitems_allowed": bool(subitems.get("allowed", True)),
                "parent_waits_for_children": bool(subitems.get(
                    "parent_report_requires_children_closed", True))}

    def decline(self, decline: Mapping[str, Any]) -> dict[str, Any]:
        return {"decline_within": self.duration(decline.get("within"), ("decline", "within")),
                "decline_cite": basis_of(decline)}

    def coordination(self, spec: Mapping[str, Any], transitions: tuple[Transition, ...],
                     actions: Mapping[str, str]) -> dict[str, Any]:
        """The time to ask for coordination; a time with nothing to ask is a mistake."""
        within = self.duration(spec.get("within"), ("coordination", "within"))
        if within is not None and not any(
                actions.get(t.action, t.action) == "request_coordination" for t in transitions):
            self.problem("unused_rule", ("coordination", "within"),
                         "写了申请协调时限，但没有申请协调的转换 / a time to ask for "
                         "coordination without a request_coordination transition",
                         expected="transitions 中 action: request_coordination 的转换",
                         hint="删去 coordination.within，或加上申请协调的转换与 approvals.coordination")
        return {"coordination_within": within, "coordination_cite": basis_of(spec)}

    def approvals(self, spec: Mapping[str, Any], p: tuple[Any, ...], base: Approvals) -> Approvals:
        return Approvals(
            self.chain_ref(spec["opening"], (*p, "opening")) if "opening" in spec else base.opening,
            self.chain_ref(spec["pause"], (*p, "pause")) if "pause" in spec else base.pause,
            self.chain_ref(spec["resume"], (*p, "resume")) if "resume" in spec else base.resume,
            self.chain_ref(spec["review"], (*p, "review")) if "review" in spec else base.review,
            spec.get("cite", base.cite),
            self.chain_ref(spec["progress"], (*p, "progress")) if "progress" in spec
            else base.progress,
            self.chain_ref(spec["share"], (*p, "share")) if "share" in spec else base.share,
            self.chain_ref(spec["coordination"], (*p, "coordination")) if "coordination" in spec
            else base.coordination)

    def assessed(self, spec: Mapping[str, Any] | None, p: tuple[Any, ...]) -> Assessed | None:
        """``assessed: {min, max, by}``: the bounds and who assesses (扣1–5分)."""
        if not spec:
            return None
        words = tuple(str(w) for w in spec["by"])
        return Assessed(float(spec["min"]), float(spec["max"]),
                        frozenset(self.roles(words, (*p, "by"))), words)

    def check_synonyms(self, roles: Mapping[str, Role]) -> None:
        """``same_as`` names a principal word of the same canonical role (one level)."""
        for word, role in roles.items():
            other = roles.get(role.same_as or "")
            if role.same_as is None:
                continue
            if other is None or other.same_as is not None or other.canonical != role.canonical:
                self.problem("same_as", ("organisation", "roles", word, "same_as"),
                             f"'{word}' 的 same_as '{role.same_as}' 须是同一规范角色的另一个角色词 / "
                             "`same_as` must name another word of the same canonical role",
                             value=role.same_as, hint=self.did_you_mean(role.same_as, [
                                 w for w, r in roles.items() if r.canonical == role.canonical
                                 and w != word]))

    def extensions(self, spec: Mapping[str, Any], p: tuple[Any, ...],
                   base: ExtensionRules) -> ExtensionRules:
        approvers = tuple(c for i, a in enumerate(spec.get("approvers") or ())
                          if (c := self.chain_ref(a, (*p, "approvers", i))))
        if "approvers" not in spec:
            approvers = base.approvers
        raw_max = spec.get("max", "unlimited" if base.max is None else base.max)
        mx = None if raw_max == "unlimited" else raw_max
        need = 1 if mx is None else mx
        if len(approvers) < need and spec:
            self.problem("extension_approvers", (*p, "max") if "max" in spec else
                         (*p, "approvers") if "approvers" in spec else p,
                         f"最多可延期 {raw_max} 次，但只给出了 {len(approvers)} 次的审批链 / "
                         f"approvers given for {len(approvers)} of {raw_max} extension requests",
                         value="、".join(approvers) or "（无）",
                         hint="为第1次、第2次…延期各写一条审批链，或减小 max / give one chain per "
                              "request, or lower max")
        def dur(key: str) -> Duration | None:
            return self.duration(spec[key], (*p, key)) if key in spec else getattr(base, key)
        own = {f: b for f in EXTENSION_SETTINGS if f in spec and (b := basis_of(spec, f))}
        return ExtensionRules(
            mx, approvers, spec.get("before_due", base.before_due), dur("lead_time"),
            dur("longest"), spec.get("unit", base.unit),
            spec.get("exempt_penalties", base.exempt_penalties), dur("review_limit"),
            basis_of(spec) if ("cite" in spec or "because" in spec) else base.cite,
            {**base.basis, **own})

    def require(self, section: str, i: int, item: Mapping[str, Any],
                keys: tuple[str, ...]) -> bool:
        """Named-list entries may be partial overrides, so completeness is checked after
        merging with the base: every entry must end up with ``keys``."""
        missing = [k for k in keys if k not in item]
        for k in missing:
            self.problem("required", (section, i),
                         f"“{item.get('name')}”缺少必填项 '{k}'（继承的同名项也没有）/ '{k}' is "
                         "required", hint=f"加上 `{k}: ...`")
        return not missing

    def transitions(self, raw: list[Mapping[str, Any]]) -> tuple[Transition, ...]:
        out = []
        self.unique_names(raw, "transitions")
        for i, t in enumerate(raw):
            p = ("transitions", i)
            if not self.require("transitions", i, t, ("action", "from", "to")):
                continue
            sources = (t["from"],) if isinstance(t["from"], str) else tuple(t["from"])
            for j, s in enumerate(sources):
                self.state_ref(s, (*p, "from") if isinstance(t["from"], str) else (*p, "from", j))
            self.state_ref(t["to"], (*p, "to"), ("same", "previous"))
            roles = self.roles(t.get("roles"), (*p, "roles"))
            if not roles and t["action"] not in ("approve", "reject"):
                self.problem("no_roles", p, f"转换 '{t['name']}' 未写可执行角色 / no roles allowed",
                             hint="加上 roles: [...]（只有 approve/reject 可由审批链决定）")
            out.append(Transition(t["name"], t["action"], sources, t["to"], frozenset(roles),
                                  self.expr(t.get("when"), (*p, "when")), t.get("cite"),
                                  tuple(t.get("requires") or ()),
                                  frozenset(str(w) for w in t.get("roles") or ()),
                                  self.recipients(t.get("inform"), (*p, "inform"))))
        return tuple(out)

    def recipients(self, raw: Any, path: tuple[Any, ...]) -> tuple[tuple[str, str], ...]:
        """Who a notify-only step informs (分送/知会): role words or canonical roles, the
        organisation's departments, or ``{department: name}`` for one the text names."""
        departments = set((self.data.get("organisation") or {}).get("departments") or ())
        out = []
        for i, entry in enumerate(raw or ()):
            if isinstance(entry, Mapping):
                out.append(("", str(entry["department"])))
            elif str(entry) in self.roles_canonical:
                out.append((self.roles_canonical[str(entry)], str(entry)))
            elif str(entry) in departments:
                out.append(("", str(entry)))
            else:
                self.problem("unknown_recipient", (*path, i),
                             f"分送对象 '{entry}' 既不是角色也不是部门 / '{entry}' is neither a role "
                             "nor a department", value=entry,
                             expected="organisation.roles 中的角色词、规范角色或 organisation.departments "
                                      "中的部门",
                             hint=self.did_you_mean(str(entry), [*self.roles_canonical,
                                                                 *departments]) or
                             f"原文点名的部门写成 {{department: {entry}}}")
        return tuple(out)

    def check_shadowing(self, transitions: tuple[Transition, ...]) -> None:
        """An inherited transition and one of the policy's own that answer the same action
        from the same state, where the earlier one always wins (no condition, every role of
        the later one allowed by it), is an error naming both: one of them would silently
        never run for that action."""
        where = {t.name: self.locate(("transitions", i)) for i, t in enumerate(transitions)}
        for j, b in enumerate(transitions):
            for a in transitions[:j]:
                shared = [s for s in b.sources if s in a.sources]
                if a.action != b.action or a.when is not None or not shared or \
                        bool(a.roles) != bool(b.roles) or not b.roles <= a.roles:
                    continue
                la, lb = where[a.name], where[b.name]
                if la is None or lb is None or la.file == lb.file:
                    continue  # named variants within one file are chosen by name on purpose
                self.problem("shadowed", ("transitions", j),
                             f"转换“{b.name}”与“{a.name}”（{la.file}:{la.line}）在“{'、'.join(shared)}”"
                             f"对同一动作 {b.action} 都适用，“{a.name}”在前且无条件，“{b.name}”永远不会被"
                             f"选中 / '{b.name}' is shadowed by '{a.name}'", value=b.name,
                             hint=f"删除继承的一条（{{name: {a.name}, remove: true}}），或同名覆盖它，"
                                  "或给在前的一条加 when 条件 / remove or override one, or add a "
                                  "condition")

    def unique_names(self, raw: list[Mapping[str, Any]], section: str) -> None:
        seen: dict[str, int] = {}
        for i, t in enumerate(raw):
            n = t.get("name")
            if n in seen:
                first = self.locate((section, seen[n], "name"))
                here = self.locate((section, i, "name"))
                where = (f"第 {first.line} 行" if here and first.file == here.file else
                         f"{first.file} 第 {first.line} 行") if first else f"第 {seen[n] + 1} 项"
                line = f"line {first.line}" if first else f"entry {seen[n] + 1}"
                self.problem("duplicate_name", (section, i, "name"),
                             f"名称 '{n}' 重复（{where}已使用）/ duplicate name '{n}' (first "
                             f"used at {line})", value=n,
                             hint="每项的 name 须唯一；要覆盖继承项，同名写一次即可 / names are "
                                  "unique; one entry of the same name overrides the inherited one")
            else:
                seen[str(n)] = i

    def check_graph(self, initial: Any, transitions: tuple[Transition, ...]) -> None:
        if initial not in self.states or any(
                p.code == "semantic.unknown_state" for p in self.problems):
            return  # an unknown state already explains any unreachable one
        reach = {initial}
        entered_from: dict[str, set[str]] = {}
        changed = True
        while changed:  # a fixpoint: `to: previous` exits grow as predecessors are found
            changed = False
            for t in transitions:
                for s in t.sources:
                    if s not in reach:
                        continue
                    targets = [s] if t.to == "same" else \
                        sorted(entered_from.get(s, set())) if t.to == "previous" else [t.to]
                    for tgt in targets:
                        preds = entered_from.setdefault(tgt, set())
                        if s not in preds:
                            preds.add(s)
                            changed = True
                        if tgt not in reach and tgt in self.states:
                            reach.add(tgt)
                            changed = True
        for name, st in self.states.items():
            if name not in reach:
                self.problem("unreachable", ("states", name),
                             f"状态 '{name}' 无法到达 / state '{name}' is unreachable from "
                             f"'{initial}'", hint="加一条转到它的转换，或删除它（写 null）/ add a "
                                                  "transition into it, or remove it (null)")
            if st.final:
                exits = [t.name for t in transitions if name in t.sources]
                if exits:
                    self.problem("final_exit", ("states", name, "final"),
                                 f"终态 '{name}' 不能有流出的转换：{'、'.join(exits)} / a final "
                                 "state has outgoing transitions",
                                 value="、".join(exits),
                                 hint="删除这些转换（{name: X, remove: true}）或去掉 final / remove "
                                      "them or drop `final`")


_CALENDARS: dict[tuple[Any, ...], Any] = {}


def _calendar(settings: CalendarSettings, additions: list[Any]) -> Any:
    """Build (or reuse) the calendar for these settings: building one walks every day of
    the known years, so policies with the same additions share one immutable calendar."""
    key = (settings.extra_holidays, settings.extra_workdays, settings.beyond_known_data,
           tuple((str(f), f.stat().st_mtime_ns if f.exists() else 0)
                 for f in settings.data_files), tuple(repr(a) for a in additions))
    hit = _CALENDARS.get(key)
    if hit is None:
        hit = _CALENDARS[key] = settings.build(additions)
        if len(_CALENDARS) > 64:
            _CALENDARS.pop(next(iter(_CALENDARS)))
    return hit


def compile_policy(data: Mapping[str, Any], locate: Locator, path: str,
                   origins: Mapping[Any, str], calendar_additions: Iterable[Any] = (),
                   conditions: Mapping[str, Callable[[Any], bool]] | None = None,
                   beyond_known_data: str | None = None
                   ) -> tuple[Policy | None, list[Problem]]:
    """Compile a merged document; returns the policy (None on problems) and the problems.

    ``calendar_additions`` come from calendar plugins and the deployment's calendar files
    (e.g. 2027's official days); ``beyond_known_data`` is the deployment's choice, if any;
    ``conditions`` are plugins' named conditions (None: not known here, so ``cond.*``
    names are checked when the policy is used instead)."""
    content_hash = hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True)
                                  .encode()).hexdigest()[:16]
    c = _Compiler(data, locate, calendar_additions, conditions, beyond_known_data)
    policy = c.compile(path, content_hash, origins)
    return policy, c.problems
