"""Defects found in review, each pinned by the behaviour a user relies on.

The persona world (tests/conftest.py): Alice (`deputy`) is a district deputy in 岳阳, Bob
(`other_deputy`) one in 永丰; Carol (`street_staff`) works for 岳阳's street working committee;
Frank (`handling_unit_staff`) for a district bureau; Grace (`admin_user`) is an administrator.
"""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Notification
from feedback import abuse, notifications, workflow
from feedback.models import Opinion, OpinionEvent, Suggestion
from feedback.models import OpinionState as S
from tests.contacts.factories import activity_for

from .factories import OpinionFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/opinions/"
TEXT = "人乐新村5号楼前的路灯坏了一个多月，晚上出行很不方便。"


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def run(opinion, actor, *steps):
    for action, data in steps:
        opinion = workflow.apply_action(opinion=opinion, action=action, actor=actor, data=data)
    return opinion


# --- 1. Merging: never into an opinion that is itself merged, rejected or closed ---------------------


def test_an_opinion_cannot_be_merged_into_one_that_is_already_merged(
    opinion, street_staff, yueyang_community
):
    first = OpinionFactory(region=yueyang_community)
    second = OpinionFactory(region=yueyang_community)
    run(first, street_staff, ("merge", {"target": second.pk}))

    # Merging `second` into `first` would leave each merged into the other, in no queue at all.
    with pytest.raises(ValidationError) as caught:
        run(second, street_staff, ("merge", {"target": first.pk}))
    assert "已合并" in caught.value.message_dict["target"][0]

    # Nor may a third opinion be merged into the one that is already merged.
    with pytest.raises(ValidationError) as caught:
        run(opinion, street_staff, ("merge", {"target": first.pk}))
    assert "target" in caught.value.message_dict
    second.refresh_from_db()
    opinion.refresh_from_db()
    assert (second.state, opinion.state) == (S.RECEIVED, S.RECEIVED)
    assert not OpinionEvent.objects.filter(opinion__in=[second, opinion], action="merge").exists()


@pytest.mark.parametrize(
    ("action", "data"),
    [("reject", {"reason": "personal"}), ("answer", {"public_note": "已直接答复。"})],
)
def test_an_opinion_cannot_be_merged_into_a_rejected_or_closed_one(
    action, data, opinion, street_staff, yueyang_community
):
    target = run(OpinionFactory(region=yueyang_community), street_staff, (action, data))
    if action == "answer":
        target = run(target, street_staff, ("close", {}))
    assert target.is_final

    with pytest.raises(ValidationError) as caught:
        run(opinion, street_staff, ("merge", {"target": target.pk}))
    assert "target" in caught.value.message_dict
    opinion.refresh_from_db()
    assert opinion.state == S.RECEIVED and opinion.merged_into is None


def test_the_api_refuses_a_merge_into_a_merged_opinion_with_a_field_error(
    login, street_staff, yueyang_community
):
    first = OpinionFactory(region=yueyang_community)
    second = OpinionFactory(region=yueyang_community)
    run(first, street_staff, ("merge", {"target": second.pk}))

    response = post_json(login(street_staff), f"{API}{second.pk}/merge/", {"target": first.pk})

    assert response.status_code == 400
    assert "target" in response.json()
    second.refresh_from_db()
    assert second.state == S.RECEIVED


# --- 2. After a reopen, the new round's reply stands on its own --------------------------------------


def test_the_second_rounds_reply_is_not_mixed_with_the_first(
    opinion, admin_user, handling_unit, handling_unit_staff, bodies
):
    opinion = run(
        opinion, admin_user, ("route", {"level": "street"}), ("assign", {"units": [handling_unit.pk]})
    )
    opinion = run(
        opinion, handling_unit_staff, ("reply", {"outcome": "unsolvable", "text": "第一轮：暂无资金。"})
    )
    opinion = run(opinion, admin_user, ("feedback", {"public_note": "暂时不能解决，已列入计划。"}))
    opinion = run(opinion, None, ("rate", {"rating": "dissatisfied", "comment": "还是不亮"}))
    assert opinion.state == S.VERIFYING

    opinion = run(
        opinion, admin_user, ("route", {"level": "street"}), ("assign", {"units": [handling_unit.pk]})
    )
    opinion = run(
        opinion, handling_unit_staff, ("reply", {"outcome": "solved", "text": "第二轮：路灯已更换。"})
    )

    assert opinion.state == S.REPLIED
    assert opinion.outcome == "solved"
    assert opinion.reply_text == f"{handling_unit.name}：第二轮：路灯已更换。"
    # The first round stays on record in its assignment and on the timeline.
    assert opinion.assignments.filter(reply_text="第一轮：暂无资金。").exists()
    assert workflow.check_invariants(opinion) == []


