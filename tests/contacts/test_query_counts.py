"""Pages and submissions of the performance record cost the same number of queries for 3 rows or
deputies as for 30 (N+1 review): the admin pages of activities and the record, the attendance,
group-registration and research forms, and `POST /api/v1/activities/`. Each test measures the
same request at both sizes and asserts the counts are equal, then checks what the user gets."""

import datetime
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts import services
from contacts.models import (
    Amendment,
    AttendanceStatus,
    ClosedYear,
    ContactActivity,
    MeetingRequest,
    QuotaExemption,
    QuotaPolicy,
    ResearchReport,
    TrainingAttendance,
    TrainingPlan,
)
from deputies.models import OrganizationKind
from tests import factories as f
from tests.contacts.factories import activity_for
from tests.feedback.factories import OpinionFactory

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 30
TODAY = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def count_queries(request) -> tuple[int, object]:
    """The number of queries `request()` runs, and its response."""
    with CaptureQueriesContext(connection) as captured:
        response = request()
    return len(captured), response


@pytest.fixture
def yueyang_deputies(district_congress, yueyang_constituency):
    """`yueyang_deputies(n)`: n more serving district deputies elected in 岳阳 (street_staff's area)."""

    def make(n):
        return [
            f.DeputyFactory(
                person=f.PersonFactory(name=f"岳阳代表{i:02d}"),
                congress=district_congress,
                constituency=yueyang_constituency,
            )
            for i in range(n)
        ]

    return make


# --- Admin ----------------------------------------------------------------------------------------


def test_the_admin_activity_page_costs_the_same_for_3_or_30_participants_and_amendments(
    login, admin_user, deputy, yueyang_deputies
):
    activity = activity_for(deputy, date=datetime.date(2026, 3, 1))
    url = reverse("admin:contacts_contactactivity_change", args=[activity.pk])
    client = login(admin_user)

    def grow(n):
        for other in yueyang_deputies(n):
            activity.participations.create(deputy=other, people_met=1)
            user = f.UserFactory(display_name=f"更正人{other.pk}")
            Amendment.objects.create(activity=activity, reason="更正人数", changes={}, made_by=user)

    grow(FEW)
    client.get(url)
    few, _ = count_queries(lambda: client.get(url))
    grow(MANY - FEW)
    many, response = count_queries(lambda: client.get(url))

    assert response.status_code == 200
    assert few == many
    assert response.content.decode().count("岳阳代表") >= MANY


def _closed_year(i, **_):
    ClosedYear.objects.create(year=1990 + i, closed_by=f.UserFactory())


def _quota_exemption(i, make_deputies, **_):
    QuotaExemption.objects.create(
        deputy=make_deputies(1)[0], year=2026, reason="因病", granted_by=f.UserFactory()
    )


def _research_report(i, **_):
    ResearchReport.objects.create(
        kind="research",
        title=f"调研{i}",
        date=datetime.date(2026, 4, 1),
        organized_by=f.OrganizationFactory(),
        created_by=f.UserFactory(),
    )


def _training_plan(i, **_):
    TrainingPlan.objects.create(
        congress=f.CongressFactory(), year=2026, title=f"计划{i}", organized_by=f.OrganizationFactory()
    )


def _meeting_request(i, deputy, **_):
    MeetingRequest.objects.create(
        deputy=deputy,
        organ=f.OrganizationFactory(kind=OrganizationKind.HANDLING_UNIT),
        subject="反映加装电梯问题",
        created_by=deputy.person.user,
    )


def _quota_policy(i, **_):
    QuotaPolicy.objects.create(congress=f.CongressFactory(), year=2026)


@pytest.mark.parametrize(
    "model,add_row",
    [
        ("closedyear", _closed_year),
        ("quotaexemption", _quota_exemption),
        ("researchreport", _research_report),
        ("trainingplan", _training_plan),
        ("meetingrequest", _meeting_request),
        ("quotapolicy", _quota_policy),
    ],
)
def test_an_admin_list_of_the_record_costs_the_same_for_3_or_30_rows(
    login, admin_user, deputy, yueyang_deputies, model, add_row
):
    url = reverse(f"admin:contacts_{model}_changelist")
    client = login(admin_user)
    rows = iter(range(MANY))

    def grow(n):
        for _ in range(n):
            add_row(next(rows), deputy=deputy, make_deputies=yueyang_deputies)

    grow(FEW)
    client.get(url)
    few, _ = count_queries(lambda: client.get(url))
    grow(MANY - FEW)
    many, response = count_queries(lambda: client.get(url))

    assert response.status_code == 200
    assert response.context["cl"].result_count == MANY
    assert few == many


