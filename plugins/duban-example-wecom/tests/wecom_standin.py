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


class WeComStandIn:
    def __init__(self) -> None:
        self.throttle = 0
        self.accepted: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
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
