"""Notice texts: Chinese defaults, overridable per policy, per deployment or by a plugin.

A policy's ``documents.templates`` are written by whoever authors the YAML, so they are
untrusted code: every notice template is checked when its layer is added and rendered in
the one sandbox of :mod:`duban.templating` (static checks first — no attributes that start
with ``_``, no names that are not notice variables, no calls, imports, macros or loops, a
short list of filters — then jinja2's sandbox under :data:`~duban.templating.NOTICE_LIMITS`).

Names a template set may define (``documents.templates`` in a policy, ``templates`` in a
notifier's configuration, or a plugin's :class:`NoticeTemplates`):

- one body per notice kind (:data:`duban.vocabulary.NOTICE_KINDS`: ``pre_due_reminder``,
  ``overdue_notice``, ``escalation``, ``step_overdue``, ``approval_requested``, ``handoff``,
  ``inform``),
  and ``notice`` for any other kind;
- subjects: ``subject`` for all kinds, ``<kind>.subject`` for one kind.

Other names in a policy's ``documents.templates`` belong to document forms and are left
to the form renderers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from duban import vocabulary
from duban.errors import DubanError
from duban.notify.base import withheld
from duban.outbox import OutboxMessage
from duban.templating import (
    GENERIC,
    NOTICE_LIMITS,
    NOTICE_NAMES,
    NOTICE_VARIABLES,
    TemplateError,
    check_templates,
    cn_date,
    cn_datetime,
    compile_notice,
    render,
)

#: Notice kinds and their Chinese names (the engine's timer events plus approvals, hand-off).
KIND_LABELS: Mapping[str, str] = vocabulary.NOTICE_KINDS
TEMPLATE_NAMES = NOTICE_NAMES
VARIABLES = NOTICE_VARIABLES

_SUBJECT = "{{ subject }}{% if title %}：{{ title }}{% endif %}"
_TAIL = "{% if number %}\n督办文号：{{ number }}{% endif %}{% if message %}\n说明：{{ message }}{% endif %}"

#: The shipped Chinese texts; ``what`` already hides the title of a confidential item.
DEFAULT_TEMPLATES: dict[str, str] = {
    "subject": _SUBJECT,
    "pre_due_reminder": (
        "{{ recipient }}：\n{{ what }}将于{{ due }}到期（{{ name }}），请抓紧办理，按期报送办理结果；"
        "确需延期的，请在期限届满前提出申请。" + _TAIL),
    "overdue_notice": (
        "{{ recipient }}：\n{{ what }}已超过办理期限{% if due %}（{{ due }}）{% endif %}，尚未办结。"
        "请立即办理，并书面说明逾期原因。" + _TAIL),
    "escalation": (
        "{{ recipient }}：\n{{ what }}逾期未办结，经催办仍未完成（{{ name }}），现按规定提请督办，"
        "请督促承办部门限期办结。" + _TAIL),
    "step_overdue": (
        "{{ recipient }}：\n{{ what }}的“{{ name }}”环节已超过规定时限{% if at %}（{{ at }}）{% endif %}，"
        "请尽快处理。" + _TAIL),
    "approval_requested": (
        "{{ recipient }}：\n{{ what }}有一项“{{ name }}”待您审批，请及时处理。" + _TAIL),
    "handoff": (
        "{{ recipient }}：\n{{ what }}已由上一部门办理完毕，请接续办理"
        "{% if due %}，办理期限{{ due }}{% endif %}。" + _TAIL),
    "inform": (
        "{{ recipient }}：\n{{ what }}已{{ name }}，现分送您知晓（无需审批）。" + _TAIL),
    GENERIC: "{{ recipient }}：\n{{ what }}：{{ label }}{% if name %}（{{ name }}）{% endif %}。" + _TAIL,
}

#: Finds a policy's ``documents.templates`` by the policy's content hash (or id).
PolicyTemplates = Callable[[str], Mapping[str, str] | None]


@dataclass(frozen=True)
class Notice:
    """A rendered notice: one-line subject, plain-text body (with its 通知编号 line)."""

    subject: str
    text: str

    def markdown(self) -> str:
        """The body for robots that take markdown: a heading and one paragraph per line."""
        lines = [ln for ln in self.text.splitlines() if ln.strip()]
        return f"#### {self.subject}\n\n" + "\n\n".join(lines)


class NoticeTemplates:
    """A layered set of notice templates: defaults, then each override set in turn.

    ``NoticeTemplates()`` is the shipped Chinese set; ``.layered(overrides, origin)`` puts
    another set on top (a plugin's, a deployment's ``templates``, a policy's
    ``documents.templates``). Every template is checked when its layer is added, so a bad
    one fails at start-up (or at policy load), never while a notice is being sent.
    """

    def __init__(self, overrides: Mapping[str, str] | None = None, *,
                 origin: str = "插件 plugin") -> None:
        self._compiled = {n: compile_notice(n, s, "默认模板 default")
                          for n, s in DEFAULT_TEMPLATES.items()}
        self._origins = dict.fromkeys(self._compiled, "默认模板 default")
        self._by_policy: dict[str, NoticeTemplates] = {}
        if overrides:
            self._add(overrides, origin, strict=True)

    def _add(self, overrides: Mapping[str, str], origin: str, *, strict: bool) -> None:
        for name, source in overrides.items():
            if name not in TEMPLATE_NAMES:
                if strict:
                    raise TemplateError(
                        f"没有名为 “{name}” 的通知模板（{origin}）；可用：{'、'.join(sorted(TEMPLATE_NAMES))} "
                        f"/ unknown notice template {name!r}")
                continue
            self._compiled[name] = compile_notice(name, source, origin)
            self._origins[name] = origin

    def layered(self, overrides: Mapping[str, str] | None, origin: str, *,
                strict: bool = True) -> NoticeTemplates:
        """A copy with ``overrides`` on top; ``strict=False`` skips non-notice names."""
        new = object.__new__(NoticeTemplates)
        new._compiled = dict(self._compiled)
        new._origins = dict(self._origins)
        new._by_policy = {}
        if overrides:
            new._add(overrides, origin, strict=strict)
        return new

    def for_policy(self, policy: Any) -> NoticeTemplates:
        """These templates under the policy's ``documents.templates`` (form names ignored)."""
        docs = (getattr(policy, "raw", None) or {}).get("documents") or {}
        return self.layered(docs.get("templates") or {}, f"策略 {policy.id} 的 documents.templates",
                            strict=False)

    def origin(self, name: str) -> str:
        return self._origins[name]

    def render(self, kind: str, context: Mapping[str, Any]) -> Notice:
        """The notice of ``kind`` for ``context`` (see :data:`VARIABLES`)."""
        body_name = kind if kind in self._compiled else GENERIC
        subject_name = f"{kind}.subject" if f"{kind}.subject" in self._compiled else "subject"
        subject = " ".join(self._run(subject_name, context).split())
        text = self._run(body_name, context).strip()
        return Notice(subject or KIND_LABELS.get(kind, "督办通知"), text)

    def render_message(self, message: OutboxMessage,
                       policy_templates: PolicyTemplates | None = None, *,
                       entitled: bool = False) -> Notice:
        """The notice for an outbox row, ending with its 通知编号 (the dedupe key).

        When the row names its policy (``policy_hash`` or ``policy`` in the payload) and
        ``policy_templates`` can find that policy's ``documents.templates``, they go on top,
        so an item is notified in the words of the policy version it was created under."""
        ctx = notice_context(message, entitled=entitled)
        notice = self._with_policy(message, policy_templates).render(str(ctx["kind"]), ctx)
        return Notice(notice.subject, f"{notice.text}\n通知编号：{message.dedupe_key}")

    def _with_policy(self, message: OutboxMessage,
                     lookup: PolicyTemplates | None) -> NoticeTemplates:
        ref = message.payload.get("policy_hash") or message.payload.get("policy")
        if lookup is None or not ref:
            return self
        ref = str(ref)
        if ref not in self._by_policy:
            name = message.payload.get("policy") or ref
            self._by_policy[ref] = self.layered(lookup(ref) or {},
                                                f"策略 {name} 的 documents.templates", strict=False)
        return self._by_policy[ref]

    def _run(self, name: str, context: Mapping[str, Any]) -> str:
        try:
            out = render(self._compiled[name], context)
        except Exception as exc:  # the sandbox, its limits, StrictUndefined, a type error
            raise TemplateError(f"模板 {name}（{self._origins[name]}）渲染失败：{exc} / template "
                                f"{name} failed to render: {type(exc).__name__}") from None
        if len(out) > NOTICE_LIMITS.output:
            raise TemplateError(f"模板 {name}（{self._origins[name]}）生成了超过 {NOTICE_LIMITS.output} 个字符 "
                                f"/ template {name} output too long")
        return str(out)


