"""Atom feeds (Django's syndication framework), read with `feedparser` as a feed reader would: the
answers of published opinions, public suggestions and their replies, a deputy's public activities.
Each page with a feed links it in <head>; nothing unpublished or private ever reaches a feed."""

import datetime
import re

import feedparser
import pytest
from django.urls import reverse

from feedback.models import Publication, SuggestionState
from tests.contacts.factories import activity_for

from .factories import OpinionFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NAME, PHONE, ADDRESS = "张三丰", "13812345678", "人乐新村5号302室"


def read(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    for private in (NAME, PHONE, ADDRESS):
        assert private not in body
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def alternate_links(client, url):
    """The Atom feeds a page announces in its <head>."""
    html = client.get(url).content.decode()
    head = html.split("</head>")[0]
    pattern = r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)"'
    return re.findall(pattern, head)


def published(region, **kwargs):
    values = {
        "region": region,
        "submitter_name": NAME,
        "submitter_phone": PHONE,
        "submitter_address": ADDRESS,
        "content": f"{NAME}：路灯坏了，电话{PHONE}",
        "publish": True,
        "publication": Publication.APPROVED,
        "public_content": "人乐新村的路灯坏了很久",
        "public_answer": "路灯已于本周修复。",
        "published_at": datetime.datetime(2026, 9, 2, tzinfo=SHANGHAI),
    }
    values.update(kwargs)
    return OpinionFactory(**values)


def test_the_archive_feed_carries_published_answers_only(citizen, yueyang, yongfeng):
    shown = published(yueyang)
    later = datetime.datetime(2026, 9, 3, tzinfo=SHANGHAI)
    published(yongfeng, public_answer="永丰的答复", published_at=later)
    published(yueyang, public_answer="")  # no answer yet: nothing to announce
    published(yueyang, publication=Publication.WITHHELD, public_answer="不予公开的答复")
    published(yueyang, publish=False, public_answer="未同意公开的答复")

    feed = read(citizen, reverse("feedback:archive_feed"))

    assert [e.summary for e in feed.entries] == ["永丰的答复", "路灯已于本周修复。"]
    entry = feed.entries[1]
    assert entry.link.endswith(reverse("feedback:archive_detail", args=[shown.pk]))
    assert entry.title.startswith("岳阳街道")
    narrowed = read(citizen, reverse("feedback:archive_feed"), region=yueyang.pk)
    assert [e.summary for e in narrowed.entries] == ["路灯已于本周修复。"]


def test_the_suggestions_feed_has_public_ones_and_their_replies(citizen, deputy):
    SuggestionFactory(
        deputy=deputy,
        title="关于增设公交线路的建议",
        state=SuggestionState.ANSWERED,
        answer="已于9月开通松江12路。",
        answered_at=datetime.datetime(2026, 9, 1, tzinfo=SHANGHAI),
    )
    SuggestionFactory(deputy=deputy, title="保密的建议", is_public=False)

    feed = read(citizen, reverse("feedback:suggestions_feed"))

    assert [e.title for e in feed.entries] == ["建议、批评和意见 · 关于增设公交线路的建议"]
    assert "已于9月开通松江12路。" in feed.entries[0].summary
    assert feed.entries[0].author == deputy.person.name


def test_a_deputys_feed_has_their_public_activities_only(citizen, deputy, other_deputy):
    activity_for(deputy, date=datetime.date(2026, 3, 1), is_public=True, summary="在人乐居委会开展座谈")
    activity_for(deputy, date=datetime.date(2026, 3, 2), is_public=False, summary="不公开的活动")
    activity_for(other_deputy, date=datetime.date(2026, 3, 3), is_public=True, summary="别人的活动")

    feed = read(citizen, reverse("contacts:deputy_feed", args=[deputy.pk]))

    assert [e.summary for e in feed.entries] == ["在人乐居委会开展座谈"]
    assert "#activity-" in feed.entries[0].link
    assert citizen.get(reverse("contacts:deputy_feed", args=[999999])).status_code == 404


def test_pages_with_a_feed_link_it_in_their_head(citizen, deputy, yueyang):
    published(yueyang)
    pages = {
        reverse("feedback:archive"): reverse("feedback:archive_feed"),
        reverse("feedback:suggestions"): reverse("feedback:suggestions_feed"),
        reverse("deputies:profile", args=[deputy.pk]): reverse("contacts:deputy_feed", args=[deputy.pk]),
    }
    for page, feed in pages.items():
        links = alternate_links(citizen, page)
        assert links and links[0].startswith(feed), page
        read(citizen, links[0].replace("&amp;", "&"))
    filtered = alternate_links(citizen, reverse("feedback:archive") + f"?region={yueyang.pk}")
    assert filtered[0].endswith(f"?region={yueyang.pk}")
