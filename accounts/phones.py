"""Mainland mobile numbers: one normal form before anything is sent or looked up.

People and registry files write a number in many ways: full-width digits (１３９…), a country code
(+86, 0086, 86), spaces, dashes, dots or brackets. `normalize_mobile` turns all of them into the eleven
digits a gateway and the database expect (``13916001234``), or answers None for anything that is not a
mainland mobile number (a landline, a short number, a typo), so nothing is sent to a wrong number.
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-－—–.()（）]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(value: str | None) -> str | None:
    """The eleven-digit mainland mobile number written in `value`, or None if it is not one."""
    if not value:
        return None
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    for prefix in ("+86", "0086", "86"):
        if text.startswith(prefix) and len(text) == len(prefix) + 11:
            text = text[len(prefix) :]
            break
    return text if _MOBILE.match(text) else None


def masked(phone: str) -> str:
    """A number as logs and staff pages show it: the last four digits only."""
    return f"****{phone[-4:]}" if phone else ""
