"""On PostgreSQL: two people acting on one opinion at the same moment → exactly one wins, the other
gets a conflict, and exactly one event row is written."""

import pytest

from feedback import workflow
from feedback.models import OpinionEvent

from .races import race

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_actions_on_one_opinion_exactly_one_wins(opinion, deputy_user, street_staff, bodies):
    outcomes = race(
        [
            (deputy_user, opinion.pk, "answer", {"public_note": "我已直接答复。"}),
            (street_staff, opinion.pk, "route", {"level": "street"}),
        ]
    )
    assert sorted(outcomes) == ["conflict", "ok"]
    opinion.refresh_from_db()
    events = OpinionEvent.objects.filter(opinion=opinion).exclude(action="receive")
    assert events.count() == 1
    assert events.get().to_state == opinion.state
    assert workflow.check_invariants(opinion) == []


def test_two_units_replying_at_once_cannot_both_leave_it_half_answered(
    opinion, admin_user, handling_unit, handling_unit_staff, other_unit, other_unit_staff, bodies
):
    for action, data in (
        ("route", {"level": "street"}),
        ("assign", {"units": [handling_unit.pk, other_unit.pk]}),
    ):
        opinion = workflow.apply_action(opinion=opinion, action=action, actor=admin_user, data=data)
    outcomes = race(
        [
            (handling_unit_staff, opinion.pk, "reply", {"outcome": "solved", "text": "已解决"}),
            (other_unit_staff, opinion.pk, "reply", {"outcome": "solved", "text": "已解决"}),
        ]
    )
    assert sorted(outcomes) == ["conflict", "ok"]
    opinion.refresh_from_db()
    assert opinion.state == "assigned"
    assert opinion.assignments.filter(replied_at__isnull=False).count() == 1
    assert OpinionEvent.objects.filter(opinion=opinion, action="reply").count() == 1
    assert workflow.check_invariants(opinion) == []
