"""The public page cache (songjiang_liaison/pagecache.py): anonymous GETs of the public pages are
answered from the cache until any data they show changes; signed-in users never read or fill it."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Notification
from contacts.models import ContactActivity
from feedback.models import Opinion, OpinionState, Publication
from songjiang_liaison import pagecache
from tests.contacts.factories import activity_for
from tests.feedback.factories import OpinionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def local_memory_cache(settings):
    """The local-memory cache whatever the run's REDIS_URL: these tests look into what is stored, and
    "without Redis" must mean without it also in the PostgreSQL + Redis run of .ci/run."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pagecache-tests"}
    }
    pagecache.bump_all()  # the new cache's data version, as the suite's reset gives the usual one


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def stored_pages():
    """Every page body the cache holds (the test settings use the local-memory cache)."""
    return [
        value
        for key in list(cache._cache)
        if pagecache.PAGE_PREFIX in key and (value := cache.get(key.split(":", 2)[2])) is not None
    ]


@pytest.fixture
def profile_url(deputy):
    return reverse("deputies:profile", args=[deputy.pk])


def test_the_second_anonymous_visit_is_served_from_the_cache(citizen, profile_url):
    first, queries_first = get(citizen, profile_url)
    second, queries_second = get(citizen, profile_url)
    assert first.status_code == second.status_code == 200
    assert queries_first > 0 and queries_second == 0
    assert second.content == first.content
    assert second["Cache-Control"] == "public, max-age=60"
    assert second["ETag"] == first["ETag"]
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in second["Vary"].split(",")}
    assert not second.cookies and not first.cookies


def test_an_edited_deputy_shows_at_once(citizen, deputy, profile_url):
    get(citizen, profile_url)
    deputy.work_unit = "松江区新桥镇卫生服务中心"
    deputy.save()
    response, queries = get(citizen, profile_url)
    assert queries > 0
    assert "新桥镇卫生服务中心" in response.content.decode()
    directory = citizen.get(reverse("deputies:directory")).content.decode()
    deputy.person.name = "艾丽丝改名"
    deputy.person.save()
    assert "艾丽丝改名" not in directory
    assert "艾丽丝改名" in citizen.get(reverse("deputies:directory")).content.decode()


def test_a_new_or_changed_activity_shows_at_once(citizen, deputy, profile_url):
    get(citizen, profile_url)
    activity = activity_for(
        deputy, date=datetime.date(2026, 3, 1), is_public=True, summary="在居委会开展座谈"
    )
    assert "在居委会开展座谈" in citizen.get(profile_url).content.decode()
    # A queryset update sends no model signal; the page still changes at once.
    ContactActivity.objects.filter(pk=activity.pk).update(summary="在睦邻点听取意见")
    body = citizen.get(profile_url).content.decode()
    assert "在睦邻点听取意见" in body and "在居委会开展座谈" not in body


def test_a_closed_opinion_shows_at_once_on_the_archive(citizen, deputy, yongfeng):
    opinion = OpinionFactory(
        region=yongfeng,
        deputy=deputy,
        publish=True,
        consent=True,
        publication=Publication.APPROVED,
        public_content="楼道灯坏了",
        state=OpinionState.REPLIED,
    )
    url = reverse("feedback:archive")
    assert "楼道灯坏了" in citizen.get(url).content.decode()
    # The workflow moves states with a compare-and-set update(), as here.
    Opinion.objects.filter(pk=opinion.pk).update(state=OpinionState.CLOSED, public_answer="已经修好了")
    assert "已经修好了" in citizen.get(url).content.decode()


def test_a_signed_in_user_never_gets_nor_fills_the_cache(
    local_memory_cache, citizen, deputy, street_staff, profile_url
):
    anonymous, _ = get(citizen, profile_url)
    staff = Client()
    staff.force_login(street_staff)
    page, queries = get(staff, profile_url)
    assert queries > 0
    assert page.content != anonymous.content
    assert "退出" in page.content.decode() and "退出" not in anonymous.content.decode()
    assert "public" not in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert "ETag" not in page
    # Their page was not stored: the next anonymous visitor still gets the public page, from the cache.
    again, queries = get(citizen, profile_url)
    assert queries == 0 and again.content == anonymous.content
    assert all(street_staff.username not in body[3].decode() for body in stored_pages())


def test_a_token_caller_of_the_api_is_not_served_from_the_cache(citizen, deputy, street_staff):
    from rest_framework.authtoken.models import Token

    url = "/api/v1/deputies/"
    get(citizen, url)
    token = Token.objects.create(user=street_staff)
    response, queries = get(citizen, url, Authorization=f"Token {token.key}")
    assert response.status_code == 200 and queries > 0
    assert "ETag" not in response


def test_the_language_gives_the_other_page(citizen, deputy):
    url = reverse("deputies:directory")
    chinese = citizen.get(url).content.decode()
    citizen.cookies["django_language"] = "en"
    english, queries = get(citizen, url)
    assert queries > 0
    assert "Directory" in english.content.decode() or 'lang="en"' in english.content.decode()
    assert english.content.decode() != chinese
    assert english["Content-Language"] == "en"
    del citizen.cookies["django_language"]
    assert citizen.get(url, headers={"Accept-Language": "en"})["Content-Language"] == "en"
    assert citizen.get(url).content.decode() == chinese


