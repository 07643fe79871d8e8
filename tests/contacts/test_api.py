"""The activities and progress API (design.md contract): who sees and changes what, and bad input."""

import datetime
import io

import pytest
import time_machine
from PIL import Image

from contacts.models import ContactActivity
from deputies.models import Deputy, Person
from tests import factories as f
from tests.contacts.factories import ContactActivityFactory, activity_for

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def payload(deputy, **changes):
    data = {
        "kind": "visit",
        "date": "2026-06-01",
        "constituency": deputy.constituency_id,
        "is_constituency_contact": True,
        "is_centralized": False,
        "people_reached": 15,
        "summary": "走访人乐居委会，听取加装电梯意见",
    }
    data.update(changes)
    return data


def test_a_deputy_posts_an_activity_and_sees_it_in_their_progress(login, deputy):
    client = login(deputy.person.user)

    response = client.post("/api/v1/activities/", payload(deputy), content_type="application/json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["participants"] == [{"deputy": deputy.pk, "name": "艾丽丝", "people_met": 15}]
    assert body["confirmed"] is False
    progress = client.get(f"/api/v1/deputies/{deputy.pk}/progress/?year=2026").json()
    assert progress["constituency_contacts"] == {"done": 1, "required": 4}
    assert progress["people_reached"] == {"done": 15, "required": 40}
    assert progress["centralized_contacts"] == {"done": 0, "required": 2}
    assert progress["opinions_reflected"] == {"done": 0, "required": 4}
    assert (progress["compliant"], progress["behind_pace"], progress["exempt"]) == (False, True, False)


def test_a_deputy_posts_an_activity_with_a_photo_as_multipart(login, deputy):
    buffer = io.BytesIO()
    Image.new("RGB", (30, 30), (0, 120, 0)).save(buffer, format="JPEG")
    buffer.name = "photo.jpg"
    buffer.seek(0)

    response = login(deputy.person.user).post("/api/v1/activities/", {**payload(deputy), "photos": [buffer]})

    assert response.status_code == 201, response.json()
    assert len(response.json()["photos"]) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": "2026-06-16"}, "date"),
        ({"date": "2021-06-01"}, "date"),
        ({"date": "16/06/2026"}, "date"),
        ({"people_reached": -5}, "people_reached"),
        ({"people_reached": 50_000}, "people_reached"),
        ({"kind": "banquet"}, "kind"),
        ({"constituency": None}, "constituency"),
    ],
)
def test_bad_input_answers_400_with_the_field_error(login, deputy, changes, field):
    response = login(deputy.person.user).post(
        "/api/v1/activities/", payload(deputy, **changes), content_type="application/json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert ContactActivity.objects.count() == 0


def test_a_constituency_of_another_congress_answers_400(login, deputy, town_congress, sijing):
    town_constituency = f.ConstituencyFactory(congress=town_congress, region=sijing)

    response = login(deputy.person.user).post(
        "/api/v1/activities/",
        payload(deputy, constituency=town_constituency.pk),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "constituency" in response.json()


def test_a_photo_that_is_not_an_image_answers_400(login, deputy):
    fake = io.BytesIO(b"<?php echo 'hi'; ?>")
    fake.name = "photo.jpg"

    response = login(deputy.person.user).post("/api/v1/activities/", {**payload(deputy), "photos": [fake]})

    assert response.status_code == 400
    assert "photos" in response.json()
    assert ContactActivity.objects.count() == 0


def test_a_deputy_cannot_create_an_activity_for_another_deputy(login, deputy, other_deputy):
    response = login(deputy.person.user).post(
        "/api/v1/activities/",
        payload(other_deputy, participants=[other_deputy.pk]),
        content_type="application/json",
    )

    assert response.status_code == 403
    assert ContactActivity.objects.count() == 0


def test_a_deputy_cannot_see_or_change_another_deputys_activity_by_id(login, deputy, other_deputy):
    bobs = activity_for(other_deputy, created_by=other_deputy.person.user, summary="鲍勃的活动")
    client = login(deputy.person.user)

    assert client.get(f"/api/v1/activities/{bobs.pk}/").status_code == 404
    response = client.patch(
        f"/api/v1/activities/{bobs.pk}/", {"summary": "改"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert "鲍勃的活动" not in client.get("/api/v1/activities/").content.decode()
    bobs.refresh_from_db()
    assert bobs.summary == "鲍勃的活动"


def test_a_deputy_changes_their_own_activity(login, deputy):
    client = login(deputy.person.user)
    created = client.post("/api/v1/activities/", payload(deputy), content_type="application/json").json()

    response = client.patch(
        f"/api/v1/activities/{created['id']}/", {"people_reached": 22}, content_type="application/json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["people_reached"] == 22
    assert response.json()["participants"][0]["people_met"] == 22


def test_put_and_delete_are_not_offered(login, deputy):
    activity = activity_for(deputy, created_by=deputy.person.user)
    client = login(deputy.person.user)

    assert client.delete(f"/api/v1/activities/{activity.pk}/").status_code == 405
    assert ContactActivity.objects.filter(pk=activity.pk).exists()


def test_staff_see_activities_in_their_jurisdiction_only(login, deputy, other_deputy, street_staff):
    alices = activity_for(deputy)
    bobs = activity_for(other_deputy)
    client = login(street_staff)

    ids = [a["id"] for a in client.get("/api/v1/activities/").json()["results"]]

    assert ids == [alices.pk]
    assert client.get(f"/api/v1/activities/{bobs.pk}/").status_code == 404
    assert client.get(f"/api/v1/deputies/{other_deputy.pk}/progress/").status_code == 404
    assert client.get(f"/api/v1/deputies/{deputy.pk}/progress/").status_code == 200


def test_staff_register_for_their_deputies_but_not_for_others(login, deputy, other_deputy, street_staff):
    client = login(street_staff)

    ok = client.post(
        "/api/v1/activities/",
        payload(deputy, participants=[deputy.pk], kind="centralized"),
        content_type="application/json",
    )
    refused = client.post(
        "/api/v1/activities/",
        payload(other_deputy, participants=[other_deputy.pk]),
        content_type="application/json",
    )

    assert ok.status_code == 201
    assert ok.json()["confirmed"] is True
    assert refused.status_code == 403
    assert ContactActivity.objects.count() == 1


def test_staff_confirm_a_deputys_activity_and_the_other_street_gets_404(
    login, deputy, street_staff, other_street_staff
):
    activity = activity_for(deputy, created_by=deputy.person.user)

    assert login(other_street_staff).post(f"/api/v1/activities/{activity.pk}/confirm/").status_code == 404
    # The confirmation names the version the confirmer saw (the activity's updated_at).
    response = login(street_staff).post(
        f"/api/v1/activities/{activity.pk}/confirm/",
        {"version": activity.updated_at.isoformat()},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["confirmed"] is True


def test_a_closed_year_refuses_changes_and_takes_an_amendment_with_a_reason(
    login, deputy, street_staff, admin_user
):
    from contacts.models import ClosedYear

    activity = activity_for(deputy, date=datetime.date(2025, 10, 1), people_reached=20)
    ClosedYear.objects.create(year=2025, closed_by=admin_user)
    client = login(street_staff)

    refused = client.patch(
        f"/api/v1/activities/{activity.pk}/", {"people_reached": 30}, content_type="application/json"
    )
    no_reason = client.post(
        f"/api/v1/activities/{activity.pk}/amend/", {"people_reached": 30}, content_type="application/json"
    )
    amended = client.post(
        f"/api/v1/activities/{activity.pk}/amend/",
        {"people_reached": 30, "reason": "补录签到表"},
        content_type="application/json",
    )

    assert refused.status_code == 400
    assert "已关闭" in str(refused.json())
    assert no_reason.status_code == 400
    assert amended.status_code == 200
    assert amended.json()["people_reached"] == 30
    assert amended.json()["amendments"][0]["reason"] == "补录签到表"


@pytest.mark.parametrize("who", ["deputy", "street_staff", "committee_member", "admin_user"])
def test_progress_is_visible_to_the_deputy_their_staff_linked_committee_members_and_admins(
    request, login, deputy, who
):
    user = request.getfixturevalue(who)
    user = user.person.user if who == "deputy" else user

    response = login(user).get(f"/api/v1/deputies/{deputy.pk}/progress/?year=2026")

    assert response.status_code == 200
    assert response.json()["deputy"] == deputy.pk


@pytest.mark.parametrize("who", ["other_deputy", "other_street_staff", "town_staff", "handling_unit_staff"])
def test_progress_is_404_for_everyone_else(request, login, deputy, who):
    user = request.getfixturevalue(who)
    user = user.person.user if who == "other_deputy" else user

    assert login(user).get(f"/api/v1/deputies/{deputy.pk}/progress/").status_code == 404


def test_progress_is_404_for_the_public(citizen, deputy):
    assert citizen.get(f"/api/v1/deputies/{deputy.pk}/progress/").status_code == 404


def test_progress_rejects_a_bad_year(login, deputy):
    client = login(deputy.person.user)

    assert client.get(f"/api/v1/deputies/{deputy.pk}/progress/?year=abc").status_code == 400
    assert client.get(f"/api/v1/deputies/{deputy.pk}/progress/?as_of=2026-13-01").status_code == 400


def test_anonymous_users_get_no_activities(citizen, deputy):
    activity_for(deputy)

    assert citizen.get("/api/v1/activities/").status_code in (401, 403)


def _activities(deputy, n):
    for i in range(n):
        activity = ContactActivityFactory(
            constituency=deputy.constituency, participants=[deputy], date=datetime.date(2026, 1, 1 + i % 28)
        )
        others = Deputy.objects.bulk_create(
            [
                Deputy(
                    person=Person.objects.create(name=f"同组代表{i}"),
                    congress=deputy.congress,
                    constituency=deputy.constituency,
                    start_date=datetime.date(2022, 1, 1),
                )
            ]
        )
        activity.participations.create(deputy=others[0], people_met=3)


@pytest.mark.parametrize("n", [2, 30])
def test_the_activity_list_runs_a_constant_number_of_queries(
    login, deputy, street_staff, django_assert_max_num_queries, n
):
    _activities(deputy, n)
    client = login(street_staff)

    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/activities/")

    assert response.json()["count"] == n


def test_a_deputy_asks_for_a_meeting_and_the_liaison_body_arranges_it(login, deputy, street_staff):
    created = login(deputy.person.user).post(
        "/api/v1/meeting-requests/",
        {"deputy": deputy.pk, "organ_name": "区住建委", "head_name": "主任", "subject": "加装电梯进度"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    meeting_id = created.json()["id"]
    client = login(street_staff)

    missing_time = client.post(
        f"/api/v1/meeting-requests/{meeting_id}/arrange/", {}, content_type="application/json"
    )
    arranged = client.post(
        f"/api/v1/meeting-requests/{meeting_id}/arrange/",
        {"scheduled_at": "2026-06-20T09:30:00+08:00", "place": "区住建委会议室"},
        content_type="application/json",
    )
    held = client.post(
        f"/api/v1/meeting-requests/{meeting_id}/record/",
        {"held_on": "2026-06-15", "notes": "主任介绍进度"},
        content_type="application/json",
    )

    assert missing_time.status_code == 400
    assert arranged.status_code == 200
    assert arranged.json()["state"] == "arranged"
    assert held.json()["state"] == "held"


def test_a_declined_meeting_cannot_be_arranged_and_answers_409(login, deputy, street_staff):
    from tests.contacts.factories import MeetingRequestFactory

    meeting = MeetingRequestFactory(deputy=deputy)
    client = login(street_staff)

    no_reason = client.post(
        f"/api/v1/meeting-requests/{meeting.pk}/decline/", {}, content_type="application/json"
    )
    declined = client.post(
        f"/api/v1/meeting-requests/{meeting.pk}/decline/",
        {"reason": "负责人出差"},
        content_type="application/json",
    )
    conflict = client.post(
        f"/api/v1/meeting-requests/{meeting.pk}/arrange/",
        {"scheduled_at": "2026-06-20T09:30:00+08:00"},
        content_type="application/json",
    )

    assert no_reason.status_code == 400
    assert declined.json()["decline_reason"] == "负责人出差"
    assert conflict.status_code == 409


def test_a_deputy_cannot_see_or_ask_meetings_or_reports_for_another_deputy(login, deputy, other_deputy):
    from tests.contacts.factories import MeetingRequestFactory, VoterReportFactory

    bobs_meeting = MeetingRequestFactory(deputy=other_deputy)
    bobs_report = VoterReportFactory(deputy=other_deputy)
    client = login(deputy.person.user)

    assert client.get(f"/api/v1/meeting-requests/{bobs_meeting.pk}/").status_code == 404
    assert client.get(f"/api/v1/voter-reports/{bobs_report.pk}/").status_code == 404
    asked = client.post(
        "/api/v1/meeting-requests/",
        {"deputy": other_deputy.pk, "organ_name": "区教育局", "subject": "冒名"},
        content_type="application/json",
    )
    reported = client.post(
        "/api/v1/voter-reports/",
        {"deputy": other_deputy.pk, "date": "2026-05-01", "form": "oral", "content": "冒名"},
        content_type="application/json",
    )
    assert asked.status_code == 404
    assert reported.status_code == 404
    assert client.get("/api/v1/voter-reports/").json()["count"] == 0


def test_a_deputy_records_a_report_to_voters_through_the_api(login, deputy):
    response = login(deputy.person.user).post(
        "/api/v1/voter-reports/",
        {
            "deputy": deputy.pk,
            "date": "2026-05-01",
            "form": "oral",
            "attendance": 48,
            "content": "报告履职情况",
        },
        content_type="application/json",
    )
    future = login(deputy.person.user).post(
        "/api/v1/voter-reports/",
        {"deputy": deputy.pk, "date": "2026-07-01", "form": "oral", "content": "报告"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["attendance"] == 48
    assert future.status_code == 400
    assert "date" in future.json()


@pytest.mark.parametrize("n", [2, 25])
def test_the_meeting_and_report_lists_run_a_constant_number_of_queries(
    login, deputy, street_staff, django_assert_max_num_queries, n
):
    from tests.contacts.factories import MeetingRequestFactory, VoterReportFactory

    for _ in range(n):
        MeetingRequestFactory(deputy=deputy)
        VoterReportFactory(deputy=deputy, constituency=deputy.constituency)
    client = login(street_staff)

    with django_assert_max_num_queries(8):
        meetings = client.get("/api/v1/meeting-requests/")
    with django_assert_max_num_queries(8):
        reports = client.get("/api/v1/voter-reports/")

    assert meetings.json()["count"] == reports.json()["count"] == n


def test_a_committee_member_reads_linked_deputies_activities_but_cannot_change_them(
    login, deputy, other_deputy, committee_member
):
    alices = activity_for(deputy, created_by=deputy.person.user)
    bobs = activity_for(other_deputy)
    client = login(committee_member)

    assert [a["id"] for a in client.get("/api/v1/activities/").json()["results"]] == [alices.pk]
    assert client.get(f"/api/v1/activities/{bobs.pk}/").status_code == 404
    response = client.patch(
        f"/api/v1/activities/{alices.pk}/", {"summary": "改"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_staff_correct_activities_in_their_jurisdiction_and_other_streets_get_404(
    login, deputy, street_staff, other_street_staff
):
    activity = activity_for(deputy, created_by=deputy.person.user, people_reached=10)

    other = login(other_street_staff).patch(
        f"/api/v1/activities/{activity.pk}/", {"people_reached": 99}, content_type="application/json"
    )
    own = login(street_staff).patch(
        f"/api/v1/activities/{activity.pk}/", {"people_reached": 12}, content_type="application/json"
    )

    assert other.status_code == 404
    assert own.status_code == 200
    activity.refresh_from_db()
    assert activity.people_reached == 12
