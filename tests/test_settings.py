"""The settings module fails loudly on a bad production value (run in a fresh interpreter each time)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from songjiang_liaison import config

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


# --- Settings declared once and checked at start (issue 11, item 5) -------------------------------------


def test_a_bad_quota_checkpoint_stops_the_portal_at_start_not_at_night():
    result = _load_settings(TESTING="true", QUOTA_REMINDER_CHECKPOINTS="04-01,13-01")

    assert result.returncode != 0
    assert "QUOTA_REMINDER_CHECKPOINTS: '13-01' is not a day of the year" in result.stderr


def test_a_bad_opinion_rate_or_reply_period_stops_the_portal_at_start():
    assert "OPINION_RATE must look like" in _load_settings(TESTING="true", OPINION_RATE="ten").stderr
    result = _load_settings(TESTING="true", OPINION_REPLY_PERIODS="district=3 weeks")
    assert result.returncode != 0
    assert "OPINION_REPLY_PERIODS: district='3 weeks' must be a count and a unit" in result.stderr


@pytest.mark.parametrize("value", ["13-01", "02-30", "4-1", "04-00", "April 1"])
def test_quota_checkpoints_must_be_days_of_the_year(value):
    with pytest.raises(ImproperlyConfigured):
        config.month_days("QUOTA_REMINDER_CHECKPOINTS", ["04-01", value])


def test_quota_checkpoints_accept_the_29th_of_february_and_need_at_least_one_day():
    assert config.month_days("X", [" 02-29", "12-01 "]) == ["02-29", "12-01"]
    with pytest.raises(ImproperlyConfigured):
        config.month_days("X", [""])


def test_reply_periods_override_only_the_levels_named():
    periods = config.reply_periods("X", {"district": "2 months", "letters": "30 days"})

    assert periods["district"] == (2, "months")
    assert periods["letters"] == (30, "days")
    assert periods["street"] == (15, "working_days")
    with pytest.raises(ImproperlyConfigured):
        config.reply_periods("X", {"county": "2 months"})
    with pytest.raises(ImproperlyConfigured):
        config.reply_periods("X", {"town": "0 days"})


def test_rates_are_counts_per_period():
    assert config.parse_rate("X", "10/hour") == (10, 3600)
    assert config.parse_rate("X", "2/m") == (2, 60)
    for bad in ("", "0/hour", "ten/hour", "10/fortnight", "10"):
        with pytest.raises(ImproperlyConfigured):
            config.parse_rate("X", bad)


def test_the_code_reads_the_declared_settings(settings):
    from feedback import abuse, deadlines

    settings.OPINION_RATE = "3/minute"
    settings.OPINION_REPLY_PERIODS = {**settings.OPINION_REPLY_PERIODS, "district": (2, "months")}

    assert abuse.parse_rate(abuse.current_rate()) == (3, 60)
    assert deadlines.reply_period("district") == (2, "months")
    assert deadlines.reply_period("unknown level") == (15, "working_days")
