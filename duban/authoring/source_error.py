"""The one error of reading a regulation file, apart from the readers.

Why its own module: :mod:`duban.authoring.sources` picks a reader by suffix and imports
it lazily (python-docx and pdfminer load only when needed), and each reader raises this
error; with the class beside the dispatcher, readers and dispatcher imported each other.
"""

from __future__ import annotations

from duban.errors import DubanError


class SourceError(DubanError):
    """A regulation file that cannot be read: missing, unsupported, encrypted, scanned."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "validation_error")


__all__ = ["SourceError"]
