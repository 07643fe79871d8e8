"""How the public registry pages read in each language: dates in the locale's format, label colons
and brackets that fit the language (design.md, Look and feel)."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from deputies.models import ContactPointKind, ReceptionDuty
from tests import factories as f


@pytest.fixture
def english(citizen):
    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return citizen


@pytest.fixture
def venue(yueyang):
    return f.ContactPointFactory(
        name="岳阳街道代表之家", kind=ContactPointKind.HOME, region=yueyang, address="中山中路100号"
    )


@pytest.fixture
def alice(deputy, venue):
    deputy.start_date = datetime.date(2021, 11, 28)
    deputy.contact_point = venue
    deputy.save()
    return deputy


def profile(client, deputy) -> str:
    return client.get(reverse("deputies:profile", args=[deputy.pk])).content.decode()


def test_a_deputys_term_starts_on_a_chinese_date_on_the_chinese_profile(citizen, alice):
    html = profile(citizen, alice)

    assert "2021年11月28日" in html
    assert "2021-11-28" not in html


def test_a_deputys_term_starts_on_an_english_date_on_the_english_profile(english, alice):
    html = profile(english, alice)

    assert '<html lang="en">' in html
    assert "2021-11-28" in html  # ISO in English (design.md)
    assert "2021年11月28日" not in html


def test_the_chinese_profile_keeps_the_full_width_colon_after_a_label(citizen, alice):
    assert "地址：中山中路100号" in profile(citizen, alice)


def test_the_english_profile_has_no_full_width_colon_after_a_label(english, alice):
    html = profile(english, alice)

    assert "Address: 中山中路100号" in html
    assert "：中山中路100号" not in html


def test_the_english_offices_page_puts_the_deputys_level_in_english_brackets(english, alice, venue):
    day = timezone.localdate() + datetime.timedelta(days=2)
    ReceptionDuty.objects.create(contact_point=venue, deputy=alice, date=day)

    html = english.get(reverse("deputies:offices")).content.decode()

    assert f"{alice.person.name}</a> (" in html
    assert "Address: 中山中路100号" in html
    assert "（" not in html.split("<main", 1)[1]


def test_the_chinese_offices_page_keeps_chinese_brackets_and_dates(citizen, alice, venue):
    day = timezone.localdate() + datetime.timedelta(days=2)
    ReceptionDuty.objects.create(contact_point=venue, deputy=alice, date=day)

    html = citizen.get(reverse("deputies:offices")).content.decode()

    assert f"{alice.person.name}</a>（区级代表）" in html
    assert f"{day.year}年{day.month}月{day.day}日" in html
