"""Routing by level (§四(一) 1–5) over every street and town of Songjiang, with their real names."""

import pytest
from django.core.exceptions import ValidationError

from deputies.data import territory
from deputies.models import OrganizationKind, RegionKind
from feedback import routing, workflow
from feedback.models import OpinionState
from tests import factories as f

from .factories import OpinionFactory

pytestmark = pytest.mark.django_db

AREAS = [(name, code, RegionKind.STREET) for name, code, _road, _c in territory.STREETS] + [
    (name, code, RegionKind.TOWN) for name, code, _road, _c in territory.TOWNS
]


def test_the_territory_has_the_six_streets_and_eleven_towns():
    assert len([a for a in AREAS if a[2] == RegionKind.STREET]) == 6
    assert len([a for a in AREAS if a[2] == RegionKind.TOWN]) == 11
    assert {"岳阳街道", "九里亭街道", "泗泾镇", "小昆山镇"} <= {name for name, _c, _k in AREAS}


@pytest.fixture
def songjiang(district):
    """Every street and town with its liaison body and one committee below it, and the district bodies."""
    areas = {}
    for name, code, kind in AREAS:
        region = f.RegionFactory(name=name, code=code, kind=kind, parent=district)
        is_street = kind == RegionKind.STREET
        body = f.OrganizationFactory(
            name=f"{name}人大工委" if is_street else f"{name}人大办公室",
            kind=OrganizationKind.STREET_COMMITTEE if is_street else OrganizationKind.TOWN_OFFICE,
            region=region,
        )
        committee = f.RegionFactory(
            name=f"{name}第一居委会", code=f"{code}-1", kind=RegionKind.COMMUNITY, parent=region
        )
        areas[code] = (region, body, committee)
    personnel = f.OrganizationFactory(
        name="松江区人大常委会人事代表工作室", kind=OrganizationKind.PERSONNEL_OFFICE, region=district
    )
    letters = f.OrganizationFactory(
        name="松江区人大常委会办公室信访科", kind=OrganizationKind.LETTERS_SECTION, region=district
    )
    return {"areas": areas, "personnel": personnel, "letters": letters}


@pytest.mark.parametrize(("name", "code", "kind"), AREAS, ids=[a[1] for a in AREAS])
def test_a_local_matter_goes_to_the_body_of_its_own_street_or_town(name, code, kind, songjiang):
    region, body, committee = songjiang["areas"][code]
    level = "street" if kind == RegionKind.STREET else "town"
    assert routing.route_target(level, region) == body
    # A matter about a residents' or village committee goes to the body of the street or town above it.
    assert routing.route_target(level, committee) == body
    assert routing.liaison_body_for(committee) == body
    assert routing.levels_for(committee)[0] == level


@pytest.mark.parametrize(("name", "code", "kind"), AREAS, ids=[a[1] for a in AREAS])
def test_a_street_matter_cannot_be_routed_at_town_level_and_vice_versa(name, code, kind, songjiang):
    region = songjiang["areas"][code][0]
    wrong = "town" if kind == RegionKind.STREET else "street"
    with pytest.raises(ValidationError) as caught:
        routing.route_target(wrong, region)
    assert "level" in caught.value.message_dict


@pytest.mark.parametrize(("name", "code", "kind"), AREAS, ids=[a[1] for a in AREAS])
@pytest.mark.parametrize(
    ("level", "body"), [("district", "personnel"), ("city", "personnel"), ("letters", "letters")]
)
def test_district_city_and_letters_go_to_the_district_bodies_from_everywhere(
    name, code, kind, level, body, songjiang
):
    region = songjiang["areas"][code][0]
    assert routing.route_target(level, region) == songjiang[body]


@pytest.mark.parametrize(("name", "code", "kind"), AREAS, ids=[a[1] for a in AREAS])
def test_routing_an_opinion_through_the_workflow_hands_it_to_that_body(
    name, code, kind, songjiang, admin_user
):
    region, body, committee = songjiang["areas"][code]
    opinion = OpinionFactory(region=committee)
    level = "street" if kind == RegionKind.STREET else "town"
    opinion = workflow.apply_action(opinion=opinion, action="route", actor=admin_user, data={"level": level})
    assert (opinion.state, opinion.level, opinion.organization) == (OpinionState.ROUTED, level, body)


def test_a_missing_body_is_reported_instead_of_guessed(district):
    lonely = f.RegionFactory(name="无机构街道", code="lonely", kind=RegionKind.STREET, parent=district)
    with pytest.raises(ValidationError):
        routing.route_target("street", lonely)
    with pytest.raises(ValidationError):
        routing.route_target("letters", lonely)
    with pytest.raises(ValidationError):
        routing.route_target("moon", lonely)
