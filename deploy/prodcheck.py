"""`make prod-check`: walk the production path on this checkout and probe it, then stop cleanly.

    .venv/bin/python deploy/prodcheck.py

With DEBUG=false and production settings (a random 64-character SECRET_KEY, ALLOWED_HOSTS, secure
cookies, HSTS, the manifest static storage), in a scratch folder:

1. `migrate`, `collectstatic`, `seed_demo` (ALLOW_DEMO_ACCOUNTS=true, so the personas exist);
2. starts gunicorn, one Celery worker and exactly one beat (DatabaseScheduler);
3. probes: `/healthz` answers 200 with every part up; every public page and each demo persona's pages
   (a crawl from the home page, two links deep) answer without a server error; a static file comes
   with a far-future cache header and a compressed variant; a photo uploaded through the API is
   served with its image type, nosniff and a long cache, and a private upload is refused to the
   public; an opinion submitted through the API reaches the worker (through the outbox) and notifies
   its deputy; beat sends a task that a worker runs (the worker heartbeat);
4. stops everything with SIGTERM and checks each process exits cleanly.

Database: DATABASE_URL if set (it is migrated and filled with demo data: give it a scratch database),
else a new SQLite file in the scratch folder. Redis: REDIS_URL if set, else a private `redis-server`
on a free port. Requests carry `X-Forwarded-Proto: https`, as the documented nginx site sends.
Exit status 0 when every probe passed; the last line says how long it took.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urljoin, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BIN = Path(sys.executable).parent
CRAWL_DEPTH = 2
CRAWL_LIMIT = 60  # pages per persona
SKIP = ("/accounts/logout", "/static/", "/media/", "/i18n/", "/api/", "/admin/logout")


class CheckFailed(Exception):
    pass


def log(message: str) -> None:
    print(f"[prod-check {time.strftime('%H:%M:%S', time.gmtime())}Z] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except Exception as exc:  # retried until the deadline
            last_error = exc
        time.sleep(interval)
    raise CheckFailed(f"timed out after {timeout:.0f} s waiting for {what} ({last_error!r})")


# --- A small HTTP client: cookies kept by hand (the portal's are Secure; we speak plain HTTP to the
# --- port as nginx would, with X-Forwarded-Proto: https) ---------------------------------------------


class Client:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        all_headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "prod-check",
        }
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        all_headers.update(headers or {})
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, response.headers, data

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, fields: dict):
        from urllib.parse import urlencode

        return self.request(
            "POST",
            path,
            body=urlencode(fields).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://127.0.0.1:{self.port}{path}",
                "X-CSRFToken": self.cookies.get("csrftoken", ""),
            },
        )

    def login(self, username: str, password: str) -> None:
        status, _h, page = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise CheckFailed(f"login page answered {status} without a CSRF token")
        status, headers, _b = self.post_form(
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise CheckFailed(f"logging in as {username} answered {status}")


def links(page: bytes, base: str) -> list[str]:
    found = []
    for href in re.findall(rb'href="([^"#]+)"', page):
        url = urljoin(base, href.decode("utf-8", "replace").replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.netloc and not parts.netloc.startswith("127.0.0.1"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not path.startswith(SKIP):
            found.append(path)
    return found


def crawl(client: Client, persona: str) -> int:
    """GET the home page and the links it leads to (depth 2); fail on any 5xx. Returns pages seen."""
    seen: set[str] = set()
    frontier = ["/"]
    errors = []
    for _depth in range(CRAWL_DEPTH + 1):
        following = []
        for path in frontier:
            if path in seen or len(seen) >= CRAWL_LIMIT:
                continue
            seen.add(path)
            status, headers, page = client.get(path)
            if status >= 500:
                errors.append(f"{path} → {status}")
            elif status == 200 and headers.get("Content-Type", "").startswith("text/html"):
                following.extend(links(page, path))
        frontier = following
    if errors:
        raise CheckFailed(f"{persona}: server errors on {', '.join(errors)}")
    log(f"crawl as {persona}: {len(seen)} pages, no server error")
    return len(seen)


# --- Processes -------------------------------------------------------------------------------------


class Processes:
    def __init__(self, work: Path, env: dict):
        self.work = work
        self.env = env
        self.running: list[tuple[str, subprocess.Popen, object]] = []

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        log_file = open(self.work / f"{name}.log", "w")  # noqa: SIM115 - closed in stop_all
        process = subprocess.Popen(  # noqa: S603 - our own binaries, fixed arguments
            args, cwd=BASE_DIR, env=self.env, stdout=log_file, stderr=subprocess.STDOUT
        )
        self.running.append((name, process, log_file))
        return process

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.work / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop_all(self, *, check: bool) -> list[str]:
        """SIGTERM each (newest first), wait; returns the problems (a kill or a bad exit status)."""
        problems = []
        for name, process, log_file in reversed(self.running):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
                    problems.append(f"{name} did not stop within 30 s of SIGTERM (killed)")
            if check and process.returncode not in (0, -signal.SIGTERM):
                problems.append(f"{name} exited with status {process.returncode}")
            log_file.close()
        self.running.clear()
        return problems


# --- The check -------------------------------------------------------------------------------------


def production_env(work: Path, redis_url: str, port: int) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TESTING", "CELERY_TASK_ALWAYS_EAGER", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ALLOW_DEMO_ACCOUNTS": "true",
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": f"prodcheck-{uuid.uuid4().hex[:8]}",
            "STATIC_ROOT": str(work / "static"),
            "MEDIA_ROOT": str(work / "media"),
            "EXPORTS_ROOT": str(work / "private" / "exports"),
            "EMAIL_URL": "consolemail://",
            "NUM_PROXIES": "1",
            "LOG_FORMAT": "json",
            "DJANGO_SETTINGS_MODULE": "songjiang_liaison.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.setdefault("DATABASE_URL", f"sqlite:///{work / 'db.sqlite3'}")
    return env


def manage(env: dict, *args: str, timeout: int = 600) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise CheckFailed(
            f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}"
        )
    return result.stdout


def shell(env: dict, code: str) -> str:
    """Run Python inside the configured project (the ORM on the checked database); returns stdout."""
    return manage(env, "shell", "-c", code).strip()


def check_static(client: Client) -> None:
    status, _h, page = client.get("/")
    match = re.search(rb'href="(/static/[^"]+\.css)"', page)
    if status != 200 or not match:
        raise CheckFailed("the home page links no stylesheet")
    path = match.group(1).decode()
    if not re.search(r"\.[0-9a-f]{12}\.css$", path):
        raise CheckFailed(f"{path} is not a hashed (manifest) name")
    status, headers, body = client.get(path, headers={"Accept-Encoding": "gzip, br"})
    cache = headers.get("Cache-Control", "")
    max_age = int(re.search(r"max-age=(\d+)", cache).group(1)) if "max-age" in cache else 0
    if status != 200 or max_age < 365 * 24 * 3600:
        raise CheckFailed(f"{path}: status {status}, Cache-Control {cache!r}")
    if headers.get("Content-Encoding") not in ("gzip", "br"):
        raise CheckFailed(
            f"{path}: no compressed variant (Content-Encoding {headers.get('Content-Encoding')})"
        )
    log(f"static {path}: {cache}, {headers.get('Content-Encoding')}, {len(body)} bytes")


def check_media(client: Client, env: dict) -> None:
    """A deputy uploads an activity photo through the API; the public gets it with safe headers."""
    from io import BytesIO

    from PIL import Image

    from deputies.demo import DEMO_PASSWORD

    api = Client(client.port)
    status, _h, body = api.request(
        "POST",
        "/api/v1/auth/token/",
        body=json.dumps({"username": "demo-deputy", "password": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    if status != 200:
        raise CheckFailed(f"POST /api/v1/auth/token/ answered {status}: {body[:200]!r}")
    token = json.loads(body)["token"]
    picture = BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(picture, "PNG")
    boundary = uuid.uuid4().hex
    fields = {
        "kind": "reception",
        "date": time.strftime("%Y-%m-%d"),
        "summary": "prod-check",
        "is_public": "true",
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="p.png"\r\n'
        "Content-Type: image/png\r\n\r\n".encode()
        + picture.getvalue()
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    status, _h, body = api.request(
        "POST",
        "/api/v1/activities/",
        body=b"".join(parts),
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Authorization": f"Token {token}",
        },
    )
    if status != 201:
        raise CheckFailed(f"POST /api/v1/activities/ with a photo answered {status}: {body[:300]!r}")
    photo = json.loads(body)["photos"][0]
    path = urlsplit(photo).path
    anonymous = Client(client.port)
    status, headers, image = anonymous.get(path)
    expected = {"X-Content-Type-Options": "nosniff"}
    if status != 200 or not headers.get("Content-Type", "").startswith("image/"):
        raise CheckFailed(f"{path}: status {status}, Content-Type {headers.get('Content-Type')}")
    if any(headers.get(k) != v for k, v in expected.items()) or "max-age=31536000" not in headers.get(
        "Cache-Control", ""
    ):
        raise CheckFailed(f"{path}: unsafe or uncached headers {dict(headers)}")
    Image.open(BytesIO(image)).verify()
    # A private upload (an opinion photo) is refused to the public, even at its real name.
    media = Path(env["MEDIA_ROOT"])
    private = media / "opinions" / "photos" / "prodcheck.png"
    private.parent.mkdir(parents=True, exist_ok=True)
    private.write_bytes(picture.getvalue())
    status, _h, _b = anonymous.get("/media/opinions/photos/prodcheck.png")
    if status != 404:
        raise CheckFailed(f"a private upload answered {status} to the public")
    log(f"media {path}: {headers['Content-Type']}, nosniff, {headers['Cache-Control']}; private → 404")


def check_task_through_outbox(client: Client, env: dict) -> None:
    """An opinion submitted through the API: the worker notifies its deputy (the outbox sent it)."""
    ids = json.loads(
        shell(
            env,
            "import json; from deputies.models import Deputy; "
            "d = Deputy.objects.filter(person__user__username='demo-deputy').select_related("
            "'constituency').first(); "
            "print(json.dumps({'deputy': d.pk, 'region': d.constituency.region_id, "
            "'user': d.person.user_id}))",
        ).splitlines()[-1]
    )
    status, _h, body = client.request(
        "POST",
        "/api/v1/opinions/",
        body=json.dumps(
            {
                "content": "生产检查：人乐新村5号楼前的路灯坏了一个多月，晚上出行很不方便。",
                "region": ids["region"],
                "deputy": ids["deputy"],
                "consent": True,
            }
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    if status != 201:
        raise CheckFailed(f"POST /api/v1/opinions/ answered {status}: {body[:300]!r}")
    code = json.loads(body)["tracking_code"]
    probe = (
        "from accounts.models import Notification; from feedback.models import Opinion; "
        "from ops.models import OutboxTask; "
        f"o = Opinion.objects.get(tracking_code='{code}'); "
        f"print(Notification.objects.filter(recipient_id={ids['user']}, url__contains=str(o.pk)).count(), "
        "OutboxTask.objects.filter(sent_at__isnull=True).count())"
    )

    def notified():
        count, _waiting = shell(env, probe).splitlines()[-1].split()
        return int(count) >= 1

    wait_for(notified, timeout=90, what="the worker to notify the deputy of the new opinion", interval=2)
    log(f"task: opinion {code} → outbox → worker → the deputy's notification")


def check_beat(env: dict, started: float) -> None:
    """Beat sends the outbox sweep (a 2-second schedule added for the check); a worker runs it."""

    def beaten():
        seen = shell(
            env,
            "from ops.models import Heartbeat; h = Heartbeat.objects.filter(name='worker').first(); "
            "print(h.seen_at.timestamp() if h else 0)",
        )
        return float(seen.splitlines()[-1]) > started

    wait_for(beaten, timeout=90, what="beat to send the outbox sweep and a worker to run it", interval=2)
    log("beat → broker → worker: the outbox sweep ran (worker heartbeat stamped)")


def check_health(client: Client) -> None:
    def healthy():
        status, _h, body = client.get("/healthz")
        data = json.loads(body)
        return status == 200 and data["status"] == "ok" and data

    data = wait_for(healthy, timeout=60, what="/healthz to report every part ok", interval=2)
    log(
        "healthz: "
        + ", ".join(f"{k}={'ok' if v['ok'] else 'DOWN'}" for k, v in data.items() if isinstance(v, dict))
    )


def run() -> int:
    started_at = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="prodcheck-"))
    redis_url = os.environ.get("REDIS_URL", "")
    processes = None
    own_redis = None
    try:
        if not redis_url:
            if not shutil.which("redis-server"):
                raise CheckFailed("prod-check needs Redis: set REDIS_URL or install redis-server")
            redis_port = free_port()
            own_redis = subprocess.Popen(  # noqa: S603 - the system's redis-server
                [
                    shutil.which("redis-server"),
                    "--port",
                    str(redis_port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(work),
                ],
                stdout=subprocess.DEVNULL,
            )
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
            log(f"private redis-server on port {redis_port}")
        port = int(os.environ.get("PRODCHECK_PORT") or free_port())
        env = production_env(work, redis_url, port)
        database = env["DATABASE_URL"].split("@")[-1]
        log(f"database {database}, Redis {redis_url.split('@')[-1]}, scratch {work}")

        step = time.monotonic()
        manage(env, "check", "--deploy", "--fail-level", "WARNING")
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "seed_demo")
        log(f"check --deploy, migrate, collectstatic, seed_demo: {time.monotonic() - step:.0f} s")
        # A 2-second schedule of the outbox sweep, so beat proves itself within the check.
        shell(
            env,
            "from django_celery_beat.models import IntervalSchedule, PeriodicTask; "
            "every, _ = IntervalSchedule.objects.get_or_create(every=2, period='seconds'); "
            "PeriodicTask.objects.update_or_create(name='prod-check sweep', defaults={"
            "'task': 'ops.tasks.dispatch_outbox', 'interval': every, 'enabled': True})",
        )

        processes = Processes(work, env)
        processes.start(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "songjiang_liaison.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "60",
                "--graceful-timeout",
                "20",
            ],
        )
        processes.start(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "songjiang_liaison",
                "worker",
                "--loglevel",
                "info",
                "--concurrency",
                "1",
                "--hostname",
                f"prodcheck-{uuid.uuid4().hex[:6]}@%h",
            ],
        )
        beat_started = time.time()
        processes.start(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "songjiang_liaison",
                "beat",
                "--loglevel",
                "info",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--pidfile=",
                "--schedule",
                str(work / "beat-schedule"),
            ],
        )
        client = Client(port)
        wait_for(lambda: client.get("/healthz")[0] in (200, 503), timeout=60, what="gunicorn to answer")

        check_beat(env, beat_started)
        check_health(client)
        check_static(client)
        check_task_through_outbox(client, env)
        check_media(client, env)

        from deputies.demo import DEMO_PASSWORD, DEMO_USERNAMES

        pages = crawl(Client(port), "the public")
        for username in DEMO_USERNAMES:
            persona = Client(port)
            persona.login(username, DEMO_PASSWORD)
            pages += crawl(persona, username)

        problems = processes.stop_all(check=True)
        processes = None
        if problems:
            raise CheckFailed("; ".join(problems))
        log(f"gunicorn, worker and beat stopped cleanly; {pages} pages crawled")
    except CheckFailed as exc:
        log(f"FAILED: {exc}")
        if processes is not None:
            for name in ("gunicorn", "worker", "beat"):
                print(f"--- {name}.log (last lines)\n{processes.tail(name)}", file=sys.stderr)
        return 1
    finally:
        if processes is not None:
            processes.stop_all(check=False)
        if own_redis is not None:
            own_redis.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                own_redis.wait(timeout=10)
        if os.environ.get("PRODCHECK_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)
    log(f"OK in {time.monotonic() - started_at:.0f} s")
    return 0


if __name__ == "__main__":
    # Imports of the project (the demo password, Pillow) need settings; the checked processes get
    # their own environment.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songjiang_liaison.settings")
    os.environ.setdefault("TESTING", "true")
    import django

    django.setup()
    sys.exit(run())
