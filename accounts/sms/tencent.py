"""Tencent Cloud SMS (腾讯云短信, API 2021-01-11), called over its signed JSON API.

Signature TC3-HMAC-SHA256: a canonical request (method, path, headers `content-type` and `host`, the
SHA-256 of the body) is hashed into a string to sign, which is signed with a key derived from
``"TC3" + SecretKey``, the UTC date, the service ("sms") and "tc3_request".
Settings: `SMS_ACCESS_KEY_ID` (SecretId), `SMS_ACCESS_KEY_SECRET` (SecretKey), `SMS_SDK_APP_ID`,
`SMS_SIGN_NAME`, `SMS_REGION` (default ap-guangzhou), `SMS_ENDPOINT` (default
https://sms.tencentcloudapi.com/), `SMS_TIMEOUT`, `SMS_TEMPLATES`.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time
import urllib.parse

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import BaseSmsBackend, SmsError, SmsMessage, SmsRejected, SmsThrottled, template_of
from .http import post

DEFAULT_ENDPOINT = "https://sms.tencentcloudapi.com/"
SERVICE = "sms"
VERSION = "2021-01-11"
CONTENT_TYPE = "application/json; charset=utf-8"


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def authorization(*, secret_id: str, secret_key: str, host: str, body: bytes, timestamp: int) -> str:
    """The `Authorization` header of one POST / request."""
    day = datetime.datetime.fromtimestamp(timestamp, datetime.UTC).strftime("%Y-%m-%d")
    canonical_request = "\n".join(
        ["POST", "/", "", f"content-type:{CONTENT_TYPE}\nhost:{host}\n", "content-type;host", _sha256(body)]
    )
    scope = f"{day}/{SERVICE}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope, _sha256(canonical_request.encode())])
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), day), SERVICE), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )


def _is_throttling(code: str) -> bool:
    return code.startswith(("LimitExceeded", "RequestLimitExceeded"))


def _is_transient(code: str) -> bool:
    return code.startswith(("InternalError", "ResourceUnavailable")) or code in (
        "FailedOperation.JsonParseFail",
    )


class TencentSmsBackend(BaseSmsBackend):
    uses_templates = True

    def __init__(self):
        self.secret_id = settings.SMS_ACCESS_KEY_ID
        self.secret_key = settings.SMS_ACCESS_KEY_SECRET
        self.app_id = settings.SMS_SDK_APP_ID
        self.sign_name = settings.SMS_SIGN_NAME
        if not (self.secret_id and self.secret_key and self.app_id and self.sign_name):
            raise ImproperlyConfigured(
                "TencentSmsBackend needs SMS_ACCESS_KEY_ID, SMS_ACCESS_KEY_SECRET, SMS_SDK_APP_ID "
                "and SMS_SIGN_NAME."
            )
        self.region = settings.SMS_REGION or "ap-guangzhou"
        self.endpoint = settings.SMS_ENDPOINT or DEFAULT_ENDPOINT
        self.host = urllib.parse.urlsplit(self.endpoint).netloc
        self.timeout = settings.SMS_TIMEOUT

    def send(self, message: SmsMessage) -> None:
        template, values = template_of(message)
        body = json.dumps(
            {
                "PhoneNumberSet": [f"+86{message.phone}"],
                "SmsSdkAppId": self.app_id,
                "SignName": self.sign_name,
                "TemplateId": template,
                # Tencent templates number their variables {1}, {2}…: the values in order.
                "TemplateParamSet": [str(value) for value in values.values()],
            },
            ensure_ascii=False,
        ).encode()
        timestamp = int(time.time())
        headers = {
            "Authorization": authorization(
                secret_id=self.secret_id,
                secret_key=self.secret_key,
                host=self.host,
                body=body,
                timestamp=timestamp,
            ),
            "Content-Type": CONTENT_TYPE,
            "Host": self.host,
            "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": VERSION,
            "X-TC-Region": self.region,
        }
        reply = post(self.endpoint, body=body, headers=headers, timeout=self.timeout).get("Response", {})
        error = reply.get("Error")
        if error:
            code = str(error.get("Code", ""))
            self._raise(code, f"{code}: {error.get('Message', '')}")
        statuses = reply.get("SendStatusSet") or []
        if not statuses:
            raise SmsError("Tencent Cloud SMS answered without a send status")
        code = str(statuses[0].get("Code", ""))
        if code != "Ok":
            self._raise(code, f"{code}: {statuses[0].get('Message', '')}")

    @staticmethod
    def _raise(code: str, detail: str):
        if _is_throttling(code):
            raise SmsThrottled(detail)
        if _is_transient(code):
            raise SmsError(detail)
        raise SmsRejected(detail, code=code)
