"""A private production stack for the fault tests: its own PostgreSQL cluster, its own Redis, gunicorn,
Celery workers and a fake SMTP server, so that a test may stop Redis, restart PostgreSQL or SIGKILL a
worker without touching the services the rest of the suite uses.

The processes run with the production settings of `make prod-check` (`deploy/prodcheck.py`: DEBUG=false,
a random SECRET_KEY, persistent database connections with health checks), on the demo data.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

from deploy import prodcheck
from deploy.prodcheck import BASE_DIR, BIN, Client, free_port, wait_for

QUERY_PRELUDE = (
    "import json; from accounts.models import Notification, User; "
    "from contacts.models import ContactActivity; from deputies.models import Deputy, Region; "
    "from feedback.models import Opinion; from ops.models import OutboxTask"
)
PG_BIN_CANDIDATES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def missing_tools() -> str | None:
    """Why the stack cannot be built here (None when it can)."""
    if not shutil.which("redis-server"):
        return "redis-server is not installed"
    if not PG_BIN_CANDIDATES or not (PG_BIN_CANDIDATES[0] / "initdb").exists():
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres system user for initdb"
    return None


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on a free port (trust auth, fsync off)."""

    def __init__(self, root: Path):
        self.bin = PG_BIN_CANDIDATES[0]
        self.root = root
        self.data = root / "pgdata"
        self.port = free_port()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/portal"

    def _run(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - the system's PostgreSQL binaries, fixed arguments
            [*self.as_owner, *args], check=True, capture_output=True, timeout=120
        )

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o777)  # noqa: S103 - a private scratch folder the postgres user writes to
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self.start()
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "portal")  # fmt: skip

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "pg.log"), "-w",
                  "-o", options, *args)  # fmt: skip

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._ctl("stop", "-m", "immediate")


class PrivateRedis:
    """A redis-server on a free port that a test may stop and start again on the same port."""

    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - the system's redis-server, fixed arguments
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.answers, timeout=20, what="the private redis-server", interval=0.1)

    def answers(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


class FakeSmtp:
    """A minimal SMTP server that keeps every message it accepted (recipient, subject line).

    `stall_next()` makes it hold its answer to the next message's end of data until `release()`:
    the message has arrived, the sender has not heard so, and a test may kill the sender meanwhile.
    """

    def __init__(self):
        self.messages: list[tuple[str, str]] = []
        self._stall = threading.Event()
        self._release = threading.Event()
        self.stalled = threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self._lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def stall_next(self) -> None:
        self._release.clear()
        self.stalled.clear()
        self._stall.set()

    def release(self) -> None:
        self._release.set()

    def recipients(self) -> list[str]:
        with self._lock:
            return [to for to, _subject in self.messages]

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(connection,), daemon=True).start()

    def _session(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError), connection, connection.makefile("rb") as lines:
            connection.sendall(b"220 fake-smtp ready\r\n")
            recipient = ""
            for raw in lines:
                command = raw.decode("utf-8", "replace").strip()
                verb = command[:4].upper()
                if verb == "QUIT":
                    connection.sendall(b"221 bye\r\n")
                    return
                if verb == "RCPT":
                    recipient = command.split(":", 1)[1].strip(" <>")
                if verb == "DATA":
                    connection.sendall(b"354 go on\r\n")
                    subject = self._read_data(lines)
                    with self._lock:
                        self.messages.append((recipient, subject))
                    if self._stall.is_set():
                        self._stall.clear()
                        self.stalled.set()
                        self._release.wait(120)
                    connection.sendall(b"250 accepted\r\n")
                    continue
                connection.sendall(b"250 ok\r\n")

    @staticmethod
    def _read_data(lines) -> str:
        subject = ""
        for raw in lines:
            if raw in (b".\r\n", b".\n"):
                return subject
            if raw.lower().startswith(b"subject:"):
                subject = raw.decode("utf-8", "replace").split(":", 1)[1].strip()
        return subject

    def close(self) -> None:
        self._release.set()
        self.server.close()