def test_a_district_suggestion_is_answered_with_the_units_reply(world_district):
    from feedback.suggestions import workflow as suggestions

    opinion, unit_staff = world_district
    suggestion = Suggestion.objects.get(opinion=opinion)
    suggestion = suggestions.apply_action(
        suggestion=suggestion,
        action="consult",
        actor=unit_staff,
        data={"date": "2026-01-05", "method": "phone", "deputy_view": "同意。"},
    )
    suggestion = suggestions.apply_action(
        suggestion=suggestion,
        action="reply",
        actor=unit_staff,
        data={"category": "solved", "content": "已增设公交线路。"},
    )
    opinion.refresh_from_db()
    assert suggestion.state == "answered"
    assert opinion.state == "replied"
    assert "已增设公交线路。" in opinion.reply_text
    assert suggestion.answer == "已增设公交线路。"


@pytest.fixture
def world_district(opinion, deputy_user, personnel_staff, handling_unit, handling_unit_staff, bodies):
    from feedback.suggestions import workflow as suggestions

    opinion = run(opinion, deputy_user, ("route", {"level": "district", "kind": "suggestion"}))
    suggestion = suggestions.apply_action(
        suggestion=Suggestion.objects.get(opinion=opinion), action="submit", actor=deputy_user
    )
    suggestions.apply_action(
        suggestion=suggestion, action="assign", actor=personnel_staff, data={"lead_unit": handling_unit.pk}
    )
    opinion.refresh_from_db()
    return opinion, handling_unit_staff


# --- 3. The API links an opinion only to an activity the recorder may see ---------------------------


def test_the_api_refuses_to_link_an_opinion_to_another_deputys_activity(
    login, deputy_user, deputy, other_deputy, yueyang_community
):
    bobs_activity = activity_for(other_deputy)

    response = post_json(
        login(deputy_user),
        API,
        {"content": TEXT, "region": yueyang_community.pk, "deputy": deputy.pk, "activity": bobs_activity.pk},
    )

    assert response.status_code == 400
    assert response.json()["activity"] == ["找不到这个联系活动。"]
    assert not Opinion.objects.exists()
    assert not bobs_activity.opinions.exists()


def test_the_api_refuses_an_activity_that_does_not_exist_in_the_same_words(
    login, deputy_user, deputy, yueyang_community
):
    response = post_json(
        login(deputy_user),
        API,
        {"content": TEXT, "region": yueyang_community.pk, "deputy": deputy.pk, "activity": 987654},
    )

    assert response.status_code == 400
    assert response.json()["activity"] == ["找不到这个联系活动。"]


def test_the_api_links_an_opinion_to_the_deputys_own_activity(login, deputy_user, deputy, yueyang_community):
    own = activity_for(deputy)

    response = post_json(
        login(deputy_user),
        API,
        {"content": TEXT, "region": yueyang_community.pk, "deputy": deputy.pk, "activity": own.pk},
    )

    assert response.status_code == 201
    opinion = Opinion.objects.get()
    assert list(opinion.activities.all()) == [own]
    assert list(own.opinions.all()) == [opinion]


# --- 4. Through the API, only those who may record on the website record -----------------------------


@pytest.mark.parametrize("persona", ["handling_unit_staff", "committee_member"])
def test_users_who_may_not_record_on_the_website_get_403_from_the_api(
    persona, request, login, yueyang_community
):
    client = login(request.getfixturevalue(persona))

    response = post_json(client, API, {"content": TEXT, "region": yueyang_community.pk})

    assert response.status_code == 403
    assert "登记" in response.json()["detail"]
    assert not Opinion.objects.exists()


