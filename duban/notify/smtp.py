"""E-mail notices over SMTP (standard library ``smtplib``).

Why these choices: the notice is a UTF-8 ``text/plain`` MIME message whose Chinese
subject is RFC 2047-encoded by :mod:`email`, so every mail client shows it; the outbox's
dedupe key travels in ``X-Duban-Dedupe`` and, hashed, in a stable ``Message-ID`` — a
retried notice carries the same Message-ID, so mail systems and readers can drop the
repeat (delivery is at least once). Failures are sorted by what retrying can do:
a refused connection, a timeout or a ``4xx`` reply is temporary (``retry=True``); a
``5xx`` reply, a refused login or an unknown recipient is permanent (``retry=False``).

Configuration (``notifiers.smtp`` in ``duban.yaml``; secrets as ``{$env: NAME}``)::

    host: smtp.example.com      # required
    port: 587                   # default 465 with ssl, 587 with starttls, else 25
    sender: 督办系统 <duban@example.com>   # required
    username: duban             # optional login
    password: {$env: SMTP_PASSWORD}
    starttls: true              # or ssl: true (implicit TLS); not both
    ca_file: /etc/ssl/private-ca.pem   # optional, for a private CA
    timeout: 30                 # seconds
    recipients: {财务部: cw@example.com, 分管领导: [a@example.com, b@example.com]}
    default_recipient: duban-office@example.com   # for words not in recipients
    templates: {overdue_notice: "…"}              # optional notice text overrides
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any

from duban.notify.base import DeliveryError
from duban.notify.templates import (
    Notice,
    NoticeTemplates,
    NotifierConfig,
    PolicyTemplates,
    TemplateError,
)
from duban.outbox import OutboxMessage

KEYS = {"host", "port", "sender", "username", "password", "starttls", "ssl", "ca_file",
        "timeout", "recipients", "default_recipient", "templates", "confidential"}


def message_id(dedupe_key: str, sender: str) -> str:
    """A Message-ID that is the same for every attempt of one notice."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "duban.invalid"
    return f"<{hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]}.duban@{domain}>"


class SmtpNotifier:
    """Sends each outbox message as one e-mail to the addresses of its recipient word."""

    name = "smtp"

    def __init__(self, config: dict[str, Any] | None = None, *,
                 templates: NoticeTemplates | None = None) -> None:
        c = NotifierConfig("smtp", config, KEYS)
        self.host = str(c.text("host", required=True))
        self.use_ssl = c.flag("ssl")
        self.starttls = c.flag("starttls")
        if self.use_ssl and self.starttls:
            raise c.error("ssl 与 starttls 只能选一个", "choose either ssl or starttls")
        default_port = 465 if self.use_ssl else 587 if self.starttls else 25
        port = c.data.get("port", default_port)
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise c.error(f"port 应是 1–65535 的整数，写的是 {port!r}", "'port' must be 1-65535")
        self.port = port
        self.sender = str(c.text("sender", required=True))
        if "@" not in parseaddr(self.sender)[1]:
            raise c.error(f"sender 不是电子邮件地址：{self.sender}", "'sender' is not an address")
        self.username = c.text("username")
        self.password = c.text("password")
        if self.username and self.password is None:
            raise c.error("写了 username 就需要 password", "'password' is required with 'username'")
        self.ca_file = c.text("ca_file")
        self.timeout = c.number("timeout", 30)
        self.recipients = c.addresses("recipients")
        self.default_recipient = c.text("default_recipient")
        self.templates = c.templates(templates)
        self.entitled = c.flag("confidential")  # may carry a confidential item's content
        self.policy_templates: PolicyTemplates | None = None  # set by the runtime

    # -- composing ---------------------------------------------------------------------------
    def addresses(self, recipient: str) -> list[str]:
        """The e-mail addresses for a recipient word (a department or a role)."""
        if recipient in self.recipients:
            return self.recipients[recipient]
        if "@" in recipient:
            return [recipient]
        if self.default_recipient:
            return [self.default_recipient]
        raise DeliveryError(f"没有“{recipient}”的收件地址；请在 notifiers.smtp.recipients 中添加，"
                            f"或设置 default_recipient / no e-mail address for {recipient}",
                            retry=False)

    def compose(self, message: OutboxMessage, notice: Notice, to: list[str]) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = notice.subject
        mail["From"] = self.sender
        mail["To"] = ", ".join(to)
        mail["Date"] = formatdate(localtime=True)
        mail["Message-ID"] = message_id(message.dedupe_key, self.sender)
        mail["X-Duban-Dedupe"] = message.dedupe_key
        mail["X-Duban-Item"] = message.item_id
        mail.set_content(notice.text + "\n", charset="utf-8")
        return mail

    # -- sending -----------------------------------------------------------------------------
    def send(self, message: OutboxMessage) -> None:
        try:
            notice = self.templates.render_message(message, self.policy_templates,
                                                   entitled=self.entitled)
        except TemplateError as err:
            raise DeliveryError(str(err), retry=False) from None
        to = self.addresses(message.recipient)
        mail = self.compose(message, notice, to)
        try:
            with self._connect() as smtp:
                if self.starttls:
                    smtp.starttls(context=self._tls())
                if self.username:
                    smtp.login(self.username, self.password or "")
                refused = smtp.send_message(mail, from_addr=parseaddr(self.sender)[1], to_addrs=to)
        except smtplib.SMTPRecipientsRefused as exc:
            raise _refused(exc.recipients) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"邮件服务器拒绝：{exc.smtp_code} {_text(exc.smtp_error)} / "
                                f"SMTP {exc.smtp_code}", retry=400 <= exc.smtp_code < 500) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(f"邮件服务器不支持所需功能（{exc}），请检查 starttls/ssl/username 配置 "
                                "/ server does not support what is configured", retry=False) from None
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryError(f"邮件服务器证书校验失败：{exc.verify_message}；如用内部 CA，请设置 "
                                "ca_file / certificate verification failed", retry=False) from None
        except (smtplib.SMTPException, OSError) as exc:  # refused, reset, timeout, DNS, TLS
            raise DeliveryError(f"连接邮件服务器 {self.host}:{self.port} 失败：{exc or type(exc).__name__} "
                                "/ cannot reach the SMTP server", retry=True) from None
        if refused:
            raise _refused(refused)

    def _connect(self) -> smtplib.SMTP:
        if self.use_ssl:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=self._tls())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _refused(recipients: dict[str, tuple[int, bytes]]) -> DeliveryError:
    """Some or all addresses refused: temporary if any refusal was a 4xx reply."""
    detail = "；".join(f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in recipients.items())
    temporary = any(400 <= code < 500 for code, _ in recipients.values())
    return DeliveryError(f"收件地址被拒绝：{detail} / recipients refused", retry=temporary)


__all__ = ["SmtpNotifier", "message_id"]
