"""The console notifier: prints each notice (the default, for trying things out)."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from duban.notify.base import render_text
from duban.store.base import OutboxMessage


class ConsoleNotifier:
    name = "console"

    def __init__(self, config: dict[str, Any] | None = None, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, message: OutboxMessage) -> None:
        print(f"[通知 → {message.recipient}] " + render_text(message).replace("\n", "；"),
              file=self.stream)
