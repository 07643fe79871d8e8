"""API v1 endpoints of accounts: obtain a token, and ask who you are.

`POST /api/v1/auth/token/` (username + password → `{"token": …}`), then send
`Authorization: Token <token>` with every request. `GET /api/v1/auth/me/` answers `username`, `role`,
`organization` (id or null) and `deputies` (the ids of the caller's own mandates); that view lives in
`deputies/api.py`, since accounts imports no app above it (docs/architecture.md).
"""

from collections.abc import Mapping

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import sms_login, throttling
from .serializers import (
    DetailSerializer,
    SmsCodeLoginSerializer,
    SmsCodeRequestSerializer,
    TokenSerializer,
)


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token (the same token every time).

    Two limits against password guessing: every attempt counts against the client address
    (`AUTH_TOKEN_RATE`), and failed ones against the username and the address, shared with the login
    page (`accounts.throttling`).
    """

    # Credentials are the authentication here; no session means no CSRF check on this POST.
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    @extend_schema(
        summary="获取 API 令牌",
        request=AuthTokenSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="用户名或密码错误，或账户已停用"),
            429: OpenApiResponse(description="尝试次数过多"),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        data = request.data if isinstance(request.data, Mapping) else {}
        username, password = str(data.get("username") or ""), data.get("password")
        if not username or not password:
            return super().post(request, *args, **kwargs)  # answered 400; nothing was tried
        address = throttling.client_address(request)
        retry_after = throttling.login_retry_after(username=username, address=address)
        if retry_after is not None:
            raise Throttled(wait=retry_after, detail=throttling.too_many_failures_message(retry_after))
        try:
            response = super().post(request, *args, **kwargs)
        except ValidationError:
            throttling.record_failed_login(username=username, address=address)
            raise
        throttling.forget_failed_logins(username=username)
        return response


class SmsCodeView(APIView):
    """Ask for a one-time sign-in code by SMS (docs/accounts.md). The answer is the same whether or not
    the number belongs to an account; limits per number and per client address answer 429."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="获取短信登录验证码",
        request=SmsCodeRequestSerializer,
        responses={
            202: DetailSerializer,
            400: OpenApiResponse(description="不是有效的手机号码"),
            429: OpenApiResponse(description="请求过于频繁"),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = SmsCodeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            sms_login.request_code(
                phone=serializer.validated_data["phone"], address=throttling.client_address(request)
            )
        except sms_login.InvalidPhone:
            raise ValidationError({"phone": [_("请输入正确的手机号码（11位）。")]}) from None
        except sms_login.TooManyRequests as refused:
            raise Throttled(wait=refused.retry_after, detail=refused.message) from None
        return Response({"detail": _("如果该号码已开通账户，验证码已发送。")}, status=202)


class SmsTokenView(APIView):
    """Exchange a mobile number and its one-time code for the user's API token."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="用短信验证码获取 API 令牌",
        request=SmsCodeLoginSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="验证码不正确或已失效"),
            429: OpenApiResponse(description="尝试次数过多"),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = SmsCodeLoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = sms_login.verify_code(
                phone=serializer.validated_data["phone"],
                code=serializer.validated_data["code"],
                address=throttling.client_address(request),
            )
        except sms_login.TooManyRequests as refused:
            raise Throttled(wait=refused.retry_after, detail=refused.message) from None
        if user is None:
            raise ValidationError({"code": [_("验证码不正确或已失效，请重新获取。")]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-auth-token"),
    path("auth/sms/code/", SmsCodeView.as_view(), name="api-auth-sms-code"),
    path("auth/sms/token/", SmsTokenView.as_view(), name="api-auth-sms-token"),
]


def register(router):
    """Add this app's viewsets to the v1 router."""
    from .api_notifications import register as register_notifications

    register_notifications(router)  # GET /api/v1/notifications/ (the caller's inbox)
