"""Reports to the voters and training sessions are planned like activities (issue 16, item 3): announced
ahead, on the public calendar and in the iCalendar feeds with their times in Asia/Shanghai, and a
planned report becomes the record in one step once held (only then is it the term's report)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from contacts import selectors, services
from contacts.models import TrainingEnrolment, TrainingPlan, TrainingSession, VoterQuestion, VoterReport
from deputies.models import Deputy
from tests import factories as f

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int = 10):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture(autouse=True)
def frozen_today():
    with at(datetime.date(2026, 6, 15)):
        yield


@pytest.fixture
def venue(yueyang):
    return f.ContactPointFactory(name="岳阳代表之家", region=yueyang, address="岳阳路1号")


def feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {str(e["SUMMARY"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


def report_done(deputy) -> bool:
    return selectors.with_voter_report_done(Deputy.objects.filter(pk=deputy.pk)).get().voter_report_done


def plan_payload(deputy, venue, **changes):
    data = {
        "deputy": deputy.pk,
        "date": "2026-06-27",
        "start_time": "19:00",
        "end_time": "20:30",
        "venue": venue.pk,
        "planned": True,
        "is_public": True,
    }
    data.update(changes)
    return data


# --- Reports to the voters -----------------------------------------------------------------------------


def test_a_planned_report_is_announced_through_the_api_and_shows_on_the_calendar_and_feeds(
    login, client, deputy, venue
):
    api = login(deputy.person.user)
    response = api.post(
        "/api/v1/voter-reports/", plan_payload(deputy, venue), content_type="application/json"
    )

    assert response.status_code == 201, response.json()
    report = VoterReport.objects.get(pk=response.json()["id"])
    assert report.planned and not report_done(deputy)
    api.logout()

    title = "艾丽丝代表向选民报告履职情况"
    for url in (
        "/calendar/songjiang.ics",
        f"/calendar/deputies/{deputy.pk}.ics",
        f"/calendar/venues/{venue.pk}.ics",
    ):
        event = feed(client, url)[title]
        assert event.decoded("DTSTART") == datetime.datetime(2026, 6, 27, 19, 0, tzinfo=SHANGHAI)
        assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
        assert event.decoded("DTEND") == datetime.datetime(2026, 6, 27, 20, 30, tzinfo=SHANGHAI)
        assert "岳阳代表之家" in str(event["LOCATION"])
        assert str(event["URL"]).endswith(f"/voters/reports/{report.pk}/")
    page = client.get("/calendar/").content.decode()
    assert title in page and f"/voters/reports/{report.pk}/" in page
    assert title in client.get(f"/deputies/{deputy.pk}/").content.decode()


def test_without_planned_a_future_report_stays_a_400(login, deputy, venue):
    response = login(deputy.person.user).post(
        "/api/v1/voter-reports/",
        {**plan_payload(deputy, venue), "planned": False, "content": "报告"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert not VoterReport.objects.exists()


def test_a_report_not_public_stays_off_the_calendar(client, deputy, venue):
    services.plan_voter_report(
        actor=deputy.person.user, deputy=deputy, date=datetime.date(2026, 6, 27), venue=venue, is_public=False
    )

    assert feed(client, "/calendar/songjiang.ics") == {}
    assert "向选民报告履职情况" not in client.get("/calendar/").content.decode().split("即将举行的活动")[1]


def test_a_planned_report_becomes_the_record_in_one_step_once_held(login, deputy, venue):
    api = login(deputy.person.user)
    report = api.post(
        "/api/v1/voter-reports/", plan_payload(deputy, venue), content_type="application/json"
    ).json()
    held_url = f"/api/v1/voter-reports/{report['id']}/held/"

    early = api.post(held_url, {"attendance": 40, "content": "报告"}, content_type="application/json")
    assert early.status_code == 400
    assert not report_done(deputy)

    with at(datetime.date(2026, 6, 27), hour=21):
        response = api.post(
            held_url, {"attendance": 40, "content": "一年来的履职情况"}, content_type="application/json"
        )
        assert response.status_code == 200, response.json()
        assert (response.json()["planned"], response.json()["attendance"]) == (False, 40)
        assert report_done(deputy)
        again = api.post(held_url, {"attendance": 41, "content": "再次"}, content_type="application/json")
        assert again.status_code == 409
    assert VoterReport.objects.get().attendance == 40


def test_another_deputy_or_office_cannot_record_a_plan_by_id(
    login, deputy, other_deputy, other_street_staff, venue
):
    report = services.plan_voter_report(
        actor=deputy.person.user, deputy=deputy, date=datetime.date(2026, 6, 15), venue=venue
    )
    for user in (other_deputy.person.user, other_street_staff):
        client = login(user)
        assert (
            client.post(f"/activities/voter-reports/{report.pk}/held/", {"attendance": 3}).status_code == 404
        )
        response = client.post(
            f"/api/v1/voter-reports/{report.pk}/held/",
            {"attendance": 3, "content": "x"},
            content_type="application/json",
        )
        assert response.status_code == 404
    report.refresh_from_db()
    assert report.planned


def test_the_deputy_plans_and_records_a_report_on_the_pages(login, citizen, deputy, venue):
    client = login(deputy.person.user)
    assert client.get("/activities/voter-reports/plan/").status_code == 200
    response = client.post(
        "/activities/voter-reports/plan/",
        {
            "deputy": deputy.pk,
            "date": "2026-06-20",
            "start_time": "19:00",
            "form": "oral",
            "venue": venue.pk,
            "is_public": "on",
        },
    )
    report = VoterReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/voters/reports/{report.pk}/"
    assert report.planned

    with at(datetime.date(2026, 6, 20), hour=21):
        listing = client.get("/activities/voter-reports/").content.decode()
        assert f"/activities/voter-reports/{report.pk}/held/" in listing
        client.post(
            f"/activities/voter-reports/{report.pk}/held/",
            {"attendance": "35", "content": "报告了一年来的工作"},
        )
    report.refresh_from_db()
    assert (report.planned, report.attendance) == (False, 35)


# --- Training sessions ------------------------------------------------------------------------------------


@pytest.fixture
def session(district_congress, venue, deputy):
    plan = TrainingPlan.objects.create(congress=district_congress, year=2026, title="2026年代表履职培训")
    session = TrainingSession.objects.create(
        plan=plan,
        title="代表建议撰写专题培训",
        date=datetime.date(2026, 6, 24),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(11, 30),
        venue=venue,
        is_public=True,
    )
    TrainingEnrolment.objects.create(session=session, deputy=deputy)
    return session


def test_a_public_training_session_is_on_the_calendar_and_the_feeds_of_the_venue_and_enrolled_deputies(
    client, session, deputy, other_deputy, venue
):
    event = feed(client, "/calendar/songjiang.ics")["代表建议撰写专题培训"]
    assert event.decoded("DTSTART") == datetime.datetime(2026, 6, 24, 9, 0, tzinfo=SHANGHAI)
    assert "代表建议撰写专题培训" in feed(client, f"/calendar/venues/{venue.pk}.ics")
    assert "代表建议撰写专题培训" in feed(client, f"/calendar/deputies/{deputy.pk}.ics")
    assert "代表建议撰写专题培训" not in feed(client, f"/calendar/deputies/{other_deputy.pk}.ics")
    assert "代表建议撰写专题培训" in client.get("/calendar/").content.decode()

    session.is_public = False
    session.save()
    assert feed(client, "/calendar/songjiang.ics") == {}


def test_staff_announce_a_training_session_with_its_times(
    login, client, street_staff, deputy, district_congress, venue
):
    plan = TrainingPlan.objects.create(congress=district_congress, year=2026, title="年度培训")
    response = login(street_staff).post(
        "/activities/training/sessions/new/",
        {
            "plan": plan.pk,
            "title": "预算审查监督培训",
            "date": "2026-07-02",
            "start_time": "14:00",
            "end_time": "16:00",
            "venue": venue.pk,
            "hours": "2",
            "is_public": "on",
        },
    )

    assert response.status_code == 302
    assert TrainingSession.objects.get().start_time == datetime.time(14, 0)
    client.logout()
    assert "预算审查监督培训" in feed(client, "/calendar/songjiang.ics")


def test_the_calendar_page_with_all_three_kinds_is_bounded_in_queries(
    client, session, deputy, venue, django_assert_max_num_queries
):
    services.plan_voter_report(
        actor=deputy.person.user, deputy=deputy, date=datetime.date(2026, 6, 27), venue=venue
    )
    services.log_activity(
        actor=deputy.person.user,
        kind="forum",
        date=datetime.date(2026, 6, 20),
        constituency=deputy.constituency,
        planned=True,
        title="社区座谈",
        is_public=True,
    )

    with django_assert_max_num_queries(8):
        page = client.get("/calendar/").content.decode()
    assert (
        page.index("社区座谈")
        < page.index("代表建议撰写专题培训")
        < page.index("艾丽丝代表向选民报告履职情况")
    )


def test_the_public_page_of_a_planned_report_says_when_and_where_and_takes_questions(citizen, deputy, venue):
    report = services.plan_voter_report(
        actor=deputy.person.user,
        deputy=deputy,
        date=datetime.date(2026, 6, 27),
        start_time=datetime.time(19, 0),
        venue=venue,
    )

    page = citizen.get(f"/voters/reports/{report.pk}/").content.decode()

    assert "报告计划" in page and "19:00" in page and "岳阳代表之家" in page
    assert f'action="/voters/deputies/{deputy.pk}/ask/"' in page


def test_a_plan_not_made_public_has_no_public_page_and_cannot_be_chosen(citizen, deputy, venue):
    hidden = services.plan_voter_report(
        actor=deputy.person.user, deputy=deputy, date=datetime.date(2026, 6, 27), venue=venue, is_public=False
    )

    assert citizen.get(f"/voters/reports/{hidden.pk}/").status_code == 404
    response = citizen.post(
        f"/voters/deputies/{deputy.pk}/ask/", {"kind": "question", "content": "问题", "report": hidden.pk}
    )
    assert response.status_code == 302
    assert (
        VoterQuestion.objects.get().report is None
    )  # the choice is not offered: the question goes to the deputy
