"""Checks shared by the services of this app: who may act for which deputies (through
`deputies.permissions`), dates within mandates and not in the future (Asia/Shanghai), numbers of people,
closed years, and which opinions may be linked to a record."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies import permissions as access

from . import selectors
from .models import MAX_PEOPLE_REACHED


def require_staff_for(actor, deputies: Iterable) -> None:
    """Liaison staff act for deputies in their jurisdiction only; administrators for all.

    One query for all the deputies, however many are submitted; the first one outside the
    jurisdiction is named in the refusal."""
    if access.is_admin(actor):
        return
    if not access.is_liaison_staff(actor):
        raise PermissionDenied(_("只有联络机构工作人员可以办理此事项。"))
    deputies = list(deputies)
    if not deputies:
        return
    allowed = set(
        access.deputies_in_jurisdiction(actor)
        .filter(pk__in=[d.pk for d in deputies])
        .values_list("pk", flat=True)
    )
    for deputy in deputies:
        if deputy.pk not in allowed:
            raise PermissionDenied(_("%(name)s不在您所在机构的联系范围内。") % {"name": deputy.person.name})


def check_people(value, field: str, errors: dict) -> None:
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        errors[field] = _("请填写人数。")
    elif value < 0:
        errors[field] = _("人数不能为负数。")
    elif value > MAX_PEOPLE_REACHED:
        errors[field] = _("人数不能超过%(max)d人次，请核对。") % {"max": MAX_PEOPLE_REACHED}


def check_date(
    day, deputies: Sequence, errors: dict, *, field: str = "date", allow_future: bool = False
) -> None:
    """A date within every deputy's mandate and, unless ``allow_future`` (a planned activity), not
    after today in Asia/Shanghai."""
    if not isinstance(day, datetime.date):
        errors[field] = _("请填写日期。")
        return
    if day > timezone.localdate() and not allow_future:
        errors[field] = _("日期不能晚于今天；尚未举行的活动请作为计划发布。")
        return
    for deputy in deputies:
        if day < deputy.start_date or (deputy.end_date and day > deputy.end_date):
            errors[field] = _("日期不在%(name)s的代表任期内（%(start)s 至 %(end)s）。") % {
                "name": deputy.person.name,
                "start": deputy.start_date.isoformat(),
                "end": deputy.end_date.isoformat() if deputy.end_date else _("今"),
            }
            return


def _year_lock_key(year: int) -> int:
    """The advisory lock that keeps one year's activities and the closing of that year apart."""
    return 0x5A4C_0000 + year  # "SL" (Songjiang liaison) + the year: no other advisory lock uses it


def hold_year_open(*days) -> None:
    """Inside a write transaction on activities: keep the years of ``days`` open until it commits,
    then check that they are still open (ValidationError on "date" otherwise).

    On PostgreSQL a shared advisory lock per year: writers do not wait for each other, and
    :func:`close_year_lock`, which `close_year` takes, waits for every writer that got in first,
    so nothing is written to a year after its report was taken as submitted. Other databases
    serialize writes anyway; there only the check runs.
    """
    years = sorted({day.year for day in days if isinstance(day, datetime.date)})
    if connection.vendor == "postgresql" and years:
        with connection.cursor() as cursor:
            for year in years:
                cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [_year_lock_key(year)])
    errors: dict = {}
    for year in years:
        check_open_year(datetime.date(year, 1, 1), errors)
    if errors:
        raise ValidationError(errors)


def close_year_lock(year: int) -> None:
    """Inside the transaction that closes ``year``: wait for the writers holding it open."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_year_lock_key(year)])


def check_open_year(day, errors: dict, *, field: str = "date") -> None:
    if isinstance(day, datetime.date) and selectors.year_closed_for_writes(day.year):
        errors[field] = _("%(year)d年度已关闭，记录不能再修改；如需更正，请由联络机构提交更正说明。") % {
            "year": day.year
        }


def allowed_opinions(actor, opinions: Iterable, deputies: Sequence) -> list:
    """Opinions that may be linked: those of the participants, recorded by the actor, or (staff) in
    the actor's jurisdiction."""
    opinions = list(opinions)
    if not opinions or access.is_district_wide(actor):
        return opinions
    deputy_ids = {d.pk for d in deputies}
    regions = set(access.regions_in_jurisdiction(actor).values_list("pk", flat=True))
    for opinion in opinions:
        if not (
            opinion.deputy_id in deputy_ids
            or opinion.recorded_by_id == actor.pk
            or opinion.region_id in regions
        ):
            raise ValidationError({"opinions": _("只能关联本人或本辖区的社情民意。")})
    return opinions
