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
