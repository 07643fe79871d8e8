"""`POST /api/v1/auth/token/` and `GET /api/v1/auth/me/`: the deputies' app logs in with a token and
learns who the caller is."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from accounts.models import Role
from songjiang_liaison.api import IsLiaisonStaffOrAdmin, IsPortalAdmin
from tests import factories as f

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/auth/me/"
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # the throttle's and the failed-login limit's counts (accounts.throttling)
    yield
    cache.clear()


def obtain_token(client, username, password=PASSWORD):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json"
    )


def test_a_deputy_exchanges_username_and_password_for_a_token_and_uses_it(client, deputy):
    response = obtain_token(client, "alice")

    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user__username="alice").key
    client.logout()
    me = client.get(ME_URL, HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["username"] == "alice"
    assert me.json()["deputies"] == [deputy.pk]


def test_asking_twice_gives_the_same_token(client, deputy_user):
    assert obtain_token(client, "alice").json() == obtain_token(client, "alice").json()


@pytest.mark.parametrize(
    ("username", "password"),
    [("alice", "wrong password"), ("nobody", PASSWORD), ("alice", ""), ("", PASSWORD)],
)
def test_wrong_credentials_get_no_token(client, deputy_user, username, password):
    response = obtain_token(client, username, password)

    assert response.status_code == 400
    assert "token" not in response.json()
    assert not Token.objects.exists()


def test_a_deactivated_account_gets_no_token(client, deputy_user):
    deputy_user.is_active = False
    deputy_user.save(update_fields=["is_active"])

    assert obtain_token(client, "alice").status_code == 400


def test_a_session_user_may_ask_for_a_token_without_a_csrf_token(deputy_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(deputy_user)

    assert obtain_token(client, "alice").status_code == 200


def test_repeated_password_guessing_is_throttled(client, deputy_user):
    # Other usernames each time: one username meets the failed-login limit first (test_login_throttle).
    statuses = [obtain_token(client, f"user{i}", f"guess {i}").status_code for i in range(21)]

    assert statuses[:20] == [400] * 20
    assert statuses[20] == 429


def test_an_invalid_token_is_refused(db, client):
    response = client.get(ME_URL, HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 401


def test_me_is_refused_to_anonymous_callers(db, citizen):
    response = citizen.get(ME_URL)

    assert response.status_code == 401
    assert "username" not in response.json()


# persona fixture → (role, organization fixture or None, own mandate fixtures)
PERSONAS = [
    ("deputy_user", Role.DEPUTY, None, ["deputy"]),
    ("other_deputy_user", Role.DEPUTY, None, ["other_deputy"]),
    ("street_staff", Role.LIAISON_STAFF, "yueyang_committee", []),
    ("other_street_staff", Role.LIAISON_STAFF, "yongfeng_committee", []),
    ("town_staff", Role.LIAISON_STAFF, "sijing_office", []),
    ("handling_unit_staff", Role.UNIT_STAFF, "handling_unit", []),
    ("committee_member", Role.COMMITTEE_MEMBER, None, []),
    ("admin_user", Role.ADMIN, None, []),
]


@pytest.mark.parametrize(
    ("persona", "role", "organization", "mandates"), PERSONAS, ids=[p[0] for p in PERSONAS]
)
def test_me_tells_each_persona_who_they_are(request, login, persona, role, organization, mandates):
    user = request.getfixturevalue(persona)
    expected_org = request.getfixturevalue(organization).pk if organization else None
    expected_mandates = [request.getfixturevalue(name).pk for name in mandates]

    response = login(user).get(ME_URL)

    assert response.status_code == 200
    assert response.json() == {
        "username": user.username,
        "display_name": str(user),
        "role": role,
        "organization": expected_org,
        "deputies": expected_mandates,
    }


def test_me_lists_both_mandates_of_a_district_and_town_deputy(
    login, deputy, deputy_user, town_congress, sijing
):
    town_mandate = f.DeputyFactory(
        person=deputy.person,
        congress=town_congress,
        constituency=f.ConstituencyFactory(congress=town_congress, region=sijing),
    )

    response = login(deputy_user).get(ME_URL)

    assert sorted(response.json()["deputies"]) == sorted([deputy.pk, town_mandate.pk])


def test_a_superuser_without_a_role_is_an_administrator(db, login):
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)

    assert login(root).get(ME_URL).json()["role"] == Role.ADMIN


# The shared permission classes other apps' endpoints use (songjiang_liaison/api.py).
PERMISSIONS = [
    ("admin_user", True, True),
    ("street_staff", False, True),
    ("town_staff", False, True),
    ("handling_unit_staff", False, False),
    ("deputy_user", False, False),
    ("committee_member", False, False),
]


@pytest.mark.parametrize(("persona", "admin", "liaison"), PERMISSIONS, ids=[p[0] for p in PERMISSIONS])
def test_shared_permission_classes_follow_the_users_role(request, rf, persona, admin, liaison):
    http_request = rf.get("/api/v1/")
    http_request.user = request.getfixturevalue(persona)

    assert IsPortalAdmin().has_permission(http_request, None) is admin
    assert IsLiaisonStaffOrAdmin().has_permission(http_request, None) is liaison


def test_shared_permission_classes_refuse_anonymous_callers(rf):
    http_request = rf.get("/api/v1/")
    http_request.user = AnonymousUser()

    assert IsPortalAdmin().has_permission(http_request, None) is False
    assert IsLiaisonStaffOrAdmin().has_permission(http_request, None) is False
