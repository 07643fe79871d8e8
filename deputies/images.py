"""Uploaded pictures (deputy photos, WeChat group QR codes): accepted only when they really are JPEG,
PNG or WebP images no larger than ``settings.MAX_PHOTO_BYTES``; then re-encoded, which drops every
piece of metadata (EXIF with GPS position, camera, comments), applies the EXIF orientation and brings
the picture to a standard size.

The content is checked with Pillow, never the file name or the browser's content type.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp"
# A few megabytes may still decode to a huge bitmap ("decompression bomb"); refuse beyond this.
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class ImageSpec:
    """How one kind of picture is stored."""

    size: tuple[int, int]
    # True: fill the box exactly (portraits); False: fit inside it, never enlarged (QR codes stay whole)
    crop: bool
    format: str
    extension: str
    content_type: str


# A passport-style portrait, 3:4.
PHOTO = ImageSpec(size=(360, 480), crop=True, format="JPEG", extension="jpg", content_type="image/jpeg")
# A QR code must not be cropped or blurred: fit inside a square and keep it lossless.
QR_CODE = ImageSpec(size=(480, 480), crop=False, format="PNG", extension="png", content_type="image/png")
# A photo shown whole (fit, never cropped), large enough to read a sign: citizens' evidence with an
# opinion, photos of contact activities and of report articles.
WHOLE_PHOTO = ImageSpec(
    size=(1600, 1600), crop=False, format="JPEG", extension="jpg", content_type="image/jpeg"
)


def _reject_size(upload) -> None:
    limit = settings.MAX_PHOTO_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("图片不能超过 %(limit)s，当前文件为 %(size)s。"),
            code="too_large",
            params={"limit": filesizeformat(limit), "size": filesizeformat(upload.size)},
        )


def _read(upload) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    # Read one byte past the limit so a file that lies about its size is still caught.
    data = upload.read(settings.MAX_PHOTO_BYTES + 1)
    if len(data) > settings.MAX_PHOTO_BYTES:
        raise ValidationError(
            _("图片不能超过 %(limit)s。"),
            code="too_large",
            params={"limit": filesizeformat(settings.MAX_PHOTO_BYTES)},
        )
    return data


def _not_an_image() -> ValidationError:
    return ValidationError(
        _("请上传 JPEG、PNG 或 WebP 格式的图片；该文件不是有效的图片或已损坏。"), code="invalid_image"
    )


def normalize_image(upload, *, spec: ImageSpec = PHOTO) -> SimpleUploadedFile:
    """Check that ``upload`` is a real JPEG/PNG/WebP image within the size limit and return it
    re-encoded to ``spec`` (metadata stripped, orientation applied). Raises ValidationError otherwise."""
    _reject_size(upload)
    data = _read(upload)
    if not data:
        raise ValidationError(_("上传的文件是空的。"), code="empty")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()  # checks the file's structure without decoding all pixels
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _not_an_image() from exc
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("只接受 JPEG、PNG 或 WebP 格式的图片，该文件为 %(format)s。"),
            code="invalid_format",
            params={"format": image_format or "?"},
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(_("图片分辨率过大，请缩小后再上传。"), code="too_many_pixels")

    try:
        # verify() leaves the image unusable: open it again to decode the pixels.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image = _flatten(image, spec)
            if spec.crop:
                image = ImageOps.fit(image, spec.size, method=Image.Resampling.LANCZOS)
            else:
                # Shrunk to fit, never enlarged: a small picture would only get bigger and blurrier.
                image.thumbnail(spec.size, resample=Image.Resampling.LANCZOS)
            out = io.BytesIO()
            # A fresh image carries no EXIF/XMP/ICC unless asked for: nothing of the original's
            # metadata is passed to save().
            if spec.format == "JPEG":
                image.save(out, format="JPEG", quality=85, optimize=True)
            else:
                image.save(out, format=spec.format, optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise _not_an_image() from exc
    return SimpleUploadedFile(
        f"{uuid.uuid4().hex}.{spec.extension}", out.getvalue(), content_type=spec.content_type
    )


def _flatten(image: Image.Image, spec: ImageSpec) -> Image.Image:
    """A plain RGB copy (transparency on white for JPEG), detached from the original's info dict."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


class StandardImageField(forms.FileField):
    """A form field for pictures: validated and normalized by :func:`normalize_image`."""

    widget = forms.ClearableFileInput

    def __init__(self, *, spec: ImageSpec = PHOTO, **kwargs):
        self.spec = spec
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return normalize_image(upload, spec=self.spec)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("accept", ACCEPT_ATTRIBUTE)
        return attrs


class PhotoField(StandardImageField):
    def __init__(self, **kwargs):
        kwargs.pop("spec", None)
        super().__init__(spec=PHOTO, **kwargs)


class QRCodeField(StandardImageField):
    def __init__(self, **kwargs):
        kwargs.pop("spec", None)
        super().__init__(spec=QR_CODE, **kwargs)
