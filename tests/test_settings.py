"""The settings module fails loudly on a bad production value (run in a fresh interpreter each time)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load_settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"TESTING", "DEBUG", "SECRET_KEY"}}
    environment.update(env)
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'songjiang_liaison.settings'; "
        "django.setup(); from django.core import signing; signing.dumps('x')"
    )
    return subprocess.run(  # noqa: S603 (our own interpreter and a fixed snippet)
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_a_weak_secret_key_in_production_stops_the_portal_at_start():
    result = _load_settings(DEBUG="false", SECRET_KEY="too-short")

    assert result.returncode != 0
    assert "SECRET_KEY must be a random string of at least 50 characters" in result.stderr


def test_without_a_secret_key_in_production_nothing_can_be_signed():
    result = _load_settings(DEBUG="false", SECRET_KEY="")

    assert result.returncode != 0
    assert "The SECRET_KEY setting must not be empty" in result.stderr


def test_a_strong_secret_key_in_production_is_accepted():
    result = _load_settings(DEBUG="false", SECRET_KEY="k" * 30 + "-a-long-random-production-secret-value")

    assert result.returncode == 0, result.stderr


def _storage_of(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"MEDIA_STORAGE"}}
    environment.update({"TESTING": "true", **env})
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'songjiang_liaison.settings'; "
        "django.setup(); from django.conf import settings; from django.core.files.storage import storages; "
        "s = storages['default']; print(type(s).__module__, type(s).__name__, settings.SERVE_MEDIA, "
        "getattr(s, 'bucket_name', '-'), s.url('deputies/photos/a.jpg'))"
    )
    return subprocess.run(  # noqa: S603 (our own interpreter and a fixed snippet)
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_media_on_s3_compatible_storage_is_one_setting_away():
    result = _storage_of(
        MEDIA_STORAGE="s3",
        MEDIA_S3_BUCKET="songjiang-media",
        MEDIA_S3_ENDPOINT_URL="https://minio.example.org",
        MEDIA_S3_CUSTOM_DOMAIN="media.example.org",
    )

    assert result.returncode == 0, result.stderr
    module, name, serve_media, bucket, url = result.stdout.split()
    assert (module, name) == ("storages.backends.s3", "S3Storage")
    assert (serve_media, bucket) == ("False", "songjiang-media")  # the bucket serves, not the portal
    assert url == "https://media.example.org/deputies/photos/a.jpg"


def test_an_unknown_media_storage_stops_the_portal_at_start():
    result = _storage_of(MEDIA_STORAGE="ftp")

    assert result.returncode != 0
    assert "MEDIA_STORAGE must be 'filesystem' or 's3'" in result.stderr
