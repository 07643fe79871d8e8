"""How opinion pages read in each language: the category in the reader's language, dates in the
locale's format (ISO only where a machine reads it), label colons and brackets that fit."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from feedback.models import DeadlineKind, OpinionState, Rating

from .factories import OpinionFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
RECEIVED = datetime.datetime(2026, 11, 28, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def opinion(deputy, yueyang_community, yueyang_committee):
    return OpinionFactory(
        region=yueyang_community,
        deputy=deputy,
        organization=yueyang_committee,
        category="交通出行",
        received_at=RECEIVED,
        state=OpinionState.FED_BACK,
        due_at=datetime.datetime(2026, 12, 5, 17, 0, tzinfo=SHANGHAI),
        due_kind=DeadlineKind.ROUTE,
        rating=Rating.SATISFIED,
        rating_comment="很及时",
    )


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def detail(client, opinion) -> str:
    response = client.get(reverse("feedback:detail", args=[opinion.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_english_detail_shows_the_category_in_english(login, street_staff, opinion):
    html = detail(in_english(login(street_staff)), opinion)

    assert '<dt class="col-4">Category</dt><dd class="col-8">Transport</dd>' in html
    assert "交通出行" not in html


def test_the_chinese_detail_shows_the_stored_category(login, street_staff, opinion):
    assert '<dd class="col-8">交通出行</dd>' in detail(login(street_staff), opinion)


def test_a_category_outside_the_list_is_shown_as_written(login, street_staff, opinion):
    opinion.category = "古树保护<b>"
    opinion.save(update_fields=["category"])

    html = detail(in_english(login(street_staff)), opinion)

    assert '<dd class="col-8">古树保护&lt;b&gt;</dd>' in html


def test_the_chinese_detail_shows_chinese_dates(login, street_staff, opinion):
    html = detail(login(street_staff), opinion)

    assert "2026年11月28日 09:30" in html
    assert "2026年12月5日（转交期限）" in html
    assert '满意：<span class="opinion-content">很及时</span>' in html
    assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}T', html)  # machines still read ISO


def test_the_english_detail_shows_english_dates_and_brackets(login, street_staff, opinion):
    html = detail(in_english(login(street_staff)), opinion)

    assert "2026-11-28 09:30" in html  # ISO in English (design.md)
    assert "2026-12-05 (Referral deadline)" in html
    assert 'Satisfied: <span class="opinion-content">很及时</span>' in html
    assert "（" not in html.split('<dl class="row small">', 1)[1].split("</dl>", 1)[0]
    assert "：" not in html.split('<dl class="row small">', 1)[1].split("</dl>", 1)[0]
    assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}T', html)


def test_the_tracking_page_shows_the_date_of_submission_in_each_language(citizen, opinion):
    url = reverse("feedback:track", args=[opinion.tracking_code])

    assert "提交于 2026年11月28日" in citizen.get(url).content.decode()
    assert "2026-11-28" in in_english(citizen).get(url).content.decode()
