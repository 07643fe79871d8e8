"""Profile (not a test): where the time of the public pages goes, in process, page by page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/profile_pages.py \
        [--requests 30] [--top 25] [--user demo-deputy] [PATH ...]

Runs on an existing database with the demo data (`manage.py seed_demo`), with the page cache off
(PAGE_CACHE=false: the page as it is built) and DEBUG off. For each page (default: the deputy
profile, the directory, the home page, the public statistics and `GET /api/v1/deputies/`) it prints
the mean time per request (wall clock and this process's CPU), the number of SQL statements and
the share of the time spent waiting for the database, then the functions with the most cumulative
time under cProfile (stdlib, no dependency). Record what you fix in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songjiang_liaison.settings")
os.environ["PAGE_CACHE"] = "false"
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("TESTING", "true")  # development secret key; DEBUG stays off
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("REQUEST_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from deputies.models import Deputy  # noqa: E402


class SqlTimer:
    """Counts the statements and the time spent in the database driver."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def measure(client: Client, path: str, requests: int) -> tuple[float, float, float, float]:
    """(ms per request, CPU ms of this process per request, statements per request, % of the time
    in SQL). On a shared machine the CPU time moves less than the wall-clock time."""
    client.get(path)  # warm up: templates compiled, connections open
    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(requests):
            response = client.get(path)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert response.status_code == 200, (path, response.status_code)
    return (
        elapsed / requests * 1000,
        cpu / requests * 1000,
        timer.count / requests,
        timer.seconds / elapsed * 100,
    )


def profile(client: Client, path: str, requests: int, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--user", default="", help="a username to sign in as (default: the public)")
    parser.add_argument("--no-profile", action="store_true", help="only the timings")
    args = parser.parse_args()
    deputy = Deputy.objects.order_by("pk").first()
    if deputy is None:
        raise SystemExit("No deputies: run `manage.py seed_demo` on this database first.")
    paths = args.paths or [
        f"/deputies/{deputy.pk}/",
        "/deputies/",
        "/",
        "/reports/public/",
        "/api/v1/deputies/",
    ]
    client = Client(HTTP_HOST="localhost")
    if args.user:
        client.force_login(User.objects.get(username=args.user))
    print(f"{'page':<32} {'ms/request':>10} {'CPU ms':>7} {'queries':>8} {'% in SQL':>9}")
    for path in paths:
        ms, cpu_ms, queries, sql_share = measure(client, path, args.requests)
        print(f"{path:<32} {ms:>10.1f} {cpu_ms:>7.1f} {queries:>8.1f} {sql_share:>8.0f}%")
    if not args.no_profile:
        for path in paths:
            print(f"\n===== {path} (cProfile, {args.requests} requests, cumulative)")
            print(profile(client, path, args.requests, args.top))


if __name__ == "__main__":
    main()
