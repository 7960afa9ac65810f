"""SMTP notices against a real aiosmtpd server on 127.0.0.1: headers, body, recipients,
temporary and permanent failures, STARTTLS with a login, and the whole outbox path."""

from __future__ import annotations

import datetime as dt
import ssl
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from duban.errors import DubanError
from duban.notify.base import DeliveryError
from duban.notify.smtp import SmtpNotifier, message_id
from duban.outbox import OutboxMessage
from duban.plugins import Hooks, make_plugin_manager
from duban.runtime.service import Service

ADDRESSES = {"财务部": "caiwu@example.com", "督办领导": ["lingdao@example.com", "mishu@example.com"]}


def notifier(server: Any, **extra: object) -> SmtpNotifier:
    return SmtpNotifier({"host": "127.0.0.1", "port": server.port, "timeout": 5,
                         "sender": "督办系统 <duban@example.com>", "recipients": ADDRESSES,
                         **extra})


def test_message_arrives_with_chinese_subject_dedupe_headers_and_body(
        smtp_server, message: Callable[..., OutboxMessage]) -> None:
    notifier(smtp_server).send(message(key="A:3:1:财务部:smtp"))
    [(mail_from, rcpt, mail)] = smtp_server.inbox.mails
    assert mail_from == "duban@example.com"
    assert rcpt == ["caiwu@example.com"]
    assert mail["Subject"] == "【机制测试策略】催办通知：完成资产清查"
    assert mail["To"] == "caiwu@example.com"
    assert mail["From"].addresses[0].display_name == "督办系统"
    assert mail["X-Duban-Dedupe"] == "A:3:1:财务部:smtp"
    assert mail["X-Duban-Item"] == "A"
    assert mail["Message-ID"] == message_id("A:3:1:财务部:smtp", "duban@example.com")
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    body = mail.get_content()
    assert body.startswith("财务部：\n督办事项“完成资产清查”（A）已超过办理期限（2026年9月29日）")
    assert "通知编号：A:3:1:财务部:smtp" in body


def test_subject_is_encoded_on_the_wire_and_message_id_is_stable(
        message: Callable[..., OutboxMessage]) -> None:
    n = SmtpNotifier({"host": "mail.example.com", "sender": "duban@example.com",
                      "recipients": ADDRESSES})
    first = n.compose(message(), n.templates.render_message(message()), ["a@example.com"])
    again = n.compose(message(), n.templates.render_message(message()), ["a@example.com"])
    wire = first.as_bytes()
    assert b"Subject: =?utf-8?" in wire  # RFC 2047, readable by every client
    assert wire.isascii()
    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"] != n.compose(
        message(key="other"), n.templates.render_message(message()), ["a@example.com"]
    )["Message-ID"]


def test_a_title_cannot_inject_headers(smtp_server, message: Callable[..., OutboxMessage]) -> None:
    notifier(smtp_server).send(message(title="清查\r\nBcc: spy@evil.example"))
    [(_, rcpt, mail)] = smtp_server.inbox.mails
    assert rcpt == ["caiwu@example.com"]
    assert mail["Bcc"] is None
    assert "\n" not in mail["Subject"]


def test_a_confidential_item_keeps_its_title_out_of_the_mail(smtp_server,
        message: Callable[..., OutboxMessage]) -> None:
    notifier(smtp_server).send(message(confidential=True, title="人事调整方案"))
    [(_, _, mail)] = smtp_server.inbox.mails
    assert "人事调整方案" not in mail["Subject"] + mail.get_content()
    assert "保密事项" in mail.get_content()


def test_the_runtime_can_give_the_policys_templates(smtp_server,
        message: Callable[..., OutboxMessage]) -> None:
    n = notifier(smtp_server)
    n.policy_templates = lambda ref: {"overdue_notice.subject": "〔{{ label }}〕{{ item }}"}
    n.send(message(policy="mech", policy_hash="h1"))
    [(_, _, mail)] = smtp_server.inbox.mails
    assert mail["Subject"] == "〔催办通知〕A"


def test_recipient_words_map_to_addresses(smtp_server,
        message: Callable[..., OutboxMessage]) -> None:
    n = notifier(smtp_server, default_recipient="office@example.com")
    n.send(message(recipient="督办领导", key="k1"))
    n.send(message(recipient="人力资源部", key="k2"))
    n.send(message(recipient="zhang@example.com", key="k3"))
    assert [rcpt for _, rcpt, _ in smtp_server.inbox.mails] == [
        ["lingdao@example.com", "mishu@example.com"], ["office@example.com"],
        ["zhang@example.com"]]


def test_unknown_recipient_without_default_is_permanent(smtp_server,
        message: Callable[..., OutboxMessage]) -> None:
    with pytest.raises(DeliveryError) as err:
        notifier(smtp_server).send(message(recipient="人力资源部"))
    assert err.value.retry is False
    assert "人力资源部" in str(err.value) and "recipients" in str(err.value)
    assert smtp_server.inbox.mails == []


def test_connection_refused_is_temporary(message: Callable[..., OutboxMessage],
        new_smtp_server: Callable[..., Any]) -> None:
    server = new_smtp_server()  # never started: nothing listens on its port
    with pytest.raises(DeliveryError) as err:
        notifier(server).send(message())
    assert err.value.retry is True


@pytest.mark.parametrize(("reply", "retry"), [("451 4.3.0 try again later", True),
                                              ("452 4.3.1 insufficient storage", True),
                                              ("554 5.7.1 message rejected", False)])
