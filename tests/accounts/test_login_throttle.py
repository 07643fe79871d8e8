"""Password guessing: failed logins are limited per username and per client address, on the login
page, the admin's login page and `POST /api/v1/auth/token/` alike (one budget), and the client address
is the one the trusted proxies report (`NUM_PROXIES`), never what the client writes in X-Forwarded-For.

Alice (`deputy_user`) is the target; Bob (`other_deputy_user`) logs in from the same office."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

LOGIN_URL = reverse("accounts:login")
ADMIN_LOGIN_URL = reverse("admin:login")
TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory
REFUSAL = "登录失败次数过多"
# A window boundary (15-minute windows), so a test's attempts all fall in one window.
START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def web_login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def api_login(client, username, password=PASSWORD, **extra):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json", **extra
    )


def fail(client, times, username="alice", login=web_login, **extra):
    for i in range(times):
        response = login(client, username, f"guess {i}", **extra)
        assert response.status_code in (200, 400), "a wrong password is answered, not refused"


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- The login page ---------------------------------------------------------------------------


def test_a_correct_password_logs_in_after_a_few_mistakes(client, deputy_user, frozen):
    fail(client, 9)

    response = web_login(client, "alice")

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_eleventh_attempt_is_refused_even_with_the_right_password(client, deputy_user, frozen):
    fail(client, 10)

    response = web_login(client, "alice")

    assert response.status_code == 429
    assert f"{REFUSAL}，请15分钟后再试" in response.content.decode()
    assert not is_logged_in(client)


def test_the_refusal_lasts_until_the_window_has_passed(client, deputy_user, frozen):
    fail(client, 10)

    frozen.shift(datetime.timedelta(minutes=14))
    assert web_login(client, "alice").status_code == 429

    frozen.shift(datetime.timedelta(minutes=1))
    assert web_login(client, "alice").status_code == 302
    assert is_logged_in(client)


def test_another_user_at_the_same_address_is_not_affected(client, deputy_user, other_deputy_user, frozen):
    fail(client, 10)

    response = web_login(client, "bob")

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_username_budget_holds_from_any_address(client, deputy_user, frozen):
    fail(client, 10, REMOTE_ADDR="10.0.0.1")

    response = web_login(client, "alice", REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 429
    assert not is_logged_in(client)


def test_an_address_guessing_many_usernames_is_refused_and_another_address_is_not(
    client, deputy_user, other_deputy_user, frozen
):
    for i in range(30):
        web_login(client, f"someone{i}", "guess", REMOTE_ADDR="10.0.0.9")

    assert web_login(client, "bob", REMOTE_ADDR="10.0.0.9").status_code == 429
    assert web_login(client, "bob", REMOTE_ADDR="10.0.0.10").status_code == 302


def test_a_successful_login_clears_the_usernames_failures(client, deputy_user, frozen):
    fail(client, 9)
    assert web_login(client, "alice").status_code == 302
    client.logout()

    fail(client, 9)

    assert web_login(client, "alice").status_code == 302


def test_a_forged_x_forwarded_for_does_not_make_a_new_client(
    client, deputy_user, other_deputy_user, frozen, settings
):
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0  # the default: not behind a proxy
    for i in range(30):
        web_login(client, f"someone{i}", "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")

    response = web_login(client, "bob", HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert response.status_code == 429


def test_behind_one_proxy_the_address_it_appended_is_the_client(
    client, deputy_user, other_deputy_user, frozen, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for i in range(30):
        # The client wrote the first part; the proxy appended the address it saw.
        web_login(client, f"someone{i}", "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}, 10.0.0.9")

    assert web_login(client, "bob", HTTP_X_FORWARDED_FOR="203.0.113.99, 10.0.0.9").status_code == 429
    assert web_login(client, "bob", HTTP_X_FORWARDED_FOR="10.0.0.9, 10.0.0.10").status_code == 302


def test_the_limits_are_configurable(client, deputy_user, frozen, settings):
    settings.LOGIN_FAILURES_PER_USERNAME = 3
    settings.LOGIN_FAILURE_WINDOW_MINUTES = 5
    fail(client, 3)

    response = web_login(client, "alice")

    assert response.status_code == 429
    assert f"{REFUSAL}，请5分钟后再试" in response.content.decode()


def test_the_admin_login_page_shares_the_budget(client, admin_user, frozen):
    fail(client, 10, username="grace")

    response = client.post(ADMIN_LOGIN_URL, {"username": "grace", "password": PASSWORD})

    assert response.status_code == 200  # the admin re-renders its form with the message
    assert REFUSAL in response.content.decode()
    assert not is_logged_in(client)


# --- The API token endpoint -------------------------------------------------------------------


def test_the_token_endpoint_refuses_the_eleventh_attempt_with_the_right_password(client, deputy_user, frozen):
    fail(client, 10, login=api_login)

    response = api_login(client, "alice")

    assert response.status_code == 429
    assert REFUSAL in response.json()["detail"]
    assert "token" not in response.json()
    assert int(response["Retry-After"]) == 15 * 60


def test_the_login_page_and_the_token_endpoint_share_one_budget(client, deputy_user, frozen):
    fail(client, 5)
    fail(client, 5, login=api_login)

    assert api_login(client, "alice").status_code == 429
    assert web_login(client, "alice").status_code == 429


def test_the_token_throttle_ignores_a_forged_x_forwarded_for(db, client, frozen):
    statuses = [
        api_login(client, f"someone{i}", "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i in range(21)
    ]

    assert statuses[:20] == [400] * 20
    assert statuses[20] == 429
