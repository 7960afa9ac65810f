"""Where attachment files live: an attachment storage, chosen by name
(``web.attachment_storage``, ``disk`` by default) from those plugins register with
``duban_register_attachment_stores`` — an object store or a document system is a plugin.

The built-in ``disk`` storage is :class:`duban.store.files.DiskStorage`.
"""

from __future__ import annotations

from typing import Any, Protocol


class AttachmentStorage(Protocol):
    def put(self, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key`` (a new key each time)."""

    def get(self, key: str) -> bytes:
        """The data kept under ``key``; DubanError if it is gone."""


def storage_for(deployment: Any) -> AttachmentStorage:
    """The deployment's attachment storage (built once, then reused)."""
    if deployment.attachment_storage is None:
        factory = deployment.hooks.attachment_stores.get(deployment.settings.attachment_storage)
        deployment.attachment_storage = factory(deployment.settings)
    return deployment.attachment_storage  # type: ignore[no-any-return]
