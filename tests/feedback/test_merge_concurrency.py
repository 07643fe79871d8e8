"""On PostgreSQL: two staff merging A into B and B into A at the same moment → exactly one merge
happens; the other is refused, so one of the two stays in a queue."""

import pytest
from django.core.exceptions import ValidationError

from feedback import workflow
from feedback.models import OpinionEvent
from feedback.models import OpinionState as S

from .factories import OpinionFactory
from .races import race

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("repeat", range(3))
def test_merging_two_opinions_into_each_other_at_once_merges_only_one(
    repeat, yueyang_community, street_staff, admin_user, bodies
):
    first = OpinionFactory(region=yueyang_community)
    second = OpinionFactory(region=yueyang_community)

    outcomes = race(
        [
            (street_staff, first.pk, "merge", {"target": second.pk}),
            (admin_user, second.pk, "merge", {"target": first.pk}),
        ],
        refused=(workflow.ActionConflict, ValidationError),
        refused_as="refused",
    )

    assert sorted(outcomes) == ["ok", "refused"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert sorted([first.state, second.state]) == sorted([S.MERGED, S.RECEIVED])
    merged, kept = (first, second) if first.state == S.MERGED else (second, first)
    assert merged.merged_into == kept and kept.merged_into is None
    assert OpinionEvent.objects.filter(action="merge").count() == 1
    assert workflow.check_invariants(first) == [] and workflow.check_invariants(second) == []
