"""Reads for the public registry pages. Every list here runs a fixed number of queries, whatever the
number of deputies (select_related / prefetch_related, no per-row queries in templates)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from songjiang_liaison import pagecache
from songjiang_liaison.prefetch import set_prefetched

from .models import (
    DISTRICT_WIDE_KINDS,
    Constituency,
    ContactPoint,
    Deputy,
    Organization,
    ReceptionDuty,
    Region,
)

# How far ahead the offices page shows who is on reception duty.
DUTY_DAYS_AHEAD = 14


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    level: str = ""
    region: Region | None = None
    constituency: Constituency | None = None
    group: object | None = None
    include_ended: bool = False


def public_deputies(filters: DirectoryFilters) -> QuerySet[Deputy]:
    """The deputy directory (R-REG-2): serving deputies by default, searchable by name and filterable
    by level, street or town, constituency and deputy group."""
    deputies = Deputy.objects.all() if filters.include_ended else Deputy.objects.serving()
    if filters.q:
        deputies = deputies.filter(person__name__icontains=filters.q)
    if filters.level:
        deputies = deputies.filter(congress__level=filters.level)
    if filters.region is not None:
        deputies = deputies.filter(Q(constituency__region=filters.region) | Q(group__region=filters.region))
    if filters.constituency is not None:
        deputies = deputies.filter(constituency=filters.constituency)
    if filters.group is not None:
        deputies = deputies.filter(group=filters.group)
    return deputies.for_listing().order_by("congress__level", "person__name", "id")


def _upcoming_duties(on: datetime.date) -> QuerySet[ReceptionDuty]:
    until = on + datetime.timedelta(days=DUTY_DAYS_AHEAD)
    return (
        ReceptionDuty.objects.filter(date__gte=on, date__lte=until)
        .select_related("deputy__person", "deputy__congress")
        .order_by("date", "start_time", "id")
    )


def constituency_areas(constituency_id: int) -> list[Region]:
    """The residents' and village committees a constituency covers, read once per data version."""
    return pagecache.memo(
        f"constituency-areas:{constituency_id}",
        lambda: list(Region.objects.filter(covering_constituencies=constituency_id)),
    )


def public_deputy_profile(deputy_id: int) -> Deputy:
    """One deputy with everything the public profile shows, in a fixed number of queries (the
    person's other mandates are read only when there are any: most people hold one).
    Raises Deputy.DoesNotExist."""
    today = timezone.localdate()
    others = Deputy.objects.filter(person_id=OuterRef("person_id")).exclude(pk=OuterRef("pk"))
    deputy = (
        Deputy.objects.for_listing()
        .select_related("congress__region", "group__region", "contact_point__region")
        .annotate(has_other_mandates=Exists(others))
        .prefetch_related(
            Prefetch("duties", queryset=_upcoming_duties(today).select_related("contact_point")),
        )
        .get(pk=deputy_id)
    )
    if deputy.constituency is not None:  # its committees: reference data, memoised
        set_prefetched(deputy.constituency, "areas", constituency_areas(deputy.constituency_id))
    if deputy.has_other_mandates:  # the template lists them only then
        mandates = Deputy.objects.select_related("congress").order_by("congress__level")
        prefetch_related_objects([deputy], Prefetch("person__mandates", queryset=mandates))
    return deputy


def committees_of(region: Region | None) -> QuerySet[Region]:
    """The residents' and village committees of a street or town, for the "find my deputy" select."""
    if region is None:
        return Region.objects.none()
    return Region.objects.committees().filter(parent=region).order_by("name", "id")


def constituencies_covering(area: Region | None) -> list[Constituency]:
    """The district and town constituencies whose voters include this committee's residents, each with
    its serving deputies (R-REG-3)."""
    if area is None:
        return []
    serving = Deputy.objects.serving().select_related("person", "congress", "group")
    return list(
        Constituency.objects.filter(areas=area)
        .select_related("congress", "region")
        .prefetch_related(Prefetch("deputies", queryset=serving.order_by("person__name", "id")))
        .order_by("congress__level", "congress_id", "number", "id")
    )


def liaison_bodies(region: Region | None) -> QuerySet[Organization]:
    """Liaison bodies with public contact details (R-REG-8, §五(六)); a street or town filter keeps its
    own body and the district-wide bodies that serve everyone."""
    bodies = Organization.objects.liaison_bodies().select_related("region")
    if region is not None:
        bodies = bodies.filter(Q(region=region) | Q(kind__in=DISTRICT_WIDE_KINDS))
    return bodies.order_by("kind", "region_id", "id")


def public_venues(region: Region | None) -> QuerySet[ContactPoint]:
    """家、站、点 with address, opening hours, reception schedule and who is on duty in the coming days
    (R-REG-7)."""
    venues = ContactPoint.objects.select_related("region", "organization").prefetch_related(
        Prefetch("duties", queryset=_upcoming_duties(timezone.localdate()), to_attr="upcoming_duties")
    )
    if region is not None:
        venues = venues.filter(Q(region=region) | Q(region__parent=region))
    return venues.order_by("region__parent_id", "region_id", "kind", "id")


def streets_and_towns() -> QuerySet[Region]:
    return Region.objects.streets_and_towns()
