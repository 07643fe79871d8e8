"""Fixtures for the opinion workflow: the bodies opinions are routed to, and ready-made opinions."""

import uuid

import pytest

from accounts.models import Role
from deputies.models import OrganizationKind
from tests import factories as f

from .factories import OpinionFactory


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    """The rate limit lives in the cache (Redis under `REDIS_URL`): every test gets its own key
    prefix, so parallel workers sharing one Redis never see each other's counters (clearing the
    cache would wipe theirs)."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"} for name, config in settings.CACHES.items()
    }


@pytest.fixture
def personnel_office(district):
    return f.OrganizationFactory(
        name="区人大常委会人事代表工作室", kind=OrganizationKind.PERSONNEL_OFFICE, region=district
    )


@pytest.fixture
def letters_section(district):
    return f.OrganizationFactory(
        name="区人大常委会办公室信访科", kind=OrganizationKind.LETTERS_SECTION, region=district
    )


@pytest.fixture
def personnel_staff(personnel_office):
    return f.UserFactory(username="ivan", role=Role.LIAISON_STAFF, organization=personnel_office)


@pytest.fixture
def other_unit(district):
    return f.OrganizationFactory(
        name="区绿化和市容管理局", kind=OrganizationKind.HANDLING_UNIT, region=district
    )


@pytest.fixture
def other_unit_staff(other_unit):
    return f.UserFactory(username="judy", role=Role.UNIT_STAFF, organization=other_unit)


@pytest.fixture
def bodies(yueyang_committee, yongfeng_committee, sijing_office, personnel_office, letters_section):
    """Every body an opinion in the persona world can be routed to."""
    return {
        "street": yueyang_committee,
        "town": sijing_office,
        "city": personnel_office,
        "district": personnel_office,
        "letters": letters_section,
    }


@pytest.fixture
def opinion(deputy, yueyang_community, yueyang_committee):
    """A citizen's opinion to Alice about a community in 岳阳, with contact details."""
    return OpinionFactory(
        region=yueyang_community,
        deputy=deputy,
        organization=yueyang_committee,
        submitter_name="张三",
        submitter_phone="13812345678",
        submitter_address="岳阳街道人乐新村5号",
        consent=True,
    )
