"""The registry API v1: every resource lists and retrieves, filters narrow lists, the public never
sees a deputy's private phone or staff notes, and lists cost a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deputies.models import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    Constituency,
    ContactPoint,
    Deputy,
    DeputyGroup,
    DeputyStatus,
    Level,
    Organization,
    OrganizationKind,
    Person,
    ReceptionDuty,
    Region,
    RegionKind,
)
from tests import factories as f

API = "/api/v1/"
PRIVATE_PHONE = "13812345678"  # DeputyFactory's private_phone
STAFF_NOTE = "内部备注：仅供工作人员参阅"
END_REASON = "因工作调动辞去代表职务"
RESOURCES = [
    "regions",
    "congresses",
    "constituencies",
    "deputy-groups",
    "deputies",
    "organizations",
    "contact-points",
]


@pytest.fixture
def registry(
    deputy,
    other_deputy,
    town_congress,
    sijing,
    yueyang,
    yueyang_community,
    yueyang_committee,
    yongfeng_committee,
    sijing_office,
    handling_unit,
):
    """Alice and Bob (district), Tom (town, 泗泾), Ed (an ended district mandate), a venue with a duty."""
    Deputy.objects.filter(pk=deputy.pk).update(staff_notes=STAFF_NOTE)
    town_constituency = f.ConstituencyFactory(congress=town_congress, region=sijing, name="泗泾第1选区")
    tom = f.DeputyFactory(
        person=f.PersonFactory(name="汤姆"), congress=town_congress, constituency=town_constituency
    )
    ended = f.DeputyFactory(
        person=f.PersonFactory(name="埃德"),
        congress=deputy.congress,
        constituency=deputy.constituency,
        group=deputy.group,
        status=DeputyStatus.ENDED,
        end_date=datetime.date(2024, 6, 30),
        end_reason=END_REASON,
        staff_notes=STAFF_NOTE,
    )
    venue = f.ContactPointFactory(
        name="人乐代表联系点", region=yueyang_community, organization=yueyang_committee
    )
    ReceptionDuty.objects.create(contact_point=venue, deputy=deputy, date=timezone.localdate())
    return {"alice": deputy, "bob": other_deputy, "tom": tom, "ended": ended, "venue": venue}


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response):
    return {item["id"] for item in results(response)}


# --- Every resource lists and retrieves ----------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_resource_lists_paginated_and_retrieves_one_item(citizen, registry, resource):
    response = citizen.get(f"{API}{resource}/")
    page = response.json()

    assert response.status_code == 200
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == len(page["results"]) > 0
    first = page["results"][0]
    detail = citizen.get(f"{API}{resource}/{first['id']}/")
    assert detail.status_code == 200
    assert detail.json() == first


@pytest.mark.parametrize("resource", RESOURCES)
def test_an_unknown_id_is_not_found(citizen, registry, resource):
    assert citizen.get(f"{API}{resource}/999999/").status_code == 404


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_registry_cannot_be_written_through_the_api(login, admin_user, registry, resource):
    client = login(admin_user)
    assert client.post(f"{API}{resource}/", {}, content_type="application/json").status_code == 405


def test_a_deputy_shows_public_details_with_names_of_related_records(citizen, registry):
    alice = registry["alice"]

    item = citizen.get(f"{API}deputies/{alice.pk}/").json()

    assert item["name"] == "艾丽丝"
    assert item["level"] == Level.DISTRICT
    assert item["congress_name"] == "松江区第六届人民代表大会"
    assert item["constituency_name"] == "岳阳第1选区"
    assert item["region"] == alice.constituency.region_id
    assert item["region_name"] == "岳阳街道"
    assert item["group"] == alice.group_id
    assert item["public_phone"] == "021-57771234"
    assert item["is_serving"] is True
    assert item["status"] == DeputyStatus.SERVING


def test_pages_follow_page_size_and_link_to_the_next_page(citizen, registry):
    first = citizen.get(f"{API}deputies/", {"page_size": 1}).json()
    second = citizen.get(first["next"]).json()

    assert first["count"] == 3  # Alice, Bob, Tom: serving
    assert first["previous"] is None
    assert len(first["results"]) == len(second["results"]) == 1
    assert first["results"][0]["id"] != second["results"][0]["id"]


def test_a_contact_point_lists_who_is_on_reception_duty(citizen, registry):
    venue = citizen.get(f"{API}contact-points/{registry['venue'].pk}/").json()

    assert venue["organization_name"] == "岳阳街道人大工委"
    assert [duty["deputy_name"] for duty in venue["upcoming_duties"]] == ["艾丽丝"]


def test_past_and_distant_reception_duties_are_not_listed(citizen, registry):
    today = timezone.localdate()
    for days in (-1, 31):
        ReceptionDuty.objects.create(
            contact_point=registry["venue"],
            deputy=registry["bob"],
            date=today + datetime.timedelta(days=days),
        )

    venue = citizen.get(f"{API}contact-points/{registry['venue'].pk}/").json()

    assert [duty["date"] for duty in venue["upcoming_duties"]] == [today.isoformat()]


# --- Filters ---------------------------------------------------------------------------------------


def _deputy_filter_cases():
    return [
        ("no filter: serving deputies only", lambda w: {}, {"alice", "bob", "tom"}),
        ("status=all", lambda w: {"status": "all"}, {"alice", "bob", "tom", "ended"}),
        ("status=ended", lambda w: {"status": "ended"}, {"ended"}),
        ("status=serving", lambda w: {"status": "serving"}, {"alice", "bob", "tom"}),
        ("level=town", lambda w: {"level": "town"}, {"tom"}),
        ("level=district", lambda w: {"level": "district"}, {"alice", "bob"}),
        ("congress", lambda w: {"congress": w["tom"].congress_id}, {"tom"}),
        ("region (street)", lambda w: {"region": w["bob"].constituency.region_id}, {"bob"}),
        ("region (town)", lambda w: {"region": w["tom"].constituency.region_id}, {"tom"}),
        ("constituency", lambda w: {"constituency": w["alice"].constituency_id}, {"alice"}),
        (
            "constituency, all",
            lambda w: {"constituency": w["alice"].constituency_id, "status": "all"},
            {"alice", "ended"},
        ),
        ("group", lambda w: {"group": w["bob"].group_id}, {"bob"}),
        ("area (find my deputy)", lambda w: {"area": w["venue"].region_id}, {"alice"}),
        ("search by name", lambda w: {"search": "艾丽"}, {"alice"}),
        ("search by name, no match", lambda w: {"search": "无此人"}, set()),
    ]


@pytest.mark.parametrize(
    ("case", "params", "expected"), _deputy_filter_cases(), ids=[c[0] for c in _deputy_filter_cases()]
)
def test_deputy_filters_narrow_the_list(citizen, registry, case, params, expected):
    response = citizen.get(f"{API}deputies/", params(registry))

    assert ids(response) == {registry[name].pk for name in expected}


def test_deputies_are_ordered_by_name_on_request(citizen, registry):
    names = [d["name"] for d in results(citizen.get(f"{API}deputies/", {"ordering": "-name"}))]

    assert names == sorted(names, reverse=True)


def test_an_ended_mandate_is_still_retrievable_by_id(citizen, registry):
    response = citizen.get(f"{API}deputies/{registry['ended'].pk}/")

    assert response.status_code == 200
    assert response.json()["status"] == DeputyStatus.ENDED
    assert response.json()["end_date"] == "2024-06-30"


def test_an_invalid_filter_value_is_refused_with_field_errors(citizen, registry):
    response = citizen.get(f"{API}deputies/", {"level": "city"})

    assert response.status_code == 400
    assert "level" in response.json()


def test_region_filters(citizen, registry, district, yueyang, yongfeng, sijing, yueyang_community):
    assert ids(citizen.get(f"{API}regions/", {"kind": "street"})) == {yueyang.pk, yongfeng.pk}
    assert ids(citizen.get(f"{API}regions/", {"parent": district.pk})) == {yueyang.pk, yongfeng.pk, sijing.pk}
    assert ids(citizen.get(f"{API}regions/", {"search": "人乐"})) == {yueyang_community.pk}


def test_congress_filters(citizen, registry, district_congress, town_congress):
    assert ids(citizen.get(f"{API}congresses/", {"level": "town"})) == {town_congress.pk}
    assert ids(citizen.get(f"{API}congresses/", {"current": "true"})) == {
        district_congress.pk,
        town_congress.pk,
    }


def test_constituency_filters(citizen, registry, yueyang_constituency, yueyang_community, town_congress):
    assert ids(citizen.get(f"{API}constituencies/", {"area": yueyang_community.pk})) == {
        yueyang_constituency.pk
    }
    town = citizen.get(f"{API}constituencies/", {"level": "town"})
    assert [c["name"] for c in results(town)] == ["泗泾第1选区"]
    item = citizen.get(f"{API}constituencies/{yueyang_constituency.pk}/").json()
    assert item["areas"] == [yueyang_community.pk]


def test_deputy_group_filters(citizen, registry):
    tom = registry["tom"]

    assert ids(citizen.get(f"{API}deputy-groups/", {"level": "town"})) == {tom.group_id}
    assert ids(citizen.get(f"{API}deputy-groups/", {"congress": tom.congress_id})) == {tom.group_id}


def test_organization_filters(
    citizen, registry, yueyang_committee, yongfeng_committee, sijing_office, handling_unit
):
    liaison = {yueyang_committee.pk, yongfeng_committee.pk, sijing_office.pk}

    assert ids(citizen.get(f"{API}organizations/", {"liaison_body": "true"})) == liaison
    assert ids(citizen.get(f"{API}organizations/", {"liaison_body": "false"})) == {handling_unit.pk}
    assert ids(citizen.get(f"{API}organizations/", {"kind": "town_office"})) == {sijing_office.pk}


def test_contact_points_of_a_street_include_those_in_its_communities(citizen, registry, yueyang, yongfeng):
    assert ids(citizen.get(f"{API}contact-points/", {"region": yueyang.pk})) == {registry["venue"].pk}
    assert ids(citizen.get(f"{API}contact-points/", {"region": yongfeng.pk})) == set()


# --- Private fields ------------------------------------------------------------------------------


def _walk(client):
    """Every registry list (all mandates) and every item's detail, plus the Popolo export."""
    bodies = []
    for resource in RESOURCES:
        response = client.get(f"{API}{resource}/", {"status": "all", "page_size": 200})
        bodies.append(response.content.decode())
        for item in results(response):
            bodies.append(client.get(f"{API}{resource}/{item['id']}/").content.decode())
    bodies.append(client.get(f"{API}popolo.json").content.decode())
    return bodies


