"""Building the plugin manager (no global one) and the typed facade call sites use.

Order: the built-ins register through the same hooks as third-party plugins, then the
``duban`` entry-point group is loaded, then one-file plugins from a deployment's
``plugins/`` folder; ``check_pending()`` makes a misspelt hook fail at start-up.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import pluggy

from duban import hookspecs
from duban.errors import DubanError

log = logging.getLogger("duban.plugins")


class PluginError(DubanError):
    def __init__(self, message: str) -> None:
        super().__init__(message, "plugin_error")


@dataclass
class Registry:
    """Named objects from plugins; a duplicate name fails, naming both plugins."""

    kind: str
    entries: dict[str, Any] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)

    def register_for(self, owner: str) -> Callable[[str, Any], None]:
        def register(name: str, obj: Any) -> None:
            if name in self.entries:
                raise PluginError(f"{self.kind} '{name}' 被重复注册：{self.owners[name]} 与 {owner} / "
                                  f"{self.kind} '{name}' registered twice: by "
                                  f"{self.owners[name]} and by {owner}")
            self.entries[name] = obj
            self.owners[name] = owner
        return register

    def get(self, name: str) -> Any:
        try:
            return self.entries[name]
        except KeyError:
            raise PluginError(f"没有名为 '{name}' 的{self.kind}；已有：{'、'.join(self.entries) or '无'} "
                              f"/ no {self.kind} named '{name}'") from None


def _load_folder(pm: pluggy.PluginManager, folder: Path) -> None:
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        name = f"duban_local_plugin_{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            raise PluginError(f"插件 {path} 加载失败：{exc} / plugin failed to load") from exc
        pm.register(module, name=f"plugins/{path.name}")


class _Proxy:
    """An unhashable plugin object (a ``SimpleNamespace``, a dataclass instance) seen
    through a hashable stand-in holding the same attributes: pluggy's subset hook callers,
    which the facade calls through, keep plugins in sets."""

    def __init__(self, target: object) -> None:
        self.__dict__.update({n: getattr(target, n) for n in dir(target)
                              if not n.startswith("__")})
        self._target = target

    def __repr__(self) -> str:
        return repr(self._target)


def _hashable(plugin: object) -> object:
    try:
        hash(plugin)
    except TypeError:
        return _Proxy(plugin)
    return plugin


def make_plugin_manager(*, entry_points: bool = True, folder: str | Path | None = None,
                        extra: Sequence[object] = ()) -> pluggy.PluginManager:
    """A fresh plugin manager with built-ins, entry points, a plugins folder and ``extra``."""
    from duban import builtin_plugins

    pm = pluggy.PluginManager("duban")
    pm.add_hookspecs(hookspecs)
    try:
        pm.register(builtin_plugins, name="duban.builtin")
        if entry_points:
            pm.load_setuptools_entrypoints("duban")
        if folder is not None and Path(folder).is_dir():
            _load_folder(pm, Path(folder))
        for obj in extra:
            pm.register(_hashable(obj))
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"插件 {exc.plugin!r} 的钩子与规范不符（钩子名或参数名写错）：{exc} / a "
                          "hook implementation does not match its specification") from None
    return pm


class Hooks:
    """The typed facade over a plugin manager; registries are collected once."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self.stores = self._collect("存储 store", pm.hook.duban_register_stores)
        self.notifiers = self._collect("通知渠道 notifier", pm.hook.duban_register_notifiers)
        self.renderers = self._collect("文书格式 renderer", pm.hook.duban_register_renderers)
        self.conditions = self._collect("条件函数 condition", pm.hook.duban_register_conditions)
        self.attachment_stores = self._collect("附件存储 attachment storage",
                                               pm.hook.duban_register_attachment_stores)

    def _collect(self, kind: str, hook: pluggy.HookCaller) -> Registry:
        reg = Registry(kind)
        for owner, call in reversed(self._each(hook)):
            call(register=reg.register_for(owner))
        return reg

    def _each(self, hook: pluggy.HookCaller) -> list[tuple[str, pluggy.HookCaller]]:
        """One hook caller per plugin implementing ``hook``, in registration order.

        Why: a registry names the plugin that registered each name (so a duplicate names
        both), and an observer's failure must not keep the next one from its event. Each
        caller is pluggy's own (``subset_hook_caller``) with the other plugins'
        implementations left out, so wrappers, tracing and monitoring still see the call.
        """
        impls = hook.get_hookimpls()
        plain = [i.plugin for i in impls if not (i.hookwrapper or i.wrapper)]
        return [(self.pm.get_name(i.plugin) or repr(i.plugin),
                 self.pm.subset_hook_caller(hook.name, [p for p in plain if p is not i.plugin]))
                for i in impls if not (i.hookwrapper or i.wrapper)]

    def calendar_additions(self, policy_id: str) -> list[Any]:
        return [x for x in self.pm.hook.duban_calendar_additions(policy_id=policy_id)
                if x is not None]

    def directory_lookup(self, person: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = self.pm.hook.duban_directory_lookup(person=person)
        return result

    def add_commands(self, cli: click.Group) -> None:
        self.pm.hook.duban_register_commands(cli=cli)

    def event_applied(self, item: Any, events: Sequence[Any], effects: Sequence[Any]) -> None:
        for owner, call in self._each(self.pm.hook.duban_event_applied):
            try:
                call(item=item, events=events, effects=effects)
            except Exception:  # an observer never undoes a committed write
                log.exception("observer %s failed", owner)

    def authenticate(self, request: Any) -> str | None:
        """The user name a plugin recognises in an HTTP request, or None. A plugin that
        fails is logged and counts as "not recognised": the caller gets 401, not 500."""
        try:
            name = self.pm.hook.duban_authenticate(request=request)
        except Exception:
            log.exception("authentication plugin failed")
            return None
        return str(name) if name else None

    def plugin_names(self) -> list[str]:
        return sorted(n for n, _ in self.pm.list_name_plugin())
