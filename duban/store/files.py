"""Attachment files on disk: the built-in ``disk`` attachment storage of ``duban serve``.

Each file is written once, under a random key the service chose, atomically (a temporary
file then a rename: a crash never leaves half a file) and readable by the service's user
only. A key that is not of the service's own form never reaches the file system.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

from duban.errors import DubanError

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

    def delete(self, key: str) -> None:
        """Remove a file (one whose action was refused); nothing if it is gone."""
        self._path(key).unlink(missing_ok=True)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except OSError:
            raise DubanError("附件文件已丢失，请联系管理员 / the attachment file is missing",
                             "store_error") from None
