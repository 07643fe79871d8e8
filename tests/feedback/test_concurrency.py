"""On PostgreSQL: two people acting on one opinion at the same moment → exactly one wins, the other
gets a conflict, and exactly one event row is written."""

import threading

import pytest
from django.db import connection

from feedback import workflow
from feedback.models import Opinion, OpinionEvent

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _race(opinion_pk, attempts):
    """Run each (actor, action, data) in its own thread, starting together; return the outcomes."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(i, actor, action, data):
        try:
            # Each thread reads the opinion as it would from a request, then waits for the other.
            opinion = Opinion.objects.get(pk=opinion_pk)
            barrier.wait(timeout=10)
            workflow.apply_action(opinion=opinion, action=action, actor=actor, data=data)
            outcomes[i] = "ok"
        except workflow.ActionConflict:
            outcomes[i] = "conflict"
        except Exception as exc:  # reported by the assertion below
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *attempt)) for i, attempt in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_concurrent_actions_on_one_opinion_exactly_one_wins(opinion, deputy_user, street_staff, bodies):
    outcomes = _race(
        opinion.pk,
        [
            (deputy_user, "answer", {"public_note": "我已直接答复。"}),
            (street_staff, "route", {"level": "street"}),
        ],
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
    outcomes = _race(
        opinion.pk,
        [
            (handling_unit_staff, "reply", {"outcome": "solved", "text": "已解决"}),
            (other_unit_staff, "reply", {"outcome": "solved", "text": "已解决"}),
        ],
    )
    assert sorted(outcomes) == ["conflict", "ok"]
    opinion.refresh_from_db()
    assert opinion.state == "assigned"
    assert opinion.assignments.filter(replied_at__isnull=False).count() == 1
    assert OpinionEvent.objects.filter(opinion=opinion, action="reply").count() == 1
    assert workflow.check_invariants(opinion) == []
