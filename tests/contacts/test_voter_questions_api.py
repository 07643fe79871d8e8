"""The API of voters' views and questions (§二(五)): the rules of the pages (contacts/question_api.py)."""

import datetime

import pytest

from contacts import question_services
from contacts.models import VoterQuestion, VoterQuestionState
from tests.contacts.factories import VoterReportFactory

QUESTION = "社区菜场什么时候能改造？"
NAME, PHONE = "李建国", "13800001111"


@pytest.fixture
def report(deputy):
    return VoterReportFactory(deputy=deputy, date=datetime.date(2026, 5, 20))


@pytest.fixture
def question(deputy, report):
    return question_services.ask_online(
        deputy=deputy, report=report, content=QUESTION, submitter_name=NAME, submitter_phone=PHONE
    )


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_staff_record_at_the_meeting_and_list_the_reports_questions(login, report, street_staff):
    client = login(street_staff)

    created = post(
        client, f"/api/v1/voter-reports/{report.pk}/questions/", {"kind": "view", "content": QUESTION}
    )

    assert created.status_code == 201, created.json()
    assert created.json()["state"] == "approved"
    listed = client.get(f"/api/v1/voter-reports/{report.pk}/questions/").json()
    assert [q["content"] for q in listed] == [QUESTION]


def test_another_office_or_deputy_gets_404_for_the_report_and_its_questions(
    login, report, question, other_street_staff, other_deputy
):
    for user in (other_street_staff, other_deputy.person.user):
        client = login(user)
        assert client.get(f"/api/v1/voter-reports/{report.pk}/questions/").status_code == 404
        assert (
            post(client, f"/api/v1/voter-reports/{report.pk}/questions/", {"content": "x"}).status_code == 404
        )
        assert client.get(f"/api/v1/voter-questions/{question.pk}/").status_code == 404
        assert post(client, f"/api/v1/voter-questions/{question.pk}/approve/").status_code == 404
        assert (
            post(client, f"/api/v1/voter-questions/{question.pk}/answer/", {"answer": "冒答"}).status_code
            == 404
        )
    question.refresh_from_db()
    assert (question.state, question.answer) == (VoterQuestionState.PENDING, "")
    assert VoterQuestion.objects.count() == 1


def test_moderate_then_answer_and_the_public_list_hides_the_submitter(
    login, client, question, street_staff, deputy
):
    staff = login(street_staff)
    assert post(staff, f"/api/v1/voter-questions/{question.pk}/reject/").status_code == 400  # no reason
    assert post(staff, f"/api/v1/voter-questions/{question.pk}/approve/").json()["state"] == "approved"
    assert post(staff, f"/api/v1/voter-questions/{question.pk}/approve/").status_code == 409
    # Staff do not answer for the deputy.
    assert (
        post(staff, f"/api/v1/voter-questions/{question.pk}/answer/", {"answer": "代答"}).status_code == 404
    )

    answered = post(
        login(deputy.person.user), f"/api/v1/voter-questions/{question.pk}/answer/", {"answer": "年内开工。"}
    )
    assert answered.status_code == 200
    assert answered.json()["answer"] == "年内开工。"

    client.logout()
    body = client.get(f"/api/v1/public/voter-questions/?deputy={deputy.pk}").json()
    assert [(q["content"], q["answer"]) for q in body["results"]] == [(QUESTION, "年内开工。")]
    assert NAME not in str(body) and PHONE not in str(body)
    assert "submitter_name" not in body["results"][0]


def test_the_public_list_holds_approved_questions_only(client, question):
    assert client.get("/api/v1/public/voter-questions/").json()["count"] == 0


def test_a_committee_member_recording_at_a_report_gets_a_json_404(report, committee_member):
    """Found by `make fuzz`: the refusal had no body and no Content-Type, unlike every API 404."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(committee_member)

    response = api.post(
        f"/api/v1/voter-reports/{report.pk}/questions/", {"kind": "view", "content": "路灯"}, format="json"
    )

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
