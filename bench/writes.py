"""Benchmark (not a test): the cost of a write request, beside the bare Django app's `/write` (issue 13).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME REDIS_URL=redis://127.0.0.1:6379/N \
        .venv/bin/python bench/writes.py [--requests 200] [--bare ../shared/bench/baseline-django] \
        [--bare-db perf_baseline]

Production settings (DEBUG off, not TESTING: Celery tasks go to the Redis broker after the commit, rate
limits and the data version on Redis), on an existing PostgreSQL database with the demo data
(`manage.py seed_demo`). In this process, one request after the other (the request's own cost, no
network), it times:

- `POST /api/v1/opinions/` from the public (each request from another address, under the rate limit
  that is still counted);
- `POST /api/v1/activities/` by the demo deputy (signed in: session and user read as on any request);

then, in a child process on its own database (`--bare-db`, created afresh with 1,100 deputies), the bare
Django + DRF app's `GET /write` (validate, insert, `on_commit`). It prints ms per request (wall clock
and this process's CPU), statements per request, and what each request left for later: tasks
published to the broker and e-mails sent in the request (should be 0: notifications go through the
outbox after the commit). It writes 1 + N opinions and activities: use a throw-away database (the
benchmark's own, or `perf_portal` after `side_by_side.sh`); the tasks it queued are purged.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BARE_DEFAULT = ROOT.parent / "shared" / "bench" / "baseline-django"


def _production_env() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songjiang_liaison.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ["TESTING"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(48))
    os.environ.setdefault("ALLOWED_HOSTS", "localhost,testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("ALLOW_DEMO_ACCOUNTS", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("REQUEST_LOG_LEVEL", "WARNING")
    os.environ.setdefault("CONN_MAX_AGE", "600")


class Counter:
    """Statements run, tasks published and e-mails sent while it is installed."""

    def __init__(self):
        self.statements = self.tasks = self.emails = 0

    def __call__(self, execute, sql, params, many, context):
        self.statements += 1
        return execute(sql, params, many, context)


PROFILE = {"top": 0}


def _timed(send, requests: int, counter: Counter, connection) -> dict:
    send(-1)  # warm up: code paths, templates, connections
    if PROFILE["top"]:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(requests):
            send(-2 - i)
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(PROFILE["top"])
    with connection.execute_wrapper(counter):
        start, cpu = time.perf_counter(), time.process_time()
        for i in range(requests):
            send(i)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "ms": elapsed / requests * 1000,
        "cpu_ms": cpu / requests * 1000,
        "statements": counter.statements / requests,
        "tasks": counter.tasks / requests,
        "emails": counter.emails / requests,
    }


def _count_side_effects(counter: Counter) -> None:
    """Count the tasks published and the e-mails sent while the benchmark runs."""
    from celery.app.task import Task
    from django.core.mail import EmailMessage

    publish, send_mail = Task.apply_async, EmailMessage.send

    def counting_publish(self, *args, **kwargs):
        counter.tasks += 1
        return publish(self, *args, **kwargs)

    def counting_send(self, *args, **kwargs):
        counter.emails += 1
        return send_mail(self, *args, **kwargs)

    Task.apply_async, EmailMessage.send = counting_publish, counting_send


def _submit_opinion(client, region_id: int):
    def submit(i):
        response = client.post(
            "/api/v1/opinions/",
            json.dumps(
                {
                    "content": f"小区门口的路灯坏了，晚上出行不便，请尽快维修。（第 {i} 条）",
                    "region": region_id,
                    "category": "市政设施",
                    "submitter_name": "张三",
                    "submitter_phone": "13800138000",
                    "submitter_address": "松江区某小区",
                    "consent": True,
                }
            ),
            content_type="application/json",
            REMOTE_ADDR=f"10.{abs(i) // 60000 % 250}.{abs(i) // 250 % 240}.{abs(i) % 250 + 1}",
        )
        assert response.status_code == 201, (response.status_code, response.content[:300])

    return submit


def _log_activity(client, mandate, today: str):
    def log(i):
        response = client.post(
            "/api/v1/activities/",
            json.dumps(
                {
                    "kind": "visit",
                    "date": today,
                    "participants": [mandate.pk],
                    "constituency": mandate.constituency_id,
                    "is_constituency_contact": True,
                    "people_reached": 12,
                    "people_met": 12,
                    "summary": f"走访居民，听取对小区停车的意见。（第 {i} 次）",
                }
            ),
            content_type="application/json",
        )
        assert response.status_code == 201, (response.status_code, response.content[:300])

    return log


def portal(requests: int) -> dict[str, dict]:
    _production_env()
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from deputies.models import Deputy, Region

    if connection.vendor != "postgresql" or not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        raise SystemExit("Needs DATABASE_URL on PostgreSQL and REDIS_URL (production: tasks to the broker).")
    region = Region.objects.filter(kind__in=["community", "village"]).order_by("pk").first()
    deputy_user = User.objects.get(username="demo-deputy")
    mandate = Deputy.objects.filter(person__user=deputy_user).order_by("pk").first()
    if region is None or mandate is None:
        raise SystemExit("No demo data: run `manage.py seed_demo` on this database first.")
    counter = Counter()
    _count_side_effects(counter)
    results = {}
    submit = _submit_opinion(Client(HTTP_HOST="localhost"), region.pk)
    results["POST /api/v1/opinions/ (public)"] = _timed(submit, requests, counter, connection)
    counter.__init__()
    deputy = Client(HTTP_HOST="localhost")
    deputy.force_login(deputy_user)
    log = _log_activity(deputy, mandate, timezone.localdate().isoformat())
    results["POST /api/v1/activities/ (deputy)"] = _timed(log, requests, counter, connection)
    _purge_queued_tasks()
    return results


def _purge_queued_tasks() -> None:
    """The tasks the benchmark queued (no worker runs here): purged from the broker."""
    from songjiang_liaison.celery import app

    app.control.purge()


BARE_SETUP = """
INSERT INTO app_district(name) SELECT '街镇'||g FROM generate_series(1,17) g;
INSERT INTO app_deputy(name,level,district_id,bio) SELECT '代表'||g, 1+g%3, 1+g%17, repeat('简介',40)
  FROM generate_series(1,1100) g;
