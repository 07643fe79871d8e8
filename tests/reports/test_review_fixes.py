"""Review fixes: export files are private (outside MEDIA_ROOT, random names, owner-only download);
an export whose worker died is taken over by the redelivered task and shown to its owner as failed;
article photos are re-encoded like every other upload (no EXIF, no original name, no GIF)."""

import datetime
import io
import json
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from reports import exports, services
from reports.models import ArticlePhoto, Export, ExportState

NOW = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.UTC)
TIME_LIMIT = datetime.timedelta(seconds=django_settings.CELERY_TASK_TIME_LIMIT)


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORTS_ROOT = str(tmp_path / "private" / "exports")
    return tmp_path


def _files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


# --- 1. Export files are private ------------------------------------------------------------------


def test_an_export_file_is_kept_outside_media_under_a_name_nobody_can_guess(world, admin_user, folders):
    first = Export.objects.create(format="csv", year=2026, requested_by=admin_user)
    second = Export.objects.create(format="csv", year=2026, requested_by=admin_user)

    for export in (first, second):
        services.build_export(export_id=export.pk)
        export.refresh_from_db()

    assert _files_under(folders / "media") == []
    for export in (first, second):
        path = Path(export.file.path)
        assert path.is_relative_to(folders / "private" / "exports")
        assert "2026" not in export.file.name and "compliance" not in export.file.name
        assert len(path.stem) >= 32
    assert first.file.name != second.file.name
    with pytest.raises(ValueError):
        first.file.url  # noqa: B018 - no public address exists for an export


def test_the_owner_downloads_the_export_from_the_page_and_nobody_else_can(
    world, login, admin_user, town_staff, street_staff, client
):
    export = Export.objects.create(format="json", year=2026, requested_by=town_staff)
    services.build_export(export_id=export.pk)

    response = login(town_staff).get(f"/reports/exports/{export.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="compliance-2026.json"'
    assert json.loads(b"".join(response.streaming_content))["year"] == 2026

    for other in (street_staff, admin_user):
        assert login(other).get(f"/reports/exports/{export.pk}/download/").status_code == 404
    client.logout()
    anonymous = client.get(f"/reports/exports/{export.pk}/download/")
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]


def test_a_file_missing_from_the_private_folder_is_a_404_not_a_crash(world, login, admin_user, folders):
    export = Export.objects.create(format="json", year=2026, requested_by=admin_user)
    services.build_export(export_id=export.pk)
    export.refresh_from_db()
    Path(export.file.path).unlink()

    assert login(admin_user).get(f"/reports/exports/{export.pk}/download/").status_code == 404


def test_the_admin_shows_an_export_without_a_public_link(world, login, admin_user):
    export = Export.objects.create(format="json", year=2026, requested_by=admin_user)
    services.build_export(export_id=export.pk)

    page = login(admin_user).get(f"/admin/reports/export/{export.pk}/change/")

    assert page.status_code == 200
    assert "/media/" not in page.content.decode()


# --- 2. An export whose worker died ---------------------------------------------------------------


def _running(user, *, last_update: datetime.datetime, attempts: int = 1) -> Export:
    export = Export.objects.create(format="json", year=2026, requested_by=user)
    Export.objects.filter(pk=export.pk).update(
        state=ExportState.RUNNING, progress=40, attempts=attempts, updated_at=last_update
    )
    return export


@time_machine.travel(NOW, tick=False)
def test_a_redelivered_task_leaves_an_export_that_is_still_being_built_alone(world, admin_user):
    export = _running(admin_user, last_update=NOW - TIME_LIMIT + datetime.timedelta(minutes=1))

    services.build_export(export_id=export.pk)

    export.refresh_from_db()
    assert (export.state, export.progress, export.attempts, export.file.name) == ("running", 40, 1, "")


@time_machine.travel(NOW, tick=False)
def test_a_redelivered_task_takes_over_an_export_whose_worker_died(world, admin_user):
    export = _running(admin_user, last_update=NOW - TIME_LIMIT - datetime.timedelta(seconds=1))

    services.build_export(export_id=export.pk)

    export.refresh_from_db()
    assert (export.state, export.progress, export.attempts) == ("done", 100, 2)
    assert json.loads(export.file.read())["year"] == 2026
    # Delivered once more after it finished: nothing changes.
    name = export.file.name
    services.build_export(export_id=export.pk)
    export.refresh_from_db()
    assert (export.state, export.attempts, export.file.name) == ("done", 2, name)


