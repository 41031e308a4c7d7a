"""Uploaded files as downloads: named and typed by what the file is (checked at upload from its content),
never by the name the uploader gave it; only images open in the browser, everything else (PDFs too,
which may carry scripts) is an attachment, and the browser is told not to guess the type."""

from __future__ import annotations

import os
from functools import wraps

import filetype
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from knox.auth import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

# Types the browser may show inline: plain raster images (not SVG, which may carry scripts).
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
EXTENSION_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
}


def detected_type(handle, stored_name: str) -> tuple[str, str]:
    """(content type, extension) of a stored file by its first bytes; the stored name's extension (ours,
    chosen at upload from the content) tells the office formats apart, which share a container."""
    head = handle.read(8192)
    handle.seek(0)
    stored_ext = os.path.splitext(stored_name)[1].lower()
    if head.startswith(b"PK\x03\x04") and stored_ext in (".docx", ".xlsx"):
        return EXTENSION_TYPES[stored_ext], stored_ext
    if head.startswith(OLE_MAGIC) and stored_ext in (".doc", ".xls"):
        return EXTENSION_TYPES[stored_ext], stored_ext
    kind = filetype.guess(head)
    if kind is not None and kind.mime in INLINE_TYPES | {"application/pdf", "image/heic"}:
        return kind.mime, f".{kind.extension}"
    return "application/octet-stream", ".bin"


def download_response(field, *, name: str) -> FileResponse:
    """`field` (a FieldFile) served as `name` + the detected extension."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    content_type, extension = detected_type(handle, field.name)
    stem = os.path.splitext(os.path.basename(name or ""))[0].strip() or "file"
    response = FileResponse(handle, content_type=content_type, as_attachment=content_type not in INLINE_TYPES,
                            filename=f"{stem[:150]}{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    # Even opened directly, a served file runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


def login_or_token_required(view):
    """A download page that API clients may fetch too: a session, or the API's token header (the links
    the API gives for files are these pages, whose scope checks then apply to the token's person)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated and request.headers.get("Authorization"):
            try:
                found = TokenAuthentication().authenticate(request)
            except AuthenticationFailed:
                found = None
            if found:
                request.user = found[0]
        return login_required(view)(request, *args, **kwargs)

    return wrapper
