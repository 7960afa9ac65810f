"""The console notifier: prints each notice (the default, for trying things out).

Its output usually ends up in a log (``duban tick >> tick.log``), so a confidential item
is named without its title or message unless the configuration says the console is
entitled to them: ``notifiers: {console: {confidential: true}}``."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from duban.notify.base import render_text
from duban.notify.templates import NotifierConfig
from duban.outbox import OutboxMessage


class ConsoleNotifier:
    name = "console"

    def __init__(self, config: dict[str, Any] | None = None, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.entitled = NotifierConfig(self.name, config, {"confidential"}).flag("confidential")

    def send(self, message: OutboxMessage) -> None:
        text = render_text(message, entitled=self.entitled)
        print(f"[通知 → {message.recipient}] " + text.replace("\n", "；"), file=self.stream)
