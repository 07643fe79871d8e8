"""Deadline reminders (due soon, overdue, long overdue → escalated) and feedback owed (§四(二)–(三))."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification, NotificationKind, Role
from deputies.models import DeputyStatus, OrganizationKind
from feedback import reminders
from feedback.deadlines import end_of_day
from feedback.models import Assignment, DeadlineKind, OpinionState
from tests import factories as f
from tests.feedback.factories import OpinionFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

NOW = "2026-06-10"  # the start of 10 June 2026 in Asia/Shanghai
D = datetime.date
K = NotificationKind


def due(day):
    return end_of_day(day)


@pytest.fixture
def personnel_staff(district):
    office = f.OrganizationFactory(
        name="人事代表工作室", kind=OrganizationKind.PERSONNEL_OFFICE, region=district
    )
    return f.UserFactory(username="ivan", role=Role.LIAISON_STAFF, organization=office)


@pytest.fixture
def cases(deputy, yueyang_community, yueyang_committee, handling_unit, street_staff, handling_unit_staff):
    def opinion(**kwargs):
        kwargs.setdefault("region", yueyang_community)
        kwargs.setdefault("received_at", datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))
        return OpinionFactory(**kwargs)

    def assigned(day):
        op = opinion(
            state=OpinionState.ASSIGNED,
            organization=yueyang_committee,
            due_at=due(day),
            due_kind=DeadlineKind.REPLY,
        )
        return Assignment.objects.create(
            opinion=op, organization=handling_unit, assigned_at=op.received_at, due_at=due(day)
        )

    return {
        "routed_due_soon": opinion(
            state=OpinionState.ROUTED,
            organization=yueyang_committee,
            due_at=due(D(2026, 6, 14)),
            due_kind=DeadlineKind.REPLY,
        ),
        "deputy_route_due_soon": opinion(
            state=OpinionState.RECEIVED,
            deputy=deputy,
            due_at=due(D(2026, 6, 12)),
            due_kind=DeadlineKind.ROUTE,
        ),
        "assignment_overdue": assigned(D(2026, 6, 5)),
        "assignment_long_overdue": assigned(D(2026, 4, 1)),
        "not_yet": opinion(
            state=OpinionState.ROUTED,
            organization=yueyang_committee,
            due_at=due(D(2026, 7, 30)),
            due_kind=DeadlineKind.REPLY,
        ),
        "closed": opinion(
            state=OpinionState.CLOSED, organization=yueyang_committee, due_at=due(D(2026, 5, 1))
        ),
    }


def sent(kind):
    rows = Notification.objects.filter(kind=kind).select_related("recipient")
    return sorted((n.recipient.username, n.title) for n in rows)


def test_each_deadline_reaches_whoever_must_act_and_long_overdue_ones_are_escalated(
    cases, admin_user, personnel_staff
):
    result = reminders.send_deadline_reminders_task(as_of=NOW)

    routed, route = cases["routed_due_soon"], cases["deputy_route_due_soon"]
    overdue, long_overdue = cases["assignment_overdue"], cases["assignment_long_overdue"]
    assert sent(K.DEADLINE_DUE_SOON) == [
        ("alice", f"办理期限临近：社情民意 #{route.pk}（转交期限）"),
        ("carol", f"办理期限临近：社情民意 #{routed.pk}（答复期限）"),
    ]
    unit = "区住房和城乡建设管理委员会"
    assert sent(K.DEADLINE_OVERDUE) == [
        ("carol", f"已逾期：社情民意 #{overdue.opinion_id} 交办{unit}答复"),
        ("frank", f"已逾期：社情民意 #{overdue.opinion_id} 交办{unit}答复"),
    ]
    assert sent(K.DEADLINE_ESCALATED) == [
        (user, f"逾期督办：社情民意 #{long_overdue.opinion_id} 交办{unit}答复")
        for user in ("carol", "frank", "grace", "ivan")
    ]
    assert result["items"] == {"due_soon": 2, "overdue": 1, "long_overdue": 1}
    body = Notification.objects.get(kind=K.DEADLINE_OVERDUE, recipient__username="frank").body
    assert (
        body
        == f"社情民意 #{overdue.opinion_id} 交办{unit}答复的办理期限为2026年6月5日，已逾期5天，请尽快办理。"
    )


def test_running_the_sweep_twice_sends_nothing_new_until_a_deadline_moves(cases, admin_user):
    first = reminders.send_deadline_reminders_task(as_of=NOW)
    second = reminders.send_deadline_reminders_task(as_of="2026-06-11")
    assert first["messages"] > 0
    assert second["messages"] == 0

    # The unit's deadline is extended to 20 June and then missed again: a new period.
    assignment = cases["assignment_overdue"]
    Assignment.objects.filter(pk=assignment.pk).update(due_at=due(D(2026, 6, 20)))
    third = reminders.send_deadline_reminders_task(as_of="2026-06-22", sources=["assignment"])
    assert third["messages"] == 2  # frank and carol, overdue again


def test_an_opinion_of_a_deputy_whose_mandate_ended_goes_to_the_responsible_body(
    deputy, yueyang_community, yueyang_committee, street_staff
):
    deputy.status = DeputyStatus.ENDED
    deputy.end_date = D(2026, 5, 1)
    deputy.save()
    OpinionFactory(
        region=yueyang_community,
        deputy=deputy,
        organization=yueyang_committee,
        state=OpinionState.RECEIVED,
        due_at=due(D(2026, 6, 12)),
        due_kind=DeadlineKind.ROUTE,
        received_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC),
    )
    reminders.send_deadline_reminders_task(as_of=NOW)
    assert [u for u, _ in sent(K.DEADLINE_DUE_SOON)] == ["carol"]


def test_a_suggestion_being_handled_reminds_its_lead_unit(deputy, handling_unit, handling_unit_staff):
    suggestion = SuggestionFactory(
        deputy=deputy,
        state="assigned",
        due_at=due(D(2026, 6, 15)),
        title="增设公交线路",
        lead_unit=handling_unit,
    )
    suggestion.handling_units.add(handling_unit)
    reminders.send_deadline_reminders_task(as_of=NOW)
    assert sent(K.DEADLINE_DUE_SOON) == [("frank", "办理期限临近：代表建议《增设公交线路》")]


def test_a_submitted_suggestion_reminds_the_office_that_must_assign_it(deputy, handling_unit_staff):

    office = f.OrganizationFactory(kind=OrganizationKind.PERSONNEL_OFFICE, region=deputy.congress.region)
    f.UserFactory(username="ivan", role=Role.LIAISON_STAFF, organization=office)
    SuggestionFactory(
        deputy=deputy, state="submitted", office=office, due_at=due(D(2026, 6, 12)), title="待交办"
    )
    reminders.send_deadline_reminders_task(as_of=NOW)
    assert sent(K.DEADLINE_DUE_SOON) == [("ivan", "办理期限临近：代表建议《待交办》")]


def test_an_overdue_key_suggestion_reaches_its_supervising_leader(deputy, handling_unit, handling_unit_staff):

    leader = f.UserFactory(username="heidi", role=Role.COMMITTEE_MEMBER)
    SuggestionFactory(
        deputy=deputy,
        state="rehandling",
        due_at=due(D(2026, 6, 1)),
        title="重点建议",
        lead_unit=handling_unit,
        is_key=True,
        supervisor=leader,
    )
    reminders.send_deadline_reminders_task(as_of=NOW)
    assert {u for u, _ in sent(K.DEADLINE_OVERDUE)} >= {"frank", "heidi"}


def test_other_deadline_sources_plug_into_the_same_sweep(street_staff, yueyang_committee, monkeypatch):
    def meetings(now, horizon):
        yield reminders.DeadlineItem(
            source="meeting",
            pk=7,
            due_at=due(D(2026, 6, 11)),
            label=lambda: "约见安排",
            responsible_orgs=(yueyang_committee.pk,),
        )

    monkeypatch.setitem(reminders.DEADLINE_SOURCES, "meeting", meetings)
    reminders.send_deadline_reminders_task(as_of=NOW)
    assert sent(K.DEADLINE_DUE_SOON) == [("carol", "办理期限临近：约见安排")]


def test_the_deadline_sweep_takes_the_same_number_of_queries_for_few_and_many_items(
    cases, admin_user, yueyang_community, yueyang_committee
):
    with CaptureQueriesContext(connection) as few:
        reminders.send_deadline_reminders_task(as_of=NOW)
    for _ in range(10):
        OpinionFactory(
            region=yueyang_community,
            state=OpinionState.ROUTED,
            organization=yueyang_committee,
            due_at=due(D(2026, 6, 13)),
            due_kind=DeadlineKind.REPLY,
        )
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        reminders.send_deadline_reminders_task(as_of=NOW)
    assert len(many) == len(few)


# --- feedback owed -------------------------------------------------------------------------------


def replied(days_ago, **kwargs):
    now = datetime.datetime(2026, 6, 10, tzinfo=datetime.UTC)
    kwargs.setdefault("state", OpinionState.REPLIED)
    return OpinionFactory(
        replied_at=now - datetime.timedelta(days=days_ago),
        received_at=now - datetime.timedelta(days=60),
        **kwargs,
    )


def test_the_deputy_is_reminded_to_feed_back_a_reply_older_than_the_set_days(
    deputy, yueyang_community, yueyang_committee, street_staff, settings
):
    settings.FEEDBACK_OWED_AFTER_DAYS = 10
    owed = replied(12, deputy=deputy, region=yueyang_community)
    replied(5, deputy=deputy, region=yueyang_community)  # not yet
    relayed = replied(
        16, state=OpinionState.RELAYED, region=yueyang_community, organization=yueyang_committee
    )
    replied(
        30,
        state=OpinionState.FED_BACK,
        deputy=deputy,
        region=yueyang_community,
        fed_back_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC),
    )

    result = reminders.send_feedback_owed_reminders_task(as_of="2026-06-10")
    again = reminders.send_feedback_owed_reminders_task(as_of="2026-06-11")

    assert sent(K.FEEDBACK_OWED) == [
        ("alice", f"请向群众反馈办理结果：社情民意 #{owed.pk}"),
        ("carol", f"请向群众反馈办理结果：社情民意 #{relayed.pk}"),  # no deputy: the responsible body
    ]
    assert (result["opinions"], result["messages"], again["messages"]) == (2, 2, 0)
