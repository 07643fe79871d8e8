"""Persona fixtures shared by every test folder.

The world: a district congress with two streets (岳阳, 永丰) and one town (泗泾, with its own town
congress). Alice (`deputy`) is a district deputy elected in 岳阳; Bob (`other_deputy`) one in 永丰.
`street_staff` works for 岳阳's street working committee, `town_staff` for 泗泾's town office,
`handling_unit_staff` for a district bureau, `committee_member` keeps fixed contact with Alice.
"""

import datetime

import pytest
from django.conf import settings
from django.utils import translation

from accounts.models import Role
from deputies.models import CommitteeKind, Level, OrganizationKind, RegionKind
from tests import factories as f


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the portal's default language (Simplified Chinese): a request in English
    leaves English active in the thread, which would otherwise leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_page_cache(settings):
    """The public page cache (songjiang_liaison/pagecache.py) is off unless a test turns it on
    (`settings.PAGE_CACHE = True`): query counts measure the page as it is built. Pages cached by an
    earlier test (whose rows were rolled back, which bumps nothing) are never served to the next."""
    from songjiang_liaison import pagecache

    settings.PAGE_CACHE = False
    pagecache.bump_all()


@pytest.fixture
def district(db):
    return f.RegionFactory(name="松江区", kind=RegionKind.DISTRICT, code="songjiang")


@pytest.fixture
def yueyang(district):
    return f.RegionFactory(name="岳阳街道", kind=RegionKind.STREET, code="yueyang", parent=district)


@pytest.fixture
def yongfeng(district):
    return f.RegionFactory(name="永丰街道", kind=RegionKind.STREET, code="yongfeng", parent=district)


@pytest.fixture
def sijing(district):
    return f.RegionFactory(name="泗泾镇", kind=RegionKind.TOWN, code="sijing", parent=district)


@pytest.fixture
def yueyang_community(yueyang):
    return f.RegionFactory(name="人乐居委会", kind=RegionKind.COMMUNITY, code="yueyang-rl", parent=yueyang)


@pytest.fixture
def district_congress(district):
    return f.CongressFactory(
        level=Level.DISTRICT,
        region=district,
        term_number=6,
        name="松江区第六届人民代表大会",
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )


@pytest.fixture
def town_congress(sijing):
    return f.CongressFactory(
        level=Level.TOWN,
        region=sijing,
        term_number=18,
        name="泗泾镇第十八届人民代表大会",
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )


@pytest.fixture
def yueyang_constituency(district_congress, yueyang, yueyang_community):
    constituency = f.ConstituencyFactory(congress=district_congress, region=yueyang, name="岳阳第1选区")
    constituency.areas.add(yueyang_community)
    return constituency


@pytest.fixture
def yongfeng_constituency(district_congress, yongfeng):
    return f.ConstituencyFactory(congress=district_congress, region=yongfeng, name="永丰第1选区")


@pytest.fixture
def deputy_user(db):
    return f.UserFactory(username="alice", role=Role.DEPUTY, display_name="Alice")


@pytest.fixture
def deputy(deputy_user, district_congress, yueyang_constituency):
    """Alice: a district deputy elected in 岳阳."""
    return f.DeputyFactory(
        person=f.PersonFactory(name="艾丽丝", user=deputy_user),
        congress=district_congress,
        constituency=yueyang_constituency,
    )


@pytest.fixture
def other_deputy_user(db):
    return f.UserFactory(username="bob", role=Role.DEPUTY, display_name="Bob")


@pytest.fixture
def other_deputy(other_deputy_user, district_congress, yongfeng_constituency):
    """Bob: a district deputy elected in 永丰."""
    return f.DeputyFactory(
        person=f.PersonFactory(name="鲍勃", user=other_deputy_user),
        congress=district_congress,
        constituency=yongfeng_constituency,
    )


@pytest.fixture
def yueyang_committee(yueyang):
    return f.OrganizationFactory(
        name="岳阳街道人大工委", kind=OrganizationKind.STREET_COMMITTEE, region=yueyang
    )


@pytest.fixture
def yongfeng_committee(yongfeng):
    return f.OrganizationFactory(
        name="永丰街道人大工委", kind=OrganizationKind.STREET_COMMITTEE, region=yongfeng
    )


