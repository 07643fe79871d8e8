"""Redis unreachable, in the web process: the cache (rate limits, failed-login limit, API throttles)
falls back to memory and the broker's refusal leaves the task in the outbox. Nothing the user sent is
lost, nothing answers 500, and the notifications go out once the broker takes tasks again.

These run on plain `make test`: the cache points at a port where nothing listens (a real connection
refusal) and the broker's refusal is kombu's own OperationalError. `test_services.py` does the same
against a real Redis server that is stopped and started again.
"""

import json
import socket
import time
from unittest import mock

import pytest
from celery.app.task import Task
from django.core import mail
from django.core.cache import caches
from kombu.exceptions import OperationalError

from accounts.models import Notification
from feedback import abuse
from feedback.models import Opinion, OpinionEvent
from ops import outbox
from ops.models import OutboxTask

pytestmark = pytest.mark.django_db
TEXT = "人乐新村5号楼前的路灯坏了一个多月，晚上出行很不方便。"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_unreachable(settings):
    """The default cache is the fail-safe Redis cache at an address that refuses connections."""
    settings.CACHES = {
        "default": {
            "BACKEND": "ops.cache.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_AFTER": 5},
        }
    }
    yield caches["default"]


@pytest.fixture
def broker_down():
    """Every publish fails as kombu fails when Redis refuses the connection."""
    with mock.patch.object(Task, "apply_async", side_effect=OperationalError("Connection refused")) as p:
        yield p


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_the_rate_limit_counts_in_memory_while_redis_is_down(redis_unreachable, caplog):
    started = time.monotonic()
    abuse.check_rate_limit("203.0.113.9", rate="2/hour")
    abuse.check_rate_limit("203.0.113.9", rate="2/hour")
    with pytest.raises(abuse.RateLimited):
        abuse.check_rate_limit("203.0.113.9", rate="2/hour")

    assert time.monotonic() - started < 2
    assert redis_unreachable.is_down
    assert "Redis cache unreachable" in caplog.text


def test_citizens_submit_while_redis_is_down_and_are_notified_after(
    citizen,
    redis_unreachable,
    deputy,
    yueyang_community,
    yueyang_committee,
    django_capture_on_commit_callbacks,
):
    deputy.person.user.email = "alice@example.org"
    deputy.person.user.save()
    refused = OperationalError("Connection refused")
    with (
        mock.patch.object(Task, "apply_async", side_effect=refused),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post_json(
            citizen,
            "/api/v1/opinions/",
            {"content": TEXT, "region": yueyang_community.pk, "deputy": deputy.pk, "consent": True},
        )
        form = citizen.post(
            "/opinions/new/",
            {
                "content": TEXT + "（表单）",
                "category": "交通出行",
                "street": yueyang_community.street_or_town().pk,
                "committee": yueyang_community.pk,
                "website": "",
            },
        )

    assert response.status_code == 201
    assert form.status_code == 302
    assert Opinion.objects.count() == 2
    events = list(OpinionEvent.objects.values_list("pk", flat=True))
    pending = OutboxTask.objects.filter(sent_at__isnull=True)
    assert sorted(r.args[0] for r in pending) == sorted(events)
    assert not Notification.objects.exists()

    # Redis is back: the sweep sends what waited; a second sweep sends nothing again.
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.dispatch(grace_seconds=0) == 2
    assert outbox.dispatch(grace_seconds=0) == 0
    assert not OutboxTask.objects.filter(sent_at__isnull=True).exists()
    to_alice = Notification.objects.filter(recipient=deputy.person.user)
    assert to_alice.count() == 1
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_logging_in_works_while_redis_is_down(client, redis_unreachable, deputy_user):
    deputy_user.set_password("correct horse battery")
    deputy_user.save()

    page = client.post("/accounts/login/", {"username": "alice", "password": "correct horse battery"})
    token = client.post("/api/v1/auth/token/", {"username": "alice", "password": "correct horse battery"})

    assert page.status_code == 302
    assert token.status_code == 200


def test_a_workflow_action_while_the_broker_is_down_succeeds_once_and_is_told_later(
    redis_unreachable, broker_down, django_capture_on_commit_callbacks
):
    from tests.feedback.factories import OpinionFactory

    opinion = OpinionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.enqueue("feedback.tasks.notify_opinion_event", opinion.events.first().pk)

    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (None, 1)
    assert "OperationalError" in row.last_error


def test_a_task_queued_in_a_rolled_back_transaction_never_runs(django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        mock.patch.object(Task, "apply_async") as publish,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.enqueue("ops.tasks.dispatch_outbox")
        raise RuntimeError("the change failed")

    assert callbacks == []
    assert not OutboxTask.objects.exists()
    assert outbox.dispatch(grace_seconds=0) == 0
    publish.assert_not_called()


def test_an_unknown_task_name_is_refused_at_once():
    with pytest.raises(LookupError):
        outbox.enqueue("no.such.task")
    assert not OutboxTask.objects.exists()
