"""The public form, the record page and `POST /api/v1/opinions/` take opinions in through one service
(`feedback.intake.take_in`, issue 11): the same input meets the same rule, whichever way it comes."""

import json

import pytest
from django.urls import reverse

from feedback.models import Opinion, OpinionState
from tests.contacts.factories import activity_for

pytestmark = pytest.mark.django_db

API = "/api/v1/opinions/"
TEXT = "人乐新村5号楼前的路灯坏了一个多月，晚上出行很不方便。"


def _form(client, region, **extra):
    data = {"content": TEXT, "street": region.street_or_town().pk, "committee": region.pk, **extra}
    return client.post(reverse("feedback:submit"), data)


def _api(client, region, **extra):
    data = {"content": TEXT, "region": region.pk, **extra}
    return client.post(API, json.dumps(data), content_type="application/json")


def test_the_form_and_the_api_share_one_budget_and_both_refuse_beyond_it(
    citizen, yueyang_community, settings
):
    settings.OPINION_RATE = "2/hour"
    assert _form(citizen, yueyang_community, content=TEXT + "一").status_code == 302
    assert _api(citizen, yueyang_community, content=TEXT + "二").status_code == 201

    by_form = _form(citizen, yueyang_community, content=TEXT + "三")
    by_api = _api(citizen, yueyang_community, content=TEXT + "四")

    assert (by_form.status_code, by_api.status_code) == (429, 429)
    assert by_api["Retry-After"]
    assert Opinion.objects.count() == 2


def test_an_invalid_submission_is_refused_in_the_same_words_and_not_counted(
    citizen, yueyang_community, settings
):
    settings.OPINION_RATE = "1/hour"
    contact_without_consent = {"submitter_phone": "13812345678"}

    by_form = _form(citizen, yueyang_community, **contact_without_consent)
    by_api = _api(citizen, yueyang_community, **contact_without_consent)

    message = by_api.json()["consent"][0]
    assert by_api.status_code == 400 and "同意" in message
    assert by_form.status_code == 400 and message in by_form.content.decode()
    assert _api(citizen, yueyang_community).status_code == 201  # the budget was not used up


def test_a_blocked_term_sends_it_to_moderation_for_the_same_reason_either_way(
    citizen, yueyang_community, settings
):
    settings.OPINION_BLOCKED_TERMS = ("刷单",)
    _form(citizen, yueyang_community, content=TEXT + "刷单一")
    _api(citizen, yueyang_community, content=TEXT + "刷单二")

    by_form, by_api = Opinion.objects.order_by("pk")
    assert by_form.state == by_api.state == OpinionState.MODERATION
    assert by_form.moderation_reason == by_api.moderation_reason != ""


def test_the_same_text_from_the_same_sender_is_a_duplicate_across_form_and_api(citizen, yueyang_community):
    sender = {"submitter_name": "张三", "submitter_phone": "13812345678"}
    _form(citizen, yueyang_community, consent="on", **sender)
    _api(citizen, yueyang_community, consent=True, **sender)

    first, second = Opinion.objects.order_by("pk")
    assert first.duplicate_of is None
    assert second.duplicate_of == first


def test_a_recorder_names_only_a_deputy_they_record_for_on_the_page_and_the_api(
    login, deputy_user, deputy, other_deputy, yueyang, yueyang_community
):
    client = login(deputy_user)
    page = client.post(
        reverse("feedback:record"),
        {"channel": "letter", "deputy": other_deputy.pk, "content": TEXT, "street": yueyang.pk},
    )
    api = _api(client, yueyang_community, deputy=other_deputy.pk, channel="letter")

    assert (page.status_code, api.status_code) == (400, 400)
    assert "deputy" in api.json()
    assert not Opinion.objects.exists()


def test_the_api_detail_still_gives_the_activity_an_opinion_was_taken_in_at(
    login, deputy_user, deputy, yueyang_community
):
    client = login(deputy_user)
    own = activity_for(deputy)
    _api(client, yueyang_community, deputy=deputy.pk, activity=own.pk, channel="activity")
    opinion = Opinion.objects.get()

    assert client.get(f"{API}{opinion.pk}/").json()["activity_id"] == own.pk
    own.opinions.clear()
    assert client.get(f"{API}{opinion.pk}/").json()["activity_id"] is None
