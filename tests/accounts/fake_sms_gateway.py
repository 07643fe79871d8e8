"""A local stand-in for the Alibaba Cloud and Tencent Cloud SMS APIs.

It checks each request's signature the way the providers document it (written here again, apart from
the backends, so a signing mistake in a backend fails the tests), records what was sent, and answers
as told: success, a permanent error, throttling, or a reply that comes too late (a timeout).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY_ID = "test-key-id"
SECRET = "test-secret-不要外传"


class FakeGateway:
    def __init__(self, provider: str):
        self.provider = provider  # "aliyun" or "tencent"
        self.mode = "ok"  # ok, error, throttle, slow
        self.received: list[dict] = []  # the accepted requests' parameters
        self.refused_signatures = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status, reply = gateway.handle(self.headers, body)
                if gateway.mode == "slow":
                    time.sleep(1.5)
                data = json.dumps(reply).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def handle(self, headers, body: bytes):
        if self.provider == "aliyun":
            return self.aliyun(body)
        return self.tencent(headers, body)

    # --- Alibaba Cloud: signature version 1.0 ------------------------------------------------------

    def aliyun(self, body: bytes):
        params = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        signature = params.pop("Signature", "")

        def enc(value):
            return urllib.parse.quote(value, safe="~")

        canonical = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
        to_sign = f"POST&{enc('/')}&{enc(canonical)}"
        expected = base64.b64encode(
            hmac.new(f"{SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()
        ).decode()
        if params.get("AccessKeyId") != KEY_ID or not hmac.compare_digest(signature, expected):
            self.refused_signatures += 1
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched"}
        if self.mode == "throttle":
            return 200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"}
        if self.mode == "error":
            return 200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}
        self.received.append(params)
        return 200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "r1"}

    # --- Tencent Cloud: TC3-HMAC-SHA256 --------------------------------------------------------------

    def tencent(self, headers, body: bytes):
        def error(code, message):
            return 200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "r1"}}

        timestamp = int(headers.get("X-TC-Timestamp", "0"))
        day = time.strftime("%Y-%m-%d", time.gmtime(timestamp))
        host = headers.get("Host", "")
        canonical = (
            f"POST\n/\n\ncontent-type:{headers.get('Content-Type')}\nhost:{host}\n\n"
            f"content-type;host\n{hashlib.sha256(body).hexdigest()}"
        )
        scope = f"{day}/sms/tc3_request"
        to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"

        def mac(key, msg):
            return hmac.new(key, msg.encode(), hashlib.sha256).digest()

        key = mac(mac(mac(f"TC3{SECRET}".encode(), day), "sms"), "tc3_request")
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        expected = (
            f"TC3-HMAC-SHA256 Credential={KEY_ID}/{scope}, SignedHeaders=content-type;host, "
            f"Signature={signature}"
        )
        if headers.get("Authorization") != expected or headers.get("X-TC-Action") != "SendSms":
            self.refused_signatures += 1
            return error("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
        if self.mode == "throttle":
            return error("RequestLimitExceeded", "请求的次数超过了频率限制。")
        payload = json.loads(body)
        phone = payload["PhoneNumberSet"][0]
        if self.mode == "error":
            status = {"Code": "InvalidParameterValue.IncorrectPhoneNumber", "Message": "手机号格式错误"}
        else:
            status = {"Code": "Ok", "Message": "send success"}
            self.received.append({**payload, "X-TC-Region": headers.get("X-TC-Region")})
        return 200, {"Response": {"SendStatusSet": [{"PhoneNumber": phone, **status}], "RequestId": "r1"}}