def notice_context(message: OutboxMessage, *, entitled: bool = False) -> dict[str, Any]:
    """The variables of :data:`VARIABLES` for an outbox row; a confidential item's title
    and message are withheld unless the channel is ``entitled`` (configured with
    ``confidential: true``), because a chat group or a mail list is wider than the item's
    readers."""
    p = withheld(message.payload, entitled)
    kind = str(p.get("kind") or GENERIC)
    confidential = bool(p.get("confidential"))
    item = str(p.get("item") or message.item_id)
    title = p.get("title") or None
    what = f"督办事项“{title}”（{item}）" if title else \
        f"督办事项 {item}" + ("（保密事项，详情请登录系统查看）" if confidential else "")
    return {
        "recipient": message.recipient, "item": item, "title": title, "what": what,
        "confidential": confidential, "kind": kind,
        "label": KIND_LABELS.get(kind, "督办通知"), "name": p.get("name") or None,
        "subject": str(p.get("subject") or KIND_LABELS.get(kind, "督办通知")),
        "due": cn_datetime(p.get("due")), "due_iso": p.get("due"),
        "at": cn_datetime(p.get("at")), "at_iso": p.get("at"),
        "number": p.get("number") or None, "message": p.get("message") or None,
        "dedupe_key": message.dedupe_key, "channel": message.channel,
    }


