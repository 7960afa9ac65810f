"""A deployment's configuration: which store, which policies, which notifiers.

Read from ``duban.yaml`` (or ``--config``/``DUBAN_CONFIG``); every key has a default so
that nothing is needed to start (SQLite file ``duban.db``, the shipped policies, the
console notifier). Secrets are written ``{"$env": "NAME"}`` and resolved when read, so
they never sit in the file.

```yaml
store: sqlite:///duban.db            # or postgresql://user@/db?host=/tmp
policies: [policies]                 # folders of policy files (the shipped ones are added)
plugins: plugins                     # a folder of one-file plugins
notifiers:
  console: {}
  smtp: {host: smtp.example.com, port: 587, sender: duban@example.com,
         password: {$env: SMTP_PASSWORD}, recipients: {财务部: cw@example.com}}
delivery: {max_attempts: 20, base_delay_seconds: 60}
require_viewer: false                # true: CLI reads of items and reports must name a viewer
operator: 综合部 张三                  # who enters commands on this machine (default: the OS user)
quick_check_every_minutes: 60        # re-check the store's integrity before a write this often (0: always)
timezone: Asia/Shanghai              # the zone of every time written without an offset
calendar:                            # one calendar for every policy (docs/calendar.md)
  files: [calendar/2027.yaml]        # written by `duban calendar import`, relative to this file
  beyond_known_data: weekends_only   # optional: keep working past the data (provisional)
web: {public_url: https://duban.example.com}   # duban serve (duban.web.settings)
```
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duban.calendar.deployment import DeploymentCalendar, deployment_from_mapping
from duban.calendar.instants import DEFAULT_ZONE, zone_named
from duban.errors import DubanError
from duban.policy.yamlsrc import load_yaml_file


@dataclass
class Config:
    store: str = "sqlite:///duban.db"
    policies: list[str] = field(default_factory=lambda: ["policies"])
    plugins: str | None = "plugins"
    notifiers: dict[str, dict[str, Any]] = field(default_factory=lambda: {"console": {}})
    max_attempts: int = 20
    base_delay_seconds: int = 60
    require_viewer: bool = False
    operator: str | None = None
    quick_check_every_minutes: int = 60
    zone: dt.tzinfo = DEFAULT_ZONE
    calendar: DeploymentCalendar = field(default_factory=DeploymentCalendar)
    web: dict[str, Any] = field(default_factory=dict)  # the service's settings (duban.web)
    source: str | None = None


KEYS = ("store", "policies", "plugins", "notifiers", "delivery", "require_viewer", "timezone",
        "calendar", "web", "operator", "quick_check_every_minutes")


def resolve_secrets(value: Any, where: str = "") -> Any:
    """Replace ``{"$env": "NAME"}`` by the environment variable's value."""
    if isinstance(value, dict):
        if set(value) == {"$env"}:
            name = str(value["$env"])
            if name not in os.environ:
                raise DubanError(f"配置 {where} 需要环境变量 {name}，但它未设置 / environment "
                                 f"variable {name} is not set", "validation_error")
            return os.environ[name]
        return {k: resolve_secrets(v, f"{where}.{k}" if where else str(k))
                for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_secrets(v, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def load_config(path: str | None = None, *, store: str | None = None) -> Config:
    """The configuration from ``path`` (or ``DUBAN_CONFIG``, or ``./duban.yaml`` if it
    exists), with ``store`` (or ``DUBAN_STORE``) overriding the store URL."""
    cfg = Config()
    path = path or os.environ.get("DUBAN_CONFIG") or (
        "duban.yaml" if Path("duban.yaml").is_file() else None)
    if path:
        data = load_yaml_file(path).data or {}
        if not isinstance(data, dict):
            raise DubanError(f"{path}: 配置文件须是映射 / the config must be a mapping",
                             "validation_error")
        unknown = set(data) - set(KEYS)
        if unknown:
            raise DubanError(f"{path}: 不认识的配置项 {', '.join(sorted(unknown))}；可用："
                             f"{', '.join(KEYS)} / unknown keys", "validation_error")
        cfg.calendar = deployment_from_mapping(data.get("calendar"),
                                               base_dir=Path(path).resolve().parent,
                                               where=f"{path} > calendar")
        cfg.store = str(data.get("store", cfg.store))
        cfg.policies = [str(x) for x in data.get("policies", cfg.policies)]
        cfg.plugins = data.get("plugins", cfg.plugins)
        cfg.notifiers = dict(data.get("notifiers") or cfg.notifiers)
        delivery = data.get("delivery") or {}
        cfg.max_attempts = int(delivery.get("max_attempts", cfg.max_attempts))
        cfg.base_delay_seconds = int(delivery.get("base_delay_seconds",
                                                  cfg.base_delay_seconds))
        if not isinstance(data.get("require_viewer", False), bool):
            raise DubanError(f"{path}: require_viewer 应是 true 或 false / require_viewer must be "
                             "a boolean", "validation_error")
        cfg.require_viewer = bool(data.get("require_viewer", False))
        if data.get("operator") is not None:
            cfg.operator = str(data["operator"]).strip() or None
        every = data.get("quick_check_every_minutes", cfg.quick_check_every_minutes)
        if isinstance(every, bool) or not isinstance(every, int) or every < 0:
            raise DubanError(f"{path}: quick_check_every_minutes 应是不小于 0 的整数（分钟；0 表示每次写入前"
                             "都检查）/ quick_check_every_minutes must be a whole number ≥ 0",
                             "validation_error")
        cfg.quick_check_every_minutes = every
        if "timezone" in data:
            try:
                cfg.zone = zone_named(str(data["timezone"]))
            except ValueError as exc:
                raise DubanError(f"{path}: timezone：{exc}", "validation_error") from None
        cfg.web = dict(data.get("web") or {})
        cfg.source = path
    cfg.store = store or os.environ.get("DUBAN_STORE") or cfg.store
    return cfg
