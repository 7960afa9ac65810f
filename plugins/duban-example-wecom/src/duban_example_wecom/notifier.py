"""A WeCom (企业微信) group-robot notifier that @-mentions the notified department's people.

Why it is written out rather than subclassing duban's built-in ``wecom`` notifier: this
file is the template a plugin developer copies. It shows the whole notifier contract —
read and check the configuration at construction (so a mistake fails at start-up), render
the notice with duban's sandboxed templates (with the plugin's own wording on top), send,
and raise :class:`~duban.notify.base.DeliveryError` with ``retry=True`` only for what a
later attempt can fix.
"""

from __future__ import annotations

import os
import urllib.parse
from typing import Any

from duban.notify.base import DeliveryError
from duban.notify.templates import (
    NoticeTemplates,
    NotifierConfig,
    PolicyTemplates,
    TemplateError,
)
from duban.notify.webhook import fit_utf8, post_json
from duban.outbox import OutboxMessage
from duban_example_wecom.directory import CsvDirectory

#: WeCom answers these error codes when it wants us to slow down (or is busy).
THROTTLED = {45009, 45033, -1}
#: The plugin's own wording for the reminder (overrides duban's default; a deployment's
#: ``templates`` in duban.yaml and a policy's documents.templates still go on top).
PLUGIN_TEMPLATES = {
    "pre_due_reminder": "【催办预告】{{ what }}将于{{ due }}到期，请{{ recipient }}抓紧办理。",
}
KEYS = {"url", "key", "directory", "timeout", "templates"}


class ExampleWeComNotifier:
    """Config (``notifiers.example_wecom`` in duban.yaml)::

        key: 693a91f6-…            # the robot's webhook key (or url: the whole webhook)
        directory: org.csv         # optional; default $DUBAN_DIRECTORY_CSV
        timeout: 10
        templates: {overdue_notice: "…"}
    """

    name = "example_wecom"

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        c = NotifierConfig(self.name, config, KEYS)
        key, url = c.text("key"), c.text("url")
        if not (key or url):
            raise c.error("需要 key（群机器人的 webhook key）或 url", "'key' or 'url' is required")
        self.url = url or ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?" +
                           urllib.parse.urlencode({"key": key}))
        self.timeout = c.number("timeout", 10)
        path = c.text("directory") or os.environ.get("DUBAN_DIRECTORY_CSV")
        self.directory = CsvDirectory(path) if path else None
        self.templates = c.templates(NoticeTemplates(PLUGIN_TEMPLATES, origin="插件 example_wecom"))
        # duban's runtime may set this so a policy's documents.templates apply to its items
        self.policy_templates: PolicyTemplates | None = None

    def mobiles(self, recipient: str) -> list[str]:
        """The mobiles to @-mention: everyone in the department the notice is for."""
        if self.directory is None:
            return []
        return [p.mobile for p in self.directory.members(recipient) if p.mobile]

    def send(self, message: OutboxMessage) -> None:
        try:
            notice = self.templates.render_message(message, self.policy_templates)
        except TemplateError as err:
            raise DeliveryError(str(err), retry=False) from None
        body = {"msgtype": "text", "text": {
            "content": fit_utf8(f"{notice.subject}\n{notice.text}", 2048),
            "mentioned_mobile_list": self.mobiles(message.recipient)}}
        reply = post_json(self.url, body, timeout=self.timeout)  # network errors: retry=True
        data = reply.json()
        data = data if isinstance(data, dict) else {}
        code = data.get("errcode", 0 if reply.status == 200 else reply.status)
        if code == 0 and reply.status == 200:
            return
        raise DeliveryError(f"企业微信机器人拒绝：{code} {data.get('errmsg', '')} / WeCom error {code}",
                            retry=code in THROTTLED or reply.status == 429 or reply.status >= 500)
