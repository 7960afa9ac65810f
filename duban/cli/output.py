"""Writing a command's output file (``-o``): whole or not at all, never over a file by
surprise, and a clear message for every way it can fail.

Why: a 通报 or a 台账 is handed on as a file. A half-written one (a full disk part-way,
an interrupted run) looks like a real document; an existing one overwritten without a
word loses work. So the document is written to a temporary file beside the target,
flushed to disk, then renamed over it (atomic on the same file system): the target is
either the whole new document or untouched. An existing target is replaced only with
``--force``; a directory, a missing folder, a place that cannot be written and a full
disk each get their own message — never a traceback, never a 0-byte file.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from duban.errors import DubanError

FORCE_HELP = "目标文件已存在时覆盖它（默认拒绝，以免覆盖已有文件）"
force_option = click.option("--force", is_flag=True, default=False, help=FORCE_HELP)

_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def _refused(message: str) -> DubanError:
    return DubanError(message, "validation_error")


def _check_target(target: Path, written: str, force: bool) -> Path:
    """The folder the file goes in, after refusing what cannot or should not be written."""
    if target.is_dir():
        raise _refused(f"{written} 是一个目录，请写出文件名，如 {target / '通报.md'} / "
                       "the output is a directory; give a file name")
    folder = target.parent
    if not folder.is_dir():
        raise _refused(f"文件夹不存在：{folder}；请先创建它，或换一个位置 / the folder does not exist")
    if target.exists() or target.is_symlink():
        if not force:
            raise _refused(f"{written} 已存在；要覆盖它请加 --force / the file exists; add --force "
                           "to replace it")
        if not target.is_file():
            raise _refused(f"{written} 不是普通文件，不能覆盖 / not a regular file")
    return folder


def output_error(exc: Exception, written: str) -> DubanError:
    """The message for a failure to build or write ``written`` (see building_failed)."""
    if not isinstance(exc, OSError) or exc.errno in _FULL:
        return _refused(f"磁盘已满（或超出文件大小限制），{written} 未写出，原有文件不变 / disk full, "
                        "nothing was written")
    return _refused(f"无法写入 {written}：{exc.strerror or exc}；请检查该位置是否可写 / cannot "
                    "write there")


def building_failed(exc: Exception) -> bool:
    """Whether building a document failed because the disk (its temporary files) is full
    or cannot be written: an OSError, or lxml's serialisation error for the same causes
    (openpyxl spools worksheets through lxml into temporary files)."""
    if isinstance(exc, OSError):
        return True
    return type(exc).__name__ == "SerialisationError" and any(
        code in str(exc) for code in ("IO_ENOSPC", "IO_EFBIG", "IO_EDQUOT", "IO_EIO"))


@contextlib.contextmanager
def spooling() -> Iterator[None]:
    """Around building a document through temporary files: when the disk is full, the
    failed writer's own clean-up fails again as it is collected; that second report of
    the same failure is dropped (the first becomes the user's message)."""
    original = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if unraisable.exc_value is None or not building_failed(unraisable.exc_value):
            original(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        gc.collect()
        sys.unraisablehook = original


def write_output(written: str, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to the file ``written`` (as the user wrote it), atomically."""
    target = Path(written)
    folder = _check_target(target, written, force)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise output_error(exc, written) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file would be
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise output_error(exc, written) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = ["building_failed", "force_option", "output_error", "spooling", "write_output"]
