"""On PostgreSQL: two staff merging A into B and B into A at the same moment → exactly one merge
happens; the other is refused, so one of the two stays in a queue."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from feedback import workflow
from feedback.models import Opinion, OpinionEvent
from feedback.models import OpinionState as S

from .factories import OpinionFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _merge_race(attempts):
    """Run each (actor, opinion id, target id) merge in its own thread, starting together."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(i, actor, opinion_pk, target_pk):
        try:
            # Each thread reads the opinion as a request would, then waits for the other.
            opinion = Opinion.objects.get(pk=opinion_pk)
            barrier.wait(timeout=10)
            workflow.apply_action(opinion=opinion, action="merge", actor=actor, data={"target": target_pk})
            outcomes[i] = "ok"
        except (workflow.ActionConflict, ValidationError):
            outcomes[i] = "refused"
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


@pytest.mark.parametrize("repeat", range(3))
def test_merging_two_opinions_into_each_other_at_once_merges_only_one(
    repeat, yueyang_community, street_staff, admin_user, bodies
):
    first = OpinionFactory(region=yueyang_community)
    second = OpinionFactory(region=yueyang_community)

    outcomes = _merge_race([(street_staff, first.pk, second.pk), (admin_user, second.pk, first.pk)])

    assert sorted(outcomes) == ["ok", "refused"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert sorted([first.state, second.state]) == sorted([S.MERGED, S.RECEIVED])
    merged, kept = (first, second) if first.state == S.MERGED else (second, first)
    assert merged.merged_into == kept and kept.merged_into is None
    assert OpinionEvent.objects.filter(action="merge").count() == 1
    assert workflow.check_invariants(first) == [] and workflow.check_invariants(second) == []
