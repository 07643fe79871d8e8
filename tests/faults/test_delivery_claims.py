"""At most once: an e-mail or SMS is claimed in the database before it leaves, so a task that runs
again (redelivered after its worker was killed, retried, duplicated) never sends it twice."""

from unittest import mock

import pytest
from django.core import mail

from accounts import notify
from accounts.models import Notification
from accounts.tasks import send_notification_email, send_notification_sms
from ops import claims
from ops.models import DeliveryClaim

pytestmark = pytest.mark.django_db


def test_a_key_is_sent_once_however_often_it_is_delivered():
    sent = []
    assert claims.deliver_once("k:1", lambda: sent.append(1)) is True
    assert claims.deliver_once("k:1", lambda: sent.append(2)) is False
    assert sent == [1]
    assert DeliveryClaim.objects.get(key="k:1").sent_at is not None


def test_a_failed_send_gives_the_claim_back_so_a_retry_sends():
    def fail():
        raise OSError("SMTP down")

    with pytest.raises(OSError):
        claims.deliver_once("k:2", fail)
    assert not DeliveryClaim.objects.filter(key="k:2").exists()
    sent = []
    assert claims.deliver_once("k:2", lambda: sent.append(1)) is True
    assert sent == [1]


@pytest.fixture
def note(deputy_user):
    deputy_user.email = "alice@example.org"
    deputy_user.phone = "13800000000"
    deputy_user.save()
    notify.set_preference(user=deputy_user, kind="other", in_app=True, email=True, sms=True)
    return Notification.objects.create(recipient=deputy_user, kind="other", title="提醒", body="内容")


def test_an_email_task_killed_after_sending_is_not_sent_again(note):
    # The first run claimed and sent, then its worker died before stamping the row (SIGKILL).
    claims.claim(f"notification:{note.pk}:email")

    assert send_notification_email.run(note.pk) is False
    assert mail.outbox == []


def test_an_email_task_run_twice_sends_one_email_and_stamps_the_row(note):
    assert send_notification_email.run(note.pk) is True
    assert send_notification_email.run(note.pk) is False
    assert len(mail.outbox) == 1
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_an_sms_task_run_twice_sends_one_text(note):
    from accounts import sms

    with mock.patch.object(sms, "send_sms") as send:
        assert send_notification_sms.run(note.pk) is True
        assert send_notification_sms.run(note.pk) is False
    assert send.call_count == 1
