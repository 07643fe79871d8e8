"""On PostgreSQL: two re-delivered tasks find the same export whose worker died, at the same moment →
exactly one takes it over and builds it; the other leaves it alone. One file is written."""

import datetime
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from reports import services
from reports.models import Export, ExportState

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORTS_ROOT = str(tmp_path / "private" / "exports")
    return tmp_path


def test_two_redelivered_tasks_racing_for_a_dead_workers_export_take_it_over_once(world, admin_user, folders):
    export = Export.objects.create(format="json", year=2026, requested_by=admin_user)
    limit = datetime.timedelta(seconds=django_settings.CELERY_TASK_TIME_LIMIT)
    Export.objects.filter(pk=export.pk).update(
        state=ExportState.RUNNING,
        attempts=1,
        updated_at=timezone.now() - limit - datetime.timedelta(minutes=1),
    )
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def run(i):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = services.build_export(export_id=export.pk).attempts
        except Exception as exc:  # reported by the assertion below
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    export.refresh_from_db()
    assert outcomes == [2, 2], outcomes
    assert (export.state, export.attempts) == ("done", 2)
    files = [path for path in (folders / "private" / "exports").rglob("*") if path.is_file()]
    assert files == [Path(export.file.path)]
