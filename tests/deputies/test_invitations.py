"""Invitations: accounts for the whole registry, without an administrator typing them."""

import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts import sms
from accounts.models import Role, User
from deputies import invitations
from deputies.models import Invitation, Person
from tests import factories as f
from tests.deputies.test_import import DISTRICT_ROW, registry, write_csv  # noqa: F401 (fixture)

LINK = re.compile(r"http://testserver(/deputies/join/[\w-]+/)")
STRONG = "Cloud-Orchid-2026!"


@pytest.fixture(autouse=True)
def _texts(settings):
    settings.PUBLIC_BASE_URL = "http://testserver"
    sms.LocmemSmsBackend.outbox.clear()
    yield
    sms.LocmemSmsBackend.outbox.clear()


def link_in(message) -> str:
    return LINK.search(message.text).group(1)


def texts_to(phone):
    return [m for m in sms.LocmemSmsBackend.outbox if m.phone == phone]


def twenty_rows():
    return [
        {
            **DISTRICT_ROW,
            "姓名": f"代表{n:02d}",
            "本人手机": f"+86 139-1700-{n:04d}",
            "公开邮箱": "",
            "名册编号": f"SJ6-8{n:03d}",
        }
        for n in range(1, 21)
    ]


def test_an_imported_registry_is_invited_and_a_deputy_activates_and_signs_in(
    registry,  # noqa: F811
    tmp_path,
    client,
    django_capture_on_commit_callbacks,
):
    call_command(
        "import_registry", str(write_csv(tmp_path / "名册.csv", twenty_rows())), stdout=io.StringIO()
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_invitations", stdout=out)
    assert "invited=20" in out.getvalue()
    assert len(sms.LocmemSmsBackend.outbox) == 20
    assert {m.phone for m in sms.LocmemSmsBackend.outbox} == {f"1391700{n:04d}" for n in range(1, 21)}
    assert all(m.template == "invitation" and sms.segments(m.text) <= 2 for m in sms.LocmemSmsBackend.outbox)

    [message] = texts_to("13917000007")
    page = client.get(link_in(message))
    assert page.status_code == 200
    assert "13917000007" not in page.content.decode().replace('value="13917000007"', "")
    response = client.post(
        link_in(message), {"username": "daibiao07", "password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 302
    person = Person.objects.get(registry_code="SJ6-8007")
    assert person.user.username == "daibiao07"
    assert person.user.role == Role.DEPUTY
    assert person.user.phone == "13917000007"

    client.logout()
    assert client.login(username="daibiao07", password=STRONG)
    assert client.get(reverse("contacts:my_year")).status_code == 200

    # The same link again: refused with a clear page, no second account.
    client.logout()
    again = client.get(link_in(message))
    assert again.status_code == 410
    assert "已经使用过" in again.content.decode()
    assert (
        client.post(
            link_in(message), {"username": "x2", "password1": STRONG, "password2": STRONG}
        ).status_code
        == 410
    )
    assert User.objects.filter(role=Role.DEPUTY).count() == 1

    # A second run invites nobody again: 19 are already invited, 1 has an account.
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_invitations", stdout=out)
    assert "invited=0 has_account=0 already_invited=19" in out.getvalue()
    assert len(sms.LocmemSmsBackend.outbox) == 20


@pytest.fixture
def invited(deputy, django_capture_on_commit_callbacks):
    """Alice's mandate, her account removed, invited by SMS."""
    deputy.person.user = None
    deputy.person.save()
    deputy.private_phone = "13916000001"
    deputy.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = invitations.invite_deputies(actor=None, deputies=[deputy])
    [invitation] = result.invited
    [message] = sms.LocmemSmsBackend.outbox
    return invitation, link_in(message)


def test_an_expired_link_is_refused_with_a_clear_page(invited, client):
    _invitation, link = invited
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7, minutes=1)):
        response = client.get(link)
        assert response.status_code == 410
        assert "已过期" in response.content.decode()
        client.post(link, {"username": "late", "password1": STRONG, "password2": STRONG})
    assert not User.objects.filter(username="late").exists()


def test_a_forged_or_truncated_link_is_refused(invited, client):
    invitation, link = invited
    token = link.rstrip("/").rsplit("/", 1)[1]
    for bad in (token[:-1] + ("0" if token[-1] != "0" else "1"), invitation.key, "x" * 40):
        response = client.get(reverse("deputies:accept_invitation", args=[bad]))
        assert response.status_code == 404
        assert "无效" in response.content.decode()


def test_a_resent_invitation_replaces_the_old_link(invited, client, django_capture_on_commit_callbacks):
    invitation, old_link = invited
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite_deputies(actor=None, deputies=[invitation.person.mandates.get()], resend=True)
    new_link = link_in(sms.LocmemSmsBackend.outbox[-1])
    assert new_link != old_link
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


def test_a_weak_password_is_refused_by_djangos_validators(invited, client):
    _invitation, link = invited
    response = client.post(link, {"username": "alice2", "password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert Invitation.objects.get().accepted_at is None
    assert not User.objects.filter(username="alice2").exists()


def test_a_username_in_use_is_refused(invited, client, other_deputy):
    _invitation, link = invited
    response = client.post(link, {"username": "BOB", "password1": STRONG, "password2": STRONG})
    assert "已被使用" in response.content.decode()
    assert Invitation.objects.get().accepted_at is None


def test_a_permanent_gateway_failure_is_recorded_and_shown_as_bounced(
    deputy, street_staff, login, django_capture_on_commit_callbacks, monkeypatch
):
    deputy.person.user = None
    deputy.person.save()
    deputy.private_phone = "13916000001"
    deputy.save()

    def reject(self, message):
        raise sms.SmsRejected("isv.MOBILE_NUMBER_ILLEGAL: 非法手机号", code="isv.MOBILE_NUMBER_ILLEGAL")

    monkeypatch.setattr(sms.LocmemSmsBackend, "send", reject)
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite_deputies(actor=street_staff, deputies=[deputy])
    invitation = Invitation.objects.get()
    assert invitation.failed_at is not None and invitation.sent_at is None
    assert invitations.state_of(invitation) == invitations.State.BOUNCED
    page = login(street_staff).get(reverse("deputies:accounts")).content.decode()
    assert "发送失败" in page and "MOBILE_NUMBER_ILLEGAL" in page


def test_a_failure_worth_retrying_leaves_the_invitation_unsent(invited, monkeypatch):
    invitation, _link = invited
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=None)

    def down(self, message):
        raise sms.SmsThrottled("isv.BUSINESS_LIMIT_CONTROL")

    monkeypatch.setattr(sms.LocmemSmsBackend, "send", down)
    with pytest.raises(OSError):
        invitations.deliver(invitation.pk)
    invitation.refresh_from_db()
    assert invitation.sent_at is None and invitation.failed_at is None


def test_a_deputy_without_a_mobile_is_invited_by_email(deputy, django_capture_on_commit_callbacks):
    deputy.person.user = None
    deputy.person.save()
    deputy.private_phone = "021-57781234"  # a landline: not for SMS
    deputy.public_email = "alice@example.org"
    deputy.save()
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite_deputies(actor=None, deputies=[deputy])
    assert sms.LocmemSmsBackend.outbox == []
    [email] = mail.outbox
    assert email.to == ["alice@example.org"]
    assert "/deputies/join/" in email.body


def test_a_liaison_body_is_invited_and_its_account_gets_the_staff_role(
    yueyang_committee, client, admin_user, django_capture_on_commit_callbacks
):
    yueyang_committee.phone = "13916009999"
    yueyang_committee.save()
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite_organizations(actor=admin_user, organizations=[yueyang_committee])
    [message] = sms.LocmemSmsBackend.outbox
    client.post(
        link_in(message),
        {"username": "yueyang-li", "display_name": "李明", "password1": STRONG, "password2": STRONG},
    )
    user = User.objects.get(username="yueyang-li")
    assert (user.role, user.organization, user.display_name) == (
        Role.LIAISON_STAFF,
        yueyang_committee,
        "李明",
    )


# --- Staff: the accounts page, the button, resending; refusals ---------------------------------------


@pytest.fixture
def unaccounted(deputy, other_deputy):
    """Alice (岳阳) and Bob (永丰) without accounts, both with mobiles on file."""
    for n, d in enumerate((deputy, other_deputy), start=1):
        d.person.user = None
        d.person.save()
        d.private_phone = f"1391600000{n}"
        d.save()
    return deputy, other_deputy


def test_the_button_invites_only_the_bodys_own_deputies(
    unaccounted, street_staff, login, django_capture_on_commit_callbacks
):
    alice, bob = unaccounted
    client = login(street_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("deputies:invite"), follow=True)
    assert "已发出邀请 1 人" in response.content.decode()
    assert [m.phone for m in sms.LocmemSmsBackend.outbox] == ["13916000001"]
    page = client.get(reverse("deputies:accounts")).content.decode()
    assert alice.person.name in page and bob.person.name not in page
    assert "已邀请" in page


def test_staff_cannot_resend_to_another_offices_deputy_by_id(unaccounted, street_staff, login):
    _alice, bob = unaccounted
    response = login(street_staff).post(reverse("deputies:resend_invitation", args=[bob.pk]))
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_staff_can_resend_to_their_own_deputy(
    unaccounted, street_staff, login, django_capture_on_commit_callbacks
):
    alice, _bob = unaccounted
    client = login(street_staff)
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("deputies:resend_invitation", args=[alice.pk]))
    assert Invitation.objects.filter(person=alice.person).count() == 2
    assert Invitation.objects.open().filter(person=alice.person).count() == 1
    assert len(sms.LocmemSmsBackend.outbox) == 2


def test_the_service_refuses_another_offices_deputy(unaccounted, street_staff):
    _alice, bob = unaccounted
    with pytest.raises(invitations.PermissionDenied):
        invitations.invite_deputies(actor=street_staff, deputies=[bob])
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("persona", ["deputy_user", "handling_unit_staff", None])
def test_people_who_are_not_liaison_staff_cannot_invite(request, persona, client, unaccounted):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    for response in (client.get(reverse("deputies:accounts")), client.post(reverse("deputies:invite"))):
        assert response.status_code in (302, 403)
    assert not Invitation.objects.exists()


def test_the_accounts_page_runs_a_bounded_number_of_queries(
    street_staff, login, district_congress, yueyang_constituency, django_assert_max_num_queries
):
    for n in range(30):
        f.DeputyFactory(
            congress=district_congress, constituency=yueyang_constituency, private_phone=f"139170{n:05d}"
        )
    client = login(street_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("deputies:accounts"))
    assert response.content.decode().count("未邀请") >= 30


def test_the_admin_action_invites_the_selected_deputies(
    admin_user, client, unaccounted, django_capture_on_commit_callbacks
):
    alice, bob = unaccounted
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:deputies_deputy_changelist"),
            {"action": "send_invitations", "_selected_action": [alice.pk, bob.pk]},
        )
    assert sorted(m.phone for m in sms.LocmemSmsBackend.outbox) == ["13916000001", "13916000002"]


def test_invitations_wait_in_the_outbox_while_the_broker_is_down(deputy, django_capture_on_commit_callbacks):
    from unittest import mock

    from celery.app.task import Task
    from kombu.exceptions import OperationalError

    from ops import outbox
    from ops.models import OutboxTask

    deputy.person.user = None
    deputy.person.save()
    deputy.private_phone = "13916000001"
    deputy.save()
    with (
        mock.patch.object(Task, "apply_async", side_effect=OperationalError("Connection refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        [invitation] = invitations.invite_deputies(actor=None, deputies=[deputy]).invited
    [row] = OutboxTask.objects.filter(task_name="deputies.tasks.send_invitation")
    assert (row.args, row.sent_at) == ([invitation.pk], None)
    assert sms.LocmemSmsBackend.outbox == []

    # Redis is back: the sweep sends the invitation once.
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.dispatch(grace_seconds=0) == 1
    assert outbox.dispatch(grace_seconds=0) == 0
    assert len(texts_to("13916000001")) == 1
