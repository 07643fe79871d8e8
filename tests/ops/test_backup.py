"""`make backup` / `make restore`: restored into a scratch database, every table has the rows it had."""

import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ops.backup import create_backup, restore_backup, table_counts
from tests import factories as f


def _some_data(tmp_path, settings_fixture):
    settings_fixture.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "deputies" / "photos").mkdir(parents=True)
    (tmp_path / "media" / "deputies" / "photos" / "a.png").write_bytes(b"png")
    f.UserFactory.create_batch(3)


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_restores_into_a_scratch_database_with_every_tables_rows(tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path; the PostgreSQL one is test_a_postgresql_backup_…")
    _some_data(tmp_path, settings)
    before = table_counts()

    archive = create_backup(directory=tmp_path / "backups")
    scratch = tmp_path / "scratch.sqlite3"
    result = restore_backup(archive, into=f"sqlite:///{scratch}", media_root=tmp_path / "restored-media")

    assert result["differences"] == {}
    assert result["restored"] == before
    assert len(before) > 30 and before["accounts_user"] == 3
    assert (tmp_path / "restored-media" / "deputies" / "photos" / "a.png").read_bytes() == b"png"
    with tarfile.open(archive) as tar:
        assert {"manifest.json", "database.sqlite3", "media/deputies/photos/a.png"} <= set(tar.getnames())


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_a_scratch_database_with_every_tables_rows(tmp_path, settings):
    _some_data(tmp_path, settings)
    before = table_counts()
    archive = create_backup(directory=tmp_path / "backups")
    db = connection.settings_dict
    scratch = f"{db['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    base = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"]
    subprocess.run(["createdb", *base, scratch], check=True)  # noqa: S603, S607
    try:
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        url = f"postgres://{db['USER'] or 'postgres'}@{host}/{scratch}"
        result = restore_backup(archive, into=url, media_root=tmp_path / "restored-media")
    finally:
        subprocess.run(["dropdb", *base, "--if-exists", scratch], check=True)  # noqa: S603, S607

    assert result["differences"] == {}
    assert result["restored"] == before
    assert before["accounts_user"] == 3


def test_make_backup_prints_the_path_last_and_restore_asks_no_question_without_a_terminal(tmp_path):
    """The commands as an administrator runs them, on a SQLite file of their own."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "TESTING": "true",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)  # noqa: S603
    backup = subprocess.run([*manage, "backup"], env=env, check=True, capture_output=True, text=True)  # noqa: S603
    path = backup.stdout.strip().splitlines()[-1]
    assert Path(path).is_file() and Path(path).parent == tmp_path / "backups"

    restore = subprocess.run(  # noqa: S603
        [*manage, "restore", path], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    assert restore.returncode == 0, restore.stderr
    assert "every row count matches" in restore.stdout


def test_restore_refuses_an_archive_of_the_other_database_kind(tmp_path, settings):
    archive = tmp_path / "pg.tar.gz"
    manifest = tmp_path / "manifest.json"
    manifest.write_text('{"vendor": "postgresql", "counts": {}}')
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(manifest, arcname="manifest.json")
    with pytest.raises(RuntimeError):
        restore_backup(archive, into=f"sqlite:///{tmp_path / 'x.sqlite3'}")
