"""QR codes that open the opinion form addressed to one deputy ("码上见代表", R-OP-1)."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.urls import reverse


def deputy_form_path(deputy_id: int) -> str:
    """The path of the public opinion form addressed to this deputy."""
    return f"{reverse('feedback:submit')}?deputy={deputy_id}"


def deputy_form_url(request, deputy_id: int) -> str:
    """The absolute URL a phone camera opens. A printed code must not carry whatever host a staff
    member happened to use (an intranet name), so `settings.PUBLIC_BASE_URL` wins when set;
    otherwise the scheme and host of the current request."""
    base = settings.PUBLIC_BASE_URL
    if base:
        return base.rstrip("/") + deputy_form_path(deputy_id)
    return request.build_absolute_uri(deputy_form_path(deputy_id))


def qr_svg(data: str) -> bytes:
    """An SVG QR code (medium error correction, so a slightly worn printout still scans)."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(data)
    qr.make(fit=True)
    image = qr.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def qr_png(data: str, *, box_size: int = 10) -> bytes:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=box_size)
    qr.add_data(data)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
