"""Streets and towns appear in the official order in the reports too (issue 17): 岳阳街道 before
泗泾镇, however many opinions or deputies each has."""

import pytest
from django.utils import timezone

from reports import handling
from tests.feedback.factories import OpinionFactory

pytestmark = pytest.mark.django_db


def test_the_handling_report_lists_places_in_the_official_order(admin_user, yueyang, sijing):
    for _ in range(3):
        OpinionFactory(region=sijing)
    OpinionFactory(region=yueyang)
    stats = handling.handling_stats(user=admin_user, year=timezone.localdate().year)
    assert [label for _k, label, _n in stats.breakdowns["region"]] == ["岳阳街道", "泗泾镇"]
