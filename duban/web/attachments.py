"""Where attachment files live: an attachment storage, chosen by name
(``web.attachment_storage``, ``disk`` by default) from those plugins register with
``duban_register_attachment_stores`` — an object store or a document system is a plugin.

The disk storage writes each file once, under a random key, atomically (a temporary file
then a rename: a crash never leaves half a file) and readable by the service's user only.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol

from duban.errors import DubanError


class AttachmentStorage(Protocol):
    def put(self, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key`` (a new key each time)."""

    def get(self, key: str) -> bytes:
        """The data kept under ``key``; DubanError if it is gone."""


_KEY = re.compile(r"^[0-9a-f]{16}-[0-9a-f]{12}$")


class DiskStorage:
    """Files in one folder (``web.attachments.dir``), created on first use."""

    def __init__(self, settings: Any) -> None:
        self.root = Path(settings.attachment_dir)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):  # keys are ours; anything else never touches the disk
            raise DubanError("附件键无效 / invalid attachment key", "validation_error")
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise DubanError(f"附件无法保存：{exc.strerror} / cannot store the attachment",
                             "store_error") from None

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except OSError:
            raise DubanError("附件文件已丢失，请联系管理员 / the attachment file is missing",
                             "store_error") from None


def storage_for(deployment: Any) -> AttachmentStorage:
    """The deployment's attachment storage (built once, then reused)."""
    if deployment.attachment_storage is None:
        factory = deployment.hooks.attachment_stores.get(deployment.settings.attachment_storage)
        deployment.attachment_storage = factory(deployment.settings)
    return deployment.attachment_storage  # type: ignore[no-any-return]