@pytest.mark.parametrize("persona", ["street_staff", "admin_user"])
def test_liaison_staff_and_administrators_record_through_the_api(persona, request, login, yueyang_community):
    user = request.getfixturevalue(persona)

    response = post_json(
        login(user), API, {"content": TEXT, "region": yueyang_community.pk, "channel": "letter"}
    )

    assert response.status_code == 201
    assert Opinion.objects.get().recorded_by == user


def test_the_public_still_submits_through_the_api_without_signing_in(citizen, yueyang_community):
    response = post_json(citizen, API, {"content": TEXT, "region": yueyang_community.pk})

    assert response.status_code == 201
    assert Opinion.objects.get().recorded_by is None


# --- 5. A refused rating keeps what the citizen typed --------------------------------------------------


@pytest.fixture
def fed_back(opinion, admin_user, handling_unit, bodies):
    return run(
        opinion,
        admin_user,
        ("route", {"level": "street"}),
        ("assign", {"units": [handling_unit.pk]}),
        ("reply", {"outcome": "solved", "text": "路灯已更换。", "unit": handling_unit.pk}),
        ("feedback", {"public_note": "您反映的路灯已经修好。"}),
    )


def _comment_box(page: str) -> str:
    start = page.index('id="rating-comment"')
    return page[start : page.index("</textarea>", start)]


def test_a_rate_limited_rating_keeps_the_comment_and_the_chosen_rating(citizen, fed_back):
    url = reverse("feedback:track", args=[fed_back.tracking_code])
    for _ in range(200):  # use up this address's budget
        try:
            abuse.check_rate_limit("127.0.0.1", scope="opinion_rate")
        except abuse.RateLimited:
            break

    response = citizen.post(url, {"rating": "dissatisfied", "comment": "晚上还是<不亮>"})

    page = response.content.decode()
    assert response.status_code == 429
    assert "晚上还是&lt;不亮&gt;" in _comment_box(page)
    assert 'value="dissatisfied" aria-describedby="chosen-rating"' in page
    assert 'value="satisfied" aria-describedby' not in page
    assert "您的评价尚未保存" in page
    fed_back.refresh_from_db()
    assert fed_back.rating == "" and fed_back.state == S.FED_BACK


def test_an_invalid_rating_keeps_the_comment(citizen, fed_back):
    url = reverse("feedback:track", args=[fed_back.tracking_code])

    response = citizen.post(url, {"rating": "", "comment": "修得挺快，谢谢"})

    assert response.status_code == 400
    assert "修得挺快，谢谢" in _comment_box(response.content.decode())


def test_a_rating_refused_because_the_state_changed_still_shows_the_comment(citizen, opinion):
    response = citizen.post(
        reverse("feedback:track", args=[opinion.tracking_code]),
        {"rating": "satisfied", "comment": "谢谢代表"},
    )

    assert response.status_code == 409
    assert "谢谢代表" in response.content.decode()


# --- 6. Notifications never carry a confidential opinion's text ------------------------------------


def _route_and_notify(opinion, deputy_user):
    opinion = run(opinion, deputy_user, ("route", {"level": "street"}))
    notifications.notify_event(opinion.events.get(action="route").pk)
    return opinion


def test_a_confidential_opinions_text_is_left_out_of_its_notifications(
    opinion, deputy_user, street_staff, bodies
):
    Opinion.objects.filter(pk=opinion.pk).update(confidential=True)
    opinion.refresh_from_db()

    _route_and_notify(opinion, deputy_user)

    message = Notification.objects.get(recipient=street_staff)
    assert opinion.content not in message.body
    assert opinion.content[:10] not in message.body + message.title
    assert "保密" in message.body
    assert message.url == reverse("feedback:detail", args=[opinion.pk])


def test_an_ordinary_opinions_notification_quotes_its_text(opinion, deputy_user, street_staff, bodies):
    _route_and_notify(opinion, deputy_user)

    message = Notification.objects.get(recipient=street_staff)
    assert opinion.content[:20] in message.body
