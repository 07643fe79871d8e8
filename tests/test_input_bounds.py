"""Input bounds (issue 12, item 4): an oversized request is refused before its body is read (413), every
free-text field has a maximum length and every date a sane range, in forms and in the API alike."""

import json

import pytest

from contacts.models import MeetingRequest
from tests.contacts.factories import MeetingRequestFactory

pytestmark = pytest.mark.django_db

MEETINGS = "/api/v1/meeting-requests/"


def _meeting(deputy, **extra):
    return {
        "deputy": deputy.pk,
        "organ_name": "区住建委",
        "head_name": "主任",
        "subject": "加装电梯进度",
        **extra,
    }


# --- The size of a request ------------------------------------------------------------------------


def test_an_oversized_api_request_is_a_413_before_its_body_is_read(login, deputy, settings, monkeypatch):
    settings.MAX_REQUEST_BYTES = 1000
    from django.core.handlers.wsgi import WSGIRequest

    read = []
    monkeypatch.setattr(WSGIRequest, "read", lambda self, *a: read.append(1) or b"")
    body = json.dumps(_meeting(deputy, subject="长" * 2000))

    response = login(deputy.person.user).post(MEETINGS, body, content_type="application/json")

    assert response.status_code == 413
    assert "MB" in response.json()["detail"]
    assert read == []
    assert not MeetingRequest.objects.exists()


def test_a_claimed_100_mb_upload_is_refused_at_once_with_a_page(client):
    client.raise_request_exception = False
    response = client.post(
        "/opinions/new/",
        b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=100 * 2**20,
    )
    assert response.status_code == 413
    assert "过大" in response.content.decode()


def test_a_request_within_the_limit_goes_through(login, deputy):
    response = login(deputy.person.user).post(MEETINGS, _meeting(deputy), content_type="application/json")
    assert response.status_code == 201


# --- Text lengths ---------------------------------------------------------------------------------


def test_a_million_character_subject_is_refused_by_the_api(login, deputy):
    response = login(deputy.person.user).post(
        MEETINGS, _meeting(deputy, subject="长" * 1_000_000), content_type="application/json"
    )
    assert response.status_code in (400, 413)
    assert not MeetingRequest.objects.exists()


def test_an_overlong_subject_is_refused_with_the_field_named(login, deputy):
    response = login(deputy.person.user).post(
        MEETINGS, _meeting(deputy, subject="长" * 30_000), content_type="application/json"
    )
    assert response.status_code == 400
    assert "subject" in response.json()


def test_an_overlong_note_is_refused_on_the_meeting_record(login, deputy, street_staff):
    meeting = MeetingRequestFactory(deputy=deputy)
    client = login(street_staff)
    client.post(
        f"{MEETINGS}{meeting.pk}/arrange/",
        {"scheduled_at": "2026-06-20T09:30:00+08:00", "place": "会议室"},
        content_type="application/json",
    )
    response = client.post(
        f"{MEETINGS}{meeting.pk}/record/",
        {"held_on": "2026-06-15", "notes": "记" * 30_000},
        content_type="application/json",
    )
    assert response.status_code == 400


# --- Date ranges ----------------------------------------------------------------------------------


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+08:00", "0001-01-01T00:00:00", "9999-12-31T23:59:00"])
def test_a_meeting_in_year_one_or_9999_is_refused(login, deputy, street_staff, when):
    meeting = MeetingRequestFactory(deputy=deputy)
    response = login(street_staff).post(
        f"{MEETINGS}{meeting.pk}/arrange/",
        {"scheduled_at": when, "place": "会议室"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "scheduled_at" in response.json()
    meeting.refresh_from_db()
    assert meeting.scheduled_at is None


@pytest.mark.parametrize("held_on", ["0001-01-01", "2999-01-01"])
def test_a_date_outside_the_sane_range_is_refused_by_the_api(login, deputy, street_staff, held_on):
    meeting = MeetingRequestFactory(deputy=deputy)
    client = login(street_staff)
    client.post(
        f"{MEETINGS}{meeting.pk}/arrange/",
        {"scheduled_at": "2026-06-20T09:30:00+08:00", "place": "会议室"},
        content_type="application/json",
    )
    response = client.post(
        f"{MEETINGS}{meeting.pk}/record/",
        {"held_on": held_on, "notes": "好"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "held_on" in response.json()


def test_forms_refuse_year_one_too():
    from django import forms

    class When(forms.Form):
        day = forms.DateField()
        at = forms.DateTimeField()

    form = When({"day": "0001-01-01", "at": "0001-01-01 00:00"})
    assert not form.is_valid()
    assert set(form.errors) == {"day", "at"}
    assert When({"day": "2026-01-01", "at": "2026-01-01 08:00"}).is_valid()


def test_forms_cap_free_text_without_a_declared_length():
    from django import forms

    class Note(forms.Form):
        text = forms.CharField(widget=forms.Textarea)

    assert not Note({"text": "长" * 30_000}).is_valid()
    assert Note({"text": "长" * 1_000}).is_valid()


def test_the_activities_date_filter_refuses_year_one(login, street_staff):
    response = login(street_staff).get("/api/v1/activities/", {"date_from": "0001-01-01"})
    assert response.status_code == 400
