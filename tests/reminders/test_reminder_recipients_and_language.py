"""Deadline and feedback-owed reminders: a deactivated deputy's items reach the responsible body, and
every reminder is wholly in its recipient's language (§四(二)–(三))."""

import datetime

import pytest
from django.utils import translation

from accounts.models import Notification, NotificationKind
from feedback import reminders
from feedback.deadlines import end_of_day
from feedback.models import DeadlineKind, OpinionState
from tests.feedback.factories import OpinionFactory

pytestmark = pytest.mark.django_db

NOW = "2026-06-10"  # the start of 10 June 2026 in Asia/Shanghai
D = datetime.date
K = NotificationKind


def sent(kind):
    rows = Notification.objects.filter(kind=kind).select_related("recipient").order_by("recipient__username")
    return [(n.recipient.username, n.title) for n in rows]


@pytest.fixture
def route_step(deputy, yueyang_community, yueyang_committee):
    """An opinion Alice must pass on by 12 June (routing, §四(一))."""

    def make(day=None):
        day = day or D(2026, 6, 12)
        return OpinionFactory(
            region=yueyang_community,
            deputy=deputy,
            organization=yueyang_committee,
            state=OpinionState.RECEIVED,
            due_at=end_of_day(day),
            due_kind=DeadlineKind.ROUTE,
            received_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC),
        )

    return make


@pytest.fixture
def owed_feedback(deputy, yueyang_community, yueyang_committee):
    """An opinion answered to Alice on 1 May and not yet fed back to the citizen."""
    return OpinionFactory(
        region=yueyang_community,
        deputy=deputy,
        organization=yueyang_committee,
        state=OpinionState.REPLIED,
        replied_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
        received_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC),
    )


@pytest.fixture
def alice_deactivated(deputy_user):
    deputy_user.is_active = False
    deputy_user.save()
    return deputy_user


# --- a deactivated deputy ------------------------------------------------------------------------


def test_the_routing_step_of_a_deactivated_deputy_reaches_the_responsible_body(
    route_step, alice_deactivated, street_staff
):
    opinion = route_step()
    result = reminders.send_deadline_reminders_task(as_of=NOW)
    assert sent(K.DEADLINE_DUE_SOON) == [("carol", f"办理期限临近：社情民意 #{opinion.pk}（转交期限）")]
    assert result["messages"] == 1


def test_feedback_owed_by_a_deactivated_deputy_reaches_the_responsible_body(
    owed_feedback, alice_deactivated, street_staff
):
    result = reminders.send_feedback_owed_reminders_task(as_of=NOW)
    assert sent(K.FEEDBACK_OWED) == [("carol", f"请向群众反馈办理结果：社情民意 #{owed_feedback.pk}")]
    assert (result["opinions"], result["messages"]) == (1, 1)


def test_an_active_deputy_is_still_reminded_herself(route_step, owed_feedback, deputy_user, street_staff):
    route_step()
    reminders.send_deadline_reminders_task(as_of=NOW)
    reminders.send_feedback_owed_reminders_task(as_of=NOW)
    assert [u for u, _ in sent(K.DEADLINE_DUE_SOON) + sent(K.FEEDBACK_OWED)] == ["alice", "alice"]


# --- the recipient's language --------------------------------------------------------------------


@pytest.mark.parametrize("worker_language", ["zh-hans", "en"])
def test_a_deadline_reminder_is_wholly_in_each_recipients_language(
    route_step, deputy_user, street_staff, worker_language
):
    deputy_user.language = "en"
    deputy_user.save()
    due_soon, overdue = route_step(D(2026, 6, 12)), route_step(D(2026, 6, 5))

    with translation.override(worker_language):
        first = reminders.send_deadline_reminders_task(as_of=NOW)
        again = reminders.send_deadline_reminders_task(as_of=NOW)

    assert sent(K.DEADLINE_DUE_SOON) == [
        ("alice", f"Deadline approaching: Opinion #{due_soon.pk} (Referral deadline)")
    ]
    assert sent(K.DEADLINE_OVERDUE) == [
        ("alice", f"Overdue: Opinion #{overdue.pk} (Referral deadline)"),
        ("carol", f"已逾期：社情民意 #{overdue.pk}（转交期限）"),
    ]
    assert (first["messages"], again["messages"]) == (3, 0)


def test_a_feedback_owed_reminder_is_in_the_english_deputys_language(owed_feedback, deputy_user):
    deputy_user.language = "en"
    deputy_user.save()
    reminders.send_feedback_owed_reminders_task(as_of=NOW)
    assert sent(K.FEEDBACK_OWED) == [
        ("alice", f"Please report the outcome back to the public: opinion #{owed_feedback.pk}")
    ]
