import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.phones import normalize_mobile

# Mainland mobile numbers (1[3-9]xxxxxxxxx), or fixed lines with an optional area code and extension
# as offices write them: 021-57xxxxxx, 57xxxxxx, 021-5778 1234 转 801, 12345 style hotlines.
_MOBILE = re.compile(r"^(\+?86[- ]?)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(\(?0\d{2,3}\)?[- ]?)?\d{3,4}[- ]?\d{4}(\s*(转|ext\.?|-)\s*\d{1,6})?$")
_HOTLINE = re.compile(r"^(12345|12388|110|119|120)$")


def normalize_phone(value: str) -> str:
    return re.sub(r"\s+", " ", (value or "").strip())


def is_valid_phone(value: str) -> bool:
    """A landline, a hotline, or a mobile written any way `accounts.phones.normalize_mobile` reads
    (full-width digits, +86, spaces and dashes)."""
    if normalize_mobile(value):
        return True
    value = normalize_phone(value)
    return bool(_MOBILE.match(value.replace(" ", "")) or _LANDLINE.match(value) or _HOTLINE.match(value))


def validate_phone(value: str) -> None:
    """A Chinese mobile or fixed-line number; the message names the bad value in both languages."""
    if value and not is_valid_phone(value):
        raise ValidationError(
            _("电话号码格式不正确：%(value)s"), code="invalid_phone", params={"value": value}
        )
