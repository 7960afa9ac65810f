"""The demo month, served: ``make demo`` ends by opening it in the web app.

The demo writes a month of supervision into an SQLite file (``duban demo``); this module
adds the people who would use it — one account per role the policy names for the 督办
office and the leaders, and one per department of the month's items, all with one
printed password — and serves the file on 127.0.0.1 until Ctrl-C.

Why a clock of its own: the month ends on a fixed day (2026-09-30 18:00), and the pages
read the deployment's clock for the 红/黄/绿 lights, 逾期 and the instant of every new
action. Served on the wall clock, every open item of that month would be long overdue
and a newcomer's first action would be dated months after the rest; so the demo's clock
starts where the month ends and runs on in real time.
"""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from duban import vocabulary
from duban.policy.model import Policy
from duban.runtime.config import Config
from duban.web.identity import NewUser, add_user
from duban.web.settings import WebSettings

#: The one password of every demo account (the demo serves 127.0.0.1 only).
DEMO_PASSWORD = "duban-demo"
#: Canonical roles that decide approvals: one account per word the policy has for them.
LEADERS = ("general_manager", "leader_in_charge", "leadership_group")


@dataclass(frozen=True)
class DemoAccount:
    """One printed account: who signs in, and what they see the month as."""

    user: NewUser
    what: str  # e.g. "督办部门，管理员"


def _words(policy: Policy, canonical: Iterable[str]) -> list[str]:
    """The policy's own role words for ``canonical`` roles, in the policy's order."""
    wanted = set(canonical)
    return [w for w, r in policy.roles.items()
            if r.canonical in wanted and w not in vocabulary.ROLES]


def demo_accounts(policy: Policy, departments: Iterable[str]) -> list[DemoAccount]:
    """The 督办 office (an administrator), each leader word, and each department.

    Names are the role words and department names themselves, so that a newcomer knows
    whom they are signing in as without a legend."""
    office = policy.word("supervisor_office")
    out = [DemoAccount(NewUser(office, [office], [office], password=DEMO_PASSWORD,
                               admin=True), f"{vocabulary.ROLES['supervisor_office']}，管理员")]
    for word in _words(policy, LEADERS):
        out.append(DemoAccount(NewUser(word, [], [word], password=DEMO_PASSWORD),
                               "领导：审批、签署意见"))
    dept_roles = [w for w in (policy.word("lead_department"),
                              policy.word("assisting_department"))
                  if policy.canonical_role(w)]
    for dept in dict.fromkeys(departments):
        out.append(DemoAccount(NewUser(dept, [dept], dept_roles, password=DEMO_PASSWORD),
                               f"{'、'.join(dept_roles)}：签收、反馈、申请延期、报结"))
    return out


def add_accounts(config: Config, accounts: Iterable[DemoAccount], at: dt.datetime) -> None:
    """Write the accounts into the demo's store (as ``duban user add --password`` does)."""
    from duban.runtime.app import open_service
    from duban.store.identity import identity_for

    service = open_service(config)
    try:
        identity = identity_for(service.store)
        for account in accounts:
            add_user(identity, account.user, service.policies, at)
    finally:
        service.store.close()


def demo_config(db: Path) -> Config:
    """The demo's deployment: its SQLite file, the shipped policies, no plugins folder."""
    return Config(store=f"sqlite:///{db}", policies=[], plugins=None,
                  notifiers={"console": {}})


def running_from(start: dt.datetime) -> Callable[[], dt.datetime]:
    """A clock that reads ``start`` now and moves on with real time."""
    origin = time.monotonic()
    return lambda: start + dt.timedelta(seconds=time.monotonic() - origin)


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is printed: a port in use is a clear
    error at once (OSError), and ``port=0`` picks a free one."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def serve_demo(config: Config, folder: Path, sock: socket.socket,
               clock: Callable[[], dt.datetime]) -> None:
    """Serve the demo store on ``sock`` until Ctrl-C (uvicorn's graceful shutdown)."""
    from duban.web.app import create_app
    from duban.web.deployment import Deployment
    from duban.web.serve import run_app

    host, port = sock.getsockname()[:2]
    settings = WebSettings(public_url=f"http://{host}:{port}",
                           attachment_dir=str(folder / "attachments"))
    app = create_app(config, settings, Deployment.open(config, settings, clock=clock))
    run_app(app, sock)


__all__ = ["DEMO_PASSWORD", "DemoAccount", "add_accounts", "bind", "demo_accounts",
           "demo_config", "running_from", "serve_demo"]
