"""E-mail and SMS delivery re-checks the recipient when it finally sends: a retry hours later must not
reach a user deactivated meanwhile, nor by a channel the user has since turned off."""

from unittest import mock

import pytest
from django.core import mail

from accounts import sms
from accounts.models import Notification, NotificationKind
from accounts.notify import set_preference
from accounts.tasks import send_notification_email, send_notification_sms
from tests import factories as f

pytestmark = pytest.mark.django_db

KIND = NotificationKind.QUOTA_REMINDER


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.LocmemSmsBackend.outbox.clear()
    yield
    sms.LocmemSmsBackend.outbox.clear()


@pytest.fixture
def alice(db):
    user = f.UserFactory(username="alice-d", email="alice@example.org", phone="13800001111")
    set_preference(user=user, kind=KIND, in_app=True, email=True, sms=True)
    return user


@pytest.fixture
def notification(alice):
    return Notification.objects.create(
        recipient=alice, kind=KIND, title="年度履职提醒", body="还需联系群众18人次", key="k"
    )


def fail_first_attempts(notification):
    """Both channels fail once (SMTP and the SMS gateway down): the tasks will be retried."""
    with mock.patch("accounts.tasks.send_mail", side_effect=OSError("SMTP down")), pytest.raises(OSError):
        send_notification_email.run(notification.pk)
    with (
        mock.patch("accounts.sms.LocmemSmsBackend.send", side_effect=sms.SmsError("gateway")),
        pytest.raises(OSError),
    ):
        send_notification_sms.run(notification.pk)


def test_a_retry_sends_when_the_recipient_still_wants_it(notification):
    fail_first_attempts(notification)
    assert send_notification_email.run(notification.pk) is True
    assert send_notification_sms.run(notification.pk) is True
    assert len(mail.outbox) == len(sms.LocmemSmsBackend.outbox) == 1


def test_a_retry_sends_nothing_to_a_user_deactivated_meanwhile(notification, alice, caplog):
    fail_first_attempts(notification)
    alice.is_active = False
    alice.save()

    assert send_notification_email.run(notification.pk) is False
    assert send_notification_sms.run(notification.pk) is False

    assert mail.outbox == []
    assert sms.LocmemSmsBackend.outbox == []
    notification.refresh_from_db()
    assert (notification.emailed_at, notification.sms_sent_at) == (None, None)  # never delivered that way
    assert f"Notification {notification.pk} not sent by email" in caplog.text


@pytest.mark.parametrize(("email", "sms_on"), [(False, True), (True, False), (False, False)])
def test_a_retry_sends_nothing_by_a_channel_the_user_turned_off_meanwhile(notification, alice, email, sms_on):
    fail_first_attempts(notification)
    set_preference(user=alice, kind=KIND, in_app=True, email=email, sms=sms_on)

    assert send_notification_email.run(notification.pk) is email
    assert send_notification_sms.run(notification.pk) is sms_on

    assert len(mail.outbox) == int(email)
    assert len(sms.LocmemSmsBackend.outbox) == int(sms_on)
