"""Photos and QR codes: only real JPEG/PNG/WebP images within the size limit, re-encoded to a standard
size without their metadata."""

import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from deputies.images import PHOTO, QR_CODE, normalize_image


def _image_file(fmt="JPEG", size=(800, 600), name="photo.jpg", exif=None, mode="RGB"):
    buffer = io.BytesIO()
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def _exif_with_gps_and_orientation(orientation=1):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = orientation  # Orientation
    exif[0x8825] = {1: "N", 2: (31.0, 1.0, 2.0)}  # GPS
    return exif


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp")])
def test_real_images_are_accepted_and_brought_to_the_standard_portrait_size(fmt, name):
    result = normalize_image(_image_file(fmt=fmt, name=name))
    with Image.open(result) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (360, 480)
    assert result.name.endswith(".jpg")
    assert result.content_type == "image/jpeg"


def test_a_transparent_png_is_flattened_onto_white():
    result = normalize_image(_image_file(fmt="PNG", name="a.png", mode="RGBA"))
    with Image.open(result) as stored:
        assert stored.mode == "RGB"


def test_exif_metadata_is_stripped():
    upload = _image_file(exif=_exif_with_gps_and_orientation())
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif().get(0x010F) == "SecretCam"  # the test image really carries EXIF
    upload.seek(0)
    result = normalize_image(upload)
    data = result.read()
    with Image.open(io.BytesIO(data)) as stored:
        assert len(stored.getexif()) == 0
        assert "exif" not in stored.info
    assert b"SecretCam" not in data


def test_exif_orientation_is_applied_before_cropping():
    # A landscape sensor image, red on the left and blue on the right, marked "rotate 90° clockwise":
    # upright, red is at the top and blue at the bottom.
    sensor = Image.new("RGB", (1200, 400), (220, 0, 0))
    sensor.paste((0, 0, 220), (600, 0, 1200, 400))
    buffer = io.BytesIO()
    sensor.save(buffer, format="JPEG", exif=_exif_with_gps_and_orientation(orientation=6))
    upload = SimpleUploadedFile("a.jpg", buffer.getvalue(), content_type="image/jpeg")
    with Image.open(normalize_image(upload)) as stored:
        top, bottom = stored.getpixel((180, 20)), stored.getpixel((180, 460))
    assert top[0] > 150 and top[2] < 80
    assert bottom[2] > 150 and bottom[0] < 80


def test_a_text_file_named_jpg_is_refused_with_a_chinese_message():
    fake = SimpleUploadedFile("photo.jpg", b"this is not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as excinfo:
        normalize_image(fake)
    assert excinfo.value.code == "invalid_image"
    assert "JPEG、PNG 或 WebP" in excinfo.value.messages[0]


def test_a_gif_is_refused_even_though_it_is_an_image():
    with pytest.raises(ValidationError) as excinfo:
        normalize_image(_image_file(fmt="GIF", name="a.jpg", mode="RGB"))
    assert excinfo.value.code == "invalid_format"


def test_a_truncated_jpeg_is_refused():
    upload = _image_file()
    broken = SimpleUploadedFile("a.jpg", upload.read()[:200], content_type="image/jpeg")
    with pytest.raises(ValidationError):
        normalize_image(broken)


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError):
        normalize_image(SimpleUploadedFile("a.jpg", b"", content_type="image/jpeg"))


def test_a_real_image_over_five_megabytes_is_refused(settings):
    # Random noise does not compress: a 1400×1400 PNG of it is about 5.9 MB.
    buffer = io.BytesIO()
    noise = random.Random(2026).randbytes(1400 * 1400 * 3)
    Image.frombytes("RGB", (1400, 1400), noise).save(buffer, format="PNG", compress_level=1)
    big = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    assert big.size > settings.MAX_PHOTO_BYTES
    with pytest.raises(ValidationError) as excinfo:
        normalize_image(big)
    assert excinfo.value.code == "too_large"
    assert "不能超过" in excinfo.value.messages[0]


def test_the_default_limit_is_five_megabytes(settings):
    assert settings.MAX_PHOTO_BYTES == 5 * 1024 * 1024


def test_qr_codes_are_kept_whole_and_lossless():
    result = normalize_image(_image_file(fmt="PNG", name="qr.png", size=(1000, 1000)), spec=QR_CODE)
    with Image.open(result) as stored:
        assert stored.format == "PNG"
        assert stored.size == (480, 480)
    assert PHOTO.crop and not QR_CODE.crop


def test_a_small_picture_that_is_fitted_is_not_enlarged():
    result = normalize_image(_image_file(fmt="PNG", name="qr.png", size=(200, 150)), spec=QR_CODE)
    with Image.open(result) as stored:
        assert stored.size == (200, 150)


def test_a_small_file_that_decodes_to_a_huge_bitmap_is_refused():
    # 64 megapixels of one colour compress to a few kilobytes: a "decompression bomb".
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")
    bomb = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    assert bomb.size < 100_000
    with pytest.raises(ValidationError) as excinfo:
        normalize_image(bomb)
    assert excinfo.value.code == "too_many_pixels"
