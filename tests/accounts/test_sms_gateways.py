"""The SMS backends: the cloud gateways (against a local fake that checks signatures), the file backend
and the normalisation of phone numbers."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts import sms
from accounts.phones import normalize_mobile
from tests.accounts.fake_sms_gateway import KEY_ID, SECRET, FakeGateway

BACKENDS = {
    "aliyun": "accounts.sms.aliyun.AliyunSmsBackend",
    "tencent": "accounts.sms.tencent.TencentSmsBackend",
}


@pytest.fixture(params=["aliyun", "tencent"])
def gateway(request, settings):
    with FakeGateway(request.param) as fake:
        settings.SMS_BACKEND = BACKENDS[request.param]
        settings.SMS_ENDPOINT = fake.url
        settings.SMS_ACCESS_KEY_ID = KEY_ID
        settings.SMS_ACCESS_KEY_SECRET = SECRET
        settings.SMS_SIGN_NAME = "松江人大"
        settings.SMS_SDK_APP_ID = "1400000000"
        settings.SMS_REGION = ""
        settings.SMS_TIMEOUT = 0.5
        settings.SMS_TEMPLATES = {"login_code": "SMS_0001", "notice": "SMS_0002"}
        yield fake


def send_code(phone="139 1600 0001"):
    sms.send_sms(phone=phone, text="您的验证码为123456", template="login_code", params={"code": "123456"})


def test_a_signed_message_reaches_the_gateway_with_template_and_parameters(gateway):
    send_code()
    assert gateway.refused_signatures == 0
    [request] = gateway.received
    if gateway.provider == "aliyun":
        assert request["PhoneNumbers"] == "13916000001"
        assert request["TemplateCode"] == "SMS_0001"
        assert json.loads(request["TemplateParam"]) == {"code": "123456"}
        assert request["SignName"] == "松江人大"
        assert request["RegionId"] == "cn-hangzhou"
    else:
        assert request["PhoneNumberSet"] == ["+8613916000001"]
        assert request["TemplateId"] == "SMS_0001"
        assert request["TemplateParamSet"] == ["123456"]
        assert request["SignName"] == "松江人大"
        assert request["SmsSdkAppId"] == "1400000000"
        assert request["X-TC-Region"] == "ap-guangzhou"


def test_a_message_without_a_template_goes_out_as_a_notice(gateway):
    sms.send_sms(phone="13916000001", text="意见已办结")
    [request] = gateway.received
    if gateway.provider == "aliyun":
        assert (request["TemplateCode"], json.loads(request["TemplateParam"])) == (
            "SMS_0002",
            {"content": "意见已办结"},
        )
    else:
        assert (request["TemplateId"], request["TemplateParamSet"]) == ("SMS_0002", ["意见已办结"])


def test_a_wrong_secret_is_refused_by_the_gateway_and_not_retried(gateway, settings):
    settings.SMS_ACCESS_KEY_SECRET = "wrong"
    with pytest.raises(sms.SmsRejected):
        send_code()
    assert gateway.refused_signatures == 1
    assert gateway.received == []


def test_throttling_is_a_failure_worth_retrying(gateway):
    gateway.mode = "throttle"
    with pytest.raises(sms.SmsThrottled):
        send_code()
    assert issubclass(sms.SmsThrottled, OSError)  # the delivery tasks retry OSError with backoff


def test_a_timeout_is_a_failure_worth_retrying(gateway):
    gateway.mode = "slow"
    with pytest.raises(sms.SmsError) as caught:
        send_code()
    assert "unreachable" in str(caught.value)  # the client gave up waiting, nothing worse


def test_a_rejected_number_is_a_permanent_failure(gateway):
    gateway.mode = "error"
    with pytest.raises(sms.SmsRejected) as caught:
        send_code()
    assert not isinstance(caught.value, OSError)
    assert caught.value.code in ("isv.MOBILE_NUMBER_ILLEGAL", "InvalidParameterValue.IncorrectPhoneNumber")


def test_an_unreachable_gateway_is_a_failure_worth_retrying(gateway, settings):
    settings.SMS_ENDPOINT = "http://127.0.0.1:9/"  # discard port: nothing listens
    with pytest.raises(sms.SmsError):
        send_code()


def test_a_template_without_an_id_is_a_permanent_failure(gateway, settings):
    settings.SMS_TEMPLATES = {}
    with pytest.raises(sms.SmsRejected):
        send_code()
    assert gateway.received == []


@pytest.mark.parametrize("backend", BACKENDS.values())
def test_a_cloud_backend_without_credentials_refuses_to_start(settings, backend):
    settings.SMS_BACKEND = backend
    settings.SMS_ACCESS_KEY_ID = ""
    with pytest.raises(ImproperlyConfigured):
        sms.get_backend()


def test_the_file_backend_appends_one_json_line_per_message(settings, tmp_path):
    path = tmp_path / "sms.jsonl"
    settings.SMS_BACKEND = "accounts.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = str(path)
    sms.send_sms(phone="+86 139-1600-0001", text="第一条")
    sms.send_sms(phone="13916000002", text="第二条")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines == [
        {"phone": "13916000001", "text": "第一条"},
        {"phone": "13916000002", "text": "第二条"},
    ]


def test_nothing_is_sent_to_a_number_that_is_not_a_mainland_mobile(settings):
    sms.LocmemSmsBackend.outbox.clear()
    with pytest.raises(sms.SmsRejected):
        sms.send_sms(phone="021-57781234", text="x")
    assert sms.LocmemSmsBackend.outbox == []


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("13916001234", "13916001234"),
        ("１３９１６００１２３４", "13916001234"),  # full-width digits
        ("+86 139 1600 1234", "13916001234"),
        ("+86-139-1600-1234", "13916001234"),
        ("0086 13916001234", "13916001234"),
        ("8613916001234", "13916001234"),
        ("（139）1600－1234", "13916001234"),
        ("139.1600.1234", "13916001234"),
        ("021-57781234", None),  # a landline
        ("12916001234", None),  # no such mobile prefix
        ("1391600123", None),  # one digit short
        ("139160012345", None),  # one digit too many
        ("+1 139 1600 1234", None),
        ("", None),
        (None, None),
    ],
)
def test_phone_numbers_are_normalised_before_anything_is_sent(written, normal):
    assert normalize_mobile(written) == normal


def test_segments_count_seventy_characters_then_sixty_seven():
    assert sms.segments("字" * 70) == 1
    assert sms.segments("字" * 71) == 2
    assert sms.segments("字" * 134) == 2
    assert sms.segments("字" * 135) == 3
