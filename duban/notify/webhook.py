"""JSON webhooks: a generic POST, and the DingTalk, WeCom and Feishu group-robot formats.

Why the standard library: one JSON POST per notice needs nothing ``urllib`` lacks, and a
deployment should not pull an HTTP stack in for it. Each robot signs as its vendor
documents it:

- DingTalk (钉钉自定义机器人, 加签): ``timestamp`` in milliseconds and
  ``sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")))``
  as query parameters next to ``access_token``.
- WeCom (企业微信群机器人): the ``key`` in the URL is the only credential; no signature.
- Feishu/Lark (飞书自定义机器人, 签名校验): ``timestamp`` in seconds and
  ``sign = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b""))`` in the JSON body.

What retrying can fix decides ``DeliveryError.retry``: a connection failure, HTTP 408,
425, 429 or 5xx, and the robots' throttling codes (DingTalk 130101/410100, WeCom 45009/
45033, Feishu 11232 and 9499 "too many request", the vendors' -1 "system busy") are
temporary; a bad signature, a wrong key or URL, a keyword or IP whitelist refusal, or a
malformed message is permanent. The robots answer errors with a JSON ``errcode``/``code``
(Feishu sometimes under HTTP 400), so the body is read before the status.

The notice text ends with its 通知编号 (the outbox dedupe key); the generic webhook
also sends it as ``dedupe_key`` and in the ``X-Duban-Dedupe`` header (percent-encoded),
so a receiver can drop a repeat.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from duban.notify.base import DeliveryError, withheld
from duban.notify.templates import (
    Notice,
    NoticeTemplates,
    NotifierConfig,
    PolicyTemplates,
    TemplateError,
)
from duban.outbox import OutboxMessage

TEMPORARY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None


def encode_json(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def post_json(url: str, body: Any, *, headers: dict[str, str] | None = None,
              timeout: float = 10) -> HttpReply:
    """POST ``body`` (a JSON value, or bytes already encoded) as UTF-8 JSON; any HTTP status
    is returned, a network failure raises ``DeliveryError(retry=True)``. Public: plugins
    use it for their own channels."""
    data = body if isinstance(body, bytes) else encode_json(body)
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "duban",
        **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return HttpReply(response.status, response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return HttpReply(exc.code, exc.read())
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"无法连接 {_safe_url(url)}：{reason} / cannot reach the webhook",
                            retry=True) from None


def _safe_url(url: str) -> str:
    """The URL without its query (where robots keep their tokens), for error messages."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _check_url(c: NotifierConfig, url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise c.error(f"url 应以 http:// 或 https:// 开头，写的是 {url!r}", "'url' must be http(s)")
    return url


def http_status_error(reply: HttpReply, where: str) -> DeliveryError | None:
    """None for 2xx; otherwise the error, temporary for 408/425/429/5xx."""
    if 200 <= reply.status < 300:
        return None
    retry = reply.status in TEMPORARY_STATUS or reply.status >= 500
    snippet = reply.body[:200].decode("utf-8", "replace")
    return DeliveryError(f"{where} 返回 HTTP {reply.status}：{snippet} / HTTP {reply.status}",
                         retry=retry)


class WebhookNotifier:
    """A generic JSON webhook: one POST per notice.

    Configuration: ``url`` (required), ``headers`` (e.g. an ``Authorization``),
    ``secret`` (optional), ``timeout`` (seconds, default 10), ``templates``. The body::

        {"dedupe_key": "…", "channel": "webhook", "recipient": "财务部", "item": "A",
         "kind": "overdue_notice", "subject": "…", "text": "…", "payload": {…}}

    With a ``secret``, the request carries ``X-Duban-Timestamp`` (Unix seconds) and
    ``X-Duban-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}." + raw body)>``,
    so the receiver can check that the notice came from this deployment and is fresh.
    """

    name = "webhook"
    KEYS: ClassVar[set[str]] = {"url", "headers", "secret", "timeout", "templates",
                                "confidential"}
    clock: Callable[[], float] = staticmethod(time.time)

    def __init__(self, config: dict[str, Any] | None = None, *,
                 templates: NoticeTemplates | None = None) -> None:
        c = NotifierConfig(self.name, config, self.KEYS)
        self.config = c
        self.timeout = c.number("timeout", 10)
        self.templates = c.templates(templates)
        self.entitled = c.flag("confidential")  # may carry a confidential item's content
        self.policy_templates: PolicyTemplates | None = None  # set by the runtime
        self.setup(c)

    def setup(self, c: NotifierConfig) -> None:
        self.url = _check_url(c, str(c.text("url", required=True)))
        self.headers = {str(k): str(v) for k, v in c.mapping("headers").items()}
        self.secret = c.text("secret")

    def render(self, message: OutboxMessage) -> Notice:
        try:
            return self.templates.render_message(message, self.policy_templates,
                                                 entitled=self.entitled)
        except TemplateError as err:
            raise DeliveryError(str(err), retry=False) from None

    def send(self, message: OutboxMessage) -> None:
        notice = self.render(message)
        payload = withheld(dict(message.payload), self.entitled)  # the receiver may be wider
        body = {"dedupe_key": message.dedupe_key, "channel": message.channel,
                "recipient": message.recipient, "item": message.item_id,
                "kind": payload.get("kind"), "subject": notice.subject,
                "text": notice.text, "payload": payload}
        data = encode_json(body)
        headers = {**self.headers,
                   "X-Duban-Dedupe": urllib.parse.quote(message.dedupe_key, safe=":@"),
                   "Idempotency-Key": hashlib.sha256(message.dedupe_key.encode()).hexdigest()}
        if self.secret:
            timestamp = str(int(self.clock()))
            digest = hmac.new(self.secret.encode("utf-8"), timestamp.encode() + b"." + data,
                              hashlib.sha256).hexdigest()
            headers |= {"X-Duban-Timestamp": timestamp, "X-Duban-Signature": f"sha256={digest}"}
        reply = post_json(self.url, data, headers=headers, timeout=self.timeout)
        err = http_status_error(reply, _safe_url(self.url))
        if err is not None:
            raise err


