"""Uploaded files as production serves them (ops/media.py) and the JSON request log (ops/logs.py)."""

import io
import json
import logging

import pytest
from PIL import Image

from ops import logs


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for relative in (
        "deputies/photos/a1b2.png",
        "opinions/photos/2026/12/c3d4.png",
        "activities/photos/x.html",
    ):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_png() if relative.endswith(".png") else b"<script>alert(1)</script>")
    (tmp_path / "contacts/research/2026").mkdir(parents=True)
    (tmp_path / "contacts/research/2026/r.pdf").write_bytes(b"%PDF-1.4")
    return tmp_path


@pytest.mark.django_db
def test_a_public_photo_is_served_with_its_type_nosniff_and_a_long_cache(client, media):
    response = client.get("/media/deputies/photos/a1b2.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == _png()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/media/opinions/photos/2026/12/c3d4.png",  # a citizen's photo: signed-in users only
        "/media/contacts/research/2026/r.pdf",  # a document: signed-in users only
        "/media/activities/photos/x.html",  # not an image, whatever its folder
        "/media/../settings.py",
        "/media/deputies/photos/missing.png",
    ],
)
def test_private_or_unsafe_files_are_not_served_to_the_public(client, media, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_signed_in_users_get_opinion_photos_and_documents_uncached_by_proxies(login, media, street_staff):
    client = login(street_staff)

    photo = client.get("/media/opinions/photos/2026/12/c3d4.png")
    document = client.get("/media/contacts/research/2026/r.pdf")

    assert photo.status_code == 200 and photo["Cache-Control"].startswith("private")
    assert document.status_code == 200
    assert document["Content-Disposition"].startswith("attachment")
    assert document["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_each_request_is_logged_once_as_json_with_its_id_and_no_query_string(client, caplog):
    caplog.set_level(logging.INFO, logger="ops.request")

    response = client.get("/healthz?phone=13812345678", HTTP_X_REQUEST_ID="req-12345678")

    assert response["X-Request-ID"] == "req-12345678"
    [record] = [r for r in caplog.records if r.name == "ops.request"]
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["request_id"] == "req-12345678"
    assert (line["path"], line["status"], line["method"], line["user_id"]) == ("/healthz", 200, "GET", None)
    assert line["duration_ms"] >= 0
    assert "13812345678" not in json.dumps(line)


def test_phone_numbers_are_masked_in_any_log_line():
    record = logging.LogRecord("x", logging.ERROR, "", 0, "SMS to %s failed", ("13812345678",), None)
    logs.RedactFilter().filter(record)

    line = json.loads(logs.JsonFormatter().format(record))

    assert line["message"] == "SMS to 138****5678 failed"


@pytest.mark.django_db
def test_a_task_that_fails_for_good_is_reported_to_the_administrators_once(settings, mailoutbox):
    from ops.signals import report_task_failure
    from ops.tasks import dispatch_outbox

    settings.ADMINS = [("ops@example.org", "ops@example.org")]

    for _ in range(2):  # the same task id failing again (redelivered) is not reported twice
        report_task_failure(sender=dispatch_outbox, task_id="t-1", exception=OSError("13812345678"), args=[7])

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ops@example.org"]
    assert "ops.tasks.dispatch_outbox" in message.subject
    assert "OSError" in message.body and "13812345678" not in message.body