@pytest.fixture
def sijing_office(sijing):
    return f.OrganizationFactory(name="泗泾镇人大办公室", kind=OrganizationKind.TOWN_OFFICE, region=sijing)


@pytest.fixture
def handling_unit(district):
    return f.OrganizationFactory(
        name="区住房和城乡建设管理委员会", kind=OrganizationKind.HANDLING_UNIT, region=district
    )


@pytest.fixture
def street_staff(yueyang_committee):
    return f.UserFactory(username="carol", role=Role.LIAISON_STAFF, organization=yueyang_committee)


@pytest.fixture
def other_street_staff(yongfeng_committee):
    return f.UserFactory(username="dave", role=Role.LIAISON_STAFF, organization=yongfeng_committee)


@pytest.fixture
def town_staff(sijing_office):
    return f.UserFactory(username="erin", role=Role.LIAISON_STAFF, organization=sijing_office)


@pytest.fixture
def handling_unit_staff(handling_unit):
    return f.UserFactory(username="frank", role=Role.UNIT_STAFF, organization=handling_unit)


@pytest.fixture
def admin_user(db):
    return f.UserFactory(username="grace", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def committee_member(deputy, district_congress):
    from deputies.models import Committee, CommitteeMember

    user = f.UserFactory(username="heidi", role=Role.COMMITTEE_MEMBER)
    committee = Committee.objects.create(
        congress=district_congress, kind=CommitteeKind.STANDING, name="松江区人大常委会"
    )
    member = CommitteeMember.objects.create(
        committee=committee, person=f.PersonFactory(name="海蒂", user=user)
    )
    member.fixed_contacts.add(deputy)
    return user


@pytest.fixture
def citizen(client):
    """An anonymous member of the public."""
    return client


def _login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def login(client):
    """`login(user)` logs the test client in as that user and returns it."""
    return lambda user: _login(client, user)


# --- Tests that need real services or a browser -------------------------------------------------
# A plain `make test` skips them with a reason when the service is missing; `.ci/run` sets
# REQUIRE_SERVICES=1, under which a missing service fails the run instead of skipping.


def _truthy(name):
    import os

    return os.environ.get(name, "").lower() in {"1", "true", "yes"}


def _postgres_available():
    from django.db import connection

    return connection.vendor == "postgresql"


def _redis_available():
    from django.conf import settings

    if not settings.REDIS_URL:
        return False
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


def _chromium_available():
    import os

    return os.path.exists(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


def _require_or_skip(available: bool, reason: str):
    if available:
        return
    if _truthy("REQUIRE_SERVICES"):
        pytest.fail(f"REQUIRE_SERVICES is set but {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_runtest_setup(item):
    if item.get_closest_marker("services"):
        _require_or_skip(
            _postgres_available(), "PostgreSQL is not configured (set DATABASE_URL=postgres://…)"
        )
        _require_or_skip(_redis_available(), "Redis is not reachable (set REDIS_URL=redis://…)")
    if item.get_closest_marker("worker"):
        _require_or_skip(_redis_available(), "Celery worker tests need Redis (set REDIS_URL)")
    if item.get_closest_marker("e2e"):
        _require_or_skip(_chromium_available(), "Chromium is not installed at /usr/bin/chromium")


def pytest_terminal_summary(terminalreporter):
    """The access sweep's figures (tests/test_access_sweep.py), summed over its tests and workers."""
    totals = {}
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        if report.when != "call":
            continue
        for name, value in report.user_properties:
            if name.startswith("access_sweep"):
                routes, requests, refusals, writes = value
                total = totals.setdefault(name, [0, 0, 0, 0, 0])
                total[0] = max(total[0], routes)
                total[1] += 1
                total[2] += requests
                total[3] += refusals
                total[4] += writes
    for name, (routes, personas, requests, refusals, writes) in sorted(totals.items()):
        where = "admin routes" if name.endswith("admin") else "routes"
        terminalreporter.write_line(
            f"{name}: {routes} {where} × {personas} personas: {requests} requests, {refusals} that "
            f"had to be refused ({writes} writes); failures are listed above, if any"
        )