@pytest.mark.parametrize("persona", ["citizen", "handling_unit_staff"])
def test_the_public_never_sees_a_private_field_in_any_registry_endpoint(request, login, registry, persona):
    client = request.getfixturevalue("citizen")
    if persona != "citizen":
        client = login(request.getfixturevalue(persona))

    for body in _walk(client):
        assert PRIVATE_PHONE not in body
        assert STAFF_NOTE not in body
        assert END_REASON not in body
        assert "private_phone" not in body
        assert "staff_notes" not in body


# Who sees the private fields of which deputy: deputies.permissions.deputies_in_jurisdiction.
PRIVATE_ACCESS = [
    ("admin_user", {"alice", "bob", "tom", "ended"}),
    ("street_staff", {"alice", "ended"}),  # 岳阳: district deputies elected in 岳阳
    ("other_street_staff", {"bob"}),  # 永丰
    ("town_staff", {"tom"}),  # 泗泾: its town deputies (and district deputies elected there)
    ("handling_unit_staff", set()),
    ("deputy_user", {"alice"}),  # her own mandate
    ("other_deputy_user", {"bob"}),
    ("committee_member", {"alice"}),  # fixed contact with Alice
]


@pytest.mark.parametrize(("persona", "visible"), PRIVATE_ACCESS, ids=[p for p, _ in PRIVATE_ACCESS])
def test_private_fields_appear_only_for_deputies_in_the_users_jurisdiction(
    request, login, registry, persona, visible
):
    user = request.getfixturevalue(persona)
    client = login(user)

    listed = results(client.get(f"{API}deputies/", {"status": "all"}))

    with_private = {item["id"] for item in listed if "private_phone" in item}
    assert with_private == {registry[name].pk for name in visible}
    for item in listed:
        if item["id"] in with_private:
            assert item["private_phone"] == PRIVATE_PHONE
        else:
            assert {"private_phone", "staff_notes", "end_reason"}.isdisjoint(item)


