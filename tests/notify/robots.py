"""A local stand-in for the DingTalk, WeCom and Feishu robot endpoints and a generic
webhook receiver: a real HTTP server (``http.server`` in a thread on 127.0.0.1) that
checks each request the way its vendor documents it — the signature recomputed here from
the vendor's own sample code, not from duban's — and answers with the vendor's
throttling error while ``throttle[vendor]`` is above zero."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

DEDUPE = re.compile(r"通知编号：(\S+)")

DING_TOKEN, DING_SECRET = "ding-token-1", "SEC0123456789abcdef+/=secret"
WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
FEISHU_HOOK, FEISHU_SECRET = "5e3d587e-d78e-4a07-bd07-265f269f86fd", "nIMtb7r3N9pkXyXdtAbx6e"
GENERIC_SECRET = "whsec-test"


def dingtalk_sign(timestamp: str, secret: str) -> str:
    """DingTalk's documented Python sample (before its final urlencode)."""
    secret_enc = secret.encode("utf-8")
    string_to_sign_enc = f"{timestamp}\n{secret}".encode()
    hmac_code = hmac.new(secret_enc, string_to_sign_enc, digestmod=hashlib.sha256).digest()
    return base64.b64encode(hmac_code).decode()


def feishu_sign(timestamp: str, secret: str) -> str:
    """Feishu's documented Python sample: the string to sign is the HMAC *key*."""
    string_to_sign = f"{timestamp}\n{secret}"
    hmac_code = hmac.new(string_to_sign.encode("utf-8"), digestmod=hashlib.sha256).digest()
    return base64.b64encode(hmac_code).decode("utf-8")


