"""The opinions API contract (design.md): intake, queues, detail, one endpoint per action, public
tracking and rating. Alice (`deputy`) owns the opinion; Bob (`other_deputy`) and Dave
(`other_street_staff`) must not even learn that it exists."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback import workflow
from feedback.models import ContactView, Opinion, OpinionState

from .factories import OpinionFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/opinions/"
TEXT = "人乐新村5号楼前的路灯坏了一个多月，晚上出行很不方便。"
SCRIPT = "<script>alert('x')</script>"


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


# --- Intake ------------------------------------------------------------------------------------


def test_anyone_may_submit_and_gets_a_tracking_code(citizen, yueyang_community, yueyang_committee, deputy):
    response = post_json(
        citizen,
        URL,
        {
            "content": TEXT,
            "region": yueyang_community.pk,
            "deputy": deputy.pk,
            "category": "市政设施",
            "submitter_name": "张三",
            "submitter_phone": "13812345678",
            "consent": True,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "received"
    opinion = Opinion.objects.get(tracking_code=body["tracking_code"])
    assert (opinion.deputy, opinion.channel, opinion.submitter_name) == (deputy, "web", "张三")
    assert "13812345678" not in response.content.decode()


def test_invalid_submissions_answer_400_with_field_errors(citizen, yueyang_community):
    response = post_json(citizen, URL, {"content": "太短", "region": yueyang_community.pk})
    assert response.status_code == 400
    assert "content" in response.json()
    response = post_json(citizen, URL, {"content": TEXT})
    assert response.status_code == 400
    assert "region" in response.json()
    assert not Opinion.objects.exists()


def test_invalid_submissions_do_not_use_up_the_rate_limit(citizen, yueyang_community, settings):
    settings.OPINION_RATE = "2/hour"
    for _ in range(5):
        assert post_json(citizen, URL, {"content": "太短", "region": yueyang_community.pk}).status_code == 400

    codes = [
        post_json(citizen, URL, {"content": f"{TEXT}第{i}次", "region": yueyang_community.pk}).status_code
        for i in range(3)
    ]

    assert codes == [201, 201, 429]


def test_too_many_submissions_from_one_address_answer_429_and_the_accepted_ones_are_kept(
    citizen, yueyang_community, settings
):
    settings.OPINION_RATE = "2/hour"
    codes = [
        post_json(citizen, URL, {"content": f"{TEXT}第{i}次", "region": yueyang_community.pk}).status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]
    response = post_json(citizen, URL, {"content": TEXT, "region": yueyang_community.pk})
    assert int(response["Retry-After"]) > 0
    assert Opinion.objects.count() == 2


def test_a_bot_filling_the_honeypot_gets_the_same_answer_and_the_opinion_is_held(citizen, yueyang_community):
    response = post_json(
        citizen, URL, {"content": TEXT, "region": yueyang_community.pk, "website": "http://spam.example"}
    )
    assert response.status_code == 201
    opinion = Opinion.objects.get()
    assert opinion.flagged_spam and opinion.state == OpinionState.MODERATION


def test_a_deputy_records_an_opinion_from_the_app_with_its_channel(
    login, deputy_user, deputy, yueyang_community
):
    client = login(deputy_user)
    response = post_json(
        client,
        URL,
        {"content": TEXT, "region": yueyang_community.pk, "deputy": deputy.pk, "channel": "reception"},
    )
    assert response.status_code == 201
    opinion = Opinion.objects.get()
    assert (opinion.channel, opinion.recorded_by) == ("reception", deputy_user)


# --- Queues and detail ----------------------------------------------------------------------------


def test_the_queues_need_a_login(citizen, opinion):
    assert citizen.get(URL).status_code in (401, 403)
    assert citizen.get(f"{URL}{opinion.pk}/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("deputy_user", True),
        ("street_staff", True),
        ("admin_user", True),
        ("personnel_staff", True),
        ("other_deputy_user", False),
        ("other_street_staff", False),
        ("town_staff", False),
        ("handling_unit_staff", False),
    ],
)
def test_each_user_lists_and_opens_only_the_opinions_in_their_charge(persona, sees, request, login, opinion):
    client = login(request.getfixturevalue(persona))
    listed = [row["id"] for row in client.get(URL).json()["results"]]
    assert (opinion.pk in listed) is sees
    assert client.get(f"{URL}{opinion.pk}/").status_code == (200 if sees else 404)


def test_a_handling_unit_sees_what_is_assigned_to_it(
    login, opinion, admin_user, handling_unit, handling_unit_staff, bodies
):
    for action, data in (("route", {"level": "street"}), ("assign", {"units": [handling_unit.pk]})):
        opinion = workflow.apply_action(opinion=opinion, action=action, actor=admin_user, data=data)
    response = login(handling_unit_staff).get(f"{URL}{opinion.pk}/")
    assert response.status_code == 200
    assert response.json()["allowed_actions"] == ["reply"]


def test_the_list_is_paginated_and_filtered(login, street_staff, opinion, yueyang_community):
    OpinionFactory(
        region=yueyang_community, state=OpinionState.VERIFYING, content="垃圾分类点太远，老人不方便。"
    )
    client = login(street_staff)
    body = client.get(URL).json()
    assert set(body) >= {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert [r["state"] for r in client.get(URL, {"state": "verifying"}).json()["results"]] == ["verifying"]
    assert client.get(URL, {"q": "垃圾分类"}).json()["count"] == 1
    assert client.get(URL, {"channel": "letter"}).json()["count"] == 0
    assert client.get(URL, {"overdue": "true"}).json()["count"] == 0
    assert client.get(URL, {"state": "nonsense"}).status_code == 400


def test_the_detail_gives_state_allowed_actions_and_timeline(login, deputy_user, opinion):
    body = login(deputy_user).get(f"{URL}{opinion.pk}/").json()
    assert body["state"] == "received"
    assert body["allowed_actions"] == ["answer", "verify", "route", "reject"]
    assert [e["to_state"] for e in body["timeline"]] == ["received"]


def test_the_assigned_deputy_sees_the_contact_details_and_the_view_is_recorded(login, deputy_user, opinion):
    body = login(deputy_user).get(f"{URL}{opinion.pk}/").json()
    assert body["contact"]["submitter_phone"] == "13812345678"
    assert body["submitter_name"] == "张三"
    assert ContactView.objects.filter(user=deputy_user, opinion=opinion).count() == 1


def test_staff_not_handling_it_see_the_contact_details_masked_and_nothing_is_recorded(
    login, personnel_staff, opinion
):
    body = login(personnel_staff).get(f"{URL}{opinion.pk}/").json()
    assert body["contact"] == {
        "submitter_name": "张*",
        "submitter_phone": "138****5678",
        "submitter_address": "岳阳街道人乐***",
        "masked": True,
    }
    assert "13812345678" not in json.dumps(body)
    assert not ContactView.objects.exists()


def test_lists_always_mask_contact_details(login, street_staff, opinion):
    row = login(street_staff).get(URL).json()["results"][0]
    assert row["submitter_phone"] == "138****5678"
    assert row["submitter_name"] == "张*"


def test_the_list_endpoint_uses_the_same_number_of_queries_for_few_and_many_rows(
    login, street_staff, yueyang_community, handling_unit, deputy
):
    client = login(street_staff)

    def make(n):
        for _ in range(n):
            opinion = OpinionFactory(region=yueyang_community, deputy=deputy, state=OpinionState.ASSIGNED)
            opinion.assignments.create(
                organization=handling_unit, assigned_at=opinion.received_at, due_at=opinion.received_at
            )

    make(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    make(20)
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).json()["count"] == 22
    assert len(many) == len(few)
    assert len(few) <= 8


# --- Actions -----------------------------------------------------------------------------------


def test_an_allowed_action_answers_200_with_the_new_state(login, deputy_user, opinion, bodies):
    response = post_json(login(deputy_user), f"{URL}{opinion.pk}/route/", {"level": "street"})
    assert response.status_code == 200
    assert response.json()["state"] == "routed"
    assert Opinion.objects.get(pk=opinion.pk).organization == bodies["street"]


def test_a_refused_action_answers_403_and_changes_nothing(login, deputy_user, opinion, bodies, handling_unit):
    response = post_json(login(deputy_user), f"{URL}{opinion.pk}/merge/", {"target": 1})
    assert response.status_code == 403
    assert Opinion.objects.get(pk=opinion.pk).state == "received"


@pytest.mark.parametrize("persona", ["other_deputy_user", "other_street_staff", "handling_unit_staff"])
def test_acting_on_an_opinion_one_cannot_see_answers_404(persona, request, login, opinion, bodies):
    response = post_json(
        login(request.getfixturevalue(persona)), f"{URL}{opinion.pk}/route/", {"level": "street"}
    )
    assert response.status_code == 404
    assert Opinion.objects.get(pk=opinion.pk).state == "received"


def test_invalid_action_data_answers_400_with_field_errors(login, deputy_user, opinion, bodies):
    response = post_json(login(deputy_user), f"{URL}{opinion.pk}/route/", {"level": "moon"})
    assert response.status_code == 400
    assert "level" in response.json()


def test_a_lost_race_answers_409(login, deputy_user, opinion, bodies):
    client = login(deputy_user)
    response = post_json(
        client, f"{URL}{opinion.pk}/route/", {"level": "street", "expected_state": "verifying"}
    )
    assert response.status_code == 409
    assert response.json()["state"] == "received"
    post_json(client, f"{URL}{opinion.pk}/route/", {"level": "street"})
    again = post_json(client, f"{URL}{opinion.pk}/route/", {"level": "street"})
    assert again.status_code == 409


def test_an_unknown_action_is_not_found(login, deputy_user, opinion):
    assert post_json(login(deputy_user), f"{URL}{opinion.pk}/explode/", {}).status_code == 404
    # The citizen's rating goes through the tracking code, not the id.
    assert (
        post_json(login(deputy_user), f"{URL}{opinion.pk}/rate/", {"rating": "satisfied"}).status_code == 404
    )


# --- Public tracking and rating --------------------------------------------------------------------


def _fed_back(opinion, admin_user, handling_unit):
    steps = [
        ("verify", {"method": "visit", "internal_note": "内部：张三情绪激动"}),
        ("route", {"level": "street", "public_note": "已转交岳阳街道人大工委"}),
        ("assign", {"units": [handling_unit.pk]}),
        ("reply", {"outcome": "solved", "text": "内部答复", "unit": handling_unit.pk}),
        ("relay", {}),
        ("feedback", {"public_note": "路灯已于11月20日修复。"}),
    ]
    for action, data in steps:
        opinion = workflow.apply_action(opinion=opinion, action=action, actor=admin_user, data=data)
    return opinion


def test_tracking_shows_state_public_timeline_and_reply_but_never_the_submitter(
    citizen, opinion, admin_user, handling_unit, bodies
):
    opinion = _fed_back(opinion, admin_user, handling_unit)
    response = citizen.get(f"{URL}track/{opinion.tracking_code}/")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "fed_back"
    assert body["public_reply"] == "路灯已于11月20日修复。"
    assert body["can_rate"] is True
    assert "已转交岳阳街道人大工委" in [e["public_note"] for e in body["timeline"]]
    raw = json.dumps(body, ensure_ascii=False)
    for private in ("张三", "13812345678", "5678", "人乐新村5号", "内部", "submitter"):
        assert private not in raw


def test_tracking_a_code_that_does_not_exist_answers_404(citizen, opinion):
    assert citizen.get(f"{URL}track/NOSUCHCODE2345678/").status_code == 404
    assert citizen.get(f"{URL}track/{opinion.tracking_code.lower()}/").status_code == 200


def test_the_citizen_rates_once_and_dissatisfied_reopens_it(
    citizen, opinion, admin_user, handling_unit, bodies
):
    opinion = _fed_back(opinion, admin_user, handling_unit)
    url = f"{URL}track/{opinion.tracking_code}/rate/"
    assert post_json(citizen, url, {"rating": "meh"}).status_code == 400
    response = post_json(citizen, url, {"rating": "dissatisfied", "comment": "还是不亮"})
    assert response.status_code == 200
    assert response.json()["state"] == "verifying"
    assert post_json(citizen, url, {"rating": "satisfied"}).status_code == 409


def test_rating_before_feedback_answers_409(citizen, opinion):
    response = post_json(citizen, f"{URL}track/{opinion.tracking_code}/rate/", {"rating": "satisfied"})
    assert response.status_code == 409


# --- Script payloads ----------------------------------------------------------------------------


def test_a_script_payload_in_every_text_field_is_stored_verbatim_and_escaped_in_json(
    citizen, login, deputy_user, deputy, yueyang_community, admin_user, handling_unit, bodies
):
    response = post_json(
        citizen,
        URL,
        {
            "content": SCRIPT + TEXT,
            "region": yueyang_community.pk,
            "deputy": deputy.pk,
            "category": SCRIPT,
            "submitter_name": SCRIPT[:50],
            "submitter_address": SCRIPT,
            "consent": True,
        },
    )
    assert response.status_code == 201
    opinion = Opinion.objects.get()
    assert opinion.content.startswith(SCRIPT) and opinion.category == SCRIPT  # stored verbatim
    # Blocked words aside, the payload is held for moderation only if it contains a link; release it.
    for action, data in [
        ("route", {"level": "street", "public_note": SCRIPT, "internal_note": SCRIPT}),
        ("assign", {"units": [handling_unit.pk], "public_note": SCRIPT}),
        ("reply", {"outcome": "solved", "text": SCRIPT, "unit": handling_unit.pk}),
        ("relay", {"public_note": SCRIPT}),
        ("feedback", {"public_note": SCRIPT}),
    ]:
        opinion = workflow.apply_action(opinion=opinion, action=action, actor=admin_user, data=data)
    responses = [
        login(deputy_user).get(f"{URL}{opinion.pk}/"),
        login(deputy_user).get(URL),
        citizen.get(f"{URL}track/{opinion.tracking_code}/"),
    ]
    for response in responses:
        assert response["Content-Type"].startswith("application/json")
        assert b"<script" not in response.content
        assert SCRIPT in json.dumps(response.json(), ensure_ascii=False)
    detail = responses[0].json()
    assert detail["category"] == SCRIPT
    assert detail["contact"]["submitter_address"] == SCRIPT
    assert detail["reply_text"].endswith(SCRIPT)
    assert responses[2].json()["public_reply"] == SCRIPT


# --- Suggestions -------------------------------------------------------------------------------


def test_suggestions_are_public_with_their_deadline_and_constant_queries(citizen, deputy, handling_unit):
    for _ in range(2):
        SuggestionFactory(deputy=deputy).handling_units.add(handling_unit)
    with CaptureQueriesContext(connection) as few:
        body = citizen.get("/api/v1/suggestions/").json()
    for _ in range(10):
        SuggestionFactory(deputy=deputy).handling_units.add(handling_unit)
    with CaptureQueriesContext(connection) as many:
        assert citizen.get("/api/v1/suggestions/").json()["count"] == 12
    assert len(few) == len(many)
    row = body["results"][0]
    assert row["deputy"]["name"] == "艾丽丝"
    assert row["handling_units"][0]["name"] == handling_unit.name
    assert row["deadline_status"] == "on_time"
    hidden = SuggestionFactory(deputy=deputy, is_public=False)
    assert citizen.get(f"/api/v1/suggestions/{hidden.pk}/").status_code == 404


def test_photos_can_be_sent_with_a_multipart_submission(citizen, yueyang_community, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 10)).save(out, format="PNG")
    photo = SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")
    response = citizen.post(URL, {"content": TEXT, "region": yueyang_community.pk, "photos": [photo]})
    assert response.status_code == 201
    assert Opinion.objects.get().photos.count() == 1
    bad = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")
    response = citizen.post(URL, {"content": TEXT + "二", "region": yueyang_community.pk, "photos": [bad]})
    assert response.status_code == 400
    assert "photos" in response.json()


def test_the_overdue_filter_and_status_follow_the_stored_due_date(
    login, street_staff, opinion, yueyang_community
):
    import datetime

    from django.utils import timezone

    Opinion.objects.filter(pk=opinion.pk).update(due_at=timezone.now() - datetime.timedelta(days=40))
    OpinionFactory(region=yueyang_community, due_at=timezone.now() + datetime.timedelta(days=3))
    client = login(street_staff)
    late = client.get(URL, {"overdue": "true"}).json()["results"]
    assert [(r["id"], r["deadline_status"]) for r in late] == [(opinion.pk, "long_overdue")]
    assert client.get(URL, {"overdue": "false"}).json()["count"] == 1


def test_the_app_can_read_the_workflow_table_to_build_its_forms(login, deputy_user):
    table = login(deputy_user).get(f"{URL}actions/").json()
    by_action = {row["action"]: row for row in table}
    assert set(by_action) == set(workflow.ACTIONS)
    route = by_action["route"]
    assert route["sources"] == ["received", "verifying", "moderation"]
    level = next(f for f in route["fields"] if f["name"] == "level")
    assert level["required"] and {c["value"] for c in level["choices"]} == {
        "street",
        "town",
        "district",
        "city",
        "letters",
    }
