"""How activity pages and the performance record read in each language: dates in the locale's
format, label colons and name lists that fit the language."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from contacts.models import QuotaExemption
from tests import factories as f
from tests.contacts.factories import ContactActivityFactory, activity_for

TODAY = datetime.datetime(2026, 6, 30, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_an_activity_is_dated_in_chinese_on_the_chinese_page(login, deputy):
    activity = activity_for(deputy, date=datetime.date(2026, 5, 1))

    html = login(deputy.person.user).get(reverse("contacts:detail", args=[activity.pk])).content.decode()

    assert "2026年5月1日" in html
    assert "2026-05-01" not in html


def test_an_activity_is_dated_in_english_on_the_english_page(login, deputy):
    activity = activity_for(deputy, date=datetime.date(2026, 5, 1))

    client = in_english(login(deputy.person.user))
    html = client.get(reverse("contacts:detail", args=[activity.pk])).content.decode()

    assert "2026-05-01" in html  # ISO in English (design.md)
    assert "2026年5月1日" not in html


def test_the_english_record_has_no_full_width_colons_after_labels(login, deputy):
    activity_for(deputy, date=datetime.date(2026, 5, 1))
    QuotaExemption.objects.create(deputy=deputy, year=2025, reason="离岗学习")

    client = in_english(login(deputy.person.user))
    html = client.get(reverse("contacts:record", args=[deputy.pk])).content.decode()

    assert "Constituency contact activities: 1 / " in html
    assert "2025: 离岗学习" in html
    assert "：" not in html.replace("离岗学习", "")


def test_the_chinese_record_keeps_its_colons_and_brackets(login, deputy):
    activity_for(deputy, date=datetime.date(2026, 5, 1))

    html = login(deputy.person.user).get(reverse("contacts:record", args=[deputy.pk])).content.decode()

    assert "进选区联系活动：1 / " in html
    assert "（其中集中联系选区 0 / " in html


def test_the_english_confirmation_queue_lists_deputies_with_commas(
    login, street_staff, deputy, district_congress, yueyang_constituency
):
    zhao = f.DeputyFactory(
        person=f.PersonFactory(name="赵伟民"), congress=district_congress, constituency=yueyang_constituency
    )
    ContactActivityFactory(constituency=deputy.constituency, participants=[deputy, zhao])

    html = in_english(login(street_staff)).get(reverse("contacts:confirm_queue")).content.decode()

    assert ", 赵伟民" in html or "赵伟民, " in html
    assert "、" not in html