def test_data_replies_decide_retry(smtp_server, reply: str, retry: bool,
        message: Callable[..., OutboxMessage]) -> None:
    smtp_server.inbox.fail_data.append(reply)
    with pytest.raises(DeliveryError) as err:
        notifier(smtp_server).send(message())
    assert err.value.retry is retry
    assert reply.split()[0] in str(err.value)


@pytest.mark.parametrize(("reply", "retry"), [("450 4.2.1 mailbox busy", True),
                                              ("550 5.1.1 no such user", False)])
def test_refused_recipient_decides_retry(smtp_server, reply: str, retry: bool,
        message: Callable[..., OutboxMessage]) -> None:
    smtp_server.inbox.fail_rcpt["caiwu@example.com"] = reply
    with pytest.raises(DeliveryError) as err:
        notifier(smtp_server).send(message())
    assert err.value.retry is retry
    assert "caiwu@example.com" in str(err.value)


def test_one_refused_address_among_several_is_reported(smtp_server,
        message: Callable[..., OutboxMessage]) -> None:
    smtp_server.inbox.fail_rcpt["mishu@example.com"] = "550 5.1.1 no such user"
    with pytest.raises(DeliveryError) as err:
        notifier(smtp_server).send(message(recipient="督办领导"))
    assert err.value.retry is False and "mishu@example.com" in str(err.value)
    [(_, rcpt, _)] = smtp_server.inbox.mails
    assert rcpt == ["lingdao@example.com"]


@pytest.fixture
def tls_server(tls_files: tuple[Path, Path], new_smtp_server: Callable[..., Any]) -> Any:
    """An SMTP server (not started) that requires STARTTLS with the private CA's
    certificate and a login (duban / s3cret)."""
    cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticate(server: object, session: object, envelope: object, mechanism: str,
                     auth_data: object) -> object:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = isinstance(auth_data, LoginPassword) and \
            (auth_data.login, auth_data.password) == (b"duban", b"s3cret")
        return AuthResult(success=ok, handled=False)

    return new_smtp_server(tls_context=context, require_starttls=True, authenticator=authenticate,
                      auth_require_tls=True)


def test_starttls_with_a_private_ca_and_login(tls_files: tuple[Path, Path], tls_server: Any,
                                              message: Callable[..., OutboxMessage]) -> None:
    server = tls_server
    server.start()
    try:
        notifier(server, starttls=True, ca_file=str(tls_files[0]), username="duban",
                 password="s3cret").send(message())
        assert len(server.inbox.mails) == 1
        with pytest.raises(DeliveryError) as bad_login:
            notifier(server, starttls=True, ca_file=str(tls_files[0]), username="duban",
                     password="wrong").send(message())
        assert bad_login.value.retry is False and "535" in str(bad_login.value)
        with pytest.raises(DeliveryError) as untrusted:  # the system CAs do not know it
            notifier(server, starttls=True, username="duban", password="s3cret").send(message())
        assert untrusted.value.retry is False and "ca_file" in str(untrusted.value)
    finally:
        server.stop()
    assert len(server.inbox.mails) == 1


@pytest.mark.parametrize(("config", "words"), [
    ({}, "host"),
    ({"host": "h"}, "sender"),
    ({"host": "h", "sender": "not-an-address"}, "sender"),
    ({"host": "h", "sender": "a@b.c", "ssl": True, "starttls": True}, "ssl"),
    ({"host": "h", "sender": "a@b.c", "port": "25x"}, "port"),
    ({"host": "h", "sender": "a@b.c", "username": "u"}, "password"),
    ({"host": "h", "sender": "a@b.c", "recipients": {"财务部": {"x": 1}}}, "recipients.财务部"),
    ({"host": "h", "sender": "a@b.c", "hots": "x"}, "hots"),
    ({"host": "h", "sender": "a@b.c", "templates": {"overdue_notice": "{{ ''.__class__ }}"}},
     "__class__"),
])
def test_configuration_mistakes_are_named(config: dict[str, object], words: str) -> None:
    with pytest.raises(DubanError) as err:
        SmtpNotifier(config)
    assert words in str(err.value) and "smtp" in str(err.value)
    assert err.value.code == "validation_error"


def test_builtin_registration_builds_the_smtp_notifier() -> None:
    hooks = Hooks(make_plugin_manager(entry_points=False))
    made = hooks.notifiers.get("smtp")({"host": "h", "sender": "a@example.com"})
    assert isinstance(made, SmtpNotifier)


def test_server_down_then_back_delivers_every_notice_once(tmp_path: Path,
        notice_service: Callable[..., Service], deliver_all: Callable[..., dt.datetime],
        tz: dt.tzinfo, new_smtp_server: Callable[..., Any]) -> None:
    server = new_smtp_server()  # down at first
    service = notice_service(tmp_path, {"smtp": SmtpNotifier({
        "host": "127.0.0.1", "port": server.port, "sender": "duban@example.com", "timeout": 5,
        "recipients": ADDRESSES, "default_recipient": "office@example.com"})})
    outbox = service.store.outbox()
    keys = {m.dedupe_key for m in outbox}
    assert len(keys) == len(outbox) >= 12

    def weather(r: int) -> None:
        if r == 2:  # back up, but the first answers say "try later"
            server.inbox.fail_data.extend(["451 4.3.2 system not accepting messages"] * 5)
            server.start()

    try:
        deliver_all(service, dt.datetime(2026, 10, 16, 13, tzinfo=tz), between=weather)
    finally:
        server.stop()
    received = Counter(server.inbox.dedupe_keys())
    assert set(received) == keys
    assert set(received.values()) == {1}
    after = service.store.outbox()
    assert {m.status for m in after} == {"sent"}
    assert max(m.attempts for m in after) >= 3  # two rounds down, then throttled

