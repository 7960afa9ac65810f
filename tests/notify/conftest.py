"""Real local receivers for the notifier tests: an aiosmtpd SMTP server, the robot and
webhook endpoints (``robots.py``), and the service on a real SQLite file that produces the
notices (tick fires the policy's timers). Test modules get them as fixtures."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from duban.engine.model import Actor
from duban.notify.base import Notifier
from duban.outbox import OutboxMessage
from duban.policy.loader import load_policy
from duban.policy.model import Policy
from duban.runtime.service import Service
from duban.store.sqlite import SqliteStore
from tests.notify.robots import RobotServer

POLICY = load_policy(Path(__file__).parents[1] / "engine" / "policies" / "mech.yaml")
TZ = POLICY.timezone
OFFICE = Actor("王五", None, frozenset({"supervisor_office"}))
LEADER = Actor("李四", None, frozenset({"leader_in_charge"}))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _message(kind: str = "overdue_notice", *, recipient: str = "财务部", key: str = "A:3:1:财务部:x",
            channel: str = "x", **payload: Any) -> OutboxMessage:
    """An outbox row like the service writes it."""
    base = {"subject": "【机制测试策略】催办通知", "item": "A", "title": "完成资产清查", "kind": kind,
            "name": "催办通知", "due": "2026-09-29T23:59:59+08:00",
            "at": "2026-10-01T00:00:00+08:00", "confidential": False}
    return OutboxMessage(1, "A", key, channel, recipient, {**base, **payload}, 0, "pending")


class Inbox:
    """What the SMTP server accepted, and how it should answer the next few messages."""

    def __init__(self) -> None:
        self.mails: list[tuple[str, list[str], EmailMessage]] = []
        self.fail_data: list[str] = []   # replies to the next DATA commands, e.g. "451 …"
        self.fail_rcpt: dict[str, str] = {}  # address → reply

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.fail_rcpt:
            return self.fail_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fail_data:
            return self.fail_data.pop(0)
        mail = message_from_bytes(envelope.content, policy=email_policy.default)
        assert isinstance(mail, EmailMessage)
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), mail))
        return "250 Message accepted"

    def dedupe_keys(self) -> list[str]:
        return [str(m["X-Duban-Dedupe"]) for _, _, m in self.mails]


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that can be stopped and started on the same port."""

    def __init__(self, **options: Any) -> None:
        self.port = _free_port()
        self.inbox = Inbox()
        self.options = options
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                     **self.options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the private CA of an internal mail server)."""
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 9, day, hour, tzinfo=TZ)


def _notice_service(tmp_path: Path, notifiers: dict[str, Notifier], items: int = 3) -> Service:
    """A service on a real SQLite file whose tick has written notices to the outbox.

    Each item is opened and approved at the same instants (so their timers fall due
    together), then a tick three weeks later fires every timer (催办预告, 签收时限, 催办通知
    and its repeat, 升级督办), one notice per channel each."""
    store = SqliteStore(tmp_path / "duban.db")
    store.migrate()
    service = Service(store, {"mech": POLICY}, channels=tuple(notifiers),
                      notifiers=dict(notifiers))
    for n in range(items):
        item = f"D{n}"
        service.create(item, "mech", {"kind": "other", "lead": "财务部", "title": f"资产清查{n}"},
                       OFFICE, at(21))
        service.act(item, "approve", LEADER, {}, at(21, 10))
    service.tick(dt.datetime(2026, 10, 16, 12, tzinfo=TZ))
    return service


def _deliver_all(service: Service, start: dt.datetime, rounds: int = 12,
                between: Any = None) -> dt.datetime:
    """Run delivery rounds seven hours apart (longer than the longest backoff, 6 h)."""
    now = start
    for r in range(rounds):
        if between is not None:
            between(r)
        service.deliver(now)
        now += dt.timedelta(hours=7)
    return now


@pytest.fixture(scope="session")
def mech_policy() -> Policy:
    """tests/engine/policies/mech.yaml, the policy the notices come from."""
    return POLICY


@pytest.fixture(scope="session")
def tz() -> dt.tzinfo:
    """The policy's time zone."""
    return TZ


@pytest.fixture(scope="session")
def free_port() -> Callable[[], int]:
    """``free_port()``: a TCP port on 127.0.0.1 nothing listens on."""
    return _free_port


@pytest.fixture(scope="session")
def message() -> Callable[..., OutboxMessage]:
    """``message(kind="overdue_notice", **payload)``: an outbox row as the service writes it."""
    return _message


@pytest.fixture(scope="session")
def notice_service() -> Callable[..., Service]:
    """``notice_service(tmp_path, notifiers, items=3)``: see ``_notice_service``."""
    return _notice_service


@pytest.fixture(scope="session")
def deliver_all() -> Callable[..., dt.datetime]:
    """``deliver_all(service, start, rounds=12, between=None)``: see ``_deliver_all``."""
    return _deliver_all


@pytest.fixture(scope="session")
def new_smtp_server() -> type[SmtpServer]:
    """The SMTP server class, for a test that starts (or never starts) its own."""
    return SmtpServer


@pytest.fixture
def robots() -> Iterator[RobotServer]:
    """The DingTalk, WeCom, Feishu and generic webhook endpoints on 127.0.0.1."""
    with RobotServer() as server:
        yield server