def test_the_language_switch_works_without_a_csrf_token(deputy):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("deputies:directory"))
    assert "csrfmiddlewaretoken" not in page.content.decode()
    switched = browser.post(reverse("set_language"), {"language": "en", "next": "/deputies/"})
    assert switched.status_code == 302 and switched["Location"] == "/deputies/"
    assert browser.get("/deputies/")["Content-Language"] == "en"


def test_page_cache_false_bypasses_it(citizen, settings, profile_url):
    settings.PAGE_CACHE = False
    get(citizen, profile_url)
    response, queries = get(citizen, profile_url)
    assert queries > 0
    assert "ETag" not in response and "public" not in response.get("Cache-Control", "")


def test_a_matching_etag_answers_304(citizen, deputy, profile_url):
    etag = citizen.get(profile_url)["ETag"]
    response, queries = get(citizen, profile_url, If_None_Match=etag)
    assert response.status_code == 304 and queries == 0
    assert response["ETag"] == etag and not response.content
    deputy.position = "新职务"
    deputy.save()
    response = citizen.get(profile_url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and response["ETag"] != etag
    assert citizen.get(profile_url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_no_private_data_or_token_is_stored(local_memory_cache, citizen, deputy, street_staff, profile_url):
    deputy.private_phone = "13900001111"
    deputy.staff_notes = "内部备注：不公开"
    deputy.save()
    staff = Client()
    staff.force_login(street_staff)
    urls = ("/", "/deputies/", profile_url, "/deputies/offices/", "/reports/public/", "/api/v1/deputies/")
    for url in urls:
        assert citizen.get(url).status_code == 200
        staff.get(url)
    pages = stored_pages()
    assert len(pages) >= 6
    for _version, _status, headers, content in pages:
        body = content.decode()
        for secret in ("13900001111", "内部备注", "csrfmiddlewaretoken", street_staff.username, "sessionid"):
            assert secret not in body
        assert not any(name.lower() == "set-cookie" for name, _value in headers)


def test_a_visitor_with_a_session_is_not_served_from_the_cache(citizen, deputy, profile_url):
    get(citizen, profile_url)
    citizen.cookies["sessionid"] = "anything"
    response, queries = get(citizen, profile_url)
    assert queries > 0 and "ETag" not in response


def test_writes_to_tables_no_public_page_shows_keep_the_cache(citizen, deputy, deputy_user, profile_url):
    get(citizen, profile_url)
    Notification.objects.create(recipient=deputy_user, kind="reminder", title="提醒")
    assert get(citizen, profile_url)[1] == 0


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_version_moves_when_it_commits(deputy):
    """A page rendered by another request while the transaction is open shows the old rows; it is
    stored under a version that the commit then makes out of date."""
    before = cache.get(pagecache.VERSION_KEY)
    with transaction.atomic():
        deputy.position = "新职务"
        deputy.save()
        during = cache.get(pagecache.VERSION_KEY)
    assert during == before
    assert cache.get(pagecache.VERSION_KEY) != during


@pytest.mark.parametrize(
    ("sql", "tracked"),
    [
        ('UPDATE "deputies_deputy" SET "position" = %s', True),
        ('INSERT INTO "contacts_participation" ("deputy_id") VALUES (%s)', True),
        ('DELETE FROM "feedback_opinion" WHERE id = 1', True),
        ('UPDATE "accounts_notification" SET "read_at" = now()', False),
        ('INSERT INTO "deputies_historicaldeputy" ("id") VALUES (1)', False),
        ('SELECT "deputies_deputy"."id" FROM "deputies_deputy"', False),
        ("WITH x AS (SELECT 1) SELECT * FROM x", False),
        ("TRUNCATE deputies_deputy, contacts_participation", True),
    ],
)
def test_which_statements_bump_the_version(sql, tracked):
    assert pagecache._is_tracked_write(sql) is tracked


def test_the_unread_count_is_memoised_until_a_notification_is_written(deputy_user):
    from django.test import RequestFactory

    from songjiang_liaison.navigation import navigation

    request = RequestFactory().get("/")
    request.user = deputy_user
    Notification.objects.create(recipient=deputy_user, kind="reminder", title="提醒")
    assert navigation(request)["unread_notifications"] == 1
    with CaptureQueriesContext(connection) as queries:
        assert navigation(request)["unread_notifications"] == 1
    assert not [q for q in queries.captured_queries if "accounts_notification" in q["sql"]]
    Notification.objects.create(recipient=deputy_user, kind="reminder", title="又一条")
    assert navigation(request)["unread_notifications"] == 2
    Notification.objects.filter(recipient=deputy_user).update(read_at=datetime.datetime.now(datetime.UTC))
    assert navigation(request)["unread_notifications"] == 0


def test_without_redis_outside_debug_nothing_is_cached(local_memory_cache, citizen, settings, profile_url):
    """Several gunicorn workers with their own memory would each miss the others' changes."""
    settings.TESTING = False
    settings.DEBUG = False
    get(citizen, profile_url)
    response, queries = get(citizen, profile_url)
    assert queries > 0 and "ETag" not in response
