"""A local stand-in for the WeCom robot endpoint: a real HTTP server on 127.0.0.1 that
checks the key, answers 45009 (too frequent) while ``throttle`` is above zero, and keeps
what it accepted. Copy it along with the plugin."""

from __future__ import annotations

import json
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
KEY = "example-robot-key"
SECRET = "example-app-secret"
TOKEN = "example-access-token"


class WeComStandIn:
    def __init__(self) -> None:
        self.throttle = 0
        self.codes: dict[str, str] = {}  # one-time OAuth codes → WeCom userid
        self.accepted: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                """The OAuth side: gettoken (the app's secret) and getuserinfo (a code)."""
                parts = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(parts.query)
                if parts.path == "/cgi-bin/gettoken":
                    ok = query.get("corpsecret") == [SECRET]
                    answer: dict[str, Any] = {"errcode": 0, "access_token": TOKEN,
                                              "expires_in": 7200} if ok else \
                        {"errcode": 40001, "errmsg": "invalid credential"}
                elif parts.path == "/cgi-bin/auth/getuserinfo":
                    code = (query.get("code") or [""])[0]
                    if query.get("access_token") != [TOKEN]:
                        answer = {"errcode": 40014, "errmsg": "invalid access_token"}
                    elif code in outer.codes:
                        answer = {"errcode": 0, "errmsg": "ok", "userid": outer.codes.pop(code)}
                    else:  # unknown, expired or already used
                        answer = {"errcode": 40029, "errmsg": "invalid code"}
                else:
                    answer = {"errcode": 404, "errmsg": "no such API"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if query.get("key") != [KEY]:
                    answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
                elif outer.throttle > 0:
                    outer.throttle -= 1
                    answer = {"errcode": 45009, "errmsg": "api freq out of limit"}
                elif body.get("msgtype") != "text" or \
                        len(body["text"]["content"].encode()) > 2048:
                    answer = {"errcode": 40008, "errmsg": "invalid message"}
                else:
                    outer.accepted.append(body)
                    answer = {"errcode": 0, "errmsg": "ok"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/cgi-bin/webhook/send?key={KEY}"
