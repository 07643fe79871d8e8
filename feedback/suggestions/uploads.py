"""Attachments of suggestions and reply documents, checked before they are stored: an allowed
extension, a size limit, and content that really is what the extension says (a PDF starts with
`%PDF-`, Word/ODF files are the right container, pictures are re-encoded like every other picture)."""

from __future__ import annotations

import io
import os
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from deputies.images import ImageSpec, normalize_image

ALLOWED_EXTENSIONS = ("pdf", "doc", "docx", "odt", "txt", "jpg", "jpeg", "png")
MAX_FILES = 10
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PICTURE = ImageSpec(size=(2000, 2000), crop=False, format="JPEG", extension="jpg", content_type="image/jpeg")


def _fail(name: str) -> ValidationError:
    return ValidationError(
        _("文件“%(name)s”不是允许的格式（PDF、Word、ODF、文本或图片），或内容与扩展名不符。") % {"name": name}
    )


def checked_file(upload) -> tuple[str, ContentFile]:
    """The display name and a file safe to store; ValidationError when it is refused."""
    name = os.path.basename(getattr(upload, "name", "") or "file")[:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    limit = settings.SUGGESTION_ATTACHMENT_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”超过%(mb)d MB。") % {"name": name, "mb": settings.SUGGESTION_ATTACHMENT_MAX_MB}
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise _fail(name)
    if extension in ("jpg", "jpeg", "png"):
        try:
            picture = normalize_image(upload, spec=_PICTURE)
        except ValidationError:
            raise _fail(name) from None
        return name, ContentFile(picture.read(), name=picture.name)
    upload.seek(0)
    data = upload.read()
    ok = {
        "pdf": data.startswith(b"%PDF-"),
        "doc": data.startswith(_OLE),
        "docx": _is_zip_with(data, "word/document.xml"),
        "odt": _is_zip_with(data, "mimetype"),
        "txt": _is_text(data),
    }[extension]
    if not ok:
        raise _fail(name)
    return name, ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}")


def _is_zip_with(data: bytes, member: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def _is_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data


def checked_files(uploads) -> list[tuple[str, ContentFile]]:
    uploads = list(uploads or [])
    if len(uploads) > MAX_FILES:
        raise ValidationError(_("最多上传%(max)d个文件。") % {"max": MAX_FILES})
    return [checked_file(upload) for upload in uploads]
