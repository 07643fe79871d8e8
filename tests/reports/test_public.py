"""The public statistics page: the district's aggregates for everyone, never personal data."""

from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import ContactActivity
from feedback.models import Opinion
from tests.reports.factories import build_world

URL = "/reports/public/"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world_with_secrets(world, yueyang):
    Opinion.objects.filter(received_at__year=2026).update(
        submitter_name="张秘密", submitter_phone="13900001111", submitter_address="秘密路8号"
    )
    return world


def test_the_public_sees_the_districts_figures(world_with_secrets, citizen):
    response = citizen.get(URL, {"year": 2026})

    assert response.status_code == 200
    stats = response.context["stats"]
    activities = ContactActivity.objects.filter(date__year=2026)
    assert stats.activities == activities.count()
    assert stats.people_reached == sum(a.people_reached for a in activities)
    assert stats.constituency_contacts == activities.filter(is_constituency_contact=True).count()
    in_year = [o for o in Opinion.objects.all() if o.received_at.astimezone(SHANGHAI).year == 2026]
    assert stats.opinions_received == sum(1 for o in in_year if o.state != "moderation")
    content = response.content.decode()
    assert "2026年度代表联系群众工作公开" in content
    assert f"{stats.activities} 次" in content
    assert "public-chart-data" in content


def test_an_announced_activity_is_not_counted_until_it_is_held(world, citizen):
    before = citizen.get(URL, {"year": 2026}).context["stats"]
    held = ContactActivity.objects.filter(date__year=2026, is_constituency_contact=True).first()
    held.pk = None
    held.planned = True
    held.people_reached = 0
    held.save()

    after = citizen.get(URL, {"year": 2026}).context["stats"]

    assert after.activities == before.activities
    assert after.constituency_contacts == before.constituency_contacts
    assert after.activities_by_month == before.activities_by_month


def test_the_public_page_never_shows_personal_data_or_names(world_with_secrets, citizen, deputy):
    content = citizen.get(URL, {"year": 2026}).content.decode()

    for secret in ("张秘密", "13900001111", "秘密路8号", deputy.person.name, deputy.private_phone):
        assert secret not in content
    for opinion in Opinion.objects.all()[:20]:
        assert opinion.tracking_code not in content


def test_the_public_page_runs_a_fixed_number_of_queries(
    district_congress, town_congress, yueyang, yongfeng, sijing, citizen
):
    regions = [yueyang, yongfeng, sijing]
    build_world(
        district_congress=district_congress, town_congress=town_congress, regions=regions, deputies=5, seed=1
    )
    with CaptureQueriesContext(connection) as few:
        citizen.get(URL, {"year": 2026})
    build_world(
        district_congress=district_congress,
        town_congress=town_congress,
        regions=regions,
        deputies=200,
        seed=2,
    )
    with CaptureQueriesContext(connection) as many:
        citizen.get(URL, {"year": 2026})
    assert len(few) == len(many)