class RobotServer:
    """Start with ``with RobotServer() as s``; ``s.url(vendor)`` is where to send."""

    #: The secrets each endpoint checks signatures with (a notifier's ``secret``).
    secrets: ClassVar[dict[str, str]] = {"dingtalk": DING_SECRET, "feishu": FEISHU_SECRET,
                                         "webhook": GENERIC_SECRET}
    dingtalk_sign = staticmethod(dingtalk_sign)

    def __init__(self) -> None:
        self.throttle: Counter[str] = Counter()
        self.received: dict[str, list[dict[str, Any]]] = {
            v: [] for v in ("dingtalk", "wecom", "feishu", "webhook")}
        self.refused: list[tuple[str, Any]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, answer = server.handle(self.path, dict(self.headers), raw)
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,),
                                       daemon=True)

    def __enter__(self) -> RobotServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

    def url(self, vendor: str) -> str:
        base = f"http://127.0.0.1:{self.port}"
        return {"dingtalk": f"{base}/robot/send?access_token={DING_TOKEN}",
                "wecom": f"{base}/cgi-bin/webhook/send?key={WECOM_KEY}",
                "feishu": f"{base}/open-apis/bot/v2/hook/{FEISHU_HOOK}",
                "webhook": f"{base}/hooks/duban"}[vendor]

    def keys(self, vendor: str) -> Counter[str]:
        return Counter(r["dedupe_key"] for r in self.received[vendor])

    # -- the vendors -------------------------------------------------------------------------
    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        parts = urllib.parse.urlsplit(path)
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        body = json.loads(raw.decode("utf-8"))
        if parts.path == "/robot/send":
            status, answer = self.dingtalk(query, body)
        elif parts.path == "/cgi-bin/webhook/send":
            status, answer = self.wecom(query, body)
        elif parts.path.startswith("/open-apis/bot/v2/hook/"):
            status, answer = self.feishu(parts.path.rsplit("/", 1)[1], body)
        elif parts.path == "/hooks/duban":
            status, answer = self.generic(headers, raw, body)
        else:
            status, answer = 404, {"error": "not found"}
        return status, answer

    def _throttled(self, vendor: str) -> int:
        """How many throttled answers were left before this one (0: answer normally)."""
        with self.lock:
            left = self.throttle[vendor]
            if left > 0:
                self.throttle[vendor] -= 1
            return left

    def _accept(self, vendor: str, text: str, body: Any) -> None:
        found = DEDUPE.search(text)
        assert found, f"no 通知编号 in {text!r}"
        with self.lock:
            self.received[vendor].append({"dedupe_key": found.group(1), "text": text,
                                          "body": body})

    def dingtalk(self, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        if query.get("access_token") != [DING_TOKEN]:
            return 200, {"errcode": 300001, "errmsg": "token is not exist"}
        timestamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
        if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > 3600_000:
            return 200, {"errcode": 310000, "errmsg": "sign not match, timestamp is invalid"}
        if sign != dingtalk_sign(timestamp, DING_SECRET):
            self.refused.append(("dingtalk", sign))
            return 200, {"errcode": 310000, "errmsg": "sign not match"}
        if self._throttled("dingtalk"):
            return 200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
        kind = body.get("msgtype")
        if kind == "text":
            text = body["text"]["content"]
        elif kind == "markdown":
            text = body["markdown"]["text"]
            assert body["markdown"]["title"]
        else:
            return 200, {"errcode": 40035, "errmsg": "缺少参数 msgtype"}
        self._accept("dingtalk", text, body)
        return 200, {"errcode": 0, "errmsg": "ok"}

    def wecom(self, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        if query.get("key") != [WECOM_KEY]:
            return 200, {"errcode": 93000, "errmsg": "invalid webhook url"}
        if self._throttled("wecom"):
            return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}
        kind = body.get("msgtype")
        if kind not in ("text", "markdown"):
            return 200, {"errcode": 40008, "errmsg": "invalid message type"}
        text = body[kind]["content"]
        if len(text.encode()) > (2048 if kind == "text" else 4096):
            return 200, {"errcode": 40058, "errmsg": "content exceed max length"}
        self._accept("wecom", text, body)
        return 200, {"errcode": 0, "errmsg": "ok"}

    def feishu(self, hook: str, body: Any) -> tuple[int, Any]:
        if hook != FEISHU_HOOK:
            return 404, {"code": 19001, "msg": "param invalid: incoming webhook access token invalid"}
        timestamp, sign = str(body.get("timestamp", "")), body.get("sign")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 3600 or \
                sign != feishu_sign(timestamp, FEISHU_SECRET):
            self.refused.append(("feishu", sign))
            return 200, {"code": 19021, "msg": "sign match fail or timestamp is not within one "
                                               "hour from current time"}
        if self._throttled("feishu"):
            return 400, {"code": 11232, "msg": "frequency limited psm[lark.oapi.app_platform_"
                                               "runtime]appID[1]"}
        if body.get("msg_type") == "text":
            text = body["content"]["text"]
        elif body.get("msg_type") == "post":
            post = body["content"]["post"]["zh_cn"]
            text = "\n".join(seg["text"] for line in post["content"] for seg in line)
        else:
            return 400, {"code": 9499, "msg": "Bad Request", "data": {}}
        self._accept("feishu", text, body)
        return 200, {"code": 0, "msg": "success", "data": {}}

    def generic(self, headers: dict[str, str], raw: bytes, body: Any) -> tuple[int, Any]:
        timestamp = headers.get("X-Duban-Timestamp", "")
        expected = "sha256=" + hmac.new(GENERIC_SECRET.encode(), timestamp.encode() + b"." + raw,
                                        hashlib.sha256).hexdigest()
        if headers.get("X-Duban-Signature") != expected:
            return 401, {"error": "bad signature"}
        left = self._throttled("webhook")
        if left:
            return (503 if left % 2 else 429), {"error": "busy"}
        assert urllib.parse.unquote(headers["X-Duban-Dedupe"]) == body["dedupe_key"]
        self._accept("webhook", body["text"], body)
        return 200, {"ok": True}
