"""Wiring a deployment together from its configuration: plugins, store, policies, service."""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path

from duban.calendar.deployment import DeploymentCalendar
from duban.errors import DubanError, PolicyError
from duban.plugins import Hooks, make_plugin_manager
from duban.policy.loader import load_policy
from duban.policy.model import Policy
from duban.policy.shipped import shipped_paths
from duban.runtime.config import Config, resolve_secrets
from duban.runtime.service import DeliveryPolicy, Service
from duban.store.base import Store


def load_policies(folders: list[str], hooks: Hooks | None = None,
                  calendar: DeploymentCalendar | None = None) -> dict[str, Policy]:
    """Every policy in the configured folders, then the shipped ones not overridden; the
    deployment's calendar files and calendar plugins' additions (e.g. a new year's official
    days) extend each policy's calendar."""
    out: dict[str, Policy] = {}
    paths = [p for f in folders if Path(f).is_dir() for p in sorted(Path(f).glob("*.yaml"))]
    paths += [p for p in shipped_paths() if p.stem not in {q.stem for q in paths}]
    calendar = calendar or DeploymentCalendar()
    files = calendar.additions()
    for path in paths:
        try:
            extra = [*files, *(hooks.calendar_additions(path.stem) if hooks is not None else [])]
            conditions = dict(hooks.conditions.entries) if hooks is not None else None
            policy = load_policy(path, calendar_additions=extra, conditions=conditions,
                                 beyond_known_data=calendar.beyond_known_data)
        except PolicyError as err:
            raise DubanError(f"策略 {path} 无效：\n{err}", "validation_error") from None
        out.setdefault(policy.id, policy)
    return out


def _os_user() -> str | None:
    """The operating-system user running the command (who typed it), if known."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def open_store(cfg: Config, hooks: Hooks) -> Store:
    """The configured store, opened but not migrated (``duban doctor`` looks at a store
    that may be too damaged to migrate)."""
    scheme = cfg.store.split(":", 1)[0] if "://" in cfg.store else "sqlite"
    store: Store = hooks.stores.get(scheme)(cfg.store)
    return store


def open_service(cfg: Config, *, hooks: Hooks | None = None) -> Service:
    hooks = hooks or Hooks(make_plugin_manager(folder=cfg.plugins))
    store = open_store(cfg, hooks)
    store.migrate()
    notifiers = {}
    for name, conf in cfg.notifiers.items():
        notifiers[name] = hooks.notifiers.get(name)(resolve_secrets(conf or {}, name))
    delivery = DeliveryPolicy(cfg.max_attempts, dt.timedelta(seconds=cfg.base_delay_seconds))
    service = Service(store, load_policies(cfg.policies, hooks, cfg.calendar), hooks,
                      tuple(notifiers), notifiers, delivery, require_viewer=cfg.require_viewer,
                      zone=cfg.zone, operator=cfg.operator or _os_user(),
                      quick_check_every=dt.timedelta(minutes=cfg.quick_check_every_minutes))

    def policy_templates(ref: str) -> dict[str, str] | None:
        """A policy version's notice wording (by content hash or id)."""
        policy = service._by_hash.get(ref) or service.policies.get(ref)
        if policy is None:
            return None
        return dict((policy.raw.get("documents") or {}).get("templates") or {})

    for notifier in notifiers.values():  # notices in the words of the item's policy version
        if hasattr(notifier, "policy_templates"):
            notifier.policy_templates = policy_templates
    return service
