"""The activity form does not save an empty record by one accidental tap, and its errors are tied to
their fields and summarised at the top.

Alice (`deputy`) is a district deputy in 岳阳; `street_staff` works for 岳阳's working committee.
"""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from contacts.models import ActivityKind, ContactActivity

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def untouched_form(deputy, **typed):
    """What a browser sends for the new-activity form as it opens (the first kind, today's date, the
    deputy's constituency), plus whatever the test types in."""
    data = {
        "mandate": deputy.pk,
        "kind": ActivityKind.VISIT,
        "date": "2026-06-15",
        "constituency": deputy.constituency_id,
        "people_reached": "",
        "summary": "",
    }
    data.update(typed)
    return data


def input_tag(page: str, name: str) -> str:
    match = re.search(rf'<(input|textarea|select)[^>]*name="{name}"[^>]*>', page)
    assert match, name
    return match.group(0)


def test_the_people_field_starts_empty_and_is_required(login, deputy):
    page = login(deputy.person.user).get(reverse("contacts:create")).content.decode()

    people = input_tag(page, "people_reached")
    assert "value=" not in people
    assert "required" in people


def test_an_untouched_form_asks_for_the_number_of_people_and_saves_nothing(login, deputy):
    client = login(deputy.person.user)
    people = input_tag(client.get(reverse("contacts:create")).content.decode(), "people_reached")
    shown = re.search(r'value="([^"]*)"', people)

    response = client.post(
        reverse("contacts:create"), untouched_form(deputy, people_reached=shown.group(1) if shown else "")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写人数" in page
    assert not ContactActivity.objects.exists()


def test_an_activity_with_no_one_met_must_say_what_happened(login, deputy):
    response = login(deputy.person.user).post(
        reverse("contacts:create"), untouched_form(deputy, people_reached="0")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "联系群众为 0 人次时，请简要写明活动情况" in page
    assert not ContactActivity.objects.exists()


def test_an_activity_with_no_one_met_and_a_description_is_saved(login, deputy):
    response = login(deputy.person.user).post(
        reverse("contacts:create"),
        untouched_form(deputy, people_reached="0", summary="到站点值班，当天无群众来访。"),
    )

    assert response.status_code == 302
    activity = ContactActivity.objects.get()
    assert (activity.people_reached, activity.summary) == (0, "到站点值班，当天无群众来访。")


def test_an_activity_with_people_met_may_leave_the_description_empty(login, deputy):
    response = login(deputy.person.user).post(
        reverse("contacts:create"), untouched_form(deputy, people_reached="12")
    )

    assert response.status_code == 302
    assert ContactActivity.objects.get().people_reached == 12


def test_staff_registering_an_activity_with_no_one_met_must_say_what_happened(
    login, street_staff, deputy, yueyang_constituency
):
    response = login(street_staff).post(
        reverse("contacts:register"),
        {
            "deputies": [deputy.pk],
            "kind": ActivityKind.CENTRALIZED,
            "date": "2026-06-01",
            "constituency": yueyang_constituency.pk,
            "is_constituency_contact": "on",
            "is_centralized": "on",
            "people_reached": "0",
        },
    )

    assert response.status_code == 200
    assert "联系群众为 0 人次时，请简要写明活动情况" in response.content.decode()
    assert not ContactActivity.objects.exists()


def test_the_activity_form_ties_its_errors_to_their_fields_and_summarises_them(login, deputy):
    response = login(deputy.person.user).post(
        reverse("contacts:create"), untouched_form(deputy, people_reached="0")
    )

    page = response.content.decode()
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    refs = [ref for refs in re.findall(r'aria-describedby="([^"]+)"', page) for ref in refs.split()]
    assert "id_summary_error" in input_tag(page, "summary")
    assert [ref for ref in refs if ref not in ids] == []
    summary = re.search(r"<div[^>]*data-error-summary[^>]*>.*?</div>", page, re.DOTALL).group(0)
    assert 'tabindex="-1"' in summary
    assert 'href="#id_summary"' in summary