def test_a_worker_that_was_taken_over_does_not_overwrite_the_result(world, admin_user, monkeypatch, folders):
    """The first worker is slow, not dead: a redelivered task takes the export over meanwhile.
    The first worker's late result is thrown away, file included."""
    export = Export.objects.create(format="json", year=2026, requested_by=admin_user)
    real_render = exports.render
    calls = []

    def slow_first_render(report, fmt, **kwargs):
        calls.append(fmt)
        if len(calls) == 1:
            Export.objects.filter(pk=export.pk).update(updated_at=timezone.now() - 2 * TIME_LIMIT)
            services.build_export(export_id=export.pk)  # the redelivered task, done meanwhile
        return real_render(report, fmt, **kwargs)

    monkeypatch.setattr(exports, "render", slow_first_render)

    services.build_export(export_id=export.pk)

    export.refresh_from_db()
    assert len(calls) == 2
    assert (export.state, export.attempts) == ("done", 2)
    assert _files_under(folders / "private" / "exports") == [Path(export.file.path)]


def test_a_stale_export_is_shown_to_its_owner_as_failed_and_can_be_built_again(
    world, login, town_staff, sijing, django_capture_on_commit_callbacks
):
    export = Export.objects.create(
        format="csv",
        year=2026,
        requested_by=town_staff,
        params={"level": "town", "region": sijing.pk, "group": None, "compliant": False, "sort": "-name"},
    )
    Export.objects.filter(pk=export.pk).update(
        state=ExportState.RUNNING, updated_at=timezone.now() - TIME_LIMIT - datetime.timedelta(minutes=1)
    )
    client = login(town_staff)

    status = client.get(f"/reports/exports/{export.pk}/status/").content.decode()

    assert "生成失败" in status and "重新生成" in status
    assert "hx-get" not in status  # the page stops polling
    for field in ('name="level" value="town"', f'name="region" value="{sijing.pk}"', 'value="-name"'):
        assert field in status
    assert 'name="compliant" value="no"' in status and 'name="format" value="csv"' in status

    # The button posts the form's hidden fields: the same year, format and filters.
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', status))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/exports/", fields)

    again = Export.objects.exclude(pk=export.pk).get()
    assert response["Location"] == f"/reports/exports/{again.pk}/"
    assert again.state == "done" and again.params == export.params


def test_a_fresh_running_export_keeps_polling_without_a_retry_button(world, login, admin_user):
    export = _running(admin_user, last_update=timezone.now())

    status = login(admin_user).get(f"/reports/exports/{export.pk}/status/").content.decode()

    assert "hx-get" in status and "生成中" in status and "重新生成" not in status


# --- 3. Article photos ----------------------------------------------------------------------------


def _jpeg_with_gps(name="13812345678-现场.jpg") -> SimpleUploadedFile:
    image = Image.new("RGB", (800, 600), (168, 21, 29))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (31.0, 1.0, 30.0), 3: "E", 4: (121.0, 13.0, 40.0)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _gif() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 0, 255)).save(buffer, format="GIF")
    return SimpleUploadedFile("动图.gif", buffer.getvalue(), content_type="image/gif")


def test_an_article_photo_is_stored_without_its_gps_position_or_its_original_name(street_staff):
    upload = _jpeg_with_gps()
    assert Image.open(io.BytesIO(upload.read())).getexif().get_ifd(0x8825)
    upload.seek(0)

    article = services.save_article(actor=street_staff, title="标题", body="正文", photos=[upload])

    photo = ArticlePhoto.objects.get(article=article)
    assert "13812345678" not in photo.image.name and "现场" not in photo.image.name
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert max(stored.size) <= 1600


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (_gif, "只接受 JPEG、PNG 或 WebP 格式的图片"),
        (lambda: SimpleUploadedFile("photo.jpg", b"not an image"), "不是有效的图片"),
    ],
    ids=["gif", "not-an-image"],
)
def test_an_article_photo_that_is_not_a_jpeg_png_or_webp_is_refused_in_chinese(street_staff, upload, message):
    with pytest.raises(ValidationError) as refused:
        services.save_article(actor=street_staff, title="标题", body="正文", photos=[upload()])

    assert any(message in text for text in refused.value.message_dict["photos"])
    assert not ArticlePhoto.objects.exists()


def test_an_article_photo_over_the_size_limit_is_refused(street_staff, settings):
    settings.MAX_PHOTO_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        services.save_article(actor=street_staff, title="标题", body="正文", photos=[_jpeg_with_gps()])

    assert any("图片不能超过" in text for text in refused.value.message_dict["photos"])


def test_the_article_form_shows_the_photo_refusal_next_to_the_field(login, street_staff):
    response = login(street_staff).post(
        "/reports/articles/new/", {"title": "标题", "body": "正文", "photos": [_gif()]}
    )

    assert response.status_code == 200
    assert "只接受 JPEG、PNG 或 WebP 格式的图片" in response.content.decode()
    assert 'accept="image/jpeg,image/png,image/webp"' in response.content.decode()
