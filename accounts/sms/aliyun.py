"""Alibaba Cloud SMS (阿里云短信服务, dysmsapi 2017-05-25), called over its signed RPC API.

Signature version 1.0: the request's parameters, sorted and percent-encoded (RFC 3986), are signed with
HMAC-SHA1 using ``AccessKeySecret + "&"``; the base64 signature travels as the `Signature` parameter.
Settings: `SMS_ACCESS_KEY_ID`, `SMS_ACCESS_KEY_SECRET`, `SMS_SIGN_NAME`, `SMS_REGION` (default
cn-hangzhou), `SMS_ENDPOINT` (default https://dysmsapi.aliyuncs.com/), `SMS_TIMEOUT`, `SMS_TEMPLATES`.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import urllib.parse
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import BaseSmsBackend, SmsError, SmsMessage, SmsRejected, SmsThrottled, template_of
from .http import post

DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
# Codes that mean "too many, too fast": try again later.
THROTTLING_CODES = ("isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "Throttling")
# Codes that may succeed on another try.
TRANSIENT_CODES = ("isp.SYSTEM_ERROR", "isp.RAM_PERMISSION_DENY", "ServiceUnavailable", "InternalError")


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as Alibaba Cloud's signature wants it (space → %20, ~ kept, * → %2A)."""
    return urllib.parse.quote(value, safe="~")


def string_to_sign(method: str, params: dict[str, str]) -> str:
    canonical = "&".join(f"{percent_encode(key)}={percent_encode(params[key])}" for key in sorted(params))
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"


def sign(secret: str, method: str, params: dict[str, str]) -> str:
    digest = hmac.new(f"{secret}&".encode(), string_to_sign(method, params).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSmsBackend(BaseSmsBackend):
    uses_templates = True

    def __init__(self):
        self.key_id = settings.SMS_ACCESS_KEY_ID
        self.secret = settings.SMS_ACCESS_KEY_SECRET
        self.sign_name = settings.SMS_SIGN_NAME
        if not (self.key_id and self.secret and self.sign_name):
            raise ImproperlyConfigured(
                "AliyunSmsBackend needs SMS_ACCESS_KEY_ID, SMS_ACCESS_KEY_SECRET and SMS_SIGN_NAME."
            )
        self.region = settings.SMS_REGION or "cn-hangzhou"
        self.endpoint = settings.SMS_ENDPOINT or DEFAULT_ENDPOINT
        self.timeout = settings.SMS_TIMEOUT

    def params(self, message: SmsMessage) -> dict[str, str]:
        template, values = template_of(message)
        params = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": message.phone,
            "RegionId": self.region,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template,
            "TemplateParam": json.dumps({k: str(v) for k, v in values.items()}, ensure_ascii=False),
            "Timestamp": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = sign(self.secret, "POST", params)
        return params

    def send(self, message: SmsMessage) -> None:
        body = urllib.parse.urlencode(self.params(message), quote_via=urllib.parse.quote).encode()
        reply = post(
            self.endpoint,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            timeout=self.timeout,
        )
        code = str(reply.get("Code", ""))
        if code == "OK":
            return
        detail = f"{code}: {reply.get('Message', '')}"
        if code in THROTTLING_CODES:
            raise SmsThrottled(detail)
        if code in TRANSIENT_CODES or not code:
            raise SmsError(detail)
        raise SmsRejected(detail, code=code)
