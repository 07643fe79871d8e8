"""Recording by signed-in deputies and staff has its own per-user limit (issue 12, item 3), the same on
the record page and the API; the anonymous public keep their per-address limit, and neither uses up
the other's budget. A cache that is down does not stop recording."""

import json

import pytest
from django.urls import reverse

from feedback.models import Channel, Opinion

pytestmark = pytest.mark.django_db

URL = "/api/v1/opinions/"
TEXT = "人乐新村5号楼前的路灯坏了一个多月，晚上出行很不方便。"


def _api(client, region, i, **extra):
    data = {"content": f"{TEXT}（第{i}条）", "region": region.pk, "channel": "letter", **extra}
    return client.post(URL, json.dumps(data), content_type="application/json")


def _page(client, street, region, deputy, i):
    data = {
        "channel": Channel.LETTER,
        "deputy": deputy.pk,
        "content": f"{TEXT}（第{i}条）",
        "street": street.pk,
        "committee": region.pk,
        "category": "交通出行",
    }
    return client.post(reverse("feedback:record"), data)


def test_staff_recording_through_the_api_do_not_share_the_publics_budget(
    login, street_staff, yueyang_community, settings
):
    settings.OPINION_RATE = "3/hour"
    client = login(street_staff)
    codes = [_api(client, yueyang_community, i).status_code for i in range(6)]
    assert codes == [201] * 6
    client.logout()
    assert _api(client, yueyang_community, 99).status_code == 201  # the public's budget is untouched


def test_a_recorder_beyond_their_own_limit_gets_429_on_the_api(
    login, street_staff, yueyang_community, settings
):
    settings.OPINION_RECORD_RATE = "3/hour"
    client = login(street_staff)
    codes = [_api(client, yueyang_community, i).status_code for i in range(4)]
    assert codes == [201, 201, 201, 429]
    assert Opinion.objects.count() == 3


def test_the_record_page_has_the_same_per_user_limit_as_the_api(
    login, deputy, deputy_user, yueyang, yueyang_community, settings
):
    settings.OPINION_RECORD_RATE = "2/hour"
    client = login(deputy_user)
    assert _page(client, yueyang, yueyang_community, deputy, 1).status_code == 302
    assert _api(client, yueyang_community, 2, deputy=deputy.pk).status_code == 201

    refused = _page(client, yueyang, yueyang_community, deputy, 3)

    assert refused.status_code == 429
    assert "太频繁" in refused.content.decode()
    assert TEXT in refused.content.decode()  # what was typed is kept
    assert Opinion.objects.count() == 2


def test_one_recorders_limit_does_not_stop_another(
    login, client, street_staff, deputy_user, deputy, yueyang_community, settings
):
    settings.OPINION_RECORD_RATE = "1/hour"
    assert _api(login(street_staff), yueyang_community, 1).status_code == 201
    assert _api(login(street_staff), yueyang_community, 2).status_code == 429
    assert _api(login(deputy_user), yueyang_community, 3, deputy=deputy.pk).status_code == 201


def test_recording_goes_on_when_the_cache_is_down(login, street_staff, yueyang_community, monkeypatch):
    from feedback import abuse

    class Down:
        def __getattr__(self, name):
            def down(*args, **kwargs):
                raise ConnectionError("cache unreachable")

            return down

    monkeypatch.setattr(abuse, "cache", Down())
    assert _api(login(street_staff), yueyang_community, 1).status_code == 201