def fit_utf8(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` UTF-8 bytes, keeping its last line (the 通知编号)."""
    if len(text.encode("utf-8")) <= limit:
        return text
    head, _, last = text.rpartition("\n")
    room = limit - len(last.encode("utf-8")) - len("…\n".encode())
    cut = head.encode("utf-8")[:max(room, 0)].decode("utf-8", "ignore")
    return f"{cut}…\n{last}"


class _Robot(WebhookNotifier):
    """What the three group robots share: a text or markdown message, optional @mentions
    per recipient word, a vendor error code checked before the HTTP status."""

    KEYS: ClassVar[set[str]] = {"url", "secret", "timeout", "templates", "msgtype", "mentions",
                                "confidential"}
    MSGTYPES: ClassVar[tuple[str, ...]] = ("text", "markdown")
    THROTTLED: ClassVar[frozenset[int]] = frozenset()
    LIMIT: ClassVar[int] = 4000  # bytes of text the robot accepts
    vendor: ClassVar[str] = ""

    def setup(self, c: NotifierConfig) -> None:
        self.url = _check_url(c, self.robot_url(c))
        self.secret = c.text("secret")
        self.msgtype = c.choice("msgtype", self.MSGTYPES)
        self.mentions = c.addresses("mentions")

    def robot_url(self, c: NotifierConfig) -> str:
        return str(c.text("url", required=True))

    def body(self, notice: Notice, mobiles: list[str]) -> dict[str, Any]:
        raise NotImplementedError

    def signed_url(self) -> str:
        return self.url

    def code(self, data: Any) -> tuple[int, str] | None:
        """(vendor code, message) from a reply body; None when the body has no code."""
        if isinstance(data, dict) and isinstance(data.get("errcode"), int):
            return data["errcode"], str(data.get("errmsg", ""))
        return None

    def temporary(self, code: int, text: str) -> bool:  # noqa: ARG002 (a platform reads text)
        return code in self.THROTTLED or code == -1

    def send(self, message: OutboxMessage) -> None:
        notice = self.render(message)
        body = self.body(notice, self.mentions.get(message.recipient, []))
        url = self.signed_url()
        reply = post_json(url, body, timeout=self.timeout)
        found = self.code(reply.json())
        if found is not None and found[0] != 0:
            code, text = found
            raise DeliveryError(f"{self.vendor}机器人拒绝：{code} {text} / {self.name} error {code}",
                                retry=self.temporary(code, text))
        err = http_status_error(reply, f"{self.vendor}机器人 {_safe_url(url)}")
        if err is not None:
            raise err


def hmac_b64(key: str, msg: str) -> str:
    digest = hmac.new(key.encode("utf-8"), msg.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class DingTalkNotifier(_Robot):
    """钉钉自定义机器人. Config: ``url`` (the webhook with ``access_token``) or
    ``access_token``; ``secret`` (SEC…, when 加签 is on); ``msgtype`` text|markdown;
    ``mentions`` {recipient word: [mobiles]}."""

    name = "dingtalk"
    vendor = "钉钉"
    KEYS: ClassVar[set[str]] = _Robot.KEYS | {"access_token"}
    THROTTLED: ClassVar[frozenset[int]] = frozenset({130101, 410100})
    LIMIT = 18000
    BASE = "https://oapi.dingtalk.com/robot/send"

    def robot_url(self, c: NotifierConfig) -> str:
        token = c.text("access_token")
        if token:
            return f"{c.text('url', self.BASE)}?{urllib.parse.urlencode({'access_token': token})}"
        return str(c.text("url", required=True))

    def signed_url(self) -> str:
        if not self.secret:
            return self.url
        timestamp = str(round(self.clock() * 1000))
        sign = hmac_b64(self.secret, f"{timestamp}\n{self.secret}")
        query = urllib.parse.urlencode({"timestamp": timestamp, "sign": sign})
        return f"{self.url}{'&' if '?' in self.url else '?'}{query}"

    def body(self, notice: Notice, mobiles: list[str]) -> dict[str, Any]:
        at = {"atMobiles": mobiles, "isAtAll": False}
        mention = "".join(f" @{m}" for m in mobiles)
        if self.msgtype == "markdown":
            return {"msgtype": "markdown", "at": at, "markdown": {
                "title": notice.subject, "text": fit_utf8(notice.markdown() + mention, self.LIMIT)}}
        return {"msgtype": "text", "at": at,
                "text": {"content": fit_utf8(f"{notice.subject}\n{notice.text}{mention}",
                                             self.LIMIT)}}


class WeComNotifier(_Robot):
    """企业微信群机器人. Config: ``url`` (the webhook with ``key``) or ``key``; ``msgtype``
    text|markdown; ``mentions`` {recipient word: [mobiles]} (text messages only)."""

    name = "wecom"
    vendor = "企业微信"
    KEYS: ClassVar[set[str]] = (_Robot.KEYS - {"secret"}) | {"key"}
    THROTTLED: ClassVar[frozenset[int]] = frozenset({45009, 45033})
    BASE = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"

    def robot_url(self, c: NotifierConfig) -> str:
        key = c.text("key")
        if key:
            return f"{c.text('url', self.BASE)}?{urllib.parse.urlencode({'key': key})}"
        return str(c.text("url", required=True))

    def body(self, notice: Notice, mobiles: list[str]) -> dict[str, Any]:
        if self.msgtype == "markdown":
            return {"msgtype": "markdown",
                    "markdown": {"content": fit_utf8(notice.markdown(), 4096)}}
        return {"msgtype": "text", "text": {
            "content": fit_utf8(f"{notice.subject}\n{notice.text}", 2048),
            "mentioned_mobile_list": mobiles}}


class FeishuNotifier(_Robot):
    """飞书/Lark 自定义机器人. Config: ``url`` (…/bot/v2/hook/<token>) or ``hook``;
    ``secret`` (when 签名校验 is on); ``msgtype`` text|post."""

    name = "feishu"
    vendor = "飞书"
    KEYS: ClassVar[set[str]] = (_Robot.KEYS - {"mentions"}) | {"hook"}
    MSGTYPES: ClassVar[tuple[str, ...]] = ("text", "post")
    THROTTLED: ClassVar[frozenset[int]] = frozenset({11232})
    LIMIT = 18000
    BASE = "https://open.feishu.cn/open-apis/bot/v2/hook/"

    def robot_url(self, c: NotifierConfig) -> str:
        hook = c.text("hook")
        return f"{self.BASE}{urllib.parse.quote(hook)}" if hook else \
            str(c.text("url", required=True))

    def code(self, data: Any) -> tuple[int, str] | None:
        if isinstance(data, dict):
            for key, msg in (("code", "msg"), ("StatusCode", "StatusMessage")):
                if isinstance(data.get(key), int):
                    return data[key], str(data.get(msg, ""))
        return None

    def temporary(self, code: int, text: str) -> bool:
        # 9499 is "Bad Request" for a malformed body, but also "too many request"
        throttled = code == 9499 and ("many" in text.lower() or "limit" in text.lower())
        return throttled or super().temporary(code, text)

    def body(self, notice: Notice, mobiles: list[str]) -> dict[str, Any]:  # noqa: ARG002
        if self.msgtype == "post":
            lines = [[{"tag": "text", "text": ln}] for ln in notice.text.splitlines()]
            msg: dict[str, Any] = {"msg_type": "post", "content": {"post": {"zh_cn": {
                "title": notice.subject, "content": lines}}}}
        else:
            msg = {"msg_type": "text", "content": {
                "text": fit_utf8(f"{notice.subject}\n{notice.text}", self.LIMIT)}}
        if self.secret:
            timestamp = str(int(self.clock()))
            msg = {"timestamp": timestamp, "sign": hmac_b64(f"{timestamp}\n{self.secret}", ""),
                   **msg}
        return msg


__all__ = ["DingTalkNotifier", "FeishuNotifier", "HttpReply", "WeComNotifier",
           "WebhookNotifier", "encode_json", "fit_utf8", "hmac_b64", "post_json"]
