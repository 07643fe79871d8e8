"""The submitter's personal information (个人信息保护法, PIPL).

Name, phone and address are seen only by the deputy the opinion is assigned to and the staff handling
it (`permissions.may_see_contact`); everyone else sees them masked (`138****5678`); the public, the
tracking page and the public API never see them. Each view of the unmasked details leaves an audit
row. Contact details of opinions closed longer than `settings.OPINION_RETENTION_MONTHS` are blanked
by `anonymize_closed_opinions`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import deadlines
from .models import FINAL_STATES, ContactView, Opinion
from .permissions import may_see_contact


def mask_phone(phone: str) -> str:
    """ "13812345678" → "138****5678"; short numbers keep only their last two digits."""
    value = (phone or "").strip()
    if not value:
        return ""
    digits = [c for c in value if c.isdigit()]
    if len(digits) >= 7:
        return f"{''.join(digits[:3])}****{''.join(digits[-4:])}"
    return "*" * max(len(value) - 2, 1) + value[-2:]


def mask_name(name: str) -> str:
    """ "张三" → "张*", "欧阳娜娜" → "欧***"."""
    value = (name or "").strip()
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


def mask_address(address: str) -> str:
    value = (address or "").strip()
    if not value:
        return ""
    return value[:6] + "***"


def record_contact_view(user, opinion: Opinion) -> ContactView:
    """One audit row per view of the unmasked contact details."""
    return ContactView.objects.create(user=user, opinion=opinion)


def contact_for(user, opinion: Opinion, *, record: bool = True) -> dict[str, str]:
    """The submitter's details as `user` may see them (recording the view when unmasked)."""
    if may_see_contact(user, opinion):
        if record and (opinion.submitter_name or opinion.submitter_phone or opinion.submitter_address):
            record_contact_view(user, opinion)
        return {
            "submitter_name": opinion.submitter_name,
            "submitter_phone": opinion.submitter_phone,
            "submitter_address": opinion.submitter_address,
            "masked": False,
        }
    return {
        "submitter_name": mask_name(opinion.submitter_name),
        "submitter_phone": mask_phone(opinion.submitter_phone),
        "submitter_address": mask_address(opinion.submitter_address),
        "masked": True,
    }


def retention_months() -> int:
    return settings.OPINION_RETENTION_MONTHS


def anonymize_closed_opinions(*, now: datetime.datetime | None = None, months: int | None = None) -> int:
    """Blank the contact details of opinions closed more than `months` ago; returns how many."""
    now = now or timezone.now()
    months = retention_months() if months is None else months
    cutoff_day = deadlines.add_months(timezone.localtime(now).date(), -months)
    cutoff = deadlines.end_of_day(cutoff_day) - datetime.timedelta(days=1)
    has_contact = ~Q(submitter_name="") | ~Q(submitter_phone="") | ~Q(submitter_address="")
    return (
        Opinion.objects.filter(state__in=FINAL_STATES, closed_at__lte=cutoff)
        .filter(has_contact)
        .update(
            submitter_name="",
            submitter_phone="",
            submitter_address="",
            submitter_fingerprint="",
            anonymized_at=now,
        )
    )
