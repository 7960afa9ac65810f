"""The service's settings, in one typed object.

Read from the ``web:`` section of ``duban.yaml`` (every key has a default), then from
``DUBAN_WEB_*`` environment variables for what differs per host; ``duban serve`` options
override both. Secrets may be written ``{$env: NAME}``.

```yaml
web:
  public_url: https://duban.example.com      # behind the proxy; cookies are Secure on https
  trusted_proxies: [127.0.0.1, 10.0.0.0/8]    # only these may vouch for a user by header
  proxy_user_header: X-Remote-User
  session_hours: 12
  login: {max_failures: 5, window_seconds: 900, lockout_seconds: 900}
  attachments: {dir: attachments, max_bytes: 20971520, types: [application/pdf, …]}
  page_limit: 200
```
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, fields, replace
from typing import Any

from duban.errors import DubanError
from duban.runtime.config import Config, resolve_secrets

#: Attachment types accepted unless a deployment lists its own: office documents,
#: PDF, images and plain text — what a 办结报告 or 佐证材料 is in practice.
DEFAULT_TYPES = (
    "application/pdf", "image/png", "image/jpeg", "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/msword", "application/vnd.ms-excel", "application/zip",
    "application/ofd",
)


@dataclass(frozen=True)
class WebSettings:
    """Everything the HTTP layer can be told. Defaults suit one office on one machine."""

    public_url: str = "http://127.0.0.1:8000"
    trusted_proxies: tuple[str, ...] = ()
    proxy_user_header: str = "X-Remote-User"
    session_hours: float = 12.0
    login_max_failures: int = 5
    login_window_seconds: int = 900
    login_lockout_seconds: int = 900
    attachment_storage: str = "disk"
    attachment_dir: str = "attachments"
    attachment_max_bytes: int = 20 * 1024 * 1024
    attachment_types: tuple[str, ...] = DEFAULT_TYPES
    page_limit: int = 200
    pool_size: int = 8
    calendar_warn_days: int = 45

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    def proxy_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        out = []
        for text in self.trusted_proxies:
            try:
                out.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                raise DubanError(f"web.trusted_proxies: '{text}' 不是 IP 地址或网段 / not an "
                                 "address or network", "validation_error") from None
        return out


_SECTIONS = {"login": {"max_failures": "login_max_failures",
                       "window_seconds": "login_window_seconds",
                       "lockout_seconds": "login_lockout_seconds"},
             "attachments": {"storage": "attachment_storage", "dir": "attachment_dir", "max_bytes": "attachment_max_bytes",
                             "types": "attachment_types"}}


def web_settings(cfg: Config, **overrides: Any) -> WebSettings:
    """Settings from ``cfg.web`` and ``DUBAN_WEB_<NAME>`` variables, then ``overrides``."""
    raw = resolve_secrets(dict(cfg.web), "web")
    flat: dict[str, Any] = {}
    names = {f.name: f for f in fields(WebSettings)}
    for key, value in raw.items():
        if key in _SECTIONS and isinstance(value, dict):
            for sub, sub_value in value.items():
                if sub not in _SECTIONS[key]:
                    raise DubanError(f"web.{key}.{sub}: 不认识的配置项；可用："
                                     f"{', '.join(_SECTIONS[key])} / unknown key",
                                     "validation_error")
                flat[_SECTIONS[key][sub]] = sub_value
        elif key in names:
            flat[key] = value
        else:
            raise DubanError(f"web.{key}: 不认识的配置项；可用：{', '.join(sorted(names))} / "
                             "unknown key", "validation_error")
    for name in names:
        env = os.environ.get(f"DUBAN_WEB_{name.upper()}")
        if env is not None:
            flat[name] = env.split(",") if name in ("trusted_proxies",
                                                     "attachment_types") else env
    flat.update({k: v for k, v in overrides.items() if v is not None})
    return _typed(flat)


def _typed(values: dict[str, Any]) -> WebSettings:
    base = WebSettings()
    out: dict[str, Any] = {}
    for f in fields(WebSettings):
        if f.name not in values:
            continue
        value, default = values[f.name], getattr(base, f.name)
        try:
            if isinstance(default, tuple):
                value = tuple(str(v).strip() for v in
                              (value if isinstance(value, list | tuple) else [value]) if v)
            elif isinstance(default, bool):
                value = str(value).lower() in ("1", "true", "yes")
            elif isinstance(default, int):
                value = int(value)
            elif isinstance(default, float):
                value = float(value)
            else:
                value = str(value)
        except (TypeError, ValueError):
            raise DubanError(f"web.{f.name}: '{value}' 应为 {type(default).__name__} / wrong "
                             "type", "validation_error") from None
        out[f.name] = value
    settings = replace(base, **out)
    settings.proxy_networks()  # a bad address stops start-up, not the first request
    return settings


__all__ = ["DEFAULT_TYPES", "WebSettings", "web_settings"]
