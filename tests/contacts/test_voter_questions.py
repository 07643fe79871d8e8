"""Voters' views of their deputy's work and their questions (§二(五), issue 16): sent online from the
deputy's public profile (anonymous allowed, rate-limited) or recorded at a report meeting; moderated
by the liaison body before they show; answered by the deputy; shown with the report in public, never
with the submitter's name or phone."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

from contacts import question_services
from contacts.models import VoterQuestion, VoterQuestionChannel, VoterQuestionState
from tests.contacts.factories import VoterReportFactory

QUESTION = "小区加装电梯的事，代表去年说要调研，现在进展如何？"
NAME, PHONE = "王秀英", "13912345678"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def report(deputy):
    return VoterReportFactory(
        deputy=deputy, date=datetime.date(2026, 5, 20), constituency=deputy.constituency
    )


def ask(client, deputy, **changes):
    data = {"kind": "question", "content": QUESTION, "submitter_name": NAME, "submitter_phone": PHONE}
    data.update(changes)
    return client.post(f"/voters/deputies/{deputy.pk}/ask/", data)


def test_a_voter_asks_online_and_it_shows_only_once_approved_never_with_their_name(
    citizen, login, deputy, report, street_staff
):
    profile = f"/deputies/{deputy.pk}/"
    assert 'href="/voters/deputies/' in citizen.get(profile).content.decode()  # a link: no CSRF token

    response = ask(citizen, deputy, report=report.pk)

    assert response.status_code == 302
    question = VoterQuestion.objects.get()
    assert (question.state, question.channel, question.report) == ("pending", "online", report)
    assert (question.submitter_name, question.submitter_phone) == (NAME, PHONE)
    assert QUESTION not in citizen.get(profile).content.decode()

    question_services.approve(actor=street_staff, question=question)
    question_services.answer(actor=deputy.person.user, question=question, text="已列入今年的实事项目。")
    citizen.logout()
    for url in (profile, f"/voters/reports/{report.pk}/"):
        page = citizen.get(url).content.decode()
        assert QUESTION in page and "已列入今年的实事项目。" in page
        assert NAME not in page and PHONE not in page and PHONE[-4:] not in page


def test_an_anonymous_view_without_name_or_phone_is_accepted(citizen, deputy):
    assert ask(citizen, deputy, kind="view", submitter_name="", submitter_phone="").status_code == 302
    assert VoterQuestion.objects.get().kind == "view"


def test_a_wrong_phone_or_an_empty_text_is_refused_with_everything_kept(citizen, deputy):
    response = ask(citizen, deputy, submitter_phone="12345")
    assert response.status_code == 400
    assert "请输入正确的手机号码" in response.content.decode()
    assert QUESTION in response.content.decode()
    assert ask(citizen, deputy, content="  ").status_code == 400
    assert not VoterQuestion.objects.exists()


def test_another_deputys_report_cannot_be_chosen(citizen, deputy, other_deputy, report):
    bobs = VoterReportFactory(deputy=other_deputy)
    assert ask(citizen, deputy, report=bobs.pk).status_code == 400
    with pytest.raises(ValidationError):
        question_services.ask_online(deputy=deputy, content=QUESTION, report=bobs)
    assert not VoterQuestion.objects.exists()


def test_too_many_questions_from_one_address_answer_429(citizen, deputy, settings):
    settings.OPINION_RATE = "2/hour"
    codes = [ask(citizen, deputy, content=f"{QUESTION}（{i}）").status_code for i in range(3)]

    assert codes == [302, 302, 429]
    assert VoterQuestion.objects.count() == 2


# --- Moderation: liaison staff within their jurisdiction ---------------------------------------------


def test_staff_of_another_office_cannot_moderate_by_id(login, deputy, other_street_staff, street_staff):
    question = question_services.ask_online(deputy=deputy, content=QUESTION)
    client = login(other_street_staff)

    assert client.post(f"/activities/voter-questions/{question.pk}/approve/").status_code == 404
    assert (
        client.post(f"/activities/voter-questions/{question.pk}/reject/", {"reason": "x"}).status_code == 404
    )
    assert QUESTION not in client.get("/activities/voter-questions/").content.decode()
    with pytest.raises(PermissionDenied):
        question_services.approve(actor=other_street_staff, question=question)
    question.refresh_from_db()
    assert question.state == VoterQuestionState.PENDING

    own = login(street_staff)
    assert QUESTION in own.get("/activities/voter-questions/").content.decode()
    assert own.post(f"/activities/voter-questions/{question.pk}/approve/").status_code == 302
    question.refresh_from_db()
    assert (question.state, question.moderated_by) == ("approved", street_staff)


def test_a_deputy_cannot_moderate_even_their_own(login, deputy):
    question = question_services.ask_online(deputy=deputy, content=QUESTION)
    client = login(deputy.person.user)

    assert client.post(f"/activities/voter-questions/{question.pk}/approve/").status_code == 404
    question.refresh_from_db()
    assert question.state == VoterQuestionState.PENDING


def test_a_rejection_needs_a_reason_and_keeps_it_out_of_public_view(login, citizen, deputy, street_staff):
    question = question_services.ask_online(deputy=deputy, content=QUESTION)
    client = login(street_staff)

    client.post(f"/activities/voter-questions/{question.pk}/reject/", {"reason": ""})
    question.refresh_from_db()
    assert question.state == VoterQuestionState.PENDING

    client.post(f"/activities/voter-questions/{question.pk}/reject/", {"reason": "含他人住址"})
    question.refresh_from_db()
    assert (question.state, question.rejection_reason) == ("rejected", "含他人住址")
    client.logout()
    assert QUESTION not in citizen.get(f"/deputies/{deputy.pk}/").content.decode()


def test_of_two_moderators_only_the_first_decides(login, deputy, street_staff, admin_user):
    question = question_services.ask_online(deputy=deputy, content=QUESTION)
    stale = VoterQuestion.objects.get(pk=question.pk)
    question_services.reject(actor=admin_user, question=question, reason="重复")

    response = login(street_staff).post(f"/activities/voter-questions/{stale.pk}/approve/", follow=True)

    assert "已由他人审核" in response.content.decode()
    stale.refresh_from_db()
    assert stale.state == VoterQuestionState.REJECTED


# --- Answers: the deputy themself only ---------------------------------------------------------------


def test_another_deputy_cannot_answer_by_id(login, deputy, other_deputy, street_staff):
    question = question_services.ask_online(deputy=deputy, content=QUESTION)
    client = login(other_deputy.person.user)

    assert (
        client.post(f"/activities/voter-questions/{question.pk}/answer/", {"answer": "冒答"}).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        question_services.answer(actor=other_deputy.person.user, question=question, text="冒答")
    with pytest.raises(PermissionDenied):  # staff moderate; they do not answer for the deputy
        question_services.answer(actor=street_staff, question=question, text="代答")
    question.refresh_from_db()
    assert question.answer == ""


def test_the_deputy_answers_on_the_work_page(login, deputy):
    question = question_services.ask_online(deputy=deputy, content=QUESTION)
    client = login(deputy.person.user)
    assert QUESTION in client.get("/activities/voter-questions/").content.decode()

    response = client.post(
        f"/activities/voter-questions/{question.pk}/answer/", {"answer": "下周到小区调研。"}
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "下周到小区调研。" and question.answered_at is not None


# --- At a report meeting ------------------------------------------------------------------------------


def test_staff_record_a_meeting_question_and_it_shows_at_once(login, citizen, deputy, report, street_staff):
    client = login(street_staff)
    response = client.post(
        f"/activities/voter-reports/{report.pk}/questions/new/",
        {"kind": "view", "content": "希望代表多到老小区走走。", "submitter_name": NAME},
    )

    assert response.status_code == 302
    question = VoterQuestion.objects.get()
    assert (question.state, question.channel) == ("approved", VoterQuestionChannel.MEETING)
    client.logout()
    page = citizen.get(f"/voters/reports/{report.pk}/").content.decode()
    assert "希望代表多到老小区走走。" in page and NAME not in page


def test_what_the_deputy_records_waits_for_moderation(login, deputy, report):
    client = login(deputy.person.user)
    client.post(
        f"/activities/voter-reports/{report.pk}/questions/new/", {"kind": "question", "content": QUESTION}
    )

    assert VoterQuestion.objects.get().state == VoterQuestionState.PENDING


def test_nobody_records_for_another_deputys_or_another_offices_report(
    login, deputy, other_deputy, other_street_staff, report
):
    for user in (other_deputy.person.user, other_street_staff):
        response = login(user).post(
            f"/activities/voter-reports/{report.pk}/questions/new/", {"kind": "question", "content": QUESTION}
        )
        assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        question_services.record_at_meeting(actor=other_street_staff, report=report, content=QUESTION)
    assert not VoterQuestion.objects.exists()


def test_the_public_report_page_is_bounded_in_queries(
    citizen, deputy, report, street_staff, django_assert_max_num_queries
):
    for i in range(5):
        q = question_services.record_at_meeting(actor=street_staff, report=report, content=f"{QUESTION}{i}")
        question_services.answer(actor=deputy.person.user, question=q, text=f"答复{i}")

    with django_assert_max_num_queries(8):
        page = citizen.get(f"/voters/reports/{report.pk}/").content.decode()
    assert page.count("答复") >= 5


def test_the_profile_with_reports_and_questions_runs_a_fixed_number_of_queries(
    citizen, deputy, report, street_staff
):
    def profile_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert citizen.get(f"/deputies/{deputy.pk}/").status_code == 200
        return len(queries)

    citizen.get(f"/deputies/{deputy.pk}/")
    few = profile_queries()
    for i in range(6):
        question = question_services.record_at_meeting(
            actor=street_staff, report=report, content=f"{QUESTION}{i}"
        )
        question_services.answer(actor=deputy.person.user, question=question, text=f"答复{i}")
        VoterReportFactory(deputy=deputy, date=datetime.date(2025, 1, 1 + i))
    # The writes move the data version of the memoised reference data (pagecache.memo): one refill.
    citizen.get(f"/deputies/{deputy.pk}/")

    assert profile_queries() == few
