"""Evidence uploads: each file's real type is checked by its content, never by its name.

Allowed: photos (JPEG, PNG, WebP, HEIC when detectable), PDF, Word and Excel (DOCX/XLSX, which are zip
packages holding `word/` or `xl/`, and the legacy OLE DOC/XLS). Anything else -- a renamed executable,
an archive, a script -- is refused with a Chinese message naming the file. An image's pixel count is
read from its header and checked before anything is decoded; images are then opened with Pillow to make
sure they decode, and get a small JPEG thumbnail with the EXIF orientation applied.
Stored names are random; the original name is kept on the record.
"""

from __future__ import annotations

import io
import os
import uuid
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
THUMBNAIL_SIZE = (360, 360)
ACCEPT_ATTRIBUTE = "image/*,.pdf,.doc,.docx,.xls,.xlsx"

# content type -> stored extension
IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/heic": ".heic"}
DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
}
# Pillow cannot decode HEIC without a plugin; it is accepted on its magic alone and gets no thumbnail.
PILLOW_DECODES = {"image/jpeg", "image/png", "image/webp"}


@dataclass
class CheckedFile:
    upload: UploadedFile
    original_name: str
    content_type: str
    extension: str
    size: int

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def stored_name(self) -> str:
        return f"{uuid.uuid4().hex}{self.extension}"


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def _read_head(upload: UploadedFile, length: int = 8192) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def _office_zip_kind(upload: UploadedFile) -> str | None:
    """The content type of a DOCX/XLSX package, or None if the zip is neither."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if any(n.startswith("xl/") for n in names):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def _detect(upload: UploadedFile, name: str) -> str | None:
    head = _read_head(upload)
    if head.startswith(OLE_MAGIC):
        return "application/vnd.ms-excel" if name.lower().endswith(".xls") else "application/msword"
    if head.startswith(b"PK\x03\x04"):
        return _office_zip_kind(upload)
    kind = filetype.guess(head)
    if kind is None:
        return None
    mime = kind.mime
    if mime in IMAGE_TYPES or mime == "application/pdf":
        return mime
    if kind.extension == "heic":
        return "image/heic"
    return None


def _pixel_count_error(upload: UploadedFile, name: str) -> ValidationError | None:
    """Refuse an image with too many pixels from its header alone, before anything is decoded: a
    tiny PNG can announce 12000x12000 pixels and take gigabytes to thumbnail."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        width = height = 0
        too_many = True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    else:
        too_many = width * height > settings.EVIDENCE_MAX_IMAGE_PIXELS
    finally:
        upload.seek(0)
    if not too_many:
        return None
    limit = settings.EVIDENCE_MAX_IMAGE_PIXELS // 10000
    if width:
        return ValidationError(
            _("图片“%(name)s”有 %(width)s×%(height)s 像素，超过每张 %(limit)s 万像素的上限，已拒绝。请缩小后再上传。")
            % {"name": name, "width": width, "height": height, "limit": limit, "megapixels": limit // 100},
            code="too_many_pixels",
        )
    return ValidationError(
        _("图片“%(name)s”的像素数超过每张 %(limit)s 万像素的上限，已拒绝。请缩小后再上传。") % {"name": name, "limit": limit, "megapixels": limit // 100},
        code="too_many_pixels",
    )


def _verify_image(upload: UploadedFile) -> bool:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    finally:
        upload.seek(0)


def check_file(upload: UploadedFile, *, max_bytes: int | None = None) -> CheckedFile:
    """Check one upload; raises ValidationError with a Chinese message naming the file."""
    name = os.path.basename(getattr(upload, "name", "") or _("未命名文件"))
    max_bytes = max_bytes if max_bytes is not None else settings.EVIDENCE_MAX_FILE_BYTES
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件。") % {"name": name}, code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("文件“%(name)s”大小为 %(size)s，超过单个文件 %(limit)s 的上限。")
            % {"name": name, "size": _human_size(size), "limit": _human_size(max_bytes)},
            code="too_large",
        )
    content_type = _detect(upload, name)
    if content_type is None:
        raise ValidationError(
            _("文件“%(name)s”不是允许的类型（仅支持照片 JPG/PNG/WebP/HEIC、PDF、Word、Excel），已拒绝。")
            % {"name": name},
            code="bad_type",
        )
    if content_type in PILLOW_DECODES and (too_big := _pixel_count_error(upload, name)) is not None:
        raise too_big
    if content_type in PILLOW_DECODES and not _verify_image(upload):
        raise ValidationError(_("图片“%(name)s”已损坏或无法识别。") % {"name": name}, code="bad_image")
    extension = IMAGE_TYPES.get(content_type) or DOCUMENT_TYPES[content_type]
    return CheckedFile(upload=upload, original_name=name[:255], content_type=content_type,
                       extension=extension, size=size)


def check_files(
    uploads: Iterable[UploadedFile] | None, *, already: int = 0, field: str = "files",
    max_files: int | None = None,
) -> list[CheckedFile]:
    """Check several uploads at once; every problem of every file is reported under `field`."""
    uploads = [u for u in (uploads or []) if u is not None]
    max_files = max_files if max_files is not None else settings.EVIDENCE_MAX_FILES
    if already + len(uploads) > max_files:
        raise ValidationError({field: [_(
            "每项活动最多上传 %(max)s 个佐证文件（已有 %(already)s 个，本次选择了 %(count)s 个）。"
        ) % {"max": max_files, "already": already, "count": len(uploads)}]})
    checked: list[CheckedFile] = []
    errors: list[ValidationError] = []
    for upload in uploads:
        try:
            checked.append(check_file(upload))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError({field: errors})
    return checked


def check_document(upload: UploadedFile | None, *, field: str = "document") -> CheckedFile | None:
    """A single attachment (plan document, meeting minutes, exchange record) under the same rules."""
    if not upload:
        return None
    try:
        return check_file(upload)
    except ValidationError as exc:
        raise ValidationError({field: [exc]})


def stored_content(checked: CheckedFile) -> ContentFile:
    checked.upload.seek(0)
    return ContentFile(checked.upload.read(), name=checked.stored_name())


def make_thumbnail(checked: CheckedFile) -> ContentFile | None:
    """A small JPEG of an image, upright as the phone held it (EXIF orientation)."""
    if checked.content_type not in PILLOW_DECODES:
        return None
    checked.upload.seek(0)
    try:
        with Image.open(checked.upload) as image:
            # A JPEG can be decoded straight at a fraction of its size: a phone photo never needs full memory.
            image.draft("RGB", (THUMBNAIL_SIZE[0] * 2, THUMBNAIL_SIZE[1] * 2))
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, (255, 255, 255))
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.split()[-1])
                image = background
            image.thumbnail(THUMBNAIL_SIZE)
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="JPEG", quality=82)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        checked.upload.seek(0)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def accepted_summary() -> Sequence[str]:
    return (_("照片"), "PDF", "Word", "Excel")
