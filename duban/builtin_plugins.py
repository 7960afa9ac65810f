"""duban's own behaviour, registered through the same hooks as any plugin.

Implementations are imported lazily (inside the factories) so that a deployment that
never uses PostgreSQL or SMTP does not import their client libraries.
"""

from __future__ import annotations

from typing import Any

from duban.hookspecs import Register, hookimpl


def _sqlite(url: str) -> Any:
    from duban.store.sqlite import SqliteStore

    # sqlite:///relative.db, sqlite:////absolute/path.db (SQLAlchemy's convention), or a path
    return SqliteStore(url[len("sqlite:///"):] if url.startswith("sqlite:///") else url)


def _postgres(url: str) -> Any:
    from duban.store.postgres import PostgresStore

    return PostgresStore(url)


def _notifier(module: str, cls: str) -> Any:
    def factory(config: dict[str, Any]) -> Any:
        import importlib

        return getattr(importlib.import_module(module), cls)(config)
    return factory


@hookimpl
def duban_register_stores(register: Register) -> None:
    register("sqlite", _sqlite)
    register("postgresql", _postgres)
    register("postgres", _postgres)


@hookimpl
def duban_register_notifiers(register: Register) -> None:
    register("console", _notifier("duban.notify.console", "ConsoleNotifier"))
    register("smtp", _notifier("duban.notify.smtp", "SmtpNotifier"))
    register("webhook", _notifier("duban.notify.webhook", "WebhookNotifier"))
    register("dingtalk", _notifier("duban.notify.webhook", "DingTalkNotifier"))
    register("wecom", _notifier("duban.notify.webhook", "WeComNotifier"))
    register("feishu", _notifier("duban.notify.webhook", "FeishuNotifier"))


def _disk_attachments(settings: Any) -> Any:
    from duban.store.files import DiskStorage

    return DiskStorage(settings)


@hookimpl
def duban_register_attachment_stores(register: Register) -> None:
    register("disk", _disk_attachments)
