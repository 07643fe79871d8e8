"""Serializers of the accounts API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Role


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text=_("用于 `Authorization: Token …` 请求头"))


class MeSerializer(serializers.Serializer):
    """Who the caller is: what the deputies' app needs to decide what to show."""

    username = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    organization = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("所属机构的编号（工作人员），否则为 null")
    )
    deputies = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text=_("本人代表资格的编号")
    )


class SmsCodeRequestSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=30, help_text=_("手机号码（可带 +86、空格或连字符）"))


class SmsCodeLoginSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=30)
    code = serializers.CharField(max_length=10, help_text=_("短信中的6位验证码"))


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)
