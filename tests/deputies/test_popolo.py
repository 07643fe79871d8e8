"""The Popolo export (`/api/v1/popolo.json`): valid against the Popolo JSON schemas, public fields
only, and it says who belongs to which congress, group and committee."""

import datetime
import json
from pathlib import Path

import pytest
from jsonschema import Draft3Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from deputies.models import DeputyStatus, Person
from tests import factories as f

URL = "/api/v1/popolo.json"
# CI checks the shared folder out beside the clone: <repo>/../shared/reference/popolo-schemas
SCHEMA_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "popolo-schemas"
SCHEMA_URL = "http://www.popoloproject.com/schemas/{name}.json#"
# Which schema each top-level list of the document follows.
COLLECTIONS = {
    "persons": "person",
    "organizations": "organization",
    "memberships": "membership",
    "areas": "area",
}


@pytest.fixture(scope="module")
def validators():
    if not SCHEMA_DIR.is_dir():
        pytest.skip(f"the Popolo schemas are not at {SCHEMA_DIR.resolve()} (shared/ beside the clone)")
    schemas = {path.stem: json.loads(path.read_text()) for path in SCHEMA_DIR.glob("*.json")}
    resources = []
    for name, schema in schemas.items():
        resource = Resource.from_contents(schema, default_specification=DRAFT3)
        url = SCHEMA_URL.format(name=name)
        resources += [(url, resource), (url.rstrip("#"), resource)]
    registry = Registry().with_resources(resources)
    return {
        name: Draft3Validator(schemas[name], registry=registry, format_checker=Draft3Validator.FORMAT_CHECKER)
        for name in COLLECTIONS.values()
    }


@pytest.fixture
def registry(deputy, other_deputy, town_congress, sijing, committee_member, yueyang_committee, handling_unit):
    """Alice holds a district and a town mandate; Ed's mandate ended; Heidi sits on the Standing
    Committee."""
    town_constituency = f.ConstituencyFactory(congress=town_congress, region=sijing, name="泗泾第1选区")
    alice_town = f.DeputyFactory(
        person=deputy.person,
        congress=town_congress,
        constituency=town_constituency,
        public_phone="021-57779999",
        public_email="alice@example.org",
    )
    ended = f.DeputyFactory(
        person=f.PersonFactory(name="埃德"),
        congress=deputy.congress,
        constituency=deputy.constituency,
        group=deputy.group,
        status=DeputyStatus.ENDED,
        end_date=datetime.date(2024, 6, 30),
        end_reason="辞职",
        staff_notes="内部备注",
    )
    Person.objects.filter(pk=deputy.person_id).update(photo="deputies/photos/alice.jpg")
    return {"alice": deputy, "alice_town": alice_town, "bob": other_deputy, "ended": ended}


@pytest.fixture
def document(citizen, registry):
    response = citizen.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_every_item_is_valid_against_the_popolo_schemas(document, validators):
    for collection, schema in COLLECTIONS.items():
        assert document[collection], f"{collection} is empty"
        for item in document[collection]:
            errors = [e.message for e in validators[schema].iter_errors(item)]
            assert errors == [], f"{collection} item {item.get('id')}: {errors}"


def test_a_broken_item_would_fail_validation(validators):
    # Guards the test above against a validator that accepts anything.
    broken = {"id": "person-1", "contact_details": [{"type": "voice"}], "birth_date": "1 May 1970"}

    assert len(list(validators["person"].iter_errors(broken))) == 2


def test_ids_are_unique_and_every_reference_points_to_an_item_of_the_document(document):
    all_ids = [item["id"] for collection in COLLECTIONS for item in document[collection]]
    assert len(all_ids) == len(set(all_ids))
    persons = {p["id"] for p in document["persons"]}
    organizations = {o["id"] for o in document["organizations"]}
    areas = {a["id"] for a in document["areas"]}

    for membership in document["memberships"]:
        assert membership["person_id"] in persons
        assert membership["organization_id"] in organizations
        assert membership.get("area_id", next(iter(areas))) in areas
    for organization in document["organizations"]:
        assert organization.get("parent_id", next(iter(organizations))) in organizations
        assert organization.get("area_id", next(iter(areas))) in areas


def test_a_person_with_two_mandates_is_one_person_with_the_public_contacts_of_both(document, registry):
    alice = registry["alice"]
    [person] = [p for p in document["persons"] if p["id"] == f"person-{alice.person_id}"]

    assert person["name"] == "艾丽丝"
    assert person["gender"] == "female"
    assert person["image"] == "http://testserver/media/deputies/photos/alice.jpg"
    assert person["contact_details"] == [
        {"type": "voice", "value": "021-57771234"},
        {"type": "voice", "value": "021-57779999"},
        {"type": "email", "value": "alice@example.org"},
    ]


def test_each_mandate_is_a_membership_of_its_congress_in_its_constituency_and_of_its_group(
    document, registry
):
    alice = registry["alice"]
    memberships = {m["id"]: m for m in document["memberships"]}

    mandate = memberships[f"mandate-{alice.pk}"]
    assert mandate["person_id"] == f"person-{alice.person_id}"
    assert mandate["organization_id"] == f"congress-{alice.congress_id}"
    assert mandate["area_id"] == f"constituency-{alice.constituency_id}"
    assert mandate["role"] == "deputy"
    assert mandate["start_date"] == "2022-01-01"
    assert memberships[f"group-membership-{alice.pk}"]["organization_id"] == f"group-{alice.group_id}"
    assert memberships[f"mandate-{registry['ended'].pk}"]["end_date"] == "2024-06-30"


def test_committees_liaison_bodies_congresses_and_groups_are_organizations(document, registry):
    classifications = {o["name"]: o["classification"] for o in document["organizations"]}

    assert classifications["松江区第六届人民代表大会"] == "legislature"
    assert classifications["松江区人大常委会"] == "committee:standing"
    assert classifications["岳阳街道人大工委"] == "street_committee"
    assert classifications[registry["alice"].group.name] == "deputy_group"
    # Handling units are government bodies, not part of the congress system.
    assert "区住房和城乡建设管理委员会" not in classifications


def test_a_standing_committee_member_is_a_member_of_the_committee(document, committee_member):
    heidi = committee_member.person
    seats = [m for m in document["memberships"] if m["person_id"] == f"person-{heidi.pk}"]

    assert [s["organization_id"].split("-")[0] for s in seats] == ["committee"]


def test_regions_and_constituencies_are_areas_in_a_tree(document, registry, yueyang, district):
    areas = {a["id"]: a for a in document["areas"]}

    assert areas[f"region-{yueyang.pk}"]["parent_id"] == f"region-{district.pk}"
    assert areas[f"region-{yueyang.pk}"]["classification"] == "street"
    constituency = areas[f"constituency-{registry['alice'].constituency_id}"]
    assert constituency["classification"] == "constituency"
    assert constituency["parent_id"] == f"region-{yueyang.pk}"


def test_the_export_holds_no_private_field(citizen, registry):
    body = citizen.get(URL).content.decode()

    assert "13812345678" not in body
    assert "内部备注" not in body
    assert "辞职" not in body
