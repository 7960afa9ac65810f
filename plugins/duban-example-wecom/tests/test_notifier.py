"""The ``example_wecom`` notifier against a local WeCom stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from duban_example_wecom import ExampleWeComNotifier
from wecom_standin import WeComStandIn

from duban.errors import DubanError
from duban.notify.base import DeliveryError
from duban.outbox import OutboxMessage


def outbox_row(kind: str = "overdue_notice", recipient: str = "财务部",
               key: str = "A1:3:1:财务部:example_wecom") -> OutboxMessage:
    payload = {"subject": "【示例单位督查督办办法】催办通知", "item": "A1", "title": "资产清查",
               "kind": kind, "name": "催办通知", "due": "2026-10-19T23:59:59+08:00",
               "at": "2026-10-20T00:00:00+08:00", "confidential": False}
    return OutboxMessage(1, "A1", key, "example_wecom", recipient, payload, 0, "pending")


def test_mentions_the_departments_people(wecom: WeComStandIn, directory_env: Path) -> None:
    ExampleWeComNotifier({"url": wecom.url}).send(outbox_row())
    [body] = wecom.accepted
    assert body["text"]["mentioned_mobile_list"] == ["13900000003", "13900000004"]
    assert "督办事项“资产清查”（A1）已超过办理期限" in body["text"]["content"]
    assert body["text"]["content"].endswith("通知编号：A1:3:1:财务部:example_wecom")


def test_the_plugins_own_wording_and_a_deployment_override(wecom: WeComStandIn) -> None:
    ExampleWeComNotifier({"url": wecom.url}).send(outbox_row("pre_due_reminder"))
    ExampleWeComNotifier({"url": wecom.url, "templates": {
        "pre_due_reminder": "请{{ recipient }}注意：{{ what }}快到期了"}}).send(
            outbox_row("pre_due_reminder"))
    first, second = (b["text"]["content"] for b in wecom.accepted)
    assert "【催办预告】督办事项“资产清查”（A1）将于2026年10月19日到期，请财务部抓紧办理。" in first
    assert "请财务部注意：督办事项“资产清查”（A1）快到期了" in second


def test_throttling_is_retried_and_a_wrong_key_is_not(wecom: WeComStandIn) -> None:
    wecom.throttle = 1
    notifier = ExampleWeComNotifier({"url": wecom.url})
    with pytest.raises(DeliveryError) as busy:
        notifier.send(outbox_row())
    assert busy.value.retry is True and "45009" in str(busy.value)
    notifier.send(outbox_row())
    assert len(wecom.accepted) == 1
    wrong = ExampleWeComNotifier({"url": wecom.url.replace("key=", "key=x")})
    with pytest.raises(DeliveryError) as bad:
        wrong.send(outbox_row())
    assert bad.value.retry is False and "93000" in str(bad.value)


@pytest.mark.parametrize(("config", "words"), [
    ({}, "key"), ({"key": "k", "colour": "red"}, "colour"),
    ({"key": "k", "templates": {"overdue_notice": "{{ self }}"}}, "self"),
    ({"key": "k", "directory": "/nonexistent/org.csv"}, "读不到组织目录"),
])
def test_configuration_mistakes_fail_at_start_up(config: dict[str, object], words: str) -> None:
    with pytest.raises(DubanError) as err:
        ExampleWeComNotifier(config)
    assert words in str(err.value)