# --- Training attendance --------------------------------------------------------------------------


@pytest.fixture
def session(street_staff, district_congress):
    plan = services.create_training_plan(
        actor=street_staff, congress=district_congress, year=2026, title="履职培训"
    )
    return services.add_training_session(
        actor=street_staff, plan=plan, title="代表建议撰写", date=datetime.date(2026, 4, 1)
    )


def test_recording_attendance_costs_the_same_for_3_or_30_deputies(
    login, street_staff, session, yueyang_deputies
):
    deputies = yueyang_deputies(MANY)
    url = reverse("contacts:training_attendance", args=[session.pk])
    client = login(street_staff)

    def post(chosen, status):
        return client.post(url, {f"d{d.pk}": status for d in chosen})

    post(deputies[:FEW], AttendanceStatus.PRESENT)
    few, _ = count_queries(lambda: post(deputies[:FEW], AttendanceStatus.PRESENT))
    many, response = count_queries(lambda: post(deputies, AttendanceStatus.ABSENT))

    assert response.status_code == 302
    assert few == many
    # Every deputy is recorded once, those recorded before with their status replaced.
    assert dict(session.attendances.values_list("deputy_id", "status")) == {
        d.pk: AttendanceStatus.ABSENT for d in deputies
    }


def test_attendance_for_a_deputy_outside_the_jurisdiction_is_refused_and_nothing_is_written(
    street_staff, session, deputy, other_deputy
):
    with pytest.raises(PermissionDenied, match="鲍勃不在您所在机构的联系范围内"):
        services.record_attendances(
            actor=street_staff,
            session=session,
            statuses={deputy: AttendanceStatus.PRESENT, other_deputy: AttendanceStatus.PRESENT},
        )

    assert not TrainingAttendance.objects.exists()


def test_attendance_with_an_unknown_status_is_refused_and_nothing_is_written(street_staff, session, deputy):
    services.record_attendances(
        actor=street_staff, session=session, statuses={deputy: AttendanceStatus.PRESENT}
    )

    with pytest.raises(ValidationError) as refused:
        services.record_attendances(actor=street_staff, session=session, statuses={deputy: "asleep"})

    assert refused.value.message_dict == {"status": ["请选择出席情况。"]}
    assert session.attendances.get().status == AttendanceStatus.PRESENT


def test_attendance_may_be_recorded_only_by_liaison_staff(session, deputy):
    with pytest.raises(PermissionDenied, match="只有联络机构工作人员可以办理此事项"):
        services.record_attendances(
            actor=deputy.person.user, session=session, statuses={deputy: AttendanceStatus.PRESENT}
        )

    assert not TrainingAttendance.objects.exists()


# --- Registering for many deputies ----------------------------------------------------------------


def test_registering_an_activity_costs_the_same_for_3_or_30_deputies(
    login, street_staff, yueyang_constituency, yueyang_deputies
):
    deputies = yueyang_deputies(MANY)
    client = login(street_staff)

    def post(chosen):
        return client.post(
            reverse("contacts:register"),
            {
                "deputies": [d.pk for d in chosen],
                "kind": "centralized",
                "date": "2026-06-01",
                "constituency": yueyang_constituency.pk,
                "people_reached": 10,
                "is_constituency_contact": "on",
                "is_centralized": "on",
                "summary": "集中联系选民",
            },
        )

    post(deputies[:FEW])
    few, _ = count_queries(lambda: post(deputies[:FEW]))
    many, response = count_queries(lambda: post(deputies))

    assert response.status_code == 302
    assert few == many
    assert ContactActivity.objects.latest("pk").participations.count() == MANY


def test_recording_a_research_report_costs_the_same_for_3_or_30_deputies(
    login, street_staff, yueyang_deputies
):
    deputies = yueyang_deputies(MANY)
    client = login(street_staff)

    def post(chosen):
        return client.post(
            reverse("contacts:research_create"),
            {
                "kind": "research",
                "title": "加装电梯调研",
                "date": "2026-06-01",
                "deputies": [d.pk for d in chosen],
            },
        )

    post(deputies[:FEW])
    few, _ = count_queries(lambda: post(deputies[:FEW]))
    many, response = count_queries(lambda: post(deputies))

    assert response.status_code == 302
    assert few == many
    assert ResearchReport.objects.latest("pk").deputies.count() == MANY


