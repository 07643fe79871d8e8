"""Workflow notifications in each recipient's language, exactly once, and never to a deactivated login."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from accounts.models import Notification, Role
from accounts.sms import LocmemSmsBackend
from feedback import deadlines
from feedback.models import Holiday, OpinionEvent, OpinionState
from feedback.notifications import notify_event, notify_submitter
from tests import factories as f

from .factories import OpinionFactory

pytestmark = pytest.mark.django_db


def titles(opinion_or_kind):
    rows = Notification.objects.select_related("recipient").order_by("recipient__username")
    return [(n.recipient.username, n.title) for n in rows.filter(**opinion_or_kind)]


@pytest.fixture
def english_alice(deputy_user):
    deputy_user.language = "en"
    deputy_user.save()
    return deputy_user


@pytest.mark.parametrize("worker_language", ["zh-hans", "en"])
def test_an_english_deputy_and_a_chinese_liaison_officer_each_read_the_same_event_in_their_language(
    deputy, english_alice, yueyang_community, yueyang_committee, street_staff, admin_user, worker_language
):
    opinion = OpinionFactory(
        region=yueyang_community, deputy=deputy, organization=yueyang_committee, state=OpinionState.ROUTED
    )
    event = OpinionEvent.objects.create(
        opinion=opinion, action="route", from_state="received", to_state="routed", actor=admin_user
    )

    with translation.override(worker_language):  # whatever the worker or the acting user speaks
        first = notify_event(event.pk)
        again = notify_event(event.pk)

    assert titles({"kind": "opinion_route"}) == [
        ("alice", f"Opinion #{opinion.pk}: Referred"),
        ("carol", f"社情民意 #{opinion.pk}：已转交"),
    ]
    assert (first, again) == (2, 0)
    assert sorted(Notification.objects.values_list("key", flat=True)) == sorted(
        f"opinion-event:{event.pk}:{user.pk}" for user in (english_alice, street_staff)
    )


def test_an_opinion_received_for_a_deactivated_deputy_goes_to_the_responsible_body(
    deputy, deputy_user, yueyang_community, yueyang_committee, street_staff
):
    deputy_user.is_active = False
    deputy_user.save()
    opinion = OpinionFactory(
        region=yueyang_community, deputy=deputy, organization=yueyang_committee, state=OpinionState.RECEIVED
    )
    event = OpinionEvent.objects.create(opinion=opinion, action="receive", from_state="", to_state="received")

    assert notify_event(event.pk) == 1
    assert titles({"kind": "opinion_receive"}) == [("carol", f"社情民意 #{opinion.pk}：已收到")]


def test_the_citizens_text_message_is_in_chinese_whatever_language_the_acting_deputy_uses(
    deputy, yueyang_community
):
    LocmemSmsBackend.outbox.clear()
    opinion = OpinionFactory(
        region=yueyang_community,
        deputy=deputy,
        state=OpinionState.ANSWERED,
        consent=True,
        submitter_phone="13800001111",
    )
    event = OpinionEvent.objects.create(
        opinion=opinion, action="answer", from_state="received", to_state="answered", public_note="已修复路灯"
    )

    with translation.override("en"):
        assert notify_submitter(event) is True

    [message] = LocmemSmsBackend.outbox
    assert (
        message.text == f"【松江人大】您反映的意见（查询码{opinion.tracking_code}）代表已直接答复：已修复路灯"
    )
    LocmemSmsBackend.outbox.clear()


def test_administrators_are_asked_for_a_missing_calendar_year_once_each_in_their_language(admin_user):
    english_admin = f.UserFactory(username="henry", role=Role.ADMIN, language="en")
    assert not Holiday.objects.filter(date__year=2027).exists()
    received = datetime.datetime(2027, 3, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))

    with translation.override("en"):
        deadlines.route_due_for(received)
    deadlines.route_due_for(received)  # a second deadline computed: nobody is asked twice

    assert titles({"kind": "calendar_missing"}) == [
        ("grace", "请录入2027年节假日安排"),
        ("henry", "Please enter the 2027 public holiday calendar"),
    ]
    assert sorted(Notification.objects.values_list("key", flat=True)) == sorted(
        f"calendar-missing:2027:{user.pk}" for user in (admin_user, english_admin)
    )
