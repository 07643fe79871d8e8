"""Texts that fail for good are recorded on their row and shown to the liaison staff: a gateway's
permanent refusal at once, a timeout or throttling after the last retry."""

import pytest
from django.urls import reverse

from accounts import sms
from contacts.tasks import send_quota_reminders
from deputies import invitations
from deputies.models import Invitation, Reach, ReachChannel
from deputies.tasks import send_invitation, send_reminder_text

pytestmark = pytest.mark.django_db
CALLS = []


class TimeoutBackend(sms.BaseSmsBackend):
    """A gateway that never answers in time."""

    def send(self, message):
        CALLS.append(message.phone)
        raise sms.SmsError("timed out")


class RefusingBackend(sms.BaseSmsBackend):
    def send(self, message):
        CALLS.append(message.phone)
        raise sms.SmsRejected("isv.MOBILE_NUMBER_ILLEGAL", code="isv.MOBILE_NUMBER_ILLEGAL")


@pytest.fixture(autouse=True)
def _reset(settings):
    settings.PUBLIC_BASE_URL = "https://rd.songjiang.example"
    CALLS.clear()


@pytest.fixture
def erin(world):
    erin = world["erin"]
    erin.private_phone = "13916000005"
    erin.save()
    return erin


def texted_row(erin, settings, django_capture_on_commit_callbacks):
    """Erin's quota reminder row, recorded while the broker holds its delivery (not sent yet)."""
    from unittest import mock

    from celery.app.task import Task

    with mock.patch.object(Task, "apply_async"), django_capture_on_commit_callbacks(execute=True):
        send_quota_reminders(as_of="2026-04-01")
    return Reach.objects.get(deputy=erin, channel=ReachChannel.SMS)


LIMIT = send_reminder_text.retry_kwargs["max_retries"]


def test_a_text_still_failing_after_the_last_retry_is_recorded_as_failed(
    world, erin, settings, django_capture_on_commit_callbacks
):
    from celery.exceptions import Retry

    row = texted_row(erin, settings, django_capture_on_commit_callbacks)
    settings.SMS_BACKEND = "tests.reminders.test_send_failures.TimeoutBackend"

    with pytest.raises(Retry):  # an early try: retried later, nothing recorded
        send_reminder_text.apply(args=[row.pk], retries=LIMIT - 1)
    row.refresh_from_db()
    assert row.failed_at is None

    with pytest.raises(sms.SmsError):  # the last try
        send_reminder_text.apply(args=[row.pk], retries=LIMIT)
    row.refresh_from_db()
    assert row.sent_at is None and row.failed_at is not None
    assert "多次重试后仍未发出" in row.failure and "timed out" in row.failure
    # A redelivered copy sends nothing more.
    assert send_reminder_text.apply(args=[row.pk]).result is False
    assert len(CALLS) == 2


def test_an_invitation_still_failing_after_the_last_retry_bounces(deputy, settings):
    from unittest import mock

    from celery.app.task import Task

    deputy.person.user = None
    deputy.person.save()
    deputy.private_phone = "13916000001"
    deputy.save()
    with mock.patch.object(Task, "apply_async"):
        [invitation] = invitations.invite_deputies(actor=None, deputies=[deputy]).invited
    settings.SMS_BACKEND = "tests.reminders.test_send_failures.TimeoutBackend"

    with pytest.raises(sms.SmsError):
        send_invitation.apply(args=[invitation.pk], retries=LIMIT)
    invitation = Invitation.objects.get(pk=invitation.pk)
    assert invitations.state_of(invitation) == invitations.State.BOUNCED
    assert "timed out" in invitation.failure


def test_the_staff_see_a_failed_text_even_after_a_later_notice_reached_the_deputy(
    world, erin, settings, street_staff, login, other_street_staff, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tests.reminders.test_send_failures.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        send_quota_reminders(as_of="2026-04-01")
    failed = Reach.objects.get(deputy=erin)
    assert failed.failed_at is not None and "MOBILE_NUMBER_ILLEGAL" in failed.failure
    # A later notice goes through (the staff corrected nothing yet: another channel, say).
    Reach.objects.create(deputy=erin, kind="duty_notice", period="1:2026-04-02", channel=ReachChannel.IN_APP)

    page = login(street_staff).get(reverse("deputies:accounts"))
    html = page.content.decode()
    row = html[html.index("艾琳") :].split("</tr>")[0]
    assert "接待值班提醒" in row
    assert "短信发送失败：年度履职提醒" in row and "MOBILE_NUMBER_ILLEGAL" in row

    other = login(other_street_staff).get(reverse("deputies:accounts")).content.decode()
    assert "艾琳" not in other
