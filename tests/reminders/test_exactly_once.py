"""Exactly once on the real PostgreSQL: concurrent runs of a sweep insert each reminder once."""

import threading

import pytest
from django.db import connection

from accounts.models import Notification
from accounts.notify import notify
from contacts.tasks import send_quota_reminders
from tests import factories as f

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _in_threads(n, target):
    barrier = threading.Barrier(n)
    errors = []

    def run():
        try:
            barrier.wait(timeout=30)
            target()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def test_two_concurrent_runs_of_the_quota_sweep_create_each_reminder_once(world):
    _in_threads(2, lambda: send_quota_reminders(as_of="2026-04-01"))

    keys = list(Notification.objects.values_list("key", flat=True))
    assert len(keys) == 6  # Alice, Bob, Tom; the digests of 岳阳, 永丰 and 泗泾
    assert len(set(keys)) == len(keys)


def test_four_threads_notifying_the_same_key_store_one_row(db):
    user = f.UserFactory(username="alice-c", email="alice@example.org")
    _in_threads(4, lambda: notify(recipient=user, kind="other", title="提醒", key="same-key"))
    assert Notification.objects.filter(key="same-key").count() == 1
