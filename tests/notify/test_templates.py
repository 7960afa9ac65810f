"""Notice templates: the Chinese defaults, overrides by policy, deployment and plugin,
and the sandbox refusing template-injection payloads with a clear error."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from duban.notify.templates import (
    DEFAULT_TEMPLATES,
    KIND_LABELS,
    NoticeTemplates,
    TemplateError,
    check_templates,
    cn_datetime,
)
from duban.outbox import OutboxMessage
from duban.policy.loader import load_policy
from duban.policy.model import Policy

ROOT = Path(__file__).resolve().parents[2]

DEFAULTS = NoticeTemplates()


@pytest.mark.parametrize(("kind", "words"), [
    ("pre_due_reminder", ["将于2026年9月29日到期", "请抓紧办理"]),
    ("overdue_notice", ["已超过办理期限（2026年9月29日）", "说明逾期原因"]),
    ("escalation", ["提请督办"]),
    ("step_overdue", ["环节已超过规定时限（2026年10月1日）"]),
    ("approval_requested", ["待您审批"]),
    ("handoff", ["请接续办理，办理期限2026年9月29日"]),
    ("progress_report", ["督办通知"]),  # a kind without its own text gets the generic one
])
def test_every_kind_has_a_chinese_default(kind: str, words: list[str],
        message: Callable[..., OutboxMessage]) -> None:
    notice = DEFAULTS.render_message(message(kind, key="A:3:1:财务部:x"))
    assert notice.subject == "【机制测试策略】催办通知：完成资产清查"
    assert notice.text.startswith("财务部：\n督办事项“完成资产清查”（A）")
    for w in words:
        assert w in notice.text
    assert notice.text.endswith("通知编号：A:3:1:财务部:x")


def test_the_defaults_cover_every_kind_of_notice() -> None:
    assert set(KIND_LABELS) <= set(DEFAULT_TEMPLATES)
    assert set(KIND_LABELS) == {"pre_due_reminder", "overdue_notice", "escalation",
                                "step_overdue", "approval_requested", "handoff", "inform"}


def test_number_and_message_are_shown_when_known(message: Callable[..., OutboxMessage]) -> None:
    text = DEFAULTS.render_message(message(number="测督字〔2026〕7号", message="请附整改材料")).text
    assert "督办文号：测督字〔2026〕7号" in text and "说明：请附整改材料" in text


def test_confidential_item_title_is_never_given_to_a_template(
        message: Callable[..., OutboxMessage]) -> None:
    t = DEFAULTS.layered({"overdue_notice": "{{ title }}|{{ what }}",
                          "subject": "{{ title }}{{ subject }}"}, "test")
    notice = t.render_message(message(confidential=True, title="人事调整方案"))
    assert "人事调整方案" not in notice.subject + notice.text
    assert notice.text.startswith("None|督办事项 A（保密事项")


def test_cn_datetime_reads_iso_instants() -> None:
    assert cn_datetime("2026-03-31T23:59:59+08:00") == "2026年3月31日"
    assert cn_datetime("2026-03-31T09:05:00+08:00") == "2026年3月31日 09:05"
    assert cn_datetime(None) is None


def test_policy_documents_templates_override_the_defaults(message: Callable[..., OutboxMessage],
        mech_policy: Policy) -> None:
    raw = dict(mech_policy.raw)
    raw["documents"] = {**(raw.get("documents") or {}), "templates": {
        "overdue_notice": "请{{ recipient }}于三日内办结{{ what }}，逾期将通报。",
        "overdue_notice.subject": "〔催办〕{{ title }}",
        "任务通知单": "a form template: {{ anything }}",  # forms are not notices: left alone
    }}
    policy = replace(mech_policy, raw=raw)
    notice = DEFAULTS.for_policy(policy).render_message(message())
    assert notice.subject == "〔催办〕完成资产清查"
    assert notice.text.startswith("请财务部于三日内办结督办事项“完成资产清查”（A），逾期将通报。")
    # other kinds keep the default text
    assert "将于" in DEFAULTS.for_policy(policy).render_message(message("pre_due_reminder")).text
    assert DEFAULTS.for_policy(policy).origin("overdue_notice") == "策略 mech 的 documents.templates"


def test_a_policy_file_with_templates_loads_and_renders(tmp_path: Path,
        message: Callable[..., OutboxMessage]) -> None:
    src = (ROOT / "tests" / "engine" / "policies" / "mech.yaml").read_text("utf-8")
    src = src.replace("documents:\n", "documents:\n  templates:\n    pre_due_reminder: "
                      "\"{{ recipient }}：{{ what }}还有两个工作日到期。\"\n")
    (tmp_path / "tpl.yaml").write_text(src, "utf-8")
    policy = load_policy(tmp_path / "tpl.yaml")
    text = DEFAULTS.for_policy(policy).render_message(message("pre_due_reminder")).text
    assert text.startswith("财务部：督办事项“完成资产清查”（A）还有两个工作日到期。")


def test_an_outbox_row_naming_its_policy_gets_that_policys_words(
        message: Callable[..., OutboxMessage]) -> None:
    asked: list[str] = []

    def lookup(ref: str) -> dict[str, str] | None:
        asked.append(ref)
        return {"overdue_notice": "版本 {{ item }} 的措辞"} if ref == "hash-v2" else None

    v2 = message(policy="mech", policy_hash="hash-v2")
    assert DEFAULTS.render_message(v2, lookup).text.startswith("版本 A 的措辞")
    assert DEFAULTS.render_message(v2, lookup).text.startswith("版本 A 的措辞")
    assert asked == ["hash-v2"]  # compiled once per policy version
    v1 = message(policy="mech", policy_hash="hash-v1")
    assert DEFAULTS.render_message(v1, lookup).text.startswith("财务部：\n督办事项")
    assert DEFAULTS.render_message(message(), lookup).text.startswith("财务部：")  # no policy
    assert DEFAULTS.render_message(v2).text.startswith("财务部：")  # no lookup given


def test_a_bad_template_in_a_stored_policy_version_is_a_permanent_delivery_error(
        message: Callable[..., OutboxMessage]) -> None:
    from duban.notify.base import DeliveryError
    from duban.notify.webhook import WebhookNotifier

    n = WebhookNotifier({"url": "http://127.0.0.1:9/x"})
    n.policy_templates = lambda ref: {"overdue_notice": "{{ self.__dict__ }}"}
    with pytest.raises(DeliveryError) as err:
        n.send(message(policy_hash="h"))
    assert err.value.retry is False and "__dict__" in str(err.value)


def test_a_plugin_or_deployment_layer_goes_on_top(message: Callable[..., OutboxMessage]) -> None:
    plugin = NoticeTemplates({"subject": "[督办] {{ label }} {{ item }}"}, origin="插件 acme")
    deployment = plugin.layered({"pre_due_reminder": "{{ label }}：{{ item }}"}, "duban.yaml")
    notice = deployment.render_message(message("pre_due_reminder"))
    assert notice.subject == "[督办] 催办预告 A"
    assert notice.text.startswith("催办预告：A\n通知编号：")


def test_unknown_template_name_is_refused_outside_policies() -> None:
    with pytest.raises(TemplateError) as err:
        NoticeTemplates({"overdue_notise": "x"}, origin="duban.yaml")
    assert "overdue_notise" in str(err.value) and "overdue_notice" in str(err.value)


INJECTIONS = [
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "__subclasses__"),
    ("{{ ''.__class__.__mro__ }}", "__mro__"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "不允许"),
    ("{{ cycler.__init__.__globals__ }}", "__globals__"),
    ("{{ joiner.__init__.__globals__ }}", "__globals__"),
    ("{{ namespace.__init__.__globals__ }}", "__globals__"),
    ("{{ lipsum.__globals__['os'] }}", "__globals__"),
    ("{{ self._TemplateReference__context }}", "_TemplateReference__context"),
    ("{{ self.__init__.__globals__ }}", "__globals__"),
    ("{{ self }}", "self"),
    ("{{ request.application.__globals__ }}", "__globals__"),
    ("{{ config.items() }}", "不允许"),
    ("{{ title|attr('__class__') }}", "attr"),
    ("{{ title['__class__'] }}", "__class__"),
    ("{{ title.__class__ }}", "__class__"),
    ("{{ title.mro }}", "mro"),
    ("{{ '{0.__class__}'.format(title) }}", "不允许"),
    ("{{ title|format }}", "format"),
    ("{% for c in title.__class__.__base__.__subclasses__() %}{% endfor %}", "不允许"),
    ("{% include 'secrets.txt' %}", "include"),
    ("{% import 'x' as y %}", "import"),
    ("{% extends 'base' %}", "extends"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "macro"),
    ("{% for x in title %}{{ x }}{% endfor %}", "for"),
    ("{{ range(100000)|list }}", "range"),
    ("{{ titel }}", "titel"),
]


@pytest.mark.parametrize(("source", "named"), INJECTIONS)
def test_template_injection_is_refused_when_loaded(source: str, named: str) -> None:
    with pytest.raises(TemplateError) as err:
        DEFAULTS.layered({"overdue_notice": source}, "策略 evil 的 documents.templates")
    text = str(err.value)
    assert "模板 overdue_notice（策略 evil 的 documents.templates）" in text
    assert "被拒绝" in text and "refused" in text
    assert named in text


@pytest.mark.parametrize("source", [
    "{{ 'x' * 100000000 }}", "{{ [1] * 100000000 }}", "{{ 9 ** 999999 }}",
    "{{ (9 ** 64) ** 64 }}", "{{ '%099999999d' % 1 }}", "{{ name * 3 }}",
])
def test_resource_exhaustion_is_stopped_at_render(source: str,
        message: Callable[..., OutboxMessage]) -> None:
    """Stopped at render, or at load already where the size is known then."""
    started = time.perf_counter()
    with pytest.raises(TemplateError) as err:
        t = DEFAULTS.layered({"overdue_notice": source}, "test")
        t.render_message(message(name=None))
    assert "渲染失败" in str(err.value) or "超过上限" in str(err.value)
    assert time.perf_counter() - started < 5  # refused, not computed


def test_syntax_errors_name_the_line() -> None:
    with pytest.raises(TemplateError) as err:
        DEFAULTS.layered({"handoff": "第一行\n{% if due %}没有结束"}, "test")
    assert "第 2 行" in str(err.value) and "语法错误" in str(err.value)


def test_check_templates_lists_every_problem_for_validate() -> None:
    problems = check_templates({"overdue_notice": "{{ ''.__class__ }}", "handoff": "{{ x }}",
                                "subject": "ok {{ item }}", "任务通知单": "{{ self }}"}, "p.yaml")
    assert len(problems) == 3  # the form template too: `self` reaches for internals
    assert any("__class__" in p for p in problems) and any("x" in p for p in problems)
    assert any("self" in p and "任务通知单" in p for p in problems)


def test_too_long_a_template_is_refused() -> None:
    with pytest.raises(TemplateError, match="too long"):
        DEFAULTS.layered({"handoff": "字" * 9000}, "test")
