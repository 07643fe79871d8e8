"""A REAL Celery worker builds a background export against Redis and PostgreSQL.

Skipped without PostgreSQL and Redis (`.ci/run` sets REQUIRE_SERVICES=1 and runs it).
"""

import io
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from openpyxl import load_workbook

from reports.models import Export
from reports.selectors import ReportFilters
from reports.services import request_export
from songjiang_liaison.celery import app as celery_app
from tests.reports.factories import build_world
from tests.reports.reference import expected_rows

pytestmark = [pytest.mark.worker, pytest.mark.services, pytest.mark.django_db(transaction=True)]

CELERY = Path(sys.executable).parent / "celery"


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or '5432'}/{db['NAME']}"


@pytest.fixture
def worker(monkeypatch, tmp_path, settings):
    """A worker subprocess on a unique queue that all tasks of this test are routed to."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    name = f"test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "task_default_queue", name)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "TESTING": "true",
        "MEDIA_ROOT": str(media),
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    log_path = tmp_path / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(  # noqa: S603 - our own celery binary and fixed arguments
        [
            str(CELERY),
            "-A",
            "songjiang_liaison",
            "worker",
            "--pool=solo",
            "-Q",
            name,
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield name
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    log.close()
    print(log_path.read_text())


def test_a_worker_builds_the_town_staffs_export_and_the_page_offers_the_download(
    worker, district_congress, town_congress, yueyang, yongfeng, sijing, town_staff, login
):
    build_world(
        district_congress=district_congress, town_congress=town_congress, regions=[yueyang, yongfeng, sijing]
    )

    export = request_export(user=town_staff, year=2026, filters=ReportFilters(), fmt="xlsx")

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if export.is_finished:
            break
        time.sleep(0.5)
    assert export.state == "done", export.error
    client = login(town_staff)
    assert "下载文件" in client.get(f"/reports/exports/{export.pk}/status/").content.decode()
    download = client.get(f"/reports/exports/{export.pk}/download/")
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    names = {
        row[0]
        for title in ("区级代表", "镇级代表")
        for row in workbook[title].iter_rows(min_row=3, values_only=True)  # 1: title, 2: headers
    }
    assert names == {v["name"] for v in expected_rows(2026).values() if v["region"] == sijing.pk}
    assert Export.objects.get().rows == len(names)
