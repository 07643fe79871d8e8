from unittest import mock

import pytest
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert "broker" in body and "ok" in body["broker"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "target"), [("/opinions/", "/opinions/new/"), ("/reports/", "/reports/public/")]
)
def test_section_roots_lead_to_their_public_page(client, path, target):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == target


# --- Each part says whether it is down (ops/health.py) ---------------------------------------------


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_healthz_names_redis_as_down_and_stays_200(client, settings):
    dead = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.REDIS_URL = dead
    settings.CELERY_BROKER_URL = dead
    settings.CACHES = {
        "default": {
            "BACKEND": "ops.cache.FailSafeRedisCache",
            "LOCATION": dead,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert {"cache", "broker"} <= set(body["down"])
    assert body["cache"]["ok"] is False and body["broker"]["ok"] is False
    assert body["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_says_no_worker_runs_until_one_has_run_the_sweep(client, settings):
    from django.utils import timezone

    from ops.models import Heartbeat
    from ops.tasks import dispatch_outbox

    settings.CELERY_TASK_ALWAYS_EAGER = False
    body = client.get("/healthz").json()
    assert body["worker"]["ok"] is False and "worker" in body["down"]

    dispatch_outbox.run()
    body = client.get("/healthz").json()
    assert body["worker"]["ok"] is True and "worker" not in body["down"]

    Heartbeat.objects.update(seen_at=timezone.now() - timezone.timedelta(minutes=10))
    body = client.get("/healthz").json()
    assert body["worker"] == {**body["worker"], "ok": False, "error": "StaleHeartbeat"}


@pytest.mark.django_db
def test_healthz_counts_the_tasks_waiting_in_the_outbox(client):
    from django.utils import timezone

    from ops.models import OutboxTask

    OutboxTask.objects.create(task_name="ops.tasks.dispatch_outbox")
    OutboxTask.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=30))

    body = client.get("/healthz").json()

    assert body["outbox"]["waiting"] == 1
    assert body["outbox"]["ok"] is False and "outbox" in body["down"]
