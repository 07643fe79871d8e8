"""The inbox, per-user channels, and exactly-once delivery by e-mail and SMS."""

from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from accounts import sms
from accounts.models import Notification, NotificationKind, NotificationPreference
from accounts.notify import Message, notify, notify_many, set_preference
from accounts.tasks import send_notification_email, send_notification_sms
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.LocmemSmsBackend.outbox.clear()
    yield
    sms.LocmemSmsBackend.outbox.clear()


@pytest.fixture
def alice(db):
    return f.UserFactory(username="alice-n", email="alice@example.org", phone="13800001111")


def _remind(user, key="quota:2026-04-01:deputy:1", kind=NotificationKind.QUOTA_REMINDER):
    return notify(recipient=user, kind=kind, title="年度履职提醒", body="还需联系群众18人次", key=key)


# --- exactly once --------------------------------------------------------------------------------


def test_a_keyed_notification_is_stored_once_however_often_it_is_sent(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _remind(alice)
        second = _remind(alice)
    assert first is not None
    assert second is None
    assert Notification.objects.filter(recipient=alice).count() == 1
    assert len(mail.outbox) == 1


def test_notify_many_skips_messages_already_delivered_and_reports_the_new_ones(
    alice, django_capture_on_commit_callbacks
):
    bob = f.UserFactory(username="bob-n", email="bob@example.org")
    _remind(alice, key="k:alice")
    messages = [
        Message(recipient=alice, kind=NotificationKind.QUOTA_REMINDER, title="提醒", key="k:alice"),
        Message(recipient=bob, kind=NotificationKind.QUOTA_REMINDER, title="提醒", key="k:bob"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        created = notify_many(messages)
        again = notify_many(messages)
    assert (created, again) == (1, 0)
    assert sorted(Notification.objects.values_list("key", flat=True)) == ["k:alice", "k:bob"]
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]


def test_notify_many_refuses_messages_without_a_key(alice):
    with pytest.raises(ValueError):
        notify_many([Message(recipient=alice, kind="other", title="x")])


def test_inactive_users_get_nothing(alice):
    alice.is_active = False
    alice.save()
    assert _remind(alice) is None
    assert notify_many([Message(recipient=alice, kind="other", title="x", key="x")]) == 0
    assert not Notification.objects.exists()


def test_a_failed_email_is_retried_and_sent_exactly_once(alice):
    notification = Notification.objects.create(recipient=alice, kind="other", title="提醒", key="k")
    with mock.patch("accounts.tasks.send_mail", side_effect=OSError("SMTP down")), pytest.raises(OSError):
        send_notification_email.run(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None

    assert send_notification_email.run(notification.pk) is True  # the retry
    assert send_notification_email.run(notification.pk) is False  # a duplicate message of the task
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_the_email_task_retries_smtp_errors_with_backoff():
    assert OSError in send_notification_email.autoretry_for
    assert send_notification_email.retry_backoff
    assert send_notification_email.acks_late
    assert send_notification_email.time_limit


def test_a_failed_sms_is_retried_and_sent_exactly_once(alice):
    # Text messages are off by default: Alice turned them on (the task checks it before sending).
    set_preference(user=alice, kind="other", in_app=True, email=True, sms=True)
    notification = Notification.objects.create(
        recipient=alice, kind="other", title="年度履职提醒", body="还需联系群众18人次", key="k"
    )
    gateway_down = mock.patch("accounts.sms.LocmemSmsBackend.send", side_effect=sms.SmsError("gateway"))
    with gateway_down, pytest.raises(OSError):
        send_notification_sms.run(notification.pk)
    assert send_notification_sms.run(notification.pk) is True
    assert send_notification_sms.run(notification.pk) is False
    assert sms.LocmemSmsBackend.outbox == [sms.SmsMessage("13800001111", "年度履职提醒：还需联系群众18人次")]


def test_the_logging_sms_backend_logs_without_the_full_number(caplog):
    caplog.set_level("INFO", logger="accounts.sms")
    sms.LoggingSmsBackend().send(sms.SmsMessage(phone="13800001111", text="提醒"))
    assert "****1111" in caplog.text
    assert "13800001111" not in caplog.text


# --- preferences ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("in_app", "email", "sms_on", "in_inbox", "emails", "texts"),
    [
        (True, True, False, True, 1, 0),  # the defaults
        (True, False, False, True, 0, 0),
        (False, True, True, False, 1, 1),
        (False, False, False, False, 0, 0),
    ],
)
def test_each_kind_is_delivered_on_the_channels_the_user_chose(
    alice, django_capture_on_commit_callbacks, in_app, email, sms_on, in_inbox, emails, texts
):
    set_preference(user=alice, kind=NotificationKind.QUOTA_REMINDER, in_app=in_app, email=email, sms=sms_on)
    with django_capture_on_commit_callbacks(execute=True):
        _remind(alice)
    assert Notification.objects.count() == 1  # the delivery record exists either way
    assert alice.notifications.inbox().exists() is in_inbox
    assert alice.notifications.unread().count() == (1 if in_inbox else 0)
    assert len(mail.outbox) == emails
    assert len(sms.LocmemSmsBackend.outbox) == texts


def test_a_preference_for_one_kind_leaves_the_other_kinds_alone(alice, django_capture_on_commit_callbacks):
    set_preference(user=alice, kind=NotificationKind.QUOTA_REMINDER, in_app=True, email=False, sms=False)
    with django_capture_on_commit_callbacks(execute=True):
        _remind(alice, key="a", kind=NotificationKind.FEEDBACK_OWED)
    assert len(mail.outbox) == 1


# --- pages ---------------------------------------------------------------------------------------


def test_the_inbox_shows_my_notifications_with_the_unread_count_and_hides_others(login, alice):
    other = f.UserFactory(username="mallory")
    _remind(alice, key="1")
    notify(recipient=alice, kind="other", title="已读的通知", key="2")
    Notification.objects.filter(key="2").update(read_at="2026-01-01T00:00:00Z")
    notify(recipient=other, kind="other", title="别人的通知", key="3")
    set_preference(user=alice, kind="other", in_app=False, email=False, sms=False)
    notify(recipient=alice, kind="other", title="关闭了站内通知", key="4")

    response = login(alice).get(reverse("accounts:inbox"))
    html = response.content.decode()
    assert "年度履职提醒" in html
    assert "已读的通知" in html
    assert "别人的通知" not in html
    assert "关闭了站内通知" not in html
    assert response.context["unread_count"] == 1


def test_i_can_mark_my_notification_read_but_not_someone_elses(login, alice):
    mine = _remind(alice, key="1")
    theirs = notify(recipient=f.UserFactory(username="mallory"), kind="other", title="x", key="2")
    client = login(alice)
    assert client.post(reverse("accounts:mark_read", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("accounts:mark_read", args=[mine.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:inbox")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_the_preferences_page_saves_my_channels_per_kind(login, alice):
    client = login(alice)
    page = client.get(reverse("accounts:preferences"))
    assert "年度履职提醒" in page.content.decode()
    client.post(reverse("accounts:preferences"), {"quota_reminder-in_app": "on", "quota_reminder-sms": "on"})
    preference = NotificationPreference.objects.get(user=alice, kind=NotificationKind.QUOTA_REMINDER)
    assert (preference.in_app, preference.email, preference.sms) == (True, False, True)
    # A kind with every box unticked is switched off entirely.
    off = NotificationPreference.objects.get(user=alice, kind=NotificationKind.FEEDBACK_OWED)
    assert (off.in_app, off.email, off.sms) == (False, False, False)


def test_the_pages_need_a_login(client):
    for name in ("accounts:inbox", "accounts:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("count", [1, 30])
def test_the_inbox_takes_the_same_number_of_queries_for_few_and_many_notifications(
    login, alice, count, django_assert_max_num_queries
):
    for i in range(count):
        notify(recipient=alice, kind="other", title=f"通知{i}", key=f"k{i}")
    client = login(alice)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("accounts:inbox"))
    assert response.status_code == 200


def test_kinds_of_other_apps_follow_the_other_preference(alice, django_capture_on_commit_callbacks):
    set_preference(user=alice, kind=NotificationKind.OTHER, in_app=True, email=False, sms=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=alice, kind="opinion_route", title="社情民意 #1：已转交", key="e1")
    assert mail.outbox == []
    assert alice.notifications.inbox().count() == 1


# --- API -----------------------------------------------------------------------------------------


def test_the_api_lists_only_my_inbox_with_the_unread_count(alice, client):
    mine = _remind(alice, key="1")
    notify(recipient=alice, kind="other", title="已读", key="2")
    Notification.objects.filter(key="2").update(read_at="2026-01-01T00:00:00Z")
    notify(recipient=f.UserFactory(username="mallory"), kind="other", title="别人的", key="3")
    client.force_login(alice)

    data = client.get("/api/v1/notifications/").json()

    assert data["count"] == 2
    assert data["unread_count"] == 1
    assert {n["title"] for n in data["results"]} == {"已读", "年度履职提醒"}
    first = next(n for n in data["results"] if n["id"] == mine.pk)
    assert first["kind"] == "quota_reminder"
    assert first["kind_display"] == "年度履职提醒"
    assert first["read"] is False


def test_the_api_marks_my_notification_read_and_404s_on_someone_elses(alice, client):
    mine = _remind(alice, key="1")
    theirs = notify(recipient=f.UserFactory(username="mallory"), kind="other", title="x", key="2")
    client.force_login(alice)
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    response = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read"] is True
    assert client.get("/api/v1/notifications/").json()["unread_count"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_api_marks_all_read(alice, client):
    _remind(alice, key="1")
    _remind(alice, key="2")
    client.force_login(alice)
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert alice.notifications.unread().count() == 0


def test_the_api_needs_authentication(client):
    assert client.get("/api/v1/notifications/").status_code in (401, 403)


@pytest.mark.parametrize("count", [1, 30])
def test_the_api_takes_the_same_number_of_queries_for_few_and_many(
    alice, client, count, django_assert_max_num_queries
):
    for i in range(count):
        notify(recipient=alice, kind="other", title=f"通知{i}", key=f"k{i}")
    client.force_login(alice)
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/notifications/").status_code == 200


def test_a_text_refused_or_failing_at_the_last_retry_is_recorded_on_the_notification(alice):
    from celery.exceptions import Retry

    set_preference(user=alice, kind="other", in_app=True, email=False, sms=True)
    refused, flaky = (
        Notification.objects.create(recipient=alice, kind="other", title="通知", key=key)
        for key in ("r", "f")
    )
    with mock.patch(
        "accounts.sms.LocmemSmsBackend.send", side_effect=sms.SmsRejected("isv.MOBILE_NUMBER_ILLEGAL")
    ):
        assert send_notification_sms.run(refused.pk) is False
    refused.refresh_from_db()
    assert refused.sms_failed_at is not None and "MOBILE_NUMBER_ILLEGAL" in refused.sms_failure
    assert send_notification_sms.run(refused.pk) is False  # not tried again

    limit = send_notification_sms.retry_kwargs["max_retries"]
    with mock.patch("accounts.sms.LocmemSmsBackend.send", side_effect=sms.SmsError("timed out")):
        with pytest.raises(Retry):
            send_notification_sms.apply(args=[flaky.pk], retries=limit - 1)
        flaky.refresh_from_db()
        assert flaky.sms_failed_at is None
        with pytest.raises(sms.SmsError):
            send_notification_sms.apply(args=[flaky.pk], retries=limit)
    flaky.refresh_from_db()
    assert flaky.sms_sent_at is None and "timed out" in flaky.sms_failure
    assert sms.LocmemSmsBackend.outbox == []
