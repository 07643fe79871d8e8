"""A crawl of the public side as an anonymous visitor: every page reachable by links from the home
page, the feeds they announce, the downloads and the public API, plus each opinion's tracking page.
None may show a submitter's name, phone or address from the test data, whatever the opinion's state
(published, pending, withheld, confidential, in moderation)."""

import datetime
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

from feedback.models import Assignment, OpinionState, Publication, SuggestionState
from tests.contacts.factories import activity_for
from tests.feedback.factories import OpinionFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
SKIP = ("/admin/", "/api/v1/docs", "/api/v1/schema", "/i18n/", "/accounts/", "/static/", "/media/")
MAX_URLS = 400
LINK = re.compile(r'(?:href|src)="([^"#]+)')


def _private_world(deputy, handling_unit, yueyang_community, yongfeng):
    """Opinions in every publication situation, each with its own name, phone and address."""
    secrets = []
    situations = [
        {"publication": Publication.APPROVED, "public_content": "路灯坏了", "public_answer": "已修复"},
        {"publication": Publication.PENDING},
        {"publication": Publication.WITHHELD, "withheld_reason": "涉及个人"},
        {"publication": Publication.APPROVED, "confidential": True, "public_content": "保密的"},
        {"publication": Publication.APPROVED, "state": OpinionState.MODERATION, "public_content": "待审"},
        {"publish": False, "state": OpinionState.CLOSED, "rating": "satisfied"},
    ]
    for i, extra in enumerate(situations):
        name, phone, address = f"私密姓名{i}号", f"1390000{i:04d}", f"秘密路{i}弄{i}号"
        values = {
            "region": yueyang_community if i % 2 else yongfeng,
            "deputy": deputy,
            "submitter_name": name,
            "submitter_phone": phone,
            "submitter_address": address,
            "consent": True,
            "publish": True,
            "content": f"楼道灯坏了。（第{i}条）",
            "received_at": datetime.datetime(2026, 3, 2 + i, 10, tzinfo=SHANGHAI),
            "published_at": datetime.datetime(2026, 4, 1, tzinfo=SHANGHAI),
            "routed_at": datetime.datetime(2026, 3, 6, tzinfo=SHANGHAI),
            "replied_at": datetime.datetime(2026, 3, 20, tzinfo=SHANGHAI),
            **extra,
        }
        opinion = OpinionFactory(**values)
        Assignment.objects.create(
            opinion=opinion,
            organization=handling_unit,
            assigned_at=values["routed_at"],
            due_at=values["replied_at"],
            replied_at=values["replied_at"],
            reply_text=f"已联系{name}",
        )
        secrets += [name, phone, address, phone[-8:]]
        yield opinion
    SuggestionFactory(deputy=deputy, title="关于路灯的建议", state=SuggestionState.ANSWERED, answer="已修复")
    activity_for(deputy, date=datetime.date(2026, 3, 1), is_public=True, summary="在居委会开展座谈")
    _private_world.secrets = secrets


def test_no_public_page_feed_or_download_shows_a_submitters_details(
    citizen, deputy, handling_unit, yueyang_community, yongfeng, yueyang_committee, settings
):
    settings.PAGE_CACHE = True  # what the cache keeps and serves is checked too
    opinions = list(_private_world(deputy, handling_unit, yueyang_community, yongfeng))
    secrets = _private_world.secrets
    start = [
        "/",
        reverse("feedback:archive"),
        reverse("reports:response_times"),
        "/api/v1/public/opinions/",
        "/api/v1/public/response-times/",
        "/api/v1/suggestions/",
        *(reverse("feedback:track", args=[o.tracking_code]) for o in opinions),
        *(reverse("feedback:archive_detail", args=[o.pk]) for o in opinions),
        *(f"/api/v1/public/opinions/{o.pk}/" for o in opinions),
    ]
    seen, queue, fetched = set(), list(start), 0
    while queue and fetched < MAX_URLS:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = citizen.get(url)
        fetched += 1
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or response.streaming:
            continue
        body = response.content.decode("utf-8-sig", errors="replace")
        for secret in secrets:
            assert secret not in body, f"{secret} on {url}"
        if "html" in response.get("Content-Type", ""):
            for link in LINK.findall(body):
                link = urljoin(url, link.replace("&amp;", "&"))
                parts = urlsplit(link)
                if parts.netloc not in ("", "testserver") or parts.path.startswith(SKIP):
                    continue
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    crawled = " ".join(sorted(seen))
    # The crawl reached the archive, its feed, the response-time downloads and a deputy's feed.
    for expected in ("/opinions/archive/feed/", "/reports/response-times/bodies.csv", "/feed/", "data.json"):
        assert expected in crawled, expected
    assert fetched >= 30
