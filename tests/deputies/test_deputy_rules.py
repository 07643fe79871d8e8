"""The registry rules a deputy's mandate is checked against (deputies.models.Deputy.clean), wherever
it is entered: the admin, the importer, the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from deputies.models import DeputyStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_serving_deputy_must_belong_to_a_group_of_their_own_congress(deputy, town_congress, sijing):
    deputy.group = None
    with pytest.raises(ValidationError) as missing:
        deputy.full_clean()
    assert "group" in missing.value.message_dict

    deputy.group = f.DeputyGroupFactory(congress=town_congress, region=sijing)
    with pytest.raises(ValidationError) as other_level:
        deputy.full_clean()
    assert "group" in other_level.value.message_dict


def test_a_mandate_that_has_ended_may_have_no_group(deputy):
    deputy.group = None
    deputy.status = DeputyStatus.ENDED
    deputy.end_date = datetime.date(2026, 3, 31)
    deputy.end_reason = "调离本行政区域"

    deputy.full_clean()
