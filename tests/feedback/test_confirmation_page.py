"""The confirmation page after submitting: a copy button for the tracking code (a static script, hidden
until that script can copy), and a plain statement of whether a text message will come — only when the
citizen left a mobile number, agreed to be contacted, and the portal really sends texts."""

import pytest
from django.urls import reverse

from .factories import OpinionFactory

pytestmark = pytest.mark.django_db

SENDS = "accounts.sms.LocmemSmsBackend"
LOGS_ONLY = "accounts.sms.LoggingSmsBackend"


def confirmation(client, opinion) -> str:
    response = client.get(reverse("feedback:submitted", args=[opinion.tracking_code]))
    assert response.status_code == 200
    return response.content.decode()


def sms_notice(html: str) -> str:
    return html.split('data-testid="sms-notice">')[1].split("</p>")[0]


def test_the_copy_button_copies_the_code_with_a_static_script(client, yueyang):
    html = confirmation(client, OpinionFactory(region=yueyang))
    assert 'data-copy="#tracking-code"' in html and 'id="tracking-code"' in html
    assert "js/copy.js" in html
    assert "onclick" not in html


def test_a_text_is_promised_when_a_mobile_was_left_with_consent_and_texts_are_sent(client, yueyang, settings):
    settings.SMS_BACKEND = SENDS
    opinion = OpinionFactory(region=yueyang, submitter_phone="13812345678", consent=True)
    assert "我们会发短信" in sms_notice(confirmation(client, opinion))


@pytest.mark.parametrize(
    ("phone", "consent", "backend"),
    [
        ("", False, SENDS),  # no phone at all
        ("13812345678", False, SENDS),  # no consent to be contacted
        ("021-57812345", True, SENDS),  # a landline cannot receive texts
        ("13812345678", True, LOGS_ONLY),  # the portal only writes texts to its log
    ],
)
def test_no_text_is_promised_otherwise(client, yueyang, settings, phone, consent, backend):
    settings.SMS_BACKEND = backend
    opinion = OpinionFactory(region=yueyang, submitter_phone=phone, consent=consent)
    notice = sms_notice(confirmation(client, opinion))
    assert "不会给您发短信" in notice and "我们会发短信" not in notice


def test_a_gateway_without_a_notice_template_sends_nothing_so_nothing_is_promised(client, yueyang, settings):
    settings.SMS_BACKEND = "accounts.sms.aliyun.AliyunSmsBackend"
    settings.SMS_TEMPLATES = {"notice": ""}
    opinion = OpinionFactory(region=yueyang, submitter_phone="13812345678", consent=True)
    assert "不会给您发短信" in sms_notice(confirmation(client, opinion))
    settings.SMS_TEMPLATES = {"notice": "SMS_123"}
    assert "我们会发短信" in sms_notice(confirmation(client, opinion))
