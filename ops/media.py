"""Uploaded files in production, served by the portal itself (no nginx rule needed for /media/).

Every upload is renamed to a random name (`deputies.images.normalize_image` re-encodes photos to a
uuid4 name; documents likewise), so no file has a guessable URL. On top of that:

- `MEDIA_PUBLIC_PREFIXES` (deputies' portraits, liaison bodies' QR codes, activity photos, article
  images): images only (JPEG, PNG, WebP), to anyone, with the Content-Type of the re-encoded image,
  `X-Content-Type-Options: nosniff` and a one-year immutable cache (a new upload gets a new name).
- `MEDIA_SIGNED_IN_PREFIXES` (citizens' opinion photos, voter-report and research documents): only to
  a signed-in user, never cached by a shared cache, documents as attachments.
- Anything else under MEDIA_ROOT: 404. Exports are not under MEDIA_ROOT at all (EXPORTS_ROOT) and are
  read only through their owner-checked download view.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain; charset=utf-8",
}
ONE_YEAR = 365 * 24 * 60 * 60


def _resolve(path: str) -> tuple[str, Path]:
    clean = posixpath.normpath(path).lstrip("/")
    if clean.startswith("..") or "\\" in clean or "\x00" in clean:
        raise Http404
    root = Path(settings.MEDIA_ROOT).resolve()
    full = (root / clean).resolve()
    if not full.is_relative_to(root) or not full.is_file():
        raise Http404
    return clean, full


@require_safe
def serve(request, path: str):
    clean, full = _resolve(path)
    extension = full.suffix.lower()
    if clean.startswith(tuple(settings.MEDIA_PUBLIC_PREFIXES)):
        if extension not in IMAGE_TYPES:
            raise Http404
        response = FileResponse(full.open("rb"), content_type=IMAGE_TYPES[extension])
        response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    elif clean.startswith(tuple(settings.MEDIA_SIGNED_IN_PREFIXES)):
        if not request.user.is_authenticated:
            raise Http404
        if extension in IMAGE_TYPES:
            response = FileResponse(full.open("rb"), content_type=IMAGE_TYPES[extension])
        elif extension in DOCUMENT_TYPES:
            response = FileResponse(
                full.open("rb"), content_type=DOCUMENT_TYPES[extension], as_attachment=True
            )
        else:
            raise Http404
        response["Cache-Control"] = "private, max-age=3600"
    else:
        raise Http404
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
