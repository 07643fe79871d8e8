"""`make fuzz`: schemathesis against the API schema on a production-like server, as every role.

    .venv/bin/python deploy/fuzzapi.py [--examples 50] [--roles anonymous,demo-admin,…]

With the production settings of `make prod-check` (`deploy/prodcheck.py`: DEBUG=false, a random
SECRET_KEY, secure cookies, the manifest static storage) on a scratch database:

1. `migrate`, `collectstatic`, `seed_demo` (ALLOW_DEMO_ACCOUNTS=true, so the personas exist);
2. starts gunicorn, takes an API token for each demo persona through `POST /api/v1/auth/token/`;
3. runs `st run` (schemathesis, `requirements-dev.txt`) against `/api/v1/schema/`, anonymously and
   with each persona's token, every check (`--checks all`), at least `--examples` generated cases
   per operation (plus the schema's examples and the coverage phase's boundary cases);
4. stops gunicorn and prints, per role, the operations fuzzed, the requests sent and the failures.

Exit status 0 only when no run found a server error, a schema violation or any other failed check.
Database: DATABASE_URL if set (it is migrated and filled with demo data: give it a scratch database),
else a new SQLite file in the scratch folder. Redis: REDIS_URL if set, else a private `redis-server`.

What the fuzz server relaxes, and why (each has its own tests, `docs/security.md`): the per-address
limits on recording opinions, on token requests and on failed logins are raised, so that every
generated request reaches the code behind the limit instead of a 429 (the 429s are documented in the
schema and tested in `tests/feedback/test_api.py`, `tests/accounts/test_api.py`,
`tests/accounts/test_login_throttle.py`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from deploy.prodcheck import (  # noqa: E402 - the path above makes `deploy` importable
    BIN,
    CheckFailed,
    Client,
    Processes,
    free_port,
    manage,
    production_env,
    wait_for,
)

ROLES = (
    "anonymous",
    "demo-deputy",
    "demo-street-staff",
    "demo-town-staff",
    "demo-unit-staff",
    "demo-committee",
    "demo-admin",
)
# What each run fuzzes, to keep the step within its time budget without fewer examples per operation:
# - the public operations (those whose security lists `{}`: the registry, the public archive,
#   tracking, intake, the token endpoints) answer every caller alike, so they are fuzzed anonymously;
# - the operations that need credentials are fuzzed with each persona's token. Each of those runs
#   also checks them without credentials (`ignored_auth`: a 401 expected), so anonymous callers are
#   covered there too;
# - the coverage phase (boundary and negative values of every parameter, unexpected methods, missing
#   headers) is the same for every caller; it runs anonymously and as the administrator, who reaches
#   every operation, and the other personas run the fuzzing and stateful phases.
ALL_PHASES = "examples,coverage,fuzzing,stateful"
ROLE_PHASES = {"anonymous": ALL_PHASES, "demo-admin": ALL_PHASES}
OTHER_PHASES = "fuzzing,stateful"
RELAXED_LIMITS = {
    "OPINION_RATE": "100000/hour",
    "OPINION_RECORD_RATE": "100000/hour",
    "AUTH_TOKEN_RATE": "100000/minute",
    "LOGIN_FAILURES_PER_USERNAME": "100000",
    "LOGIN_FAILURES_PER_ADDRESS": "100000",
}


def log(message: str) -> None:
    print(f"[fuzz {time.strftime('%H:%M:%S', time.gmtime())}Z] {message}", flush=True)


def token_for(port: int, username: str) -> str:
    from deputies.demo import DEMO_PASSWORD

    status, _h, body = Client(port).request(
        "POST",
        "/api/v1/auth/token/",
        body=json.dumps({"username": username, "password": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    if status != 200:
        raise CheckFailed(f"POST /api/v1/auth/token/ as {username} answered {status}: {body[:200]!r}")
    return json.loads(body)["token"]


def count_report(path: Path) -> dict:
    """Operations, requests and failed checks of one run, from schemathesis's NDJSON event stream."""
    operations: set[str] = set()
    requests = 0
    failures: set[tuple[str, str, str]] = set()
    for line in path.read_text().splitlines():
        event = json.loads(line)
        kind, data = next(iter(event.items()))
        if kind != "ScenarioFinished":
            continue
        recorder = data.get("recorder", {})
        label = recorder.get("label", "?")
        if recorder.get("interactions") and label.split(" ")[0].isupper() and "/" in label:
            operations.add(label)
        requests += len(recorder.get("interactions", {}))
        for case_id, checks in recorder.get("checks", {}).items():
            for check in checks:
                if check.get("status") != "failure":
                    continue
                failure = check.get("failure_info", {}).get("failure", {})
                response = (recorder["interactions"].get(case_id) or {}).get("response") or {}
                failures.add(
                    (
                        failure.get("operation") or label,
                        f"{failure.get('code', '')} {failure.get('title', check.get('name'))}",
                        str(response.get("status_code", "")),
                    )
                )
    return {"operations": operations, "requests": requests, "failures": failures}


