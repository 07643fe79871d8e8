"""The registry as a Popolo document (https://www.popoloproject.com/specs/), so that open-data tools
can read who the deputies are, which bodies exist and who belongs to which (R-REG-1…8).

Public fields only: names, gender, photo URL and the public phone and e-mail of a mandate; never
`private_phone`, `staff_notes` or `end_reason`. A fixed number of queries whatever the size of the
registry.

Identifiers are strings prefixed with the kind of record, because Popolo ids are unique across
one document: `person-12`, `congress-1`, `group-3`, `committee-2`, `organization-7`,
`region-5`, `constituency-9`, `mandate-11`, `group-membership-11`, `committee-seat-4`.
"""

from __future__ import annotations

from typing import Any

from .models import (
    LIAISON_BODY_KINDS,
    Committee,
    CommitteeMember,
    Congress,
    Constituency,
    Deputy,
    DeputyGroup,
    Organization,
    Region,
)


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _compact(item: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: Popolo readers treat a missing key as unknown."""
    return {key: value for key, value in item.items() if value not in (None, "", [])}


def _contact_details(*, phone: str = "", email: str = "", address: str = "") -> list[dict[str, str]]:
    details = []
    if phone:
        details.append({"type": "voice", "value": phone})
    if email:
        details.append({"type": "email", "value": email})
    if address:
        details.append({"type": "address", "value": address})
    return details


def _image_url(field, request) -> str | None:
    if not field:
        return None
    url = field.url
    return request.build_absolute_uri(url) if request is not None else url


def _persons(mandates, seats, request) -> list[dict[str, Any]]:
    persons: dict[int, dict[str, Any]] = {}
    for person in [d.person for d in mandates] + [s.person for s in seats]:
        persons.setdefault(
            person.pk,
            {
                "id": f"person-{person.pk}",
                "name": person.name,
                "gender": person.gender,
                "image": _image_url(person.photo, request),
                "contact_details": [],
            },
        )
    # A person's public contact details are those published with any of their mandates.
    for mandate in mandates:
        details = persons[mandate.person_id]["contact_details"]
        for detail in _contact_details(phone=mandate.public_phone, email=mandate.public_email):
            if detail not in details:
                details.append(detail)
    return [_compact(person) for person in persons.values()]


def _organizations(congresses, groups, committees, bodies) -> list[dict[str, Any]]:
    items = []
    for congress in congresses:
        items.append(
            _compact(
                {
                    "id": f"congress-{congress.pk}",
                    "name": congress.name,
                    "classification": "legislature",
                    "area_id": f"region-{congress.region_id}",
                    "founding_date": _date(congress.start_date),
                    "dissolution_date": _date(congress.end_date),
                }
            )
        )
    for group in groups:
        items.append(
            _compact(
                {
                    "id": f"group-{group.pk}",
                    "name": group.name,
                    "classification": "deputy_group",
                    "parent_id": f"congress-{group.congress_id}",
                    "area_id": f"region-{group.region_id}",
                }
            )
        )
    for committee in committees:
        items.append(
            _compact(
                {
                    "id": f"committee-{committee.pk}",
                    "name": committee.name,
                    "classification": f"committee:{committee.kind}",
                    "parent_id": f"congress-{committee.congress_id}",
                }
            )
        )
    for body in bodies:
        items.append(
            _compact(
                {
                    "id": f"organization-{body.pk}",
                    "name": body.name,
                    "classification": body.kind,
                    "area_id": f"region-{body.region_id}",
                    "description": body.description,
                    "contact_details": _contact_details(
                        phone=body.phone, email=body.email, address=body.address
                    ),
                }
            )
        )
    return items


def _memberships(mandates, seats) -> list[dict[str, Any]]:
    items = []
    for mandate in mandates:
        person_id = f"person-{mandate.person_id}"
        start, end = _date(mandate.start_date), _date(mandate.end_date)
        items.append(
            _compact(
                {
                    "id": f"mandate-{mandate.pk}",
                    "person_id": person_id,
                    "organization_id": f"congress-{mandate.congress_id}",
                    "role": "deputy",
                    "label": f"{mandate.congress.name}代表",
                    "area_id": f"constituency-{mandate.constituency_id}" if mandate.constituency_id else None,
                    "start_date": start,
                    "end_date": end,
                }
            )
        )
        if mandate.group_id:
            items.append(
                _compact(
                    {
                        "id": f"group-membership-{mandate.pk}",
                        "person_id": person_id,
                        "organization_id": f"group-{mandate.group_id}",
                        "role": "member",
                        "start_date": start,
                        "end_date": end,
                    }
                )
            )
    for seat in seats:
        items.append(
            _compact(
                {
                    "id": f"committee-seat-{seat.pk}",
                    "person_id": f"person-{seat.person_id}",
                    "organization_id": f"committee-{seat.committee_id}",
                    "role": seat.title or "member",
                }
            )
        )
    return items


def _areas(regions, constituencies) -> list[dict[str, Any]]:
    items = [
        _compact(
            {
                "id": f"region-{region.pk}",
                "name": region.name,
                "identifier": region.code,
                "classification": region.kind,
                "parent_id": f"region-{region.parent_id}" if region.parent_id else None,
            }
        )
        for region in regions
    ]
    items += [
        _compact(
            {
                "id": f"constituency-{constituency.pk}",
                "name": constituency.name,
                "identifier": str(constituency.number) if constituency.number is not None else None,
                "classification": "constituency",
                "parent_id": f"region-{constituency.region_id}",
            }
        )
        for constituency in constituencies
    ]
    return items


def export(*, request=None) -> dict[str, list[dict[str, Any]]]:
    """The whole public registry as one Popolo document.

    Every mandate is a membership of its congress (with its constituency as `area_id` and its term
    dates), plus a membership of its deputy group; Standing Committee seats are memberships of the
    committee. Ended mandates are included with their `end_date`.
    """
    mandates = list(Deputy.objects.select_related("person", "congress").order_by("person_id", "id"))
    seats = list(CommitteeMember.objects.select_related("person").order_by("committee_id", "id"))
    return {
        "persons": _persons(mandates, seats, request),
        "organizations": _organizations(
            Congress.objects.all(),
            DeputyGroup.objects.all(),
            Committee.objects.all(),
            Organization.objects.filter(kind__in=LIAISON_BODY_KINDS),
        ),
        "memberships": _memberships(mandates, seats),
        "areas": _areas(Region.objects.all(), Constituency.objects.all()),
    }
