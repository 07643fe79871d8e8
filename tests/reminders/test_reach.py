"""Reminders reach everyone they are for: in-app for deputies with an account, SMS to the mobile on
file for the others, "not reachable" recorded for those with neither; a liaison body without staff has
its digest forwarded; nobody gets the same reminder twice, by any channel."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts import sms
from accounts.models import Notification, NotificationKind, Role, User
from contacts.tasks import send_quota_reminders, send_term_report_reminders
from deputies import invitations
from deputies.models import Deputy, Invitation, OrganizationKind, Reach, ReachChannel
from tests import factories as f

QUOTA = NotificationKind.QUOTA_REMINDER
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _texts(settings):
    settings.PUBLIC_BASE_URL = "https://rd.songjiang.example"
    sms.LocmemSmsBackend.outbox.clear()
    yield
    sms.LocmemSmsBackend.outbox.clear()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a sweep task and its deliveries (queued after commit) as a worker would."""

    def run_(task, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return task(**kwargs)

    return run_


def reached(deputy, kind=QUOTA):
    return list(Reach.objects.filter(deputy=deputy, kind=kind).values_list("channel", flat=True))


def test_a_deputy_without_an_account_is_texted_once_with_a_short_text_and_a_link(world, run):
    erin = world["erin"]
    erin.private_phone = "139 1600 0005"
    erin.save()
    result = run(send_quota_reminders, as_of="2026-04-01")
    assert result["texts"] == 1
    [text] = sms.LocmemSmsBackend.outbox
    assert text.phone == "13916000005"
    assert text.template == "reminder"
    assert text.text.startswith("艾琳代表（区级）：截至2026年4月1日，您还需")
    assert text.params["url"] == "https://rd.songjiang.example/activities/my-year/"
    assert sms.segments(text.text) <= 2
    assert reached(erin) == [ReachChannel.SMS]
    assert Reach.objects.get(deputy=erin).sent_at is not None

    again = run(send_quota_reminders, as_of="2026-04-02")
    assert (again["texts"], again["messages"], again["digests"]) == (0, 0, 0)
    assert len(sms.LocmemSmsBackend.outbox) == 1


def test_the_texts_link_is_the_deputys_open_invitation(world, run):
    erin = world["erin"]
    erin.private_phone = "13916000005"
    erin.save()
    [invitation] = invitations.invite_deputies(actor=None, deputies=[erin]).invited
    run(send_quota_reminders, as_of="2026-04-01")
    texts = [m for m in sms.LocmemSmsBackend.outbox if m.template == "reminder"]
    assert texts[0].params["url"] == invitations.invitation_url(Invitation.objects.get(pk=invitation.pk))


def test_a_deputy_with_an_account_gets_the_in_app_message_and_no_text(world, run):
    run(send_quota_reminders, as_of="2026-04-01")
    assert reached(world["bob"]) == [ReachChannel.IN_APP]
    assert Notification.objects.filter(recipient__username="bob", kind=QUOTA).count() == 1
    assert all("鲍勃" not in m.text for m in sms.LocmemSmsBackend.outbox)


def test_a_deputy_with_neither_account_nor_mobile_is_recorded_as_not_reachable(
    world, run, street_staff, login
):
    erin = world["erin"]
    erin.private_phone = "021-57781234"  # a landline: no text
    erin.save()
    result = run(send_quota_reminders, as_of="2026-04-01")
    assert result["unreachable"] == 1
    assert reached(erin) == [ReachChannel.UNREACHABLE]
    assert sms.LocmemSmsBackend.outbox == []
    page = login(street_staff).get(reverse("deputies:accounts")).content.decode()
    assert "未送达（无手机号码）" in page


def test_a_deputy_texted_who_then_opens_an_account_gets_no_second_copy_in_app(world, run):
    erin = world["erin"]
    erin.private_phone = "13916000005"
    erin.save()
    run(send_quota_reminders, as_of="2026-04-01")
    erin.person.user = f.UserFactory(username="erin-deputy", role=Role.DEPUTY)
    erin.person.save()
    run(send_quota_reminders, as_of="2026-04-03")
    assert not Notification.objects.filter(recipient=erin.person.user).exists()
    assert reached(erin) == [ReachChannel.SMS]


def test_a_permanent_gateway_failure_is_recorded_and_shown_to_staff(
    world, run, monkeypatch, street_staff, login
):
    erin = world["erin"]
    erin.private_phone = "13916000005"
    erin.save()

    def reject(self, message):
        raise sms.SmsRejected("isv.MOBILE_NUMBER_ILLEGAL: 非法手机号", code="isv.MOBILE_NUMBER_ILLEGAL")

    monkeypatch.setattr(sms.LocmemSmsBackend, "send", reject)
    run(send_quota_reminders, as_of="2026-04-01")
    row = Reach.objects.get(deputy=erin)
    assert row.failed_at is not None and "MOBILE_NUMBER_ILLEGAL" in row.failure
    page = login(street_staff).get(reverse("deputies:accounts")).content.decode()
    assert "短信发送失败" in page


def test_the_term_report_reminder_is_texted_to_a_deputy_without_an_account(world, run):
    erin = world["erin"]
    erin.private_phone = "13916000005"
    erin.save()
    result = run(send_term_report_reminders, as_of="2026-03-02")
    assert result["texts"] == 2  # Erin, and Carol (no login, and exemption from the quota is not from this)
    [text] = [m for m in sms.LocmemSmsBackend.outbox if m.phone == "13916000005"]
    assert text.text.startswith("艾琳代表：本届任期将于2026年12月31日届满")
    assert sms.segments(text.text) <= 2
    assert run(send_term_report_reminders, as_of="2026-03-09")["texts"] == 0


def test_a_liaison_body_without_staff_has_its_digest_forwarded_to_the_personnel_office(
    world, run, other_street_staff, district
):
    other_street_staff.is_active = False  # 永丰's committee has no active staff account
    other_street_staff.save()
    personnel = f.OrganizationFactory(
        name="人事代表工作室", kind=OrganizationKind.PERSONNEL_OFFICE, region=district
    )
    clerk = f.UserFactory(username="ivan", role=Role.LIAISON_STAFF, organization=personnel)
    run(send_quota_reminders, as_of="2026-04-01")
    [forwarded] = Notification.objects.filter(recipient=clerk, kind=NotificationKind.QUOTA_DIGEST)
    assert "永丰街道人大工委" in forwarded.title
    assert "鲍勃" in forwarded.body  # Bob is 永丰's deputy
    assert run(send_quota_reminders, as_of="2026-04-02")["digests"] == 0


def test_without_a_personnel_office_account_the_administrators_get_the_orphan_digest(
    world, run, other_street_staff, admin_user
):
    other_street_staff.is_active = False
    other_street_staff.save()
    run(send_quota_reminders, as_of="2026-04-01")
    [forwarded] = Notification.objects.filter(recipient=admin_user, kind=NotificationKind.QUOTA_DIGEST)
    assert "永丰街道人大工委" in forwarded.title


# --- On the demo data, with the file backend ---------------------------------------------------------


def test_on_the_demo_data_every_deputy_behind_is_reached_exactly_once(settings, tmp_path, run):
    settings.ALLOW_DEMO_ACCOUNTS = True
    call_command("seed_demo", "--today", "2026-11-28", stdout=io.StringIO(), stderr=io.StringIO())
    path = tmp_path / "sms.jsonl"
    settings.SMS_BACKEND = "accounts.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = str(path)

    result = run(send_quota_reminders, as_of="2026-12-01")
    behind = Deputy.objects.filter(pk__in=result["deputies"]).select_related("person__user")
    assert behind.count() > 50

    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    texted = [line["phone"] for line in lines]
    in_app = set(
        Notification.objects.filter(kind=QUOTA, key__startswith="quota_reminder:2026-12-01:").values_list(
            "key", flat=True
        )
    )
    for deputy in behind:
        user = deputy.person.user
        if user is not None and user.is_active:
            assert f"quota_reminder:2026-12-01:deputy:{deputy.pk}" in in_app
        else:
            # One text per mandate behind (a person with a district and a town mandate gets one for each,
            # each naming its level).
            mandates = behind.filter(person=deputy.person).count()
            assert texted.count(deputy.private_phone) == mandates, deputy
        assert Reach.objects.filter(deputy=deputy, kind=QUOTA).count() == 1
    assert len(lines) + len(in_app) == behind.count()  # nobody twice, nobody else
    assert all(sms.segments(f"{line['text']}") <= 2 for line in lines)
    assert result["texts"] == len(lines) and result["messages"] == len(in_app)

    # Every liaison body with deputies behind has a digest read by someone.
    assert result["digests"] >= 17

    again = run(send_quota_reminders, as_of="2026-12-02")
    assert (again["messages"], again["texts"], again["digests"]) == (0, 0, 0)
    assert len(path.read_text(encoding="utf-8").splitlines()) == len(lines)
    assert (
        User.objects.filter(username="demo-admin")
        .get()
        .notifications.filter(kind=NotificationKind.QUOTA_DIGEST)
        .exists()
    )


def test_reminder_texts_wait_in_the_outbox_while_the_broker_is_down(
    world, django_capture_on_commit_callbacks
):
    from unittest import mock

    from celery.app.task import Task
    from kombu.exceptions import OperationalError

    from ops import outbox
    from ops.models import OutboxTask

    erin = world["erin"]
    erin.private_phone = "13916000005"
    erin.save()
    with (
        mock.patch.object(Task, "apply_async", side_effect=OperationalError("Connection refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_quota_reminders(as_of="2026-04-01")
    row = Reach.objects.get(deputy=erin)
    assert OutboxTask.objects.filter(task_name="deputies.tasks.send_reminder_text", args=[row.pk]).exists()
    assert sms.LocmemSmsBackend.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        outbox.dispatch(grace_seconds=0)
    assert [m.phone for m in sms.LocmemSmsBackend.outbox] == ["13916000005"]
    row.refresh_from_db()
    assert row.sent_at is not None