def test_staff_of_another_street_do_not_see_alices_private_fields_by_id(login, registry, other_street_staff):
    item = login(other_street_staff).get(f"{API}deputies/{registry['alice'].pk}/").json()

    assert item["name"] == "艾丽丝"
    assert "private_phone" not in item
    assert "staff_notes" not in item


def test_staff_of_alices_street_see_her_private_phone_and_notes(login, registry, street_staff):
    item = login(street_staff).get(f"{API}deputies/{registry['alice'].pk}/").json()

    assert item["private_phone"] == PRIVATE_PHONE
    assert item["staff_notes"] == STAFF_NOTE


def test_staff_see_an_ended_mandates_reason_in_their_jurisdiction(login, registry, street_staff):
    item = login(street_staff).get(f"{API}deputies/{registry['ended'].pk}/").json()

    assert item["end_reason"] == END_REASON


# --- Query counts ----------------------------------------------------------------------------------


def populate(size, *, prefix, district, street, congress):
    """`size` deputies, constituencies, groups, communities, organizations, venues and duties,
    written in bulk."""
    today = timezone.localdate()
    communities = Region.objects.bulk_create(
        Region(name=f"{prefix}居委会{i}", kind=RegionKind.COMMUNITY, parent=street, code=f"{prefix}-c{i}")
        for i in range(size)
    )
    constituencies = Constituency.objects.bulk_create(
        Constituency(congress=congress, name=f"{prefix}选区{i}", number=i, region=street) for i in range(size)
    )
    Constituency.areas.through.objects.bulk_create(
        Constituency.areas.through(constituency_id=c.pk, region_id=r.pk)
        for c, r in zip(constituencies, communities, strict=True)
    )
    groups = DeputyGroup.objects.bulk_create(
        DeputyGroup(congress=congress, name=f"{prefix}小组{i}", region=street) for i in range(size)
    )
    people = Person.objects.bulk_create(Person(name=f"{prefix}代表{i}") for i in range(size))
    venues = ContactPoint.objects.bulk_create(
        ContactPoint(name=f"{prefix}联络站{i}", kind="station", region=r, address="松江区某路1号")
        for i, r in enumerate(communities)
    )
    deputies = Deputy.objects.bulk_create(
        Deputy(
            person=p,
            congress=congress,
            constituency=c,
            group=g,
            contact_point=v,
            public_phone="021-57771234",
            public_email="deputy@example.org",
            private_phone=PRIVATE_PHONE,
            start_date=datetime.date(2022, 1, 1),
        )
        for p, c, g, v in zip(people, constituencies, groups, venues, strict=True)
    )
    ReceptionDuty.objects.bulk_create(
        ReceptionDuty(contact_point=v, deputy=d, date=today) for v, d in zip(venues, deputies, strict=True)
    )
    Organization.objects.bulk_create(
        Organization(name=f"{prefix}承办单位{i}", kind=OrganizationKind.HANDLING_UNIT, region=district)
        for i in range(size)
    )
    committee = Committee.objects.create(
        congress=congress, kind=CommitteeKind.STANDING, name=f"{prefix}常委会"
    )
    members = CommitteeMember.objects.bulk_create(
        CommitteeMember(committee=committee, person=p) for p in people[: max(1, size // 5)]
    )
    CommitteeMember.fixed_contacts.through.objects.bulk_create(
        CommitteeMember.fixed_contacts.through(committeemember_id=m.pk, deputy_id=d.pk)
        for m, d in zip(members, deputies, strict=False)
    )


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [f"{API}{resource}/?page_size=200" for resource in RESOURCES]
    + [f"{API}deputies/?page_size=200&status=all&search=代表", f"{API}popolo.json"],
)
@pytest.mark.parametrize("persona", ["citizen", "street_staff"])
def test_list_endpoints_run_the_same_number_of_queries_for_10_and_500_deputies(
    request, login, district, yueyang, district_congress, url, persona, django_assert_max_num_queries
):
    client = request.getfixturevalue("citizen")
    if persona != "citizen":
        client = login(request.getfixturevalue(persona))
    populate(10, prefix="a", district=district, street=yueyang, congress=district_congress)
    client.get(url)  # warm up: the session and content types are loaded once per client
    few = _count_queries(client, url)

    populate(490, prefix="b", district=district, street=yueyang, congress=district_congress)
    with django_assert_max_num_queries(few):
        response = client.get(url)

    assert response.status_code == 200
    assert _count_queries(client, url) == few
    assert few <= 12
