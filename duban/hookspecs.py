"""Every extension point of duban, in one module (pluggy hook specifications).

Plugins implement these with ``@duban.hookspecs.hookimpl`` and are found through the
``duban`` entry-point group or a deployment's ``plugins/`` folder. Built-in behaviour
(the SQLite and PostgreSQL stores, the console, e-mail and webhook notifiers) registers
through the same hooks. Call sites never touch ``pm.hook`` directly: they use
:class:`duban.plugins.Hooks`.

Registries take a ``register(name, obj)`` callback; registering a name twice fails at
start-up, naming both plugins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click
import pluggy

if TYPE_CHECKING:
    from duban.calendar.data import CalendarAdditions
    from duban.engine.model import Effect, Event, ItemState
    from duban.web.auth import AuthRequest

hookspec = pluggy.HookspecMarker("duban")
hookimpl = pluggy.HookimplMarker("duban")

Register = Callable[[str, Any], None]

# ----------------------------------------------------------------------------------------
# Start-up: registries. Called once when the plugin manager is built; every
# implementation is called (no first-result).
# ----------------------------------------------------------------------------------------


@hookspec
def duban_register_stores(register: Register) -> None:
    """Register store factories: ``register("sqlite", factory)``.

    ``factory(url: str) -> Store`` opens a store for a URL such as ``sqlite:///x.db`` or
    ``postgresql://…``; the scheme before ``:`` selects the factory by name.
    """


@hookspec
def duban_register_notifiers(register: Register) -> None:
    """Register notifier factories: ``register("smtp", factory)``.

    ``factory(config: dict) -> Notifier``; a notifier has ``send(message: OutboxMessage)``
    and raises :class:`duban.notify.base.DeliveryError` (``retry=True`` for temporary
    failures) when a message could not be delivered.
    """


@hookspec
def duban_register_renderers(register: Register) -> None:
    """Register document renderers: ``register("pdf", render)`` adds an output format for
    every document, ``register("reminder.html", render)`` replaces one document's format
    (document ids as in ``duban.reports.render``: notice, stub, confirmation, record,
    report, reminder, extension, deferral, bulletin);
    ``render(template_text: str, context: dict) -> bytes``. duban's own md/html/docx
    writers are used when no plugin registers the name."""


@hookspec
def duban_register_conditions(register: Register) -> None:
    """Register named boolean conditions usable by deployments in guards:
    ``register("is_key_project", func)`` where ``func(item: ItemState) -> bool``."""


@hookspec
def duban_register_attachment_stores(register: Register) -> None:
    """Register attachment storages for ``duban serve``: ``register("disk", factory)``.

    ``factory(settings: duban.web.settings.WebSettings) -> storage``; a storage has
    ``put(key: str, data: bytes) -> None`` and ``get(key: str) -> bytes`` (raising
    :class:`duban.errors.DubanError` when the file is gone), and optionally
    ``delete(key: str) -> None`` (called for a file uploaded with a web form whose action
    was then refused; without it those bytes stay in the storage, unreferenced).
    ``web.attachment_storage`` names the one a deployment uses (``disk``, built in, by
    default).
    """


@hookspec
def duban_register_commands(cli: click.Group) -> None:
    """Add CLI commands to the ``duban`` group (``cli.add_command(cmd)``)."""


# ----------------------------------------------------------------------------------------
# Policies and calendars: called when a policy is loaded.
# ----------------------------------------------------------------------------------------


@hookspec
def duban_calendar_additions(policy_id: str) -> CalendarAdditions | None:
    """Extra rest days and working days for a policy's calendar (e.g. 2027's official
    arrangement, or an office's own rest days). Every non-None result is merged."""


@hookspec(firstresult=True)
def duban_directory_lookup(person: str) -> dict[str, Any] | None:
    """The organisation directory: ``{"department": "财务部", "roles": ["主办部门"]}`` for a
    person, or None if unknown to this plugin. The first non-None result wins."""


# ----------------------------------------------------------------------------------------
# Runtime: called by the service AFTER the transaction that wrote the events committed.
# ----------------------------------------------------------------------------------------


@hookspec
def duban_event_applied(item: ItemState, events: Sequence[Event],
                        effects: Sequence[Effect]) -> None:
    """Observe an applied command: the new item state, the events written, the effects.

    Called after commit, so an observer never sees a write that might roll back. The
    return value is ignored; an exception in an observer is logged, not raised.
    """


# ----------------------------------------------------------------------------------------
# The service (``duban serve``): called per request.
# ----------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def duban_authenticate(request: AuthRequest) -> str | None:
    """Recognise the caller of an HTTP request that duban's own methods did not (no
    valid ``dbn_`` token, session cookie or trusted proxy header): an OIDC/OAuth provider
    (DingTalk, WeCom, Feishu, Keycloak …) as a plugin.

    ``request`` is a :class:`duban.web.auth.AuthRequest` (method, path, query, headers
    with lower-case names, client address). Called for every such request, and by the
    provider callback route ``GET /auth/sso/{provider}`` (where a successful answer starts
    a browser session). Return the name of a user in duban's store — duban then checks
    the user exists and is not disabled — or None when this plugin does not recognise the
    request. Never guess: a plugin that cannot verify the credential returns None, and
    the caller gets 401. The first non-None result wins.
    """
