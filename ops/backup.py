"""Backups: one `.tar.gz` with the database and the media folder; restore checks every table's rows.

    python manage.py backup                 # prints the file's path as its last line (make backup)
    python manage.py restore FILE           # asks first on a terminal; no question otherwise
    python manage.py restore FILE --into postgres://…/scratch   # restore elsewhere (tests, drills)

The archive holds `database.dump` (PostgreSQL: `pg_dump --format=custom`, restored with
`pg_restore --clean --if-exists --no-owner`) or `database.sqlite3` (SQLite: the online backup API,
consistent while the portal runs), `media/` (MEDIA_ROOT), and `manifest.json` with the row count of
every table at the time of the backup. After a restore, every table's row count is compared with the
manifest; a difference is an error. Private exports (EXPORTS_ROOT) are not backed up: they are
rebuilt on request.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

MANIFEST = "manifest.json"


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR or Path(settings.BASE_DIR) / "backups")


def table_counts(conn=None) -> dict[str, int]:
    """Rows of every table of the database (all the portal's and the libraries' tables)."""
    conn = conn or connection
    with conn.cursor() as cursor:
        tables = sorted(conn.introspection.table_names(cursor, include_views=False))
        counts = {}
        for table in tables:
            # The table names come from the database's own introspection, quoted: bandit B608 explained.
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")  # noqa: S608  # nosec B608
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env(db: dict) -> dict:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args


def create_backup(*, directory: Path | None = None) -> Path:
    directory = Path(directory or backup_dir())
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%d-%H%M%S")
    target = directory / f"songjiang-{stamp}.tar.gz"
    db = connection.settings_dict
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        manifest = {
            "created": datetime.datetime.now(tz=datetime.UTC).isoformat(),
            "vendor": connection.vendor,
            "counts": table_counts(),
        }
        if connection.vendor == "postgresql":
            dump = scratch / "database.dump"
            subprocess.run(  # noqa: S603 - pg_dump with the configured connection
                ["pg_dump", "--format=custom", "--no-owner", "-f", str(dump), *_pg_args(db), db["NAME"]],  # noqa: S607
                check=True,
                env=_pg_env(db),
            )
        elif connection.vendor == "sqlite":
            dump = scratch / "database.sqlite3"
            connection.ensure_connection()
            destination = sqlite3.connect(dump)
            with destination:
                connection.connection.backup(destination)
            destination.close()
        else:
            raise RuntimeError(f"No backup method for {connection.vendor}")
        (scratch / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        with tarfile.open(target, "w:gz") as archive:
            archive.add(scratch / MANIFEST, arcname=MANIFEST)
            archive.add(dump, arcname=dump.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, arcname="media")
    target.chmod(0o600)
    return target


def _database_from_url(url: str) -> dict:
    import environ

    return environ.Env.db_url_config(url)


def restore_backup(path: Path, *, into: str | None = None, media_root: Path | None = None) -> dict:
    """Restore the archive into the configured database (or the database URL `into`) and MEDIA_ROOT
    (or `media_root`); returns {"counts": expected, "restored": found, "differences": {...}}."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(path, "r:gz") as archive:
        scratch = Path(scratch)
        archive.extractall(scratch, filter="data")
        manifest = json.loads((scratch / MANIFEST).read_text())
        db = _database_from_url(into) if into else connection.settings_dict
        engine = db["ENGINE"]
        if engine.endswith("postgresql"):
            if manifest["vendor"] != "postgresql":
                raise RuntimeError("This archive holds a SQLite database; restore it into SQLite.")
            if not into:
                connections.close_all()
            subprocess.run(  # noqa: S603 - pg_restore with the configured connection
                [  # noqa: S607
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *_pg_args(db),
                    "-d",
                    db["NAME"],
                    str(scratch / "database.dump"),
                ],
                check=True,
                env=_pg_env(db),
            )
        elif engine.endswith("sqlite3"):
            if manifest["vendor"] != "sqlite":
                raise RuntimeError("This archive holds a PostgreSQL dump; restore it into PostgreSQL.")
            if not into:
                connections.close_all()
            source = sqlite3.connect(scratch / "database.sqlite3")
            target = sqlite3.connect(db["NAME"])
            with target:
                source.backup(target)
            source.close()
            target.close()
        else:
            raise RuntimeError(f"No restore method for {engine}")
        media = Path(media_root or settings.MEDIA_ROOT)
        if (scratch / "media").is_dir():
            if media.exists():
                shutil.rmtree(media)
            shutil.copytree(scratch / "media", media)
    restored = _counts_of(db) if into else table_counts(connections["default"])
    expected = manifest["counts"]
    differences = {
        table: (expected.get(table), restored.get(table))
        for table in sorted(set(expected) | set(restored))
        if expected.get(table) != restored.get(table)
    }
    return {"counts": expected, "restored": restored, "differences": differences}


def _counts_of(db: dict) -> dict[str, int]:
    """Row counts in a database given by its settings (a restore target that is not `default`)."""
    from django.db.utils import load_backend

    settings_dict = {**connections["default"].settings_dict, **db}
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias="restore-check")
    try:
        return table_counts(wrapper)
    finally:
        wrapper.close()
