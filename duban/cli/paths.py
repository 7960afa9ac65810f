"""The file-path parameter of every command.

Why not ``click.Path`` itself: it calls ``os.stat`` on what was typed, and a path with a
NUL byte makes ``os.stat`` raise ``ValueError`` (not ``OSError``), which click does not
turn into a usage error — the user would get a traceback. A NUL can reach us from a
program calling duban or a file of arguments, never from an ordinary shell.
"""

from __future__ import annotations

import os
from typing import Any

import click


class FilePath(click.Path):
    """``click.Path`` that refuses a path containing a NUL byte as a usage error."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if "\x00" in os.fsdecode(value):
            self.fail("路径中含有空字符（NUL），不是有效的文件路径 / the path contains a NUL byte",
                      param, ctx)
        return super().convert(value, param, ctx)


__all__ = ["FilePath"]