def test_staff_registering_many_deputies_are_refused_for_one_outside_their_jurisdiction(
    street_staff, deputy, other_deputy, yueyang_constituency
):
    with pytest.raises(PermissionDenied, match="鲍勃不在您所在机构的联系范围内"):
        services.register_activity_for_group(
            actor=street_staff,
            date=datetime.date(2026, 6, 1),
            constituency=yueyang_constituency,
            people_reached=10,
            deputies=[deputy, other_deputy],
        )

    assert not ContactActivity.objects.exists()


def test_staff_recording_research_are_refused_for_a_deputy_outside_their_jurisdiction(
    street_staff, deputy, other_deputy
):
    with pytest.raises(PermissionDenied, match="鲍勃不在您所在机构的联系范围内"):
        services.record_research_report(
            actor=street_staff, title="调研", date=datetime.date(2026, 6, 1), deputies=[deputy, other_deputy]
        )

    assert not ResearchReport.objects.exists()


# --- API ------------------------------------------------------------------------------------------


def api_post(client, constituency, participants, **extra):
    data = {
        "kind": "centralized",
        "date": "2026-06-02",
        "people_reached": 5,
        "constituency": constituency.pk,
        "participants": participants,
        "is_constituency_contact": True,
        "is_centralized": True,
        **extra,
    }
    return client.post("/api/v1/activities/", data=json.dumps(data), content_type="application/json")


def test_posting_an_activity_to_the_api_costs_the_same_for_3_or_30_participants(
    login, street_staff, yueyang_constituency, yueyang_deputies
):
    deputies = yueyang_deputies(MANY)
    client = login(street_staff)
    ids = [d.pk for d in deputies]

    api_post(client, yueyang_constituency, ids[:FEW])
    few, _ = count_queries(lambda: api_post(client, yueyang_constituency, ids[:FEW]))
    many, response = count_queries(lambda: api_post(client, yueyang_constituency, ids))

    assert response.status_code == 201
    assert few == many
    assert [p["deputy"] for p in response.json()["participants"]] == sorted(ids)


def test_the_api_refuses_an_unknown_participant_and_writes_nothing(
    login, street_staff, deputy, yueyang_constituency
):
    response = api_post(login(street_staff), yueyang_constituency, [deputy.pk, 987654])

    assert response.status_code == 400
    assert response.json() == {"participants": ["无效主键 “987654” － 对象不存在。"]}
    assert not ContactActivity.objects.exists()


def test_the_api_refuses_a_participant_that_is_not_an_id(login, street_staff, deputy, yueyang_constituency):
    response = api_post(login(street_staff), yueyang_constituency, [deputy.pk, "艾丽丝"])

    assert response.status_code == 400
    assert response.json() == {"participants": ["类型错误。期望为主键，获得的类型为 str。"]}
    assert not ContactActivity.objects.exists()


def test_the_api_refuses_an_unknown_opinion_and_writes_nothing(
    login, street_staff, deputy, yueyang_constituency
):
    response = api_post(login(street_staff), yueyang_constituency, [deputy.pk], opinions=[987654])

    assert response.status_code == 400
    assert response.json() == {"opinions": ["无效主键 “987654” － 对象不存在。"]}
    assert not ContactActivity.objects.exists()


def test_the_api_refuses_staff_a_participant_outside_their_jurisdiction(
    login, street_staff, deputy, other_deputy, yueyang_constituency
):
    response = api_post(login(street_staff), yueyang_constituency, [deputy.pk, other_deputy.pk])

    assert response.status_code == 403
    assert response.json() == {"detail": "鲍勃不在您所在机构的联系范围内。"}
    assert not ContactActivity.objects.exists()


def test_the_api_links_the_opinions_given_by_id(
    login, street_staff, deputy, yueyang_constituency, yueyang_community
):
    opinions = [OpinionFactory(region=yueyang_community, deputy=deputy) for _ in range(2)]

    response = api_post(
        login(street_staff), yueyang_constituency, [deputy.pk], opinions=[o.pk for o in opinions]
    )

    assert response.status_code == 201
    assert sorted(response.json()["opinions"]) == sorted(o.pk for o in opinions)
