"""The workflow table: every transition, with the actors who may and may not take it (§四).

The persona world: Alice (`deputy`) receives an opinion about a community in 岳阳; Carol
(`street_staff`) works for 岳阳's street working committee, Dave for 永丰's, Erin for 泗泾's town
office; Frank's unit (`handling_unit_staff`) is assigned the matter, Judy's unit is not; Ivan works in
the district's personnel and deputy work office; Grace is an administrator; the citizen holds the
tracking code.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Notification
from feedback import workflow
from feedback.models import Opinion, OpinionEvent, Suggestion
from feedback.models import OpinionState as S

from .factories import OpinionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    opinion,
    deputy_user,
    other_deputy_user,
    other_deputy,
    street_staff,
    other_street_staff,
    town_staff,
    handling_unit,
    handling_unit_staff,
    other_unit_staff,
    personnel_staff,
    admin_user,
    bodies,
):
    return {
        "opinion": opinion,
        "merge_target": OpinionFactory(region=opinion.region),
        "unit": handling_unit,
        "personas": {
            "alice": deputy_user,
            "bob": other_deputy_user,
            "carol": street_staff,
            "dave": other_street_staff,
            "erin": town_staff,
            "frank": handling_unit_staff,
            "judy": other_unit_staff,
            "ivan": personnel_staff,
            "grace": admin_user,
            "citizen": None,
        },
        "admin": admin_user,
    }


# The path (taken by the administrator) that brings the opinion into each source state.
PATHS = {
    S.RECEIVED: [],
    S.ROUTED: ["route"],
    S.ASSIGNED: ["route", "assign"],
    S.REPLIED: ["route", "assign", "reply"],
    S.RELAYED: ["route", "assign", "reply", "relay"],
    S.FED_BACK: ["route", "assign", "reply", "relay", "feedback"],
    S.CLOSED: ["route", "assign", "reply", "relay", "feedback", "close"],
}


def data_for(action, world):
    unit = world["unit"]
    return {
        "answer": {"public_note": "您反映的路灯问题，街道已安排维修。"},
        "verify": {"method": "visit", "internal_note": "上门走访，情况属实。"},
        "route": {"level": "street"},
        "assign": {"units": [unit.pk]},
        "reply": {"outcome": "solved", "text": "路灯已于本周更换。", "unit": unit.pk},
        "relay": {},
        "feedback": {"public_note": "路灯已修好，感谢您的反映。"},
        "close": {},
        "reject": {"reason": "personal"},
        "merge": {"target": world["merge_target"].pk},
        "reopen": {"reason": "群众来电反映路灯又坏了。"},
        "rate": {"rating": "satisfied"},
    }[action]


def bring_to(state, world):
    opinion = world["opinion"]
    for step in PATHS[state]:
        opinion = workflow.apply_action(
            opinion=opinion, action=step, actor=world["admin"], data=data_for(step, world)
        )
    assert opinion.state == state
    return opinion


# action → (source state, personas allowed, personas refused)
CASES = {
    "answer": (S.RECEIVED, {"alice", "carol", "grace"}, {"bob", "dave", "erin", "frank", "ivan", "citizen"}),
    "verify": (S.RECEIVED, {"alice", "carol", "grace"}, {"bob", "dave", "erin", "frank", "ivan", "citizen"}),
    "route": (S.RECEIVED, {"alice", "carol", "grace"}, {"bob", "dave", "erin", "frank", "ivan", "citizen"}),
    "assign": (S.ROUTED, {"carol", "grace"}, {"alice", "bob", "dave", "erin", "frank", "ivan", "citizen"}),
    "reply": (S.ASSIGNED, {"frank", "carol", "grace"}, {"alice", "bob", "dave", "judy", "ivan", "citizen"}),
    "relay": (S.REPLIED, {"carol", "grace", "alice"}, {"bob", "dave", "frank", "ivan", "citizen"}),
    "feedback": (S.RELAYED, {"alice", "carol", "grace"}, {"bob", "dave", "frank", "ivan", "citizen"}),
    "close": (S.FED_BACK, {"alice", "carol", "grace"}, {"bob", "dave", "frank", "ivan", "citizen"}),
    "reject": (S.RECEIVED, {"alice", "carol", "grace"}, {"bob", "dave", "erin", "frank", "ivan", "citizen"}),
    "merge": (S.RECEIVED, {"carol", "grace"}, {"alice", "bob", "dave", "frank", "ivan", "citizen"}),
    "reopen": (S.CLOSED, {"carol", "grace"}, {"alice", "bob", "dave", "frank", "ivan", "citizen"}),
    "rate": (S.FED_BACK, {"citizen"}, {"alice", "carol", "grace", "frank"}),
}

ALLOWED = [(action, who) for action, (_s, allowed, _r) in CASES.items() for who in sorted(allowed)]
REFUSED = [(action, who) for action, (_s, _a, refused) in CASES.items() for who in sorted(refused)]


def test_every_action_in_the_table_is_covered_by_the_cases():
    assert set(CASES) == set(workflow.ACTIONS)
    assert set(workflow.ACTIONS) == {
        "answer",
        "verify",
        "route",
        "assign",
        "reply",
        "relay",
        "feedback",
        "close",
        "reject",
        "merge",
        "reopen",
        "rate",
    }


@pytest.mark.parametrize(("action", "who"), ALLOWED)
def test_an_allowed_actor_moves_the_opinion_and_leaves_one_event(action, who, world):
    source = CASES[action][0]
    opinion = bring_to(source, world)
    actor = world["personas"][who]
    events_before = opinion.events.count()

    assert action in workflow.allowed_actions(opinion, actor)
    opinion = workflow.apply_action(opinion=opinion, action=action, actor=actor, data=data_for(action, world))

    assert opinion.state in workflow.TRANSITIONS[action].possible_targets
    assert opinion.state != source or action == "reply"
    event = opinion.events.last()
    assert opinion.events.count() == events_before + 1
    assert (event.action, event.from_state, event.to_state) == (action, source, opinion.state)
    assert event.actor == actor
    assert workflow.check_invariants(opinion) == []


@pytest.mark.parametrize(("action", "who"), REFUSED)
def test_a_refused_actor_changes_nothing(action, who, world):
    source = CASES[action][0]
    opinion = bring_to(source, world)
    actor = world["personas"][who]
    events_before = opinion.events.count()

    assert action not in workflow.allowed_actions(opinion, actor)
    with pytest.raises(workflow.ActionNotAllowed):
        workflow.apply_action(opinion=opinion, action=action, actor=actor, data=data_for(action, world))

    opinion.refresh_from_db()
    assert opinion.state == source
    assert opinion.events.count() == events_before


@pytest.mark.parametrize("action", [a for a in CASES if a != "rate"])
def test_an_action_from_a_state_it_does_not_start_from_is_a_conflict(action, world):
    # Every staff action either starts from received or from closed; take the other one.
    wrong = S.CLOSED if S.RECEIVED in workflow.TRANSITIONS[action].sources else S.RECEIVED
    opinion = bring_to(wrong, world)
    with pytest.raises(workflow.ActionConflict):
        workflow.apply_action(
            opinion=opinion, action=action, actor=world["admin"], data=data_for(action, world)
        )


def test_a_stale_expected_state_is_a_conflict_and_writes_nothing(world):
    opinion = world["opinion"]
    with pytest.raises(workflow.ActionConflict):
        workflow.apply_action(
            opinion=opinion,
            action="route",
            actor=world["admin"],
            data={"level": "street"},
            expected_state=S.VERIFYING,
        )
    assert Opinion.objects.get(pk=opinion.pk).state == S.RECEIVED


def test_an_opinion_changed_by_someone_else_since_it_was_read_is_a_conflict(world):
    mine = world["opinion"]
    theirs = Opinion.objects.get(pk=mine.pk)
    workflow.apply_action(opinion=theirs, action="route", actor=world["admin"], data={"level": "street"})
    # `mine` still says "received": the compare-and-set refuses it.
    with pytest.raises(workflow.ActionConflict):
        workflow.apply_action(
            opinion=mine, action="answer", actor=world["admin"], data={"public_note": "已答复"}
        )
    assert OpinionEvent.objects.filter(opinion=mine, action="answer").count() == 0


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("answer", {}, "public_note"),
        ("verify", {"internal_note": "走访"}, "method"),
        ("verify", {"method": "telepathy", "internal_note": "x"}, "method"),
        ("route", {}, "level"),
        ("route", {"level": "galaxy"}, "level"),
        ("route", {"level": "town"}, "level"),  # 岳阳 is a street, not a town
        ("reject", {}, "reason"),
        ("reject", {"reason": "boring"}, "reason"),
        ("merge", {}, "target"),
    ],
)
def test_invalid_data_is_refused_with_the_field_named(action, data, field, world):
    with pytest.raises(ValidationError) as caught:
        workflow.apply_action(opinion=world["opinion"], action=action, actor=world["admin"], data=data)
    assert field in caught.value.message_dict
    assert Opinion.objects.get(pk=world["opinion"].pk).state == S.RECEIVED


def test_assigning_needs_real_handling_units(world, yongfeng_committee):
    opinion = bring_to(S.ROUTED, world)
    for units in ([], [yongfeng_committee.pk], [999999]):
        with pytest.raises(ValidationError) as caught:
            workflow.apply_action(
                opinion=opinion, action="assign", actor=world["admin"], data={"units": units}
            )
        assert "units" in caught.value.message_dict


def test_an_assignment_due_date_in_the_past_is_refused(world):
    opinion = bring_to(S.ROUTED, world)
    with pytest.raises(ValidationError) as caught:
        workflow.apply_action(
            opinion=opinion,
            action="assign",
            actor=world["admin"],
            data={"units": [world["unit"].pk], "due_date": "2001-01-01"},
        )
    assert "due_date" in caught.value.message_dict


def test_with_two_units_the_opinion_is_replied_only_when_both_have_answered(world, other_unit):
    opinion = bring_to(S.ROUTED, world)
    opinion = workflow.apply_action(
        opinion=opinion,
        action="assign",
        actor=world["admin"],
        data={"units": [world["unit"].pk, other_unit.pk], "due_date": "2099-01-31"},
    )
    assert opinion.assignments.count() == 2
    assert opinion.assignments.first().due_at.date() == datetime.date(2099, 1, 31)
    frank, judy = world["personas"]["frank"], world["personas"]["judy"]
    opinion = workflow.apply_action(
        opinion=opinion, action="reply", actor=frank, data={"outcome": "solved", "text": "已更换路灯。"}
    )
    assert opinion.state == S.ASSIGNED
    assert "reply" not in workflow.allowed_actions(opinion, frank)
    opinion = workflow.apply_action(
        opinion=opinion,
        action="reply",
        actor=judy,
        data={"outcome": "unsolvable", "text": "需列入明年计划。"},
    )
    assert opinion.state == S.REPLIED
    assert opinion.outcome == "partly"
    assert "已更换路灯" in opinion.reply_text and "明年计划" in opinion.reply_text
    assert workflow.check_invariants(opinion) == []


def test_a_district_level_matter_becomes_a_suggestion_of_a_district_deputy_with_its_statutory_period(
    world, handling_unit
):
    from feedback.suggestions import workflow as suggestions

    opinion = workflow.apply_action(
        opinion=world["opinion"],
        action="route",
        actor=world["personas"]["alice"],
        data={"level": "district", "kind": "suggestion"},
    )
    # §四(一)3: the district deputy finds a draft, with the opinion as its source.
    suggestion = Suggestion.objects.get(opinion=opinion)
    assert suggestion.state == "draft"
    assert list(suggestion.source_opinions.all()) == [opinion]
    assert suggestion.deputy == opinion.deputy
    assert opinion.organization.kind == "personnel_office"
    suggestion = suggestions.apply_action(
        suggestion=suggestion, action="submit", actor=world["personas"]["alice"]
    )
    suggestion = suggestions.apply_action(
        suggestion=suggestion,
        action="assign",
        actor=world["personas"]["ivan"],
        data={"lead_unit": handling_unit.pk},
    )
    assert suggestion.state == "assigned"
    assert list(suggestion.handling_units.all()) == [handling_unit]
    # §四(三): three months from assignment, for the suggestion and the opinion assigned with it.
    months = (suggestion.due_at.year - suggestion.assigned_at.year) * 12 + (
        suggestion.due_at.month - suggestion.assigned_at.month
    )
    assert months == 3
    opinion.refresh_from_db()
    assert opinion.state == S.ASSIGNED
    assert opinion.assignments.get().due_at == suggestion.due_at
    assert workflow.check_invariants(opinion) == []


def test_a_town_deputys_matter_passed_up_comes_back_down_to_them(
    world, town_congress, sijing, deputy, handling_unit
):
    from tests import factories as f

    town_user = f.UserFactory(username="tom", role="deputy")
    town_deputy = f.DeputyFactory(
        person=f.PersonFactory(name="汤姆", user=town_user),
        congress=town_congress,
        constituency=f.ConstituencyFactory(congress=town_congress, region=sijing),
    )
    opinion = OpinionFactory(region=sijing, deputy=town_deputy)
    with pytest.raises(ValidationError) as caught:
        workflow.apply_action(opinion=opinion, action="route", actor=town_user, data={"level": "district"})
    assert "deputy" in caught.value.message_dict

    opinion = workflow.apply_action(
        opinion=opinion, action="route", actor=town_user, data={"level": "district", "deputy": deputy.pk}
    )
    assert (opinion.deputy, opinion.origin_deputy) == (deputy, town_deputy)
    admin = world["admin"]
    opinion = workflow.apply_action(
        opinion=opinion, action="assign", actor=admin, data={"units": [handling_unit.pk]}
    )
    opinion = workflow.apply_action(
        opinion=opinion,
        action="reply",
        actor=admin,
        data={"outcome": "solved", "text": "已办理", "unit": handling_unit.pk},
    )
    # The district deputy relays the result down to the town deputy, who may then feed back.
    assert "relay" in workflow.allowed_actions(opinion, world["personas"]["alice"])
    opinion = workflow.apply_action(
        opinion=opinion, action="relay", actor=world["personas"]["alice"], data={}
    )
    assert "feedback" in workflow.allowed_actions(opinion, town_user)


def test_dissatisfied_brings_it_back_to_the_liaison_bodys_queue(world, yueyang_committee):
    opinion = bring_to(S.FED_BACK, world)
    opinion = workflow.apply_action(
        opinion=opinion, action="rate", actor=None, data={"rating": "dissatisfied", "comment": "还是不亮"}
    )
    assert opinion.state == S.VERIFYING
    assert opinion.organization == yueyang_committee
    assert opinion.rating == "dissatisfied"
    assert opinion.due_kind == "route"
    # Rated once: not again until there is a new feedback.
    assert "rate" not in workflow.allowed_actions(opinion, None)


def test_a_satisfied_rating_closes_it_and_cannot_be_given_twice(world):
    opinion = bring_to(S.FED_BACK, world)
    opinion = workflow.apply_action(opinion=opinion, action="rate", actor=None, data={"rating": "basic"})
    assert opinion.state == S.CLOSED and opinion.closed_at is not None
    with pytest.raises(workflow.ActionConflict):
        workflow.apply_action(opinion=opinion, action="rate", actor=None, data={"rating": "satisfied"})


def test_rejecting_gives_the_statutory_reason_as_a_public_notice(world):
    opinion = workflow.apply_action(
        opinion=world["opinion"],
        action="reject",
        actor=world["personas"]["carol"],
        data={"reason": "litigation"},
    )
    assert opinion.state == S.REJECTED
    assert "诉讼" in opinion.public_reply
    assert "诉讼" in opinion.events.last().public_note


def test_merging_links_the_duplicate_and_reopening_unlinks_it(world, yueyang_community):
    target = OpinionFactory(region=yueyang_community)
    carol = world["personas"]["carol"]
    opinion = workflow.apply_action(
        opinion=world["opinion"], action="merge", actor=carol, data={"target": target.pk}
    )
    assert opinion.merged_into == target
    opinion = workflow.apply_action(
        opinion=opinion, action="reopen", actor=carol, data={"reason": "并非同一事项"}
    )
    assert opinion.state == S.VERIFYING and opinion.merged_into is None
    assert "并非同一事项" in opinion.events.last().internal_note


def test_an_opinion_the_actor_cannot_see_cannot_be_a_merge_target(world, yongfeng):
    elsewhere = OpinionFactory(region=yongfeng)
    with pytest.raises(ValidationError) as caught:
        workflow.apply_action(
            opinion=world["opinion"],
            action="merge",
            actor=world["personas"]["carol"],
            data={"target": elsewhere.pk},
        )
    assert "target" in caught.value.message_dict


def test_each_transition_notifies_whoever_acts_next_after_commit(world, django_capture_on_commit_callbacks):
    carol, frank, alice = (world["personas"][p] for p in ("carol", "frank", "alice"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        opinion = workflow.apply_action(
            opinion=world["opinion"], action="route", actor=alice, data={"level": "street"}
        )
    # One task enqueued after the commit (besides the page cache's version bumps).
    assert len([c for c in callbacks if c.__module__ != "songjiang_liaison.pagecache"]) == 1
    assert Notification.objects.filter(recipient=carol, kind="opinion_route").exists()
    with django_capture_on_commit_callbacks(execute=True):
        opinion = workflow.apply_action(
            opinion=opinion, action="assign", actor=carol, data={"units": [world["unit"].pk]}
        )
    assert Notification.objects.filter(recipient=frank, kind="opinion_assign").exists()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply_action(
            opinion=opinion, action="reply", actor=frank, data={"outcome": "solved", "text": "好"}
        )
    assert Notification.objects.filter(recipient=alice, kind="opinion_reply").exists()
    assert Notification.objects.filter(recipient=carol, kind="opinion_reply").exists()
    # Nobody is told about their own action.
    assert not Notification.objects.filter(recipient=frank, kind="opinion_reply").exists()


def test_nothing_is_notified_when_the_transaction_does_not_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.apply_action(
            opinion=world["opinion"], action="route", actor=world["admin"], data={"level": "street"}
        )
    assert len(callbacks) == 1
    assert not Notification.objects.exists()


def test_every_action_describes_the_data_it_needs():
    for action in workflow.ACTIONS:
        for field in workflow.fields_for(action):
            assert field.name and str(field.label)
    assert [f.name for f in workflow.fields_for("route") if f.required] == ["level"]
    assert {v for v, _label in workflow.fields_for("route")[0].choices} == {
        "street",
        "town",
        "district",
        "city",
        "letters",
    }


def test_a_confidential_opinion_raised_at_district_level_is_not_published(world):
    Opinion.objects.filter(pk=world["opinion"].pk).update(confidential=True)
    opinion = Opinion.objects.get(pk=world["opinion"].pk)
    workflow.apply_action(opinion=opinion, action="route", actor=world["admin"], data={"level": "district"})
    assert Suggestion.objects.get(opinion=opinion).is_public is False


def test_the_citizen_is_texted_the_non_acceptance_notice_with_the_tracking_code(
    world, django_capture_on_commit_callbacks
):
    from accounts.sms import LocmemSmsBackend

    LocmemSmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        opinion = workflow.apply_action(
            opinion=world["opinion"], action="reject", actor=world["admin"], data={"reason": "advertising"}
        )
    (message,) = LocmemSmsBackend.outbox
    assert message.phone == "13812345678"
    assert opinion.tracking_code in message.text and "广告" in message.text
    assert "张三" not in message.text


def test_without_consent_the_citizen_is_not_texted(world, django_capture_on_commit_callbacks):
    from accounts.sms import LocmemSmsBackend

    LocmemSmsBackend.outbox.clear()
    Opinion.objects.filter(pk=world["opinion"].pk).update(consent=False)
    opinion = Opinion.objects.get(pk=world["opinion"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply_action(
            opinion=opinion, action="answer", actor=world["admin"], data={"public_note": "已答复"}
        )
    assert LocmemSmsBackend.outbox == []


def test_a_unit_cannot_reply_on_behalf_of_another_unit(world, other_unit):
    opinion = bring_to(S.ROUTED, world)
    opinion = workflow.apply_action(
        opinion=opinion,
        action="assign",
        actor=world["admin"],
        data={"units": [world["unit"].pk, other_unit.pk]},
    )
    with pytest.raises(ValidationError) as caught:
        workflow.apply_action(
            opinion=opinion,
            action="reply",
            actor=world["personas"]["frank"],
            data={"outcome": "solved", "text": "替别人答复", "unit": other_unit.pk},
        )
    assert "unit" in caught.value.message_dict
    assert not opinion.assignments.filter(organization=other_unit, replied_at__isnull=False).exists()


def test_a_repeated_notification_task_texts_the_citizen_only_once(world, django_capture_on_commit_callbacks):
    from accounts.sms import LocmemSmsBackend
    from feedback import notifications

    LocmemSmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        opinion = workflow.apply_action(
            opinion=world["opinion"], action="reject", actor=world["admin"], data={"reason": "advertising"}
        )
    event = opinion.events.order_by("-id").first()

    notifications.notify_event(event.pk)  # the task delivered again, e.g. after a worker restart

    assert len(LocmemSmsBackend.outbox) == 1


def test_a_failed_text_message_is_sent_when_the_task_is_retried(world, django_capture_on_commit_callbacks):
    from unittest import mock

    from accounts.sms import LocmemSmsBackend, SmsError
    from feedback import notifications

    LocmemSmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False):  # the notification task is not run yet
        opinion = workflow.apply_action(
            opinion=world["opinion"], action="reject", actor=world["admin"], data={"reason": "advertising"}
        )
    event = opinion.events.order_by("-id").first()
    with mock.patch("accounts.sms.send_sms", side_effect=SmsError("gateway down")), pytest.raises(SmsError):
        notifications.notify_event(event.pk)  # the first attempt: the gateway is down

    notifications.notify_event(event.pk)  # the retry
    notifications.notify_event(event.pk)  # and a stray repeat

    assert len(LocmemSmsBackend.outbox) == 1
