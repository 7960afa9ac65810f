"""Signing in with WeCom (企业微信网页授权): the ``duban_authenticate`` hook.

The WeCom workbench app's link is WeCom's authorize URL, whose ``redirect_uri`` is
duban's ``https://duban.example.com/auth/sso/wecom``. WeCom sends the browser back there
with a one-time ``code``; this plugin exchanges it, with the app's secret, for the WeCom
``userid`` (``/cgi-bin/gettoken``, then ``/cgi-bin/auth/getuserinfo``) and answers the
duban user name — the userid itself, or its entry in ``DUBAN_WECOM_USERS`` (a CSV of
``userid,duban 用户名``). duban then checks the user exists and is enabled, and starts a
browser session.

Configuration (environment): ``DUBAN_WECOM_CORPID``, ``DUBAN_WECOM_SECRET`` (the app's
secret), optionally ``DUBAN_WECOM_USERS`` and ``DUBAN_WECOM_API`` (the API's base URL;
tests point it at a local stand-in). Any failure — WeCom unreachable, an expired or
reused code, a refused secret — answers None: the browser gets 401, never a guess.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

log = logging.getLogger("duban_example_wecom.sso")
PATH = "/auth/sso/wecom"
_token: dict[str, Any] = {}


def _get(url: str, params: dict[str, str]) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}?{urllib.parse.urlencode(params)}", timeout=10) as r:
        answer: dict[str, Any] = json.loads(r.read().decode("utf-8"))
        return answer


def _access_token(api: str, corpid: str, secret: str) -> str | None:
    """The app's access token, reused until shortly before it expires."""
    if _token.get("key") == (api, corpid) and _token.get("until", 0) > time.time():
        return str(_token["value"])
    answer = _get(f"{api}/cgi-bin/gettoken", {"corpid": corpid, "corpsecret": secret})
    if answer.get("errcode") != 0:
        log.warning("WeCom gettoken refused: %s", answer.get("errmsg"))
        return None
    _token.update(key=(api, corpid), value=answer["access_token"],
                  until=time.time() + int(answer.get("expires_in", 7200)) - 300)
    return str(answer["access_token"])


def _mapped(userid: str) -> str:
    path = os.environ.get("DUBAN_WECOM_USERS")
    if not path:
        return userid
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            if len(row) >= 2 and row[0].strip() == userid:
                return row[1].strip()
    return userid


def wecom_user(request: Any) -> str | None:
    """The duban user name for a WeCom OAuth callback, or None."""
    code = request.query.get("code") if request.path == PATH else None
    corpid, secret = os.environ.get("DUBAN_WECOM_CORPID"), os.environ.get("DUBAN_WECOM_SECRET")
    if not code or not corpid or not secret:
        return None
    api = os.environ.get("DUBAN_WECOM_API", "https://qyapi.weixin.qq.com").rstrip("/")
    try:
        token = _access_token(api, corpid, secret)
        if token is None:
            return None
        answer = _get(f"{api}/cgi-bin/auth/getuserinfo", {"access_token": token, "code": code})
    except (OSError, ValueError, urllib.error.URLError) as exc:
        log.warning("WeCom unreachable: %s", exc)
        return None
    userid = answer.get("userid") or answer.get("UserId")
    if answer.get("errcode") != 0 or not userid:  # an external contact has no userid
        return None
    return _mapped(str(userid))