def operations_by_access(port: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(path, operation id) of the schema's operations: (public ones, ones that need credentials)."""
    status, _h, body = Client(port).get("/api/v1/schema/?format=json")
    if status != 200:
        raise CheckFailed(f"/api/v1/schema/ answered {status}")
    public, private = [], []
    for path, item in json.loads(body)["paths"].items():
        for operation in item.values():
            security = operation.get("security", [{}])
            (public if {} in security else private).append((path, operation["operationId"]))
    return public, private


def reachable(port: int, token: str, operations: list[tuple[str, str]]) -> list[str]:
    """The operations a persona may use at all: a resource whose list answers this persona 403 (a unit's
    staff and the reports, a deputy and the committee's contacts…) is left out with everything under
    it; the administrator's run fuzzes those, and every run checks them without credentials."""
    lists = sorted({path for path, _id in operations if "{" not in path})
    refused = []
    for path in lists:
        status, _h, _b = Client(port).get(path, headers={"Authorization": f"Token {token}"})
        if status == 403:
            refused.append(path)
    return [op for path, op in operations if not any(path.startswith(r) for r in refused)]


def fuzz(role: str, *, port: int, token: str | None, args, report_dir: Path) -> tuple[int, dict]:
    report = report_dir / f"{role}.ndjson"
    command = [
        str(BIN / "st"),
        "--config-file",
        str(BASE_DIR / "deploy" / "schemathesis.toml"),
        "run",
        f"http://127.0.0.1:{port}/api/v1/schema/?format=json",
        "--checks",
        "all",
        "--max-examples",
        str(args.examples),
        "--workers",
        str(args.workers),
        "--seed",
        str(args.seed),
        "--no-color",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        "--header",
        "X-Forwarded-Proto: https",
        "--phases",
        ROLE_PHASES.get(role, OTHER_PHASES),
    ]
    for operation_id in args.operations[role]:
        command += ["--include-operation-id", operation_id]
    if token:
        command += ["--header", f"Authorization: Token {token}"]
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 - our own schemathesis, fixed arguments
        command, cwd=report_dir, capture_output=True, text=True, check=False
    )
    figures = count_report(report) if report.exists() else {}
    figures["seconds"] = time.monotonic() - started
    if result.returncode != 0:
        print(result.stdout[-args.output_chars :], result.stderr[-4000:], sep="\n", flush=True)
    return result.returncode, figures


def private_redis(work: Path) -> tuple[subprocess.Popen, str]:
    if not shutil.which("redis-server"):
        raise CheckFailed("the fuzz server needs Redis: set REDIS_URL or install redis-server")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - the system's redis-server
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(work)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return process, f"redis://127.0.0.1:{port}/0"


