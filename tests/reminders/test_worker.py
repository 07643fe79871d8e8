"""A REAL Celery worker (and beat) against Redis and the PostgreSQL test database.

`.ci/run` runs these with REQUIRE_SERVICES=1; without PostgreSQL and Redis they skip with a reason.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.result import allow_join_result
from django.conf import settings
from django.db import connection

from accounts.models import Notification, NotificationKind
from contacts.tasks import send_quota_reminders
from songjiang_liaison.celery import app as celery_app

pytestmark = [pytest.mark.worker, pytest.mark.services, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).parent / "celery"


def _database_url() -> str:
    """The URL of the database this test runs on (under xdist its name has a suffix)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def _service_env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "TESTING": "true",
        # Inside the worker, tasks enqueued by tasks (e-mails) run inline: nothing is left queued.
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }


def _start(args, log_path):
    log = open(log_path, "w")  # noqa: SIM115 - closed when the process is stopped
    process = subprocess.Popen(  # noqa: S603 - our own celery binary and fixed arguments
        [str(CELERY), "-A", "songjiang_liaison", *args],
        cwd=BASE_DIR,
        env=_service_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, log


def _stop(process, log):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    log.close()


@pytest.fixture
def queue(transactional_db, monkeypatch, tmp_path):
    """A unique queue served by a real worker subprocess; the test process enqueues for real."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    log_path = tmp_path / "worker.log"
    process, log = _start(
        [
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
        log_path,
    )
    yield name
    _stop(process, log)
    print(log_path.read_text())  # shown by pytest when the test failed


def _wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_the_worker_runs_the_quota_reminders_and_the_notifications_are_in_postgresql(world, queue):
    result = send_quota_reminders.apply_async(
        kwargs={"as_of": "2026-04-01"}, queue=queue, ignore_result=False
    )

    # The test process is not a task; an earlier test on this xdist worker may have run one eagerly and
    # left Celery's "inside a task" flag set, so say explicitly that waiting here is allowed.
    with allow_join_result():
        summary = result.get(timeout=90)

    assert (summary["messages"], summary["digests"]) == (3, 3)
    reminded = set(
        Notification.objects.filter(kind=NotificationKind.QUOTA_REMINDER).values_list(
            "recipient__username", flat=True
        )
    )
    assert reminded == {"alice", "bob", "tom"}
    # Enqueued again: the worker runs it, nothing is duplicated.
    again = send_quota_reminders.apply_async(
        kwargs={"as_of": "2026-04-01"}, queue=queue, ignore_result=False
    ).get(timeout=90)
    assert (again["messages"], again["digests"]) == (0, 0)
    assert Notification.objects.count() == 6


def test_beat_sends_a_due_schedule_from_the_database_and_the_worker_runs_it(world, queue, tmp_path):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    PeriodicTask.objects.update(enabled=False)  # only the schedule under test may fire
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="quota reminders, due now",
        task="contacts.tasks.send_quota_reminders",
        interval=every_second,
        kwargs=json.dumps({"as_of": "2026-07-01"}),
        queue=queue,
        one_off=True,
    )
    beat, log = _start(
        ["beat", "--max-interval", "1", "--schedule", str(tmp_path / "beat-schedule"), "--loglevel=INFO"],
        tmp_path / "beat.log",
    )
    try:
        sent = _wait_for(
            lambda: Notification.objects.filter(key__startswith="quota_reminder:2026-07-01:").exists(), 60
        )
    finally:
        _stop(beat, log)
        print((tmp_path / "beat.log").read_text())
    assert sent
    assert PeriodicTask.objects.get(name="quota reminders, due now").total_run_count >= 1
