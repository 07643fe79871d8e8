"""Property: whatever sequence of actions anyone tries, an opinion never reaches an illegal state, and
its timeline always replays to the stored state."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback import workflow
from feedback.models import Opinion, OpinionState

from .factories import OpinionFactory

pytestmark = pytest.mark.django_db

# Moves that carry an opinion on towards the citizen; weighted up so sequences reach the end.
FORWARD = {"route", "assign", "reply", "relay", "feedback", "rate"}
PERSONAS = ["alice", "carol", "dave", "frank", "judy", "ivan", "grace", "citizen"]


def variants(world):
    """For each action, a few payloads: valid ones and broken ones."""
    unit, other = world["unit"].pk, world["other_unit"].pk
    return {
        "answer": [{"public_note": "已直接答复。"}, {}],
        "verify": [{"method": "visit", "internal_note": "走访核实"}, {"method": "forum"}],
        "route": [{"level": "street"}, {"level": "district"}, {"level": "letters"}, {"level": "town"}],
        "assign": [{"units": [unit]}, {"units": [unit, other]}, {"units": []}],
        "reply": [
            {"outcome": "solved", "text": "已解决", "unit": unit},
            {"outcome": "partly", "text": "部分解决"},
            {"outcome": "unsolvable", "text": "暂不能解决", "unit": other},
        ],
        "relay": [{}, {"public_note": "答复已送达代表"}],
        "feedback": [{"public_note": "已向群众反馈"}, {}],
        "close": [{}],
        "reject": [{"reason": "personal"}, {"reason": "nonsense"}],
        "merge": [{"target": world["target"].pk}, {"target": 0}],
        "reopen": [{"reason": "群众再次反映"}, {}],
        "rate": [{"rating": "satisfied"}, {"rating": "dissatisfied"}, {"rating": "basic"}, {"rating": "x"}],
    }


class _Rollback(Exception):
    pass


@pytest.fixture
def cast(
    deputy_user,
    street_staff,
    other_street_staff,
    handling_unit_staff,
    other_unit_staff,
    personnel_staff,
    admin_user,
):
    return {
        "alice": deputy_user,
        "carol": street_staff,
        "dave": other_street_staff,
        "frank": handling_unit_staff,
        "judy": other_unit_staff,
        "ivan": personnel_staff,
        "grace": admin_user,
        "citizen": None,
    }


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_action_sequences_never_reach_an_illegal_state(
    data, cast, deputy, yueyang_community, yueyang_committee, bodies, handling_unit, other_unit
):
    try:
        with transaction.atomic():
            initial = data.draw(
                st.sampled_from([OpinionState.RECEIVED, OpinionState.MODERATION]), label="intake"
            )
            opinion = OpinionFactory(
                region=yueyang_community, deputy=deputy, organization=yueyang_committee, state=initial
            )
            world = {
                "unit": handling_unit,
                "other_unit": other_unit,
                "target": OpinionFactory(region=yueyang_community),
            }
            payloads = variants(world)
            for _step in range(data.draw(st.integers(1, 20), label="steps")):
                # Mostly a move someone may make now (so sequences get deep into the workflow),
                # otherwise any action by anyone (refusals and conflicts must write nothing).
                moves = [(p, a) for p in PERSONAS for a in workflow.allowed_actions(opinion, cast[p])]
                moves += [move for move in moves if move[1] in FORWARD] * 3
                if moves and data.draw(st.integers(0, 3), label="legal move") > 0:
                    persona, action = data.draw(st.sampled_from(moves), label="move")
                    variant = data.draw(st.sampled_from([0, 0, 0, 1, 2, 3]), label="payload")
                else:
                    persona = data.draw(st.sampled_from(PERSONAS), label="persona")
                    action = data.draw(st.sampled_from(workflow.ACTIONS), label="action")
                    variant = data.draw(st.integers(0, 3), label="payload")
                options = payloads[action]
                before = Opinion.objects.get(pk=opinion.pk)
                state_before, events_before = before.state, before.events.count()
                try:
                    opinion = workflow.apply_action(
                        opinion=before,
                        action=action,
                        actor=cast[persona],
                        data=options[variant % len(options)],
                    )
                except (workflow.ActionNotAllowed, workflow.ActionConflict, ValidationError):
                    after = Opinion.objects.get(pk=opinion.pk)
                    assert after.state == state_before  # a refused action writes nothing
                    assert after.events.count() == events_before
                else:
                    assert opinion.state in workflow.TRANSITIONS[action].possible_targets
                    assert state_before in workflow.TRANSITIONS[action].sources
                    assert opinion.events.count() == events_before + 1
                stored = Opinion.objects.get(pk=opinion.pk)
                assert stored.state in OpinionState.values
                assert workflow.check_invariants(stored) == []
                assert workflow.replay(stored.events.order_by("created_at", "id")) == stored.state
            raise _Rollback
    except _Rollback:
        pass
