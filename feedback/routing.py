"""Routing by level (§四(一) 1–5, R-OP-3): which body a verified matter goes to.

1. street level  → that street's working committee (街道人大工委) → street departments;
2. town level    → that town's office (镇人大办公室/代表联络室) → town departments;
3. district level → a district deputy raises it as a motion, suggestion or review opinion; the
   Standing Committee's personnel and deputy work office (人事代表工作室) registers and assigns those;
4. city level    → the personnel and deputy work office, which passes it to municipal deputies;
5. letters       → the Standing Committee office's letters and visits section (信访科).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from deputies.models import Organization, OrganizationKind, Region, RegionKind

from .models import RouteLevel

# District-wide bodies by level.
_DISTRICT_BODY = {
    RouteLevel.DISTRICT: OrganizationKind.PERSONNEL_OFFICE,
    RouteLevel.CITY: OrganizationKind.PERSONNEL_OFFICE,
    RouteLevel.LETTERS: OrganizationKind.LETTERS_SECTION,
}


def liaison_body_for(region: Region | None) -> Organization | None:
    """The street working committee or town office serving the street or town of `region`."""
    return Organization.objects.serving(region)


def levels_for(region: Region) -> list[str]:
    """The levels a matter about `region` may be routed to (a street has no town level and v.v.)."""
    area = region.street_or_town()
    local = []
    if area is not None:
        local = [RouteLevel.STREET] if area.kind == RegionKind.STREET else [RouteLevel.TOWN]
    return [*local, RouteLevel.DISTRICT, RouteLevel.CITY, RouteLevel.LETTERS]


def route_target(level: str, region: Region) -> Organization:
    """The organization a matter of `level` about `region` goes to; ValidationError when the level
    does not fit the region or the body is not in the registry."""
    if level not in RouteLevel.values:
        raise ValidationError({"level": _("请选择正确的层级。")})
    if level in (RouteLevel.STREET, RouteLevel.TOWN):
        area = region.street_or_town()
        wanted = RegionKind.STREET if level == RouteLevel.STREET else RegionKind.TOWN
        if area is None or area.kind != wanted:
            if wanted == RegionKind.STREET:
                raise ValidationError({"level": _("该意见所涉区域不是街道。")})
            raise ValidationError({"level": _("该意见所涉区域不是镇。")})
        target = liaison_body_for(area)
    else:
        target = Organization.objects.filter(kind=_DISTRICT_BODY[level]).order_by("id").first()
    if target is None:
        raise ValidationError({"level": _("机构名册中没有对应的接收机构，请先在名册中登记。")})
    return target