class Stack:
    """PostgreSQL + Redis + SMTP + gunicorn + Celery workers, on the demo data, in a scratch folder."""

    def __init__(self, *, visibility_timeout: int = 15):
        self.work = Path(tempfile.mkdtemp(prefix="faults-"))
        os.chmod(self.work, 0o755)  # noqa: S103 - the postgres user must reach its data folder
        self.postgres = PrivatePostgres(self.work / "pg")
        self.redis = PrivateRedis(self.work)
        self.smtp = FakeSmtp()
        self.port = free_port()
        self.env = prodcheck.production_env(self.work, self.redis.url, self.port)
        self.env.update(
            {
                "DATABASE_URL": self.postgres.url,
                "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp.port}",
                "SMS_BACKEND": "accounts.sms.FileSmsBackend",
                "SMS_FILE_PATH": str(self.work / "sms.jsonl"),
                # Short, so that a killed main process's task comes back within the test; production
                # keeps 20 minutes (settings.CELERY_VISIBILITY_TIMEOUT), longer than any task.
                "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
                "LOG_FORMAT": "text",
            }
        )
        self.processes = prodcheck.Processes(self.work, self.env)
        self.workers: dict[str, subprocess.Popen] = {}

    # --- life cycle ------------------------------------------------------------------------------

    def start(self) -> Stack:
        self.postgres.init()
        self.redis.start()
        prodcheck.manage(self.env, "migrate", "--noinput")
        prodcheck.manage(self.env, "collectstatic", "--noinput")
        prodcheck.manage(self.env, "seed_demo")
        self.shell(
            "from accounts.models import User; "
            "User.objects.filter(username='demo-deputy').update(email='deputy@example.org')"
        )
        self.processes.start(
            "gunicorn",
            [str(BIN / "gunicorn"), "songjiang_liaison.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--timeout", "60", "--graceful-timeout", "10"],
        )  # fmt: skip
        self.start_worker("worker-a")
        wait_for(lambda: self.client().get("/healthz")[0] == 200, timeout=90, what="the portal's /healthz")
        return self

    def stop(self) -> None:
        for process in self.workers.values():
            _kill_group(process)
        self.processes.stop_all(check=False)
        self.redis.stop()
        self.postgres.stop()
        self.smtp.close()
        if os.environ.get("FAULTS_KEEP") != "1":
            shutil.rmtree(self.work, ignore_errors=True)

    def start_worker(self, name: str, *, beat: bool = False) -> subprocess.Popen:
        """A prefork worker (one child) in its own process group; `beat=True` embeds the scheduler."""
        log_file = open(self.work / f"{name}.log", "w")  # noqa: SIM115 - closed with the stack's folder
        args = [str(BIN / "celery"), "-A", "songjiang_liaison", "worker", "--loglevel", "info",
                "--pool", "prefork", "--concurrency", "1", "--hostname", f"{name}-{uuid.uuid4().hex[:6]}@%h",
                "--without-gossip", "--without-mingle"]  # fmt: skip
        process = subprocess.Popen(  # noqa: S603 - our own celery binary, fixed arguments
            args, cwd=BASE_DIR, env=self.env, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.workers[name] = process
        self.worker = name  # the worker the tests talk about
        wait_for(lambda: "ready." in self.log(name), timeout=90, what=f"{name} to be ready", interval=0.5)
        return process

    def kill_worker(self, name: str) -> None:
        """SIGKILL the worker's main process and its pool children at once (a machine lost)."""
        _kill_group(self.workers.pop(name))

    def pool_children(self, name: str) -> list[int]:
        parent = self.workers[name].pid
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == parent:
                    children.append(int(stat.parent.name))
        return children

    def log(self, name: str) -> str:
        path = self.work / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        tails = (f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.work.glob("*.log"))
        return "\n".join(tails)

    # --- probes ----------------------------------------------------------------------------------

    def client(self) -> Client:
        return Client(self.port)

    def shell(self, code: str) -> str:
        return prodcheck.shell(self.env, code)

    def query(self, expression: str):
        """Evaluate a Python expression in the portal's environment (the ORM on the private
        database, the main models imported) and return its JSON value."""
        return json.loads(self.shell(f"{QUERY_PRELUDE}; print(json.dumps({expression}))").splitlines()[-1])

    def sweep_outbox(self) -> int:
        """What the beat's minute sweep does (`ops.tasks.dispatch_outbox`), run now."""
        sent = self.shell("from ops import outbox; print(outbox.dispatch(grace_seconds=0))")
        return int(sent.splitlines()[-1])

    def post_json(self, path: str, data: dict, *, client: Client | None = None, headers: dict | None = None):
        headers = {"Content-Type": "application/json", **(headers or {})}
        status, _headers, body = (client or self.client()).request(
            "POST", path, body=json.dumps(data).encode(), headers=headers
        )
        return status, (json.loads(body) if body.startswith((b"{", b"[")) else body)


def _kill_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


def wait_until(predicate, *, timeout: float, what: str):
    return wait_for(predicate, timeout=timeout, what=what, interval=0.5)
