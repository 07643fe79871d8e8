"""Health of each part the portal runs on, for `/healthz` and `make prod-check`.

    from ops.health import report
    body, http_status = report()

Each part answers `{"ok": bool, ...}` and, when down, the class of the error (never its text, which
may hold addresses or passwords): `database`, `cache` (Redis as the cache), `broker` (Redis as Celery's
broker), `worker` (a Celery worker and beat are running: the beat's every-minute outbox sweep,
`ops.tasks.dispatch_outbox`, stamps a heartbeat in the database when a worker runs it) and `outbox`
(tasks waiting for the broker). The status is 503 only when the database is down (nothing can be
served); with any other part down it is 200 with `"status": "degraded"`, and the part says so.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

# The sweep runs every minute; three missed runs mean no worker (or no beat) is running.
HEARTBEAT_MAX_AGE = datetime.timedelta(minutes=3)
WORKER_HEARTBEAT = "worker"
TIMEOUT_SECONDS = 1


def _error(exc: BaseException) -> str:
    return exc.__class__.__name__


def database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means the database is unreachable
        return {"ok": False, "vendor": connection.vendor, "error": _error(exc)}
    return {"ok": True, "vendor": connection.vendor}


def cache() -> dict:
    backend = caches["default"]
    if not hasattr(backend, "_cache") or not hasattr(backend._cache, "get_client"):
        return {"ok": True, "mode": "local"}
    try:
        backend._cache.get_client(write=True).ping()
    except Exception as exc:  # the fail-safe cache serves from memory meanwhile
        return {"ok": False, "mode": "redis", "error": _error(exc), "fallback": "memory"}
    return {"ok": True, "mode": "redis"}


def broker() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "eager"}
    try:
        import redis

        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        )
        client.ping()
    except Exception as exc:  # a broker outage degrades, it does not take the portal down
        return {"ok": False, "mode": "redis", "error": _error(exc)}
    return {"ok": True, "mode": "redis"}


def beat_heartbeat(name: str = WORKER_HEARTBEAT) -> None:
    """Record that a worker ran the beat's sweep now (called by `ops.tasks.dispatch_outbox`)."""
    from ops.models import Heartbeat

    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


def worker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    from ops.models import Heartbeat

    try:
        seen = Heartbeat.objects.filter(name=WORKER_HEARTBEAT).values_list("seen_at", flat=True).first()
    except Exception as exc:
        return {"ok": False, "error": _error(exc)}
    if seen is None:
        return {"ok": False, "error": "NoHeartbeat", "detail": "no worker has run the beat's sweep yet"}
    age = timezone.now() - seen
    return {
        "ok": age <= HEARTBEAT_MAX_AGE,
        "last_seen": seen.isoformat(),
        "age_seconds": int(age.total_seconds()),
        **({} if age <= HEARTBEAT_MAX_AGE else {"error": "StaleHeartbeat"}),
    }


def outbox() -> dict:
    from ops.models import OutboxTask

    try:
        waiting = OutboxTask.objects.filter(sent_at__isnull=True)
        oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
        count = waiting.count()
    except Exception as exc:
        return {"ok": False, "error": _error(exc)}
    age = int((timezone.now() - oldest).total_seconds()) if oldest else 0
    # Waiting longer than a few sweeps: the broker or the beat is not doing its job.
    return {"ok": age <= HEARTBEAT_MAX_AGE.total_seconds(), "waiting": count, "oldest_seconds": age}


def report() -> tuple[dict, int]:
    """The body and the HTTP status of /healthz."""
    parts = {"database": database()}
    if parts["database"]["ok"]:
        parts |= {"cache": cache(), "broker": broker(), "worker": worker(), "outbox": outbox()}
    else:
        parts |= {"cache": cache(), "broker": broker()}
    down = sorted(name for name, part in parts.items() if not part["ok"])
    status = "down" if not parts["database"]["ok"] else "degraded" if down else "ok"
    return {"status": status, "down": down, **parts}, 200 if parts["database"]["ok"] else 503
