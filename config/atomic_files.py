"""Stored files that share the fate of the rows pointing at them.

Django writes an uploaded file to storage as soon as a FileField is saved, inside the transaction
but not part of it: a rollback keeps the file and loses its row. Services that store files open
`files_with_transaction()` instead of `transaction.atomic()` and call `track()` for each file they
write; when that block (or any block around it) rolls back, the files written in it are deleted.
Blocks nest like savepoints: an inner block that succeeded hands its files to the outer one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile

_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("written_files", default=None)


def _delete(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            pass


@contextmanager
def files_with_transaction(using: str | None = None) -> Iterator[None]:
    parent = _written.get()
    mine: list[tuple[Storage, str]] = []
    token = _written.set(mine)
    try:
        with transaction.atomic(using=using):
            yield
    except BaseException:
        _delete(mine)
        raise
    finally:
        _written.reset(token)
    if parent is not None:
        parent.extend(mine)


def track(*fields: FieldFile) -> None:
    """Files just written to storage, to remove if the surrounding block rolls back."""
    written = _written.get()
    if written is None:
        raise RuntimeError("track() is only meaningful inside files_with_transaction()")
    written.extend((f.storage, f.name) for f in fields if f)
