"""Signing in with a mobile number and a one-time SMS code: page and API, and every refusal."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from accounts import sms
from accounts.models import LoginCode
from tests import factories as f

PAGE = reverse("accounts:sms_login")
CODE_API = "/api/v1/auth/sms/code/"
TOKEN_API = "/api/v1/auth/sms/token/"


@pytest.fixture(autouse=True)
def _clean():
    cache.clear()
    sms.LocmemSmsBackend.outbox.clear()
    yield
    cache.clear()
    sms.LocmemSmsBackend.outbox.clear()


@pytest.fixture
def alice(deputy_user):
    deputy_user.phone = "13916000001"
    deputy_user.save()
    return deputy_user


def last_code() -> str:
    return re.search(r"\d{6}", sms.LocmemSmsBackend.outbox[-1].text).group(0)


def ask(client, phone="139 1600 0001", **extra):
    return client.post(PAGE, {"phone": phone, "action": "send"}, **extra)


def sign_in(client, code, phone="13916000001"):
    return client.post(PAGE, {"phone": phone, "code": code, "action": "login"})


def test_a_deputy_signs_in_with_a_code_sent_to_their_mobile(alice, client):
    response = ask(client, phone="+86 １３９-1600-0001")
    assert response.status_code == 200
    [message] = sms.LocmemSmsBackend.outbox
    assert message.phone == "13916000001" and message.template == "login_code"
    code = last_code()
    assert message.params == {"code": code}
    assert sms.segments(message.text) == 1
    assert sign_in(client, code).status_code == 302
    assert client.get(reverse("accounts:inbox")).status_code == 200
    assert LoginCode.objects.get().code_hash != code  # only a hash is kept


def test_a_code_is_used_once(alice, client, django_user_model):
    ask(client)
    code = last_code()
    assert sign_in(client, code).status_code == 302
    client.logout()
    response = sign_in(client, code)
    assert response.status_code == 400
    assert "验证码不正确或已失效" in response.content.decode()


def test_a_code_expires_after_five_minutes(alice, client):
    ask(client)
    code = last_code()
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=5, seconds=1)):
        assert sign_in(client, code).status_code == 400


def test_five_wrong_codes_end_the_code_even_the_right_one(alice, client):
    ask(client)
    code = last_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _try in range(5):
        assert sign_in(client, wrong).status_code == 400
    assert sign_in(client, code).status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_new_code_replaces_the_previous_one(alice, client):
    ask(client)
    first = last_code()
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=61)):
        ask(client)
        second = last_code()
        if first != second:
            assert sign_in(client, first).status_code == 400
        assert sign_in(client, second).status_code == 302


def test_an_unknown_number_gets_the_same_answer_and_no_text(alice, client):
    known = ask(client, phone="13916000001").content.decode()
    unknown = ask(client, phone="13916000002").content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|value="1391600000\d"')
    assert strip.sub("", known) == strip.sub("", unknown)
    assert [m.phone for m in sms.LocmemSmsBackend.outbox] == ["13916000001"]


def test_a_deactivated_account_gets_no_code(alice, client):
    alice.is_active = False
    alice.save()
    assert ask(client).status_code == 200
    assert sms.LocmemSmsBackend.outbox == []


def test_a_number_shared_by_two_accounts_gets_no_code(alice, client):
    f.UserFactory(username="alice-twin", phone="13916000001")
    ask(client)
    assert sms.LocmemSmsBackend.outbox == []


def test_a_landline_is_refused_as_a_phone_number(alice, client):
    response = ask(client, phone="021-57781234")
    assert "正确的手机号码" in response.content.decode()
    assert sms.LocmemSmsBackend.outbox == []


def test_codes_are_rate_limited_per_number(alice, client, settings):
    assert ask(client).status_code == 200
    assert ask(client).status_code == 429  # within the minute
    assert len(sms.LocmemSmsBackend.outbox) == 1
    settings.SMS_LOGIN_CODE_INTERVAL_SECONDS = 1
    settings.SMS_LOGIN_CODES_PER_NUMBER = 3
    start = datetime.datetime.now(datetime.UTC)
    statuses = []
    for n in range(1, 5):
        with time_machine.travel(start + datetime.timedelta(seconds=2 * n), tick=False):
            statuses.append(ask(client, REMOTE_ADDR=f"10.0.0.{n}").status_code)
    assert 429 in statuses
    assert len(sms.LocmemSmsBackend.outbox) <= 3


def test_codes_are_rate_limited_per_address_whatever_the_number(alice, client, settings):
    settings.SMS_LOGIN_CODES_PER_ADDRESS = 3
    statuses = [ask(client, phone=f"1391600{n:04d}").status_code for n in range(10, 14)]
    assert statuses == [200, 200, 200, 429]
    # Another address is not held back.
    assert ask(client, phone="13916000099", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_guessing_codes_is_rate_limited_per_address(alice, client, settings):
    settings.SMS_LOGIN_VERIFY_PER_ADDRESS = 4
    statuses = [sign_in(client, "000000", phone=f"1391600{n:04d}").status_code for n in range(10, 15)]
    assert statuses[-1] == 429


# --- API --------------------------------------------------------------------------------------------


def test_the_api_gives_a_token_for_a_code(alice, client):
    response = client.post(CODE_API, {"phone": "13916000001"}, content_type="application/json")
    assert response.status_code == 202
    response = client.post(
        TOKEN_API, {"phone": "13916000001", "code": last_code()}, content_type="application/json"
    )
    assert response.status_code == 200
    me = client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert me.json()["username"] == "alice"


def test_the_api_refuses_a_wrong_code_and_says_the_same_for_unknown_numbers(alice, client):
    known = client.post(CODE_API, {"phone": "13916000001"}, content_type="application/json")
    unknown = client.post(CODE_API, {"phone": "13916000002"}, content_type="application/json")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    wrong = client.post(
        TOKEN_API, {"phone": "13916000001", "code": "12345x"}, content_type="application/json"
    )
    assert wrong.status_code == 400
    assert client.post(CODE_API, {"phone": "13916000001"}, content_type="application/json").status_code == 429
    assert client.post(CODE_API, {"phone": "12345"}, content_type="application/json").status_code == 400
