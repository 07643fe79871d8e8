"""On PostgreSQL: closing a year and logging an activity in it at the same moment. An activity whose
write began first is in the report stored as submitted; one that began after the close is refused.
Nothing lands in a closed year behind the stored report's back."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from contacts import services
from contacts.checks import hold_year_open
from contacts.models import ContactActivity
from reports.models import ComplianceSnapshot

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DAY = datetime.date(2025, 11, 3)


def log_for(deputy):
    return services.log_activity(
        actor=deputy.person.user,
        kind="visit",
        date=DAY,
        constituency=deputy.constituency,
        is_constituency_contact=True,
        people_reached=12,
        summary="走访人乐居委会",
    )


def in_thread(target):
    """Run target in a thread with its own connection; return (thread, outcome list)."""
    outcome = []

    def run():
        try:
            outcome.append(target())
        except Exception as exc:  # reported by the assertions
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_an_activity_being_written_when_the_year_is_closed_is_in_the_stored_report(deputy, admin_user):
    writing = threading.Event()

    def write_slowly():
        with transaction.atomic():
            hold_year_open(DAY)
            writing.set()
            time.sleep(0.5)  # the close arrives while this write is still open
            return log_for(deputy)

    writer, written = in_thread(write_slowly)
    assert writing.wait(timeout=10)
    started = time.monotonic()
    services.close_year(actor=admin_user, year=2025)
    waited = time.monotonic() - started
    writer.join(timeout=30)

    assert isinstance(written[0], ContactActivity)
    assert waited > 0.3  # the close waited for the write to commit
    rows = {row["deputy"]: row for row in ComplianceSnapshot.objects.get(year=2025).rows}
    assert rows[deputy.pk]["constituency_contacts"]["done"] == 1


def test_an_activity_written_while_the_year_is_being_closed_is_refused(deputy, admin_user):
    closing = threading.Event()

    def close_slowly():
        with transaction.atomic():
            services.close_year(actor=admin_user, year=2025)
            closing.set()
            time.sleep(0.5)  # the write arrives before the close commits
        return "closed"

    closer, closed = in_thread(close_slowly)
    assert closing.wait(timeout=10)
    with pytest.raises(ValidationError) as refused:
        log_for(deputy)
    closer.join(timeout=30)

    assert closed == ["closed"]
    assert "2025年度已关闭" in str(refused.value)
    assert not ContactActivity.objects.filter(date=DAY).exists()
