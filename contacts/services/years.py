"""Closing a year and excusing a deputy from its quota (§三(六))."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies import permissions as access

from ..checks import (
    close_year_lock,
    require_staff_for,
)
from ..models import (
    ClosedYear,
    QuotaExemption,
)
from ..signals import year_closed


def close_year(*, actor, year: int) -> ClosedYear:
    """An administrator closes a past year: its activities become read-only (amendments only)."""
    if not access.is_admin(actor):
        raise PermissionDenied(_("只有管理员可以关闭年度。"))
    if year >= timezone.localdate().year:
        raise ValidationError({"year": _("只能关闭已经结束的年度。")})
    with transaction.atomic():
        # Activities being written to the year when it is closed are committed first, so the report
        # stored as submitted holds them; later writes see the year closed (checks.hold_year_open).
        close_year_lock(year)
        closed, created = ClosedYear.objects.get_or_create(year=year, defaults={"closed_by": actor})
        if created:
            # The reports app stores the year's compliance report as submitted (reports.receivers).
            year_closed.send(sender=ClosedYear, year=year, closed_year=closed)
    return closed


def grant_exemption(*, actor, deputy, year: int, reason: str) -> QuotaExemption:
    """Excuse a deputy from a year's quota (§三(六) "一般"), always with a reason."""
    require_staff_for(actor, [deputy])
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写免除原因。")})
    exemption, _created = QuotaExemption.objects.update_or_create(
        deputy=deputy, year=year, defaults={"reason": reason, "granted_by": actor}
    )
    return exemption


def revoke_exemption(*, actor, deputy, year: int) -> None:
    require_staff_for(actor, [deputy])
    QuotaExemption.objects.filter(deputy=deputy, year=year).delete()
