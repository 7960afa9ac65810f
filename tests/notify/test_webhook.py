"""Webhook and robot notices against a real local HTTP server that checks each vendor's
signature as documented and throttles for a while."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from duban.errors import DubanError
from duban.notify.base import DeliveryError
from duban.notify.webhook import (
    DingTalkNotifier,
    FeishuNotifier,
    WebhookNotifier,
    WeComNotifier,
    fit_utf8,
    post_json,
)
from duban.outbox import OutboxMessage
from duban.plugins import Hooks, make_plugin_manager
from duban.runtime.service import Service


def configs(robots, **over: dict[str, Any]) -> dict[str, dict[str, Any]]:
    secret = robots.secrets
    base = {"dingtalk": {"url": robots.url("dingtalk"), "secret": secret["dingtalk"], "timeout": 5},
            "wecom": {"url": robots.url("wecom"), "timeout": 5},
            "feishu": {"url": robots.url("feishu"), "secret": secret["feishu"], "timeout": 5},
            "webhook": {"url": robots.url("webhook"), "secret": secret["webhook"], "timeout": 5}}
    return {k: {**v, **over.get(k, {})} for k, v in base.items()}


CLASSES = {"dingtalk": DingTalkNotifier, "wecom": WeComNotifier, "feishu": FeishuNotifier,
           "webhook": WebhookNotifier}


def make(robots, vendor: str, **over: Any) -> Any:
    return CLASSES[vendor](configs(robots, **{vendor: over})[vendor])


@pytest.mark.parametrize("vendor", list(CLASSES))
def test_each_format_is_accepted_with_its_signature(robots, vendor: str,
        message: Callable[..., OutboxMessage]) -> None:
    make(robots, vendor).send(message(key=f"A:3:1:财务部:{vendor}"))
    [got] = robots.received[vendor]
    assert got["dedupe_key"] == f"A:3:1:财务部:{vendor}"
    assert "督办事项“完成资产清查”（A）已超过办理期限" in got["text"]


@pytest.mark.parametrize(("vendor", "msgtype"), [("dingtalk", "markdown"),
                                                 ("wecom", "markdown"), ("feishu", "post")])
def test_rich_formats(robots, vendor: str, msgtype: str,
        message: Callable[..., OutboxMessage]) -> None:
    make(robots, vendor, msgtype=msgtype).send(message())
    [got] = robots.received[vendor]
    assert "已超过办理期限" in got["text"] and "通知编号：A:3:1:财务部:x" in got["text"]


def test_dingtalk_sign_is_url_encoded(robots, message: Callable[..., OutboxMessage]) -> None:
    """Pick a timestamp whose signature contains '+' and '/': sent raw, they would not
    survive the query string and the server would answer 310000."""
    start = int(time.time() * 1000)
    ts = next(t for t in range(start, start + 100_000)
              if {"+", "/"} <= set(robots.dingtalk_sign(str(t), robots.secrets["dingtalk"])))
    n = make(robots, "dingtalk")
    n.clock = lambda: ts / 1000
    n.send(message())
    assert len(robots.received["dingtalk"]) == 1
    assert robots.refused == []


def test_dingtalk_mentions_the_departments_mobiles(robots,
        message: Callable[..., OutboxMessage]) -> None:
    make(robots, "dingtalk", mentions={"财务部": ["13800000000"]}).send(message())
    body = robots.received["dingtalk"][0]["body"]
    assert body["at"] == {"atMobiles": ["13800000000"], "isAtAll": False}
    assert "@13800000000" in body["text"]["content"]


@pytest.mark.parametrize("vendor", ["dingtalk", "feishu"])
def test_wrong_secret_is_permanent(robots, vendor: str,
        message: Callable[..., OutboxMessage]) -> None:
    with pytest.raises(DeliveryError) as err:
        make(robots, vendor, secret="SECwrong").send(message())
    assert err.value.retry is False
    assert ("310000" if vendor == "dingtalk" else "19021") in str(err.value)
    assert robots.received[vendor] == []


@pytest.mark.parametrize("vendor", ["dingtalk", "feishu"])
def test_a_stale_timestamp_is_refused_by_the_robot(robots, vendor: str,
        message: Callable[..., OutboxMessage]) -> None:
    n = make(robots, vendor)
    n.clock = lambda: time.time() - 2 * 3600  # a server clock two hours slow
    with pytest.raises(DeliveryError) as err:
        n.send(message())
    assert err.value.retry is False


def test_wrong_wecom_key_is_permanent(robots, message: Callable[..., OutboxMessage]) -> None:
    with pytest.raises(DeliveryError) as err:
        WeComNotifier({"url": robots.url("wecom").replace("key=", "key=x")}).send(message())
    assert err.value.retry is False and "93000" in str(err.value)


@pytest.mark.parametrize(("vendor", "code"), [("dingtalk", "130101"), ("wecom", "45009"),
                                              ("feishu", "11232"), ("webhook", "503")])
def test_throttling_is_temporary(robots, vendor: str, code: str,
        message: Callable[..., OutboxMessage]) -> None:
    robots.throttle[vendor] = 1
    n = make(robots, vendor)
    with pytest.raises(DeliveryError) as err:
        n.send(message())
    assert err.value.retry is True and code in str(err.value)
    n.send(message())
    assert len(robots.received[vendor]) == 1


def test_feishu_9499_is_temporary_only_when_it_says_too_many() -> None:
    n = FeishuNotifier({"url": "http://127.0.0.1:1/x"})
    assert n.temporary(9499, "too many request") is True
    assert n.temporary(9499, "Bad Request") is False
    assert n.temporary(11232, "frequency limited") is True
    assert n.temporary(19021, "sign match fail") is False


def test_generic_webhook_body_and_headers(robots, message: Callable[..., OutboxMessage]) -> None:
    make(robots, "webhook").send(message(key="A:3:1:财务部:webhook"))
    body = robots.received["webhook"][0]["body"]
    assert body["dedupe_key"] == "A:3:1:财务部:webhook"
    assert body["recipient"] == "财务部" and body["item"] == "A"
    assert body["kind"] == "overdue_notice"
    assert body["subject"] == "【机制测试策略】催办通知：完成资产清查"
    assert body["payload"]["due"] == "2026-09-29T23:59:59+08:00"


def test_generic_webhook_withholds_a_confidential_title(robots,
        message: Callable[..., OutboxMessage]) -> None:
    make(robots, "webhook").send(message(confidential=True, title="人事调整方案"))
    body = robots.received["webhook"][0]["body"]
    assert "人事调整方案" not in json.dumps(body, ensure_ascii=False)
    assert body["payload"]["confidential"] is True


def test_generic_webhook_wrong_secret_is_permanent(robots,
        message: Callable[..., OutboxMessage]) -> None:
    with pytest.raises(DeliveryError) as err:
        make(robots, "webhook", secret="nope").send(message())
    assert err.value.retry is False and "401" in str(err.value)


def test_http_statuses(robots, message: Callable[..., OutboxMessage],
        free_port: Callable[[], int]) -> None:
    with pytest.raises(DeliveryError) as missing:
        WebhookNotifier({"url": robots.url("webhook") + "/nowhere"}).send(message())
    assert missing.value.retry is False and "404" in str(missing.value)
    with pytest.raises(DeliveryError) as down:
        WebhookNotifier({"url": f"http://127.0.0.1:{free_port()}/x", "timeout": 2}).send(message())
    assert down.value.retry is True


def test_token_is_kept_out_of_error_messages(free_port: Callable[[], int]) -> None:
    with pytest.raises(DeliveryError) as err:
        post_json(f"http://127.0.0.1:{free_port()}/robot/send?access_token=TOPSECRET", {})
    assert "TOPSECRET" not in str(err.value)


def test_long_text_is_cut_to_the_robot_limit_keeping_the_notice_number(
        robots, message: Callable[..., OutboxMessage]) -> None:
    make(robots, "wecom").send(message(message="很长的说明" * 400, key="A:3:1:财务部:wecom"))
    [got] = robots.received["wecom"]
    assert len(got["text"].encode()) <= 2048
    assert got["dedupe_key"] == "A:3:1:财务部:wecom"


def test_fit_utf8_keeps_whole_characters() -> None:
    text = "督办" * 100 + "\n通知编号：K"
    cut = fit_utf8(text, 60)
    assert len(cut.encode()) <= 60 and cut.endswith("…\n通知编号：K")
    assert fit_utf8("短", 60) == "短"


def test_vendor_urls_from_keys() -> None:
    assert WeComNotifier({"key": "abc"}).url == \
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
    assert DingTalkNotifier({"access_token": "t"}).url == \
        "https://oapi.dingtalk.com/robot/send?access_token=t"
    assert FeishuNotifier({"hook": "h-1"}).url == \
        "https://open.feishu.cn/open-apis/bot/v2/hook/h-1"


@pytest.mark.parametrize(("cls", "config", "words"), [
    (WebhookNotifier, {}, "url"),
    (WebhookNotifier, {"url": "ftp://x/y"}, "http"),
    (WebhookNotifier, {"url": "http://x", "timeout": -1}, "timeout"),
    (DingTalkNotifier, {"url": "http://x", "msgtype": "card"}, "msgtype"),
    (FeishuNotifier, {"url": "http://x", "msgtype": "markdown"}, "msgtype"),
    (WeComNotifier, {"url": "http://x", "secret": "s"}, "secret"),
    (WeComNotifier, {"url": "http://x", "mentions": {"财务部": {"a": 1}}}, "mentions"),
    (DingTalkNotifier, {"url": "http://x", "templates": {"handoff": "{{ self }}"}}, "self"),
])
def test_configuration_mistakes_are_named(cls: type, config: dict[str, Any], words: str) -> None:
    with pytest.raises(DubanError) as err:
        cls(config)
    assert words in str(err.value) and cls.name in str(err.value)


def test_builtin_registrations_build_the_webhook_notifiers() -> None:
    hooks = Hooks(make_plugin_manager(entry_points=False))
    for name, cls in CLASSES.items():
        assert isinstance(hooks.notifiers.get(name)({"url": "https://example.com/x"}), cls)


def test_throttled_robots_end_with_every_notice_delivered_once(robots, tmp_path: Path,
        notice_service: Callable[..., Service], deliver_all: Callable[..., dt.datetime],
        tz: dt.tzinfo) -> None:
    """Four channels through the outbox of a real SQLite store; each receiver throttles
    its first answers, the generic one is down (503/429) for a while."""
    notifiers = {name: CLASSES[name](conf) for name, conf in configs(robots).items()}
    service = notice_service(tmp_path, notifiers)
    robots.throttle.update({"dingtalk": 6, "wecom": 9, "feishu": 4, "webhook": 12})
    deliver_all(service, dt.datetime(2026, 10, 16, 13, tzinfo=tz))
    outbox = service.store.outbox()
    assert {m.status for m in outbox} == {"sent"}
    assert max(m.attempts for m in outbox) >= 2
    for vendor in CLASSES:
        expected = {m.dedupe_key for m in outbox if m.channel == vendor}
        assert len(expected) >= 12
        got = robots.keys(vendor)
        assert set(got) == expected, vendor
        assert set(got.values()) == {1}, vendor
    assert robots.refused == []
    assert all(robots.throttle[v] == 0 for v in CLASSES)


def test_a_bad_signature_goes_to_dead_letter_at_once(robots, tmp_path: Path,
        notice_service: Callable[..., Service], tz: dt.tzinfo) -> None:
    bad = DingTalkNotifier({**configs(robots)["dingtalk"], "secret": "SECwrong"})
    service = notice_service(tmp_path, {"dingtalk": bad}, items=1)
    service.deliver(dt.datetime(2026, 10, 16, 13, tzinfo=tz))
    outbox = service.store.outbox()
    assert outbox and {(m.status, m.attempts) for m in outbox} == {("dead", 1)}
    assert "310000" in str(outbox[0].last_error)
    assert json.dumps(robots.received["dingtalk"]) == "[]"
