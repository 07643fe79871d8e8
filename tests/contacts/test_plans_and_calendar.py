"""Planned activities (§五(三)): announced ahead, never counted until recorded as held; the public
calendar and its iCalendar feeds (one per deputy, one per venue, one for the district)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from contacts import quotas, services
from contacts.models import ContactActivity
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


def plan_payload(deputy, **changes):
    data = {
        "kind": "centralized",
        "date": "2026-06-20",
        "start_time": "14:30",
        "end_time": "16:00",
        "title": "加装电梯意见征询会",
        "constituency": deputy.constituency_id,
        "planned": True,
        "is_public": True,
    }
    data.update(changes)
    return data


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(calendar):
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


# --- The API contract ---------------------------------------------------------------------------


def test_a_planned_activity_with_a_future_date_is_accepted_and_does_not_move_progress(login, deputy):
    client = login(deputy.person.user)

    response = client.post("/api/v1/activities/", plan_payload(deputy), content_type="application/json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["planned"], body["start_time"], body["title"]) == (True, "14:30:00", "加装电梯意见征询会")
    progress = client.get(f"/api/v1/deputies/{deputy.pk}/progress/?year=2026").json()
    assert progress["constituency_contacts"]["done"] == 0
    assert progress["centralized_contacts"]["done"] == 0


def test_without_planned_a_future_date_stays_a_400(login, deputy):
    client = login(deputy.person.user)

    response = client.post(
        "/api/v1/activities/",
        {**plan_payload(deputy), "planned": False, "people_reached": 10},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "date" in response.json()
    assert ContactActivity.objects.count() == 0


def test_a_plan_in_the_past_is_refused(login, deputy):
    client = login(deputy.person.user)

    response = client.post(
        "/api/v1/activities/", plan_payload(deputy, date="2026-06-01"), content_type="application/json"
    )

    assert response.status_code == 400
    assert "date" in response.json()


def test_a_plan_ending_before_it_starts_is_refused(login, deputy):
    client = login(deputy.person.user)

    response = client.post(
        "/api/v1/activities/", plan_payload(deputy, end_time="13:00"), content_type="application/json"
    )

    assert response.status_code == 400
    assert "end_time" in response.json()


def test_a_past_plan_turned_into_the_record_moves_the_deputys_progress(login, deputy):
    client = login(deputy.person.user)
    plan = client.post("/api/v1/activities/", plan_payload(deputy), content_type="application/json").json()

    # Before the day: refused, still a plan.
    early = client.post(
        f"/api/v1/activities/{plan['id']}/held/", {"people_reached": 25}, content_type="application/json"
    )
    assert early.status_code == 400
    assert ContactActivity.objects.get(pk=plan["id"]).planned

    with at(datetime.date(2026, 6, 21)):
        response = client.post(
            f"/api/v1/activities/{plan['id']}/held/",
            {"people_reached": 25, "summary": "二十五位居民到场", "version": plan["version"]},
            content_type="application/json",
        )
        assert response.status_code == 200, response.json()
        assert response.json()["planned"] is False
        progress = client.get(f"/api/v1/deputies/{deputy.pk}/progress/?year=2026").json()
        assert progress["constituency_contacts"]["done"] == 1
        assert progress["centralized_contacts"]["done"] == 1
        assert progress["people_reached"]["done"] == 25

        again = client.post(
            f"/api/v1/activities/{plan['id']}/held/", {"people_reached": 30}, content_type="application/json"
        )
        assert again.status_code == 409
    assert (
        quotas.progress_for_deputy(deputy, 2026, as_of=datetime.date(2026, 12, 31)).people_reached.done == 25
    )


def test_another_deputy_cannot_record_or_see_a_plan_by_id(login, deputy, other_deputy):
    plan = services.log_activity(
        actor=deputy.person.user, planned=True, **_service_plan(deputy, date=datetime.date(2026, 6, 15))
    )
    client = login(other_deputy.person.user)

    assert client.get(f"/api/v1/activities/{plan.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/activities/{plan.pk}/held/", {"people_reached": 5}, content_type="application/json"
    )
    assert response.status_code == 404
    assert client.get(f"/activities/{plan.pk}/held/").status_code == 404
    assert ContactActivity.objects.get(pk=plan.pk).planned


def _service_plan(deputy, **changes):
    data = {
        "kind": "forum",
        "date": datetime.date(2026, 6, 20),
        "start_time": datetime.time(9, 0),
        "constituency": deputy.constituency,
        "is_constituency_contact": True,
        "title": "社区座谈",
        "is_public": True,
    }
    data.update(changes)
    return data


def test_liaison_staff_record_a_plan_in_one_step_and_it_is_confirmed(login, street_staff, deputy):
    plan = services.register_activity_for_group(
        actor=street_staff,
        planned=True,
        people_reached=0,
        deputies=[deputy],
        **{k: v for k, v in _service_plan(deputy).items() if k != "is_constituency_contact"},
    )
    client = login(street_staff)
    with at(datetime.date(2026, 6, 20), hour=18):
        page = client.get(f"/activities/{plan.pk}/")
        assert f"/activities/{plan.pk}/held/" in page.content.decode()
        response = client.post(
            f"/activities/{plan.pk}/held/", {"people_reached": "18", "summary": "座谈顺利"}, follow=True
        )

    assert response.status_code == 200
    plan.refresh_from_db()
    assert (plan.planned, plan.people_reached, plan.is_confirmed) == (False, 18, True)
    assert plan.participations.get().people_met == 18


# --- The public calendar and feeds --------------------------------------------------------------


@pytest.fixture
def plans(deputy, other_deputy, venue, yongfeng):
    """A public plan of Alice at the 岳阳 venue, one of Bob in 永丰, one of Alice not public."""
    other_venue = f.ContactPointFactory(name="永丰联络站", region=yongfeng)
    alice = services.log_activity(
        actor=deputy.person.user,
        planned=True,
        venue=venue,
        **_service_plan(
            deputy, title="岳阳座谈", start_time=datetime.time(14, 30), end_time=datetime.time(16, 0)
        ),
    )
    bob = services.log_activity(
        actor=other_deputy.person.user,
        planned=True,
        venue=other_venue,
        **_service_plan(other_deputy, title="永丰接待", date=datetime.date(2026, 7, 1), start_time=None),
    )
    hidden = services.log_activity(
        actor=deputy.person.user, planned=True, **_service_plan(deputy, title="内部筹备会", is_public=False)
    )
    return {"alice": alice, "bob": bob, "hidden": hidden, "other_venue": other_venue}


def test_the_district_feed_parses_and_holds_the_public_plans_in_shanghai_time(client, plans):
    calendar = parse(client.get("/calendar/songjiang.ics"))

    found = events(calendar)
    assert set(found) == {"岳阳座谈", "永丰接待"}
    start = found["岳阳座谈"].decoded("DTSTART")
    assert start == datetime.datetime(2026, 6, 20, 14, 30, tzinfo=SHANGHAI)
    assert str(start.tzinfo) == "Asia/Shanghai"
    assert found["岳阳座谈"]["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert found["岳阳座谈"].decoded("DTEND") == datetime.datetime(2026, 6, 20, 16, 0, tzinfo=SHANGHAI)
    assert "岳阳代表之家" in str(found["岳阳座谈"]["LOCATION"])
    assert "艾丽丝" in str(found["岳阳座谈"]["DESCRIPTION"])
    # Without a time: an all-day event on its date.
    assert found["永丰接待"].decoded("DTSTART") == datetime.date(2026, 7, 1)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"


def test_the_deputy_and_venue_feeds_hold_only_their_own(client, plans, deputy, other_deputy, venue):
    assert set(events(parse(client.get(f"/calendar/deputies/{deputy.pk}.ics")))) == {"岳阳座谈"}
    assert set(events(parse(client.get(f"/calendar/deputies/{other_deputy.pk}.ics")))) == {"永丰接待"}
    assert set(events(parse(client.get(f"/calendar/venues/{venue.pk}.ics")))) == {"岳阳座谈"}
    assert client.get("/calendar/venues/999999.ics").status_code == 404


def test_the_calendar_page_filters_by_street_and_venue_with_bounded_queries(
    client, plans, yueyang, venue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        page = client.get("/calendar/").content.decode()
    assert "岳阳座谈" in page and "永丰接待" in page and "内部筹备会" not in page

    by_street = client.get("/calendar/", {"region": yueyang.pk}).content.decode()
    assert "岳阳座谈" in by_street and "永丰接待" not in by_street

    with django_assert_max_num_queries(8):
        by_venue = client.get("/calendar/", {"venue": plans["other_venue"].pk}).content.decode()
    assert "永丰接待" in by_venue and "岳阳座谈" not in by_venue
    assert f"/calendar/venues/{plans['other_venue'].pk}.ics" in by_venue


def test_a_recorded_plan_leaves_the_upcoming_list_but_stays_on_the_feed(client, plans, deputy):
    with at(datetime.date(2026, 6, 20), hour=18):
        services.record_planned_activity(actor=deputy.person.user, activity=plans["alice"], people_reached=9)
        assert "岳阳座谈" not in client.get("/calendar/").content.decode()
        assert "岳阳座谈" in events(parse(client.get("/calendar/songjiang.ics")))


def test_the_profile_shows_the_deputys_plans_and_links_their_feed(client, plans, deputy):
    page = client.get(f"/deputies/{deputy.pk}/").content.decode()

    assert "岳阳座谈" in page
    assert f"/calendar/deputies/{deputy.pk}.ics" in page
    assert "内部筹备会" not in page


def test_a_deputy_announces_a_plan_on_the_page(login, deputy, venue):
    client = login(deputy.person.user)
    assert client.get("/activities/plan/").status_code == 200

    response = client.post(
        "/activities/plan/",
        {
            "mandate": deputy.pk,
            "title": "选民见面会",
            "kind": "forum",
            "date": "2026-06-25",
            "start_time": "19:00",
            "constituency": deputy.constituency_id,
            "is_constituency_contact": "on",
            "venue": venue.pk,
            "is_public": "on",
        },
    )

    plan = ContactActivity.objects.get()
    assert response.status_code == 302
    assert (plan.planned, plan.title, plan.start_time) == (True, "选民见面会", datetime.time(19, 0))
    assert quotas.progress_for_deputy(deputy, 2026).constituency_contacts.done == 0


def test_nobody_without_a_mandate_or_a_liaison_body_announces(login, handling_unit_staff):
    assert login(handling_unit_staff).get("/activities/plan/").status_code == 404