# ----------------------------------------------------------------------------------------
# Reading a notifier's configuration. Every notifier (SMTP, the webhooks, a plugin's) reads
# a plain dict from duban.yaml; a mistake there must name the notifier and the key, in
# Chinese then English, and never surface as a KeyError traceback.
# ----------------------------------------------------------------------------------------


class NotifierConfig:
    """A notifier's configuration with checked accessors; unknown keys are refused."""

    def __init__(self, channel: str, config: Mapping[str, Any] | None, known: set[str]) -> None:
        self.channel = channel
        self.data = dict(config or {})
        unknown = sorted(set(self.data) - known)
        if unknown:
            raise self.error(f"不认识的配置项 {', '.join(unknown)}；可用：{', '.join(sorted(known))}",
                             f"unknown keys {', '.join(unknown)}")

    def error(self, zh: str, en: str) -> DubanError:
        return DubanError(f"通知渠道 {self.channel} 的配置有误：{zh} / notifier {self.channel}: "
                          f"{en}", "validation_error")

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str | None:
        value = self.data.get(key, default)
        if value is None or value == "":
            if required:
                raise self.error(f"缺少 {key}", f"'{key}' is required")
            return default
        if not isinstance(value, str | int):
            raise self.error(f"{key} 应是文字，写的是 {value!r}", f"'{key}' must be a string")
        return str(value)

    def number(self, key: str, default: float) -> float:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise self.error(f"{key} 应是正数，写的是 {value!r}", f"'{key}' must be a positive number")
        return float(value)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.error(f"{key} 应是 true 或 false，写的是 {value!r}", f"'{key}' must be a boolean")
        return value

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        value = self.data.get(key, options[0])
        if value not in options:
            raise self.error(f"{key} 只能是 {'、'.join(options)}，写的是 {value!r}",
                             f"'{key}' must be one of {', '.join(options)}")
        return str(value)

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.data.get(key) or {}
        if not isinstance(value, Mapping):
            raise self.error(f"{key} 应是映射（名称: 值），写的是 {value!r}", f"'{key}' must be a mapping")
        return {str(k): v for k, v in value.items()}

    def addresses(self, key: str) -> dict[str, list[str]]:
        """A mapping from a recipient word to one or several addresses (or mobiles)."""
        out: dict[str, list[str]] = {}
        for word, value in self.mapping(key).items():
            values = [value] if isinstance(value, str | int) else value
            if not isinstance(values, list) or not values or \
                    not all(isinstance(v, str | int) and str(v) for v in values):
                raise self.error(f"{key}.{word} 应是一个或一组地址，写的是 {value!r}",
                                 f"'{key}.{word}' must be a string or a list of strings")
            out[word] = [str(v) for v in values]
        return out

    def templates(self, base: NoticeTemplates | None = None) -> NoticeTemplates:
        """The notice templates: ``base`` (defaults, or a plugin's) under ``templates``."""
        base = base or NoticeTemplates()
        return base.layered(self.mapping("templates"), f"通知渠道 {self.channel} 的 templates")



__all__ = ["GENERIC", "KIND_LABELS", "TEMPLATE_NAMES", "VARIABLES", "Notice", "NoticeTemplates",
           "NotifierConfig", "TemplateError", "check_templates", "cn_date", "cn_datetime",
           "notice_context"]