def start_server(work: Path, redis_url: str, args) -> tuple[Processes, int]:
    """migrate, collectstatic, seed_demo, then gunicorn with the production settings."""
    port = int(os.environ.get("FUZZ_PORT") or free_port())
    env = production_env(work, redis_url, port)
    env.update(RELAXED_LIMITS)
    log(f"database {env['DATABASE_URL'].split('@')[-1]}, Redis {redis_url.split('@')[-1]}")
    step = time.monotonic()
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "seed_demo")
    log(f"migrate, collectstatic, seed_demo: {time.monotonic() - step:.0f} s")
    processes = Processes(work, env)
    processes.start(
        "gunicorn",
        [str(BIN / "gunicorn"), "songjiang_liaison.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.server_workers), "--timeout", "60"],
    )  # fmt: skip
    wait_for(lambda: Client(port).get("/healthz")[0] in (200, 503), timeout=60, what="gunicorn")
    return processes, port


def fuzz_every_role(port: int, args, work: Path) -> tuple[list[str], set[str], int]:
    """One schemathesis run per role; returns the failed roles, the operations fuzzed, the requests."""
    tokens = {role: None if role == "anonymous" else token_for(port, role) for role in args.roles}
    public, private = operations_by_access(port)
    args.operations = {
        role: [op for _path, op in public] if token is None else reachable(port, token, private)
        for role, token in tokens.items()
    }
    log(f"{len(public)} public operations (fuzzed anonymously), {len(private)} that need credentials")
    failed, operations, requests = [], set(), 0
    for role in args.roles:
        code, figures = fuzz(role, port=port, token=tokens[role], args=args, report_dir=work)
        failures = figures.get("failures", set())
        log(
            f"{role}: {len(figures.get('operations', ()))} operations, {figures.get('requests', 0)} "
            f"requests, {len(failures)} failed checks, {figures['seconds']:.0f} s"
            + (f" (exit {code})" if code else "")
        )
        for label, check, status in sorted(failures):
            log(f"    {label}: {check} (answered {status or 'nothing'})")
        operations |= figures.get("operations", set())
        requests += figures.get("requests", 0)
        if code != 0:
            failed.append(role)
    return failed, operations, requests


def run(args) -> int:
    started_at = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="fuzzapi-"))
    redis_url = os.environ.get("REDIS_URL", "")
    processes = own_redis = None
    try:
        if not redis_url:
            own_redis, redis_url = private_redis(work)
        processes, port = start_server(work, redis_url, args)
        failed, operations, requests = fuzz_every_role(port, args, work)
        server_errors = processes.tail("gunicorn", 1_000_000).count('"level": "ERROR"')
        processes.stop_all(check=False)
        processes = None
        log(
            f"{len(args.roles)} runs, {len(operations)} operations fuzzed, {requests} requests, "
            f"{server_errors} errors logged by the server, failed runs: {', '.join(failed) or 'none'}"
        )
        if failed or server_errors:
            return 1
    except CheckFailed as exc:
        log(f"FAILED: {exc}")
        if processes is not None:
            print(f"--- gunicorn.log (last lines)\n{processes.tail('gunicorn')}", file=sys.stderr)
        return 1
    finally:
        if processes is not None:
            processes.stop_all(check=False)
        if own_redis is not None:
            own_redis.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                own_redis.wait(timeout=10)
        if os.environ.get("FUZZ_KEEP") == "1":
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    log(f"OK in {time.monotonic() - started_at:.0f} s")
    return 0


def parse_args(argv: list[str]):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", 50)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("FUZZ_WORKERS", 2)))
    parser.add_argument("--server-workers", type=int, default=int(os.environ.get("FUZZ_SERVER_WORKERS", 3)))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", 20261203)))
    parser.add_argument("--roles", default=os.environ.get("FUZZ_ROLES", ",".join(ROLES)))
    parser.add_argument("--output-chars", type=int, default=20_000)
    args = parser.parse_args(argv)
    args.roles = [role for role in args.roles.split(",") if role]
    unknown = set(args.roles) - set(ROLES)
    if unknown:
        parser.error(f"unknown roles: {', '.join(sorted(unknown))}")
    return args


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songjiang_liaison.settings")
    os.environ.setdefault("TESTING", "true")
    import django

    django.setup()
    sys.exit(run(parse_args(sys.argv[1:])))
