"""No input makes a server error (issue 12, item 1): hostile query strings on every list, ids that are
not integers in every API path, request bodies that are not JSON objects on every POST route, NUL
characters anywhere, and a disallowed Host header. Each case answers 400 or 404 (or 403/405 where
that comes first), never 500.

Run against PostgreSQL too (`DATABASE_URL=postgres://…`): NUL and out-of-range integers are refused
by the database itself there, not by SQLite."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests import factories as f
from tests.feedback.factories import OpinionFactory

pytestmark = pytest.mark.django_db

BAD_NUMBERS = ["0", "99999", "0.0", "-1.1", "abc", "1e999", "99999999999999999999", "NaN", "-0", "\x00"]
FILTER_PARAMS = [
    "year",
    "date_from",
    "date_to",
    "as_of",
    "deputy",
    "region",
    "unit",
    "congress",
    "parent",
    "group",
    "constituency",
    "area",
    "page",
    "page_size",
    "ordering",
    "q",
    "state",
    "kind",
]
BAD_IDS = ["abc", "1.5", "99999999999999999999", "%00", "1%00"]
NON_OBJECTS = ["[1, 2]", '"abc"', "5", "null", "true"]


def _routes():
    """(path template, pattern) of every URL in the configuration, admin and media excluded."""
    found = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "")
    return [r for r in found if not r.startswith(("admin/", "media/", "^media")) and "format" not in r]


def _concrete(route, pk="1"):
    """A path for a route template: `<int:pk>`, `(?P<pk>…)` and friends filled in."""
    import re

    path = route.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<workflow_action>[^)]*\)", "verify", path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", pk, path)
    path = re.sub(r"<int:\w+>", pk, path)
    path = re.sub(r"<(str|slug):\w+>", "x", path)
    return "/" + path.replace("\\.", ".").replace("/?", "/")


def _list_routes():
    return [
        r
        for r in _routes()
        if "<" not in r and "(?P" not in r and not r.endswith((".ics", ".json", ".csv", ".svg", ".png"))
    ]


@pytest.fixture
def world(deputy, admin_user, yueyang_committee, yueyang_community):
    OpinionFactory(pk=1, region=yueyang_community, deputy=deputy, organization=yueyang_committee)
    f.UserFactory(username="bad-input-user")
    return admin_user


@pytest.fixture
def admin_client(client, world):
    client.raise_request_exception = False
    client.force_login(world)
    return client


def _server_errors(results):
    """The failing cases, one per path and parameter (the values are alike)."""
    seen = {}
    for r in results:
        if r[-1] >= 500:
            seen.setdefault(r[:2], r)
    return sorted(seen.values())


HTML_LISTS = [
    "/activities/",
    "/activities/my-year/",
    "/activities/deputies/",
    "/calendar/",
    "/deputies/",
    "/opinions/archive/",
    "/opinions/queue/",
    "/opinions/suggestions/",
    "/opinions/suggestions/work/",
    "/reports/compliance/",
    "/reports/handling/",
    "/reports/response-times/",
    "/reports/public/",
    "/reports/funds/",
    "/reports/articles/",
]
HTML_PARAMS = ["year", "date_from", "page", "region", "deputy", "unit", "q", "state"]


def test_hostile_query_strings_on_every_api_list_never_make_a_server_error(admin_client):
    results = []
    for route in _list_routes():
        if not route.startswith("api/v1/") or route.endswith(("schema/", "docs/", "auth/me/")):
            continue
        path = _concrete(route)
        for name in FILTER_PARAMS:
            for value in BAD_NUMBERS:
                response = admin_client.get(path, {name: value})
                results.append((path, name, value, response.status_code))
    assert len(results) > 1000
    errors = _server_errors(results)
    assert not errors, errors


def test_hostile_query_strings_on_the_list_pages_never_make_a_server_error(admin_client):
    results = []
    for path in HTML_LISTS:
        for name in HTML_PARAMS:
            for value in BAD_NUMBERS:
                response = admin_client.get(path, {name: value})
                results.append((path, name, value, response.status_code))
    errors = _server_errors(results)
    assert not errors, errors


@pytest.mark.parametrize("value", ["0", "99999", "0.0", "-1.1", "1e999"])
def test_an_impossible_year_on_the_activities_list_is_a_400(admin_client, value):
    response = admin_client.get("/api/v1/activities/", {"year": value})
    assert response.status_code == 400
    assert "year" in response.json()


def test_ids_that_are_not_integers_are_404_in_every_api_path(admin_client):
    results = []
    for route in _routes():
        if not route.startswith("api/v1/") or ("(?P" not in route and "<int:" not in route):
            continue
        for bad in BAD_IDS:
            path = _concrete(route, pk=bad)
            results.append((path, "GET", admin_client.get(path).status_code))
            response = admin_client.post(path, data="{}", content_type="application/json")
            results.append((path, "POST", response.status_code))
    assert len(results) > 100
    errors = _server_errors(results)
    assert not errors, errors
    assert {status for *_, status in results} <= {404, 405, 400}


def test_opinion_paths_with_a_word_for_an_id_are_404(admin_client):
    assert admin_client.get("/api/v1/opinions/abc/").status_code == 404
    response = admin_client.post("/api/v1/opinions/abc/answer/", {}, content_type="application/json")
    assert response.status_code == 404


def test_a_body_that_is_not_a_json_object_is_a_400_on_every_post_route(admin_client):
    results = []
    for route in _routes():
        if not route.startswith("api/v1/") or route.endswith(("schema/", "docs/")):
            continue
        path = _concrete(route)
        for body in NON_OBJECTS:
            response = admin_client.post(path, data=body, content_type="application/json")
            results.append((path, body, response.status_code))
    assert len(results) > 100
    errors = _server_errors(results)
    assert not errors, errors
    bodies = [r for r in results if r[0] == "/api/v1/opinions/1/verify/"]
    assert {status for *_, status in bodies} == {400}


@pytest.mark.parametrize("body", NON_OBJECTS)
def test_verify_with_a_list_or_a_scalar_explains_what_it_wants(admin_client, body):
    response = admin_client.post("/api/v1/opinions/1/verify/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_a_nul_character_in_a_note_is_refused(admin_client):
    response = admin_client.post(
        "/api/v1/opinions/1/route/",
        data=json.dumps({"level": "street", "internal_note": "a\u0000b"}),
        content_type="application/json",
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/opinions/track/%00/",
        "/api/v1/opinions/track/%00/",
        "/api/v1/opinions/track/%00/rate/",
        "/track/%00/",
        "/deputies/?q=%00",
        "/api/v1/deputies/?search=a%00b",
        "/opinions/archive/?q=%00",
    ],
)
def test_a_nul_character_in_the_path_or_query_is_a_400(admin_client, path):
    method = admin_client.post if path.endswith("rate/") else admin_client.get
    assert method(path).status_code == 400


def test_nul_characters_in_every_text_field_of_every_post_route_never_make_a_server_error(admin_client):
    fields = ["content", "subject", "text", "public_note", "internal_note", "title", "reason", "comment", "q"]
    results = []
    for route in _routes():
        path = _concrete(route)
        body = {name: "a\u0000b" for name in fields}
        for content_type in ("application/json", "form"):
            if content_type == "form":
                response = admin_client.post(path, body)
            else:
                response = admin_client.post(path, data=json.dumps(body), content_type=content_type)
            results.append((path, content_type, response.status_code))
    errors = _server_errors(results)
    assert not errors, errors


@pytest.mark.parametrize("path", ["/", "/api/v1/opinions/", "/deputies/", "/no-such-page/"])
def test_a_disallowed_host_is_a_400_page_with_debug_off(client, settings, path):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    if path.startswith("/api/"):  # the API answers its errors in JSON, as its schema documents
        assert response.json()["detail"]
    else:
        assert "请求的内容有误" in response.content.decode()


def test_ids_beyond_the_database_range_are_404_on_every_page(admin_client):
    results = []
    for route in _routes():
        if route.startswith("api/") or "<int:" not in route:
            continue
        for bad in ("99999999999999999999", "9223372036854775808"):
            path = _concrete(route, pk=bad)
            results.append((path, "GET", admin_client.get(path).status_code))
    assert len(results) > 40
    errors = _server_errors(results)
    assert not errors, errors
