"""The demo opinions: every state of the workflow, on the real registry, idempotent."""

import datetime
from io import StringIO

import pytest

from deputies import demo as registry_demo
from feedback import demo, workflow
from feedback.models import Opinion, OpinionState, Suggestion

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 28)


def test_the_demo_has_opinions_in_every_state_with_consistent_timelines_and_is_idempotent():
    registry_demo.seed(today=TODAY, stdout=StringIO(), create_accounts=True)
    assert demo.seed(today=TODAY, stdout=StringIO()) == len(demo.SCENARIOS)
    assert demo.seed(today=TODAY, stdout=StringIO()) == 0
    opinions = Opinion.objects.filter(tracking_code__startswith="DEMO")
    assert opinions.count() == len(demo.SCENARIOS)
    assert set(opinions.values_list("state", flat=True)) == set(OpinionState.values)
    for opinion in opinions:
        assert workflow.check_invariants(opinion) == [], opinion.tracking_code
    # Spread across the year, with a district-level suggestion among them.
    months = {o.received_at.month for o in opinions}
    assert len(months) >= 6
    assert Suggestion.objects.filter(opinion__in=opinions, state="assigned").exists()
    # Demo staff have something in their queues.
    from accounts.models import User
    from feedback.selectors import queue_for

    assert queue_for(User.objects.get(username="demo-street-staff")).exists()
    assert queue_for(User.objects.get(username="demo-deputy")).exists()
    # The public archive has the demo's consented opinions, approved without their senders' details.
    from feedback import archive

    public = list(archive.published())
    assert {o.tracking_code for o in public} == demo.PUBLISHED
    for opinion in public:
        assert opinion.submitter_name not in opinion.public_content + opinion.public_answer


def test_without_a_registry_the_demo_opinions_are_skipped():
    out = StringIO()
    assert demo.seed(today=TODAY, stdout=out) == 0
    assert "Skipped" in out.getvalue()