ANALYZE;
"""


def _run(*command: str, **options) -> subprocess.CompletedProcess:
    """The PostgreSQL client tools and this script in a child process (fixed arguments)."""
    return subprocess.run(command, check=True, text=True, **options)  # noqa: S603


def bare(requests: int, source: Path, database: str) -> dict[str, dict]:
    """The bare app's /write, timed the same way in a child process on its own database."""
    work = Path(tempfile.mkdtemp(prefix="bench-writes-"))
    try:
        app = work / "baseline"
        shutil.copytree(source, app)
        settings = (app / "settings.py").read_text()
        settings = settings.replace('"PORT": "5433"', '"PORT": "5432"').replace(
            '"NAME": "bench"', f'"NAME": "{database}"'
        )
        (app / "settings.py").write_text(settings)
        pg = ["-h", "127.0.0.1", "-U", "postgres"]
        _run("dropdb", *pg, "--if-exists", database)
        _run("createdb", *pg, database)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "settings", "PYTHONPATH": str(app)}
        _run(sys.executable, "-m", "django", "migrate", "-v0", cwd=app, env=env)
        _run("psql", *pg, "-q", database, input=BARE_SETUP)
        child = [sys.executable, __file__, "--child-bare", "--requests", str(requests)]
        out = _run(*child, cwd=app, env=env, capture_output=True).stdout
        return json.loads(out.strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def child_bare(requests: int) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client()
    counter = Counter()

    def write(_i):
        response = client.get("/write")
        assert response.status_code == 200, response.status_code

    print(json.dumps({"GET /write (bare Django + DRF)": _timed(write, requests, counter, connection)}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--bare", type=Path, default=BARE_DEFAULT, help="the bare app's directory")
    parser.add_argument("--bare-db", default="perf_baseline", help="a database this may drop and create")
    parser.add_argument("--profile", type=int, default=0, metavar="TOP", help="cProfile, top functions")
    parser.add_argument("--child-bare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    PROFILE["top"] = args.profile
    if args.child_bare:
        child_bare(args.requests)
        return
    results = bare(args.requests, args.bare, args.bare_db)
    results.update(portal(args.requests))
    base = results["GET /write (bare Django + DRF)"]["ms"]
    print(f"{'request':<38} {'ms':>6} {'CPU ms':>7} {'SQL':>5} {'tasks':>6} {'e-mails':>8} {'× bare':>7}")
    for name, r in results.items():
        print(
            f"{name:<38} {r['ms']:>6.2f} {r['cpu_ms']:>7.2f} {r['statements']:>5.1f} {r['tasks']:>6.2f}"
            f" {r['emails']:>8.2f} {r['ms'] / base:>7.2f}"
        )


if __name__ == "__main__":
    main()
