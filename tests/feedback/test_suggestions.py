"""Motions and suggestions from the draft to the deputy's rating, through the API (§四(一)3, §四(三)).

Alice (`deputy`) drafts; Bob (`other_deputy`) is a deputy of the same congress; Ivan
(`personnel_staff`) registers and assigns; Frank (`handling_unit_staff`) leads the handling; the staff
of `other_unit` co-handle or have nothing to do with it.
"""

import datetime

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import Notification, Role
from feedback import deadlines
from feedback.models import OpinionState, Suggestion, SuggestionEvent
from feedback.suggestions import workflow
from tests import factories as f

from .factories import OpinionFactory, SuggestionFactory

API = "/api/v1/suggestions/"
PUBLIC = "/api/v1/public/suggestions/"


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


@pytest.fixture(autouse=True)
def _office(personnel_office):
    """The personnel and deputy work office registers the district congress's suggestions."""
    return personnel_office


@pytest.fixture
def alice(deputy_user, deputy):
    return as_user(deputy_user)


@pytest.fixture
def bob(other_deputy_user, other_deputy):
    return as_user(other_deputy_user)


@pytest.fixture
def ivan(personnel_staff):
    return as_user(personnel_staff)


@pytest.fixture
def frank(handling_unit_staff):
    return as_user(handling_unit_staff)


@pytest.fixture
def olga(other_unit_staff):
    return as_user(other_unit_staff)


def draft(client, **data):
    body = {
        "kind": "suggestion",
        "title": "关于增设公交线路的建议",
        "content": "建议增设一条公交线路。",
        **data,
    }
    return post(client, API, body)


def submitted(alice, **data):
    response = draft(alice, **data)
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert post(alice, f"{API}{pk}/submit/").status_code == 200
    return pk


def assigned(alice, ivan, handling_unit, **assign):
    pk = submitted(alice)
    response = post(ivan, f"{API}{pk}/assign/", {"lead_unit": handling_unit.pk, **assign})
    assert response.status_code == 200, response.json()
    return pk


CONSULT = {"date": "2026-03-02", "method": "meeting", "deputy_view": "希望先开通高峰班次。"}


# --- Drafting ----------------------------------------------------------------------------------------


def test_a_deputy_drafts_from_routed_opinions_and_the_opinions_keep_the_link(
    alice, deputy, other_deputy, yueyang_community, personnel_staff
):
    first, second = (OpinionFactory(deputy=deputy, region=yueyang_community) for _ in range(2))
    response = draft(alice, co_signers=[other_deputy.pk], source_opinions=[first.pk, second.pk], session=3)
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "draft"
    assert body["allowed_actions"] == ["submit"]
    assert body["source_opinions"] == sorted([first.pk, second.pk]) or set(body["source_opinions"]) == {
        first.pk,
        second.pk,
    }
    assert body["co_signers"] == [{"deputy": other_deputy.pk, "name": "鲍勃", "confirmed": False}]
    suggestion = Suggestion.objects.get(pk=body["id"])
    assert suggestion.congress == deputy.congress and suggestion.session == 3
    assert set(first.source_of_suggestions.all()) == {suggestion}
    # Bob is asked to confirm.
    assert Notification.objects.filter(recipient=other_deputy.person.user, kind="suggestion").exists()


def test_drafts_are_private_until_submitted(alice, bob, ivan, frank, citizen, deputy, other_deputy):
    pk = draft(alice).json()["id"]
    for client in (bob, ivan, frank):
        assert client.get(f"{API}{pk}/").status_code == 404
        assert post(client, f"{API}{pk}/submit/").status_code == 404
    assert citizen.get(f"{PUBLIC}{pk}/").status_code == 404
    assert citizen.get(f"{API}{pk}/").status_code == 404
    assert citizen.get(PUBLIC).json()["count"] == 0
    assert "关于增设公交线路的建议" not in citizen.get("/opinions/suggestions/").content.decode()
    # Once submitted, the public sees it.
    assert post(alice, f"{API}{pk}/submit/").status_code == 200
    assert citizen.get(PUBLIC).json()["count"] == 1


def test_another_deputy_cannot_read_or_change_a_draft_by_id_but_an_invited_co_signer_reads_it(
    alice, bob, deputy, other_deputy, district_congress
):
    pk = draft(alice).json()["id"]
    assert bob.patch(f"{API}{pk}/", {"title": "改掉"}, content_type="application/json").status_code == 404
    invited = draft(alice, co_signers=[other_deputy.pk]).json()["id"]
    assert bob.get(f"{API}{invited}/").json()["allowed_actions"] == ["confirm"]
    assert (
        bob.patch(f"{API}{invited}/", {"title": "改掉"}, content_type="application/json").status_code == 403
    )
    assert post(bob, f"{API}{invited}/submit/").status_code == 403
    assert Suggestion.objects.get(pk=invited).title == "关于增设公交线路的建议"


def test_the_proposer_edits_the_draft_until_it_is_submitted(alice, personnel_staff):
    pk = draft(alice).json()["id"]
    response = alice.patch(
        f"{API}{pk}/", {"title": "关于延长公交运营时间的建议"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["title"] == "关于延长公交运营时间的建议"
    post(alice, f"{API}{pk}/submit/")
    assert alice.patch(f"{API}{pk}/", {"title": "再改"}, content_type="application/json").status_code == 409


def test_co_signers_are_deputies_of_the_same_congress_and_source_opinions_the_deputys_own(
    alice, deputy, town_congress, other_deputy, yongfeng
):
    town_deputy = f.DeputyFactory(congress=town_congress)
    response = draft(alice, co_signers=[town_deputy.pk])
    assert response.status_code == 400 and "co_signers" in response.json()
    bobs_opinion = OpinionFactory(deputy=other_deputy, region=yongfeng)
    response = draft(alice, source_opinions=[bobs_opinion.pk])
    assert response.status_code == 400 and "source_opinions" in response.json()
    response = draft(alice, title="", content="")
    assert set(response.json()) >= {"title", "content"}


def test_only_deputies_draft(handling_unit_staff, personnel_staff, citizen):
    for user in (handling_unit_staff, personnel_staff):
        assert draft(as_user(user)).status_code == 403
    assert draft(citizen).status_code in (401, 403)


@override_settings(SUGGESTION_MOTION_CO_SIGNERS={"district": 2, "town": 1})
def test_a_motion_counts_only_co_signers_who_confirmed(alice, bob, deputy, other_deputy, district_congress):
    carol = f.DeputyFactory(
        congress=district_congress, person=f.PersonFactory(user=f.UserFactory(role=Role.DEPUTY))
    )
    pk = draft(alice, kind="motion", co_signers=[other_deputy.pk, carol.pk]).json()["id"]
    assert post(bob, f"{API}{pk}/confirm/").status_code == 200
    response = post(alice, f"{API}{pk}/submit/")
    assert response.status_code == 400
    assert "co_signers" in response.json()
    assert Suggestion.objects.get(pk=pk).state == "draft"
    # Confirming twice does not count twice.
    assert post(bob, f"{API}{pk}/confirm/").status_code == 403
    assert post(as_user(carol.person.user), f"{API}{pk}/confirm/").status_code == 200
    assert post(alice, f"{API}{pk}/submit/").status_code == 200


def test_submission_sets_the_five_working_day_assignment_date_and_tells_the_office(
    alice, personnel_staff, deputy
):
    pk = submitted(alice)
    suggestion = Suggestion.objects.get(pk=pk)
    assert suggestion.state == "submitted"
    assert suggestion.office == personnel_staff.organization
    cal = deadlines.calendar_for(suggestion.submitted_at)
    assert suggestion.due_at == deadlines.suggestion_assignment_due(suggestion.submitted_at, cal)
    assert Notification.objects.filter(recipient=personnel_staff, kind="suggestion").exists()


def test_attachments_are_checked_like_other_uploads(alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = alice.post(
        API, {"kind": "suggestion", "title": "标题", "content": "内容", "attachments": [fake]}
    )
    assert response.status_code == 400 and "attachments" in response.json()
    script = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = alice.post(
        API, {"kind": "suggestion", "title": "标题", "content": "内容", "attachments": [script]}
    )
    assert response.status_code == 400
    pdf = SimpleUploadedFile(
        "调研报告.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", content_type="application/pdf"
    )
    response = alice.post(
        API, {"kind": "suggestion", "title": "标题", "content": "内容", "attachments": [pdf]}
    )
    assert response.status_code == 201
    attachment = response.json()["attachments"][0]
    assert attachment["name"] == "调研报告.pdf"
    assert alice.get(attachment["url"]).status_code == 200
    assert Client().get(attachment["url"]).status_code == 404


# --- Assignment and handling -----------------------------------------------------------------------------


def test_the_office_assigns_a_lead_unit_and_co_units_with_the_statutory_dates(
    alice, ivan, handling_unit, other_unit
):
    pk = submitted(alice)
    response = post(
        ivan,
        f"{API}{pk}/assign/",
        {"lead_unit": handling_unit.pk, "co_units": [other_unit.pk], "difficult": True},
    )
    assert response.status_code == 200
    suggestion = Suggestion.objects.get(pk=pk)
    assert suggestion.state == "assigned"
    assert suggestion.lead_unit == handling_unit
    assert set(suggestion.handling_units.all()) == {handling_unit, other_unit}
    assert suggestion.due_at == deadlines.suggestion_due(suggestion.assigned_at, difficult=True)
    assert suggestion.reply_due_at == suggestion.due_at
    assert suggestion.co_units_due_at == deadlines.co_units_due(suggestion.assigned_at)
    assert response.json()["due_at"] is not None


def test_only_the_registering_office_assigns(alice, frank, bob, handling_unit, street_staff):
    pk = submitted(alice)
    for client in (frank, as_user(street_staff)):
        assert post(client, f"{API}{pk}/assign/", {"lead_unit": handling_unit.pk}).status_code == 404
    assert post(alice, f"{API}{pk}/assign/", {"lead_unit": handling_unit.pk}).status_code == 403


def test_a_unit_cannot_see_or_answer_another_units_suggestion_by_id(alice, ivan, frank, olga, handling_unit):
    pk = assigned(alice, ivan, handling_unit)
    assert olga.get(f"{API}{pk}/").status_code == 404
    assert post(olga, f"{API}{pk}/consult/", CONSULT).status_code == 404
    assert post(olga, f"{API}{pk}/reply/", {"category": "solved", "content": "已办"}).status_code == 404
    assert olga.get(API).json()["count"] == 0
    assert frank.get(API).json()["count"] == 1


def test_the_unit_consults_the_deputy_before_replying(alice, ivan, frank, handling_unit):
    pk = assigned(alice, ivan, handling_unit)
    response = post(frank, f"{API}{pk}/reply/", {"category": "solved", "content": "已开通。"})
    assert response.status_code == 409
    assert "reply" not in frank.get(f"{API}{pk}/").json()["allowed_actions"]
    assert post(frank, f"{API}{pk}/consult/", {**CONSULT, "method": "carrier pigeon"}).status_code == 400
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert post(frank, f"{API}{pk}/consult/", {**CONSULT, "date": tomorrow}).status_code == 400
    assert post(frank, f"{API}{pk}/consult/", CONSULT).status_code == 200
    assert "reply" in frank.get(f"{API}{pk}/").json()["allowed_actions"]
    response = post(frank, f"{API}{pk}/reply/", {"category": "solved", "content": "已开通高峰班次。"})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "answered"
    assert body["answer"] == "已开通高峰班次。"
    assert body["consultations"][0]["deputy_view"] == "希望先开通高峰班次。"
    assert body["replied_on_time"] is True


def test_being_solved_stays_open_until_the_promised_date_and_a_second_reply(
    alice, ivan, frank, handling_unit
):
    pk = assigned(alice, ivan, handling_unit)
    post(frank, f"{API}{pk}/consult/", CONSULT)
    response = post(frank, f"{API}{pk}/reply/", {"category": "in_progress", "content": "已列入计划。"})
    assert response.status_code == 400 and "promised_date" in response.json()
    promised = timezone.localdate() + datetime.timedelta(days=60)
    response = post(
        frank,
        f"{API}{pk}/reply/",
        {"category": "in_progress", "content": "已列入计划。", "promised_date": promised.isoformat()},
    )
    assert response.json()["state"] == "in_progress"
    suggestion = Suggestion.objects.get(pk=pk)
    assert deadlines.local_day(suggestion.due_at) == promised
    assert "rate" not in alice.get(f"{API}{pk}/").json()["allowed_actions"]
    response = post(frank, f"{API}{pk}/reply/", {"category": "solved", "content": "线路已开通。"})
    assert response.json()["state"] == "answered"
    assert Suggestion.objects.get(pk=pk).replies.count() == 2


def test_a_co_unit_reports_to_the_lead_unit_and_cannot_reply(alice, ivan, olga, handling_unit, other_unit):
    pk = assigned(alice, ivan, handling_unit, co_units=[other_unit.pk])
    assert post(olga, f"{API}{pk}/consult/", CONSULT).status_code == 200
    assert post(olga, f"{API}{pk}/reply/", {"category": "solved", "content": "x"}).status_code == 403
    assert post(olga, f"{API}{pk}/co_report/", {"content": "配合调整站点。"}).status_code == 200
    assert Suggestion.objects.get(pk=pk).replies.get().role == "co"


def test_an_extension_needs_a_reason_and_never_passes_six_months(
    alice, ivan, frank, handling_unit, personnel_staff
):
    pk = assigned(alice, ivan, handling_unit)
    assert post(frank, f"{API}{pk}/extend/", {"months": 1, "reason": "需要协调"}).status_code == 403
    assert post(ivan, f"{API}{pk}/extend/", {"months": 1}).status_code == 400
    assert post(ivan, f"{API}{pk}/extend/", {"months": 4, "reason": "需要协调"}).status_code == 400
    response = post(ivan, f"{API}{pk}/extend/", {"months": 3, "reason": "涉及多个部门"})
    assert response.status_code == 200
    suggestion = Suggestion.objects.get(pk=pk)
    extension = suggestion.extensions.get()
    assert extension.approved_by == personnel_staff and extension.reason == "涉及多个部门"
    assert suggestion.reply_due_at <= deadlines.latest_suggestion_due(suggestion.assigned_at)
    assert post(ivan, f"{API}{pk}/extend/", {"months": 1, "reason": "再延"}).status_code == 400


# --- Rating and re-handling ----------------------------------------------------------------------------


def answer(frank, pk, content="已开通高峰班次。"):
    post(frank, f"{API}{pk}/consult/", CONSULT)
    response = post(frank, f"{API}{pk}/reply/", {"category": "solved", "content": content})
    assert response.status_code == 200, response.json()


def test_a_deputy_cannot_rate_a_suggestion_that_is_not_theirs(
    alice, bob, ivan, frank, handling_unit, other_deputy
):
    pk = assigned(alice, ivan, handling_unit)
    answer(frank, pk)
    assert post(bob, f"{API}{pk}/rate/", {"rating": "satisfied"}).status_code == 404
    # Even a co-signer who sees it may not rate it.
    other = draft(alice, co_signers=[other_deputy.pk]).json()["id"]
    post(bob, f"{API}{other}/confirm/")
    post(alice, f"{API}{other}/submit/")
    post(ivan, f"{API}{other}/assign/", {"lead_unit": handling_unit.pk})
    answer(frank, other)
    assert post(bob, f"{API}{other}/rate/", {"rating": "satisfied"}).status_code == 403
    assert post(frank, f"{API}{pk}/rate/", {"rating": "satisfied"}).status_code == 403


def test_dissatisfied_sends_it_back_for_one_month_and_tells_the_unit_and_the_supervisor(
    alice, ivan, frank, handling_unit, handling_unit_staff, committee_member, admin_user
):
    pk = assigned(alice, ivan, handling_unit)
    assert (
        post(as_user(admin_user), f"{API}{pk}/mark_key/", {"supervisor": committee_member.pk}).status_code
        == 200
    )
    answer(frank, pk)
    assert (
        post(alice, f"{API}{pk}/rate/", {"rating": "dissatisfied"}).status_code == 400
    )  # a comment is needed
    response = post(alice, f"{API}{pk}/rate/", {"rating": "dissatisfied", "comment": "班次太少"})
    assert response.json()["state"] == "rehandling"
    suggestion = Suggestion.objects.get(pk=pk)
    assert suggestion.due_at == deadlines.rehandle_due(suggestion.rated_at)
    titles = set(Notification.objects.filter(kind="suggestion").values_list("recipient", flat=True))
    assert {handling_unit_staff.pk, committee_member.pk} <= titles
    # A new round: a new consultation before the new reply.
    assert post(frank, f"{API}{pk}/reply/", {"category": "solved", "content": "加密班次"}).status_code == 409
    answer(frank, pk, "已加密班次。")
    response = post(alice, f"{API}{pk}/rate/", {"rating": "basically_satisfied"})
    assert response.json()["state"] == "closed"


def test_after_re_handling_the_rating_closes_it_whatever_it_is(alice, ivan, frank, handling_unit):
    pk = assigned(alice, ivan, handling_unit)
    answer(frank, pk)
    post(alice, f"{API}{pk}/rate/", {"rating": "dissatisfied", "comment": "不够"})
    answer(frank, pk, "第二次答复。")
    response = post(alice, f"{API}{pk}/rate/", {"rating": "dissatisfied", "comment": "仍不满意"})
    assert response.json()["state"] == "closed"
    assert Suggestion.objects.get(pk=pk).rating == "dissatisfied"


# --- Races and the timeline ----------------------------------------------------------------------------


def test_two_offices_assigning_at_once_one_wins_the_other_gets_a_conflict(
    alice, personnel_staff, handling_unit, other_unit
):
    pk = submitted(alice)
    stale = Suggestion.objects.get(pk=pk)
    also_stale = Suggestion.objects.get(pk=pk)
    workflow.apply_action(
        suggestion=stale, action="assign", actor=personnel_staff, data={"lead_unit": handling_unit.pk}
    )
    with pytest.raises(workflow.ActionConflict):
        workflow.apply_action(
            suggestion=also_stale, action="assign", actor=personnel_staff, data={"lead_unit": other_unit.pk}
        )
    suggestion = Suggestion.objects.get(pk=pk)
    assert suggestion.lead_unit == handling_unit
    actions = list(SuggestionEvent.objects.filter(suggestion=suggestion).values_list("action", flat=True))
    assert actions == ["create", "submit", "assign"]


# --- Publication ---------------------------------------------------------------------------------------


def test_the_public_list_shows_state_unit_due_date_reply_and_timeliness_never_private_data(
    alice, ivan, frank, citizen, handling_unit, deputy, yueyang_community
):
    opinion = OpinionFactory(
        deputy=deputy, region=yueyang_community, submitter_name="张三", submitter_phone="13812345678"
    )
    pk = assigned(alice, ivan, handling_unit)
    Suggestion.objects.get(pk=pk).source_opinions.add(opinion)
    answer(frank, pk)
    SuggestionFactory(deputy=deputy, title="保密的建议", is_public=False)
    draft(alice, title="未提交的草稿")
    body = citizen.get(PUBLIC).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["lead_unit"]["name"] == handling_unit.name
    assert row["answer"] == "已开通高峰班次。"
    assert row["replied_on_time"] is True
    assert row["reply_due_at"] is not None
    text = str(body)
    for private in (
        "张三",
        "13812345678",
        "希望先开通高峰班次",
        "consultations",
        "source_opinions",
        "co_signers",
    ):
        assert private not in text


def test_the_public_list_filters_by_year_kind_unit_and_deputy_with_constant_queries(
    citizen, deputy, other_deputy, handling_unit, other_unit, django_assert_max_num_queries
):
    for _ in range(3):
        SuggestionFactory(deputy=deputy, lead_unit=handling_unit).handling_units.add(handling_unit)
    SuggestionFactory(deputy=other_deputy, kind="motion", lead_unit=other_unit).handling_units.add(other_unit)
    assert citizen.get(PUBLIC, {"unit": handling_unit.pk}).json()["count"] == 3
    assert citizen.get(PUBLIC, {"deputy": other_deputy.pk}).json()["count"] == 1
    assert citizen.get(PUBLIC, {"kind": "motion"}).json()["count"] == 1
    assert citizen.get(PUBLIC, {"year": timezone.localdate().year}).json()["count"] == 4
    assert citizen.get(PUBLIC, {"year": 2001}).json()["count"] == 0
    for _ in range(10):
        SuggestionFactory(deputy=deputy, lead_unit=handling_unit).handling_units.add(handling_unit)
    with django_assert_max_num_queries(6):
        assert citizen.get(PUBLIC).json()["count"] == 14
    with django_assert_max_num_queries(6):
        assert citizen.get("/opinions/suggestions/").status_code == 200


def test_the_working_list_has_constant_queries(alice, deputy, django_assert_max_num_queries):
    for _ in range(12):
        draft(alice)
    with django_assert_max_num_queries(16):
        assert alice.get(API).json()["count"] == 12


# --- Back to the people --------------------------------------------------------------------------------


def test_the_answer_reaches_the_citizens_of_the_source_opinions(
    alice, ivan, frank, deputy, deputy_user, opinion, bodies, handling_unit, citizen
):
    from feedback import workflow as opinion_workflow

    second = OpinionFactory(deputy=deputy, region=opinion.region, organization=opinion.organization)
    routed = []
    for item in (opinion, second):
        routed.append(
            opinion_workflow.apply_action(
                opinion=item,
                action="route",
                actor=deputy_user,
                data={"level": "district", "kind": "suggestion"},
            )
        )
    # Routing left Alice a draft per opinion; she writes one suggestion from both.
    assert Suggestion.objects.filter(deputy=deputy, state="draft").count() == 2
    pk = draft(alice, source_opinions=[o.pk for o in routed]).json()["id"]
    post(alice, f"{API}{pk}/submit/")
    # The two drafts routing left are superseded by the submitted suggestion.
    assert not Suggestion.objects.filter(deputy=deputy, state="draft").exists()
    post(ivan, f"{API}{pk}/assign/", {"lead_unit": handling_unit.pk})
    for item in routed:
        item.refresh_from_db()
        assert item.state == OpinionState.ASSIGNED
        assert item.assignments.get().organization == handling_unit
    answer(frank, pk)
    for item in routed:
        item.refresh_from_db()
        assert item.state == OpinionState.REPLIED
        assert "已开通高峰班次。" in item.reply_text
        page = citizen.get(f"/opinions/track/{item.tracking_code}/").content.decode()
        assert "已开通高峰班次。" in page
        assert opinion_workflow.check_invariants(item) == []


@override_settings(SUGGESTION_MOTION_CO_SIGNERS={"district": 10, "town": 1})
def test_a_town_deputys_motion_goes_to_the_town_office_and_the_towns_units(
    town_congress, sijing, sijing_office, town_staff, handling_unit, handling_unit_staff
):
    from deputies.models import OrganizationKind

    town_deputy = f.DeputyFactory(
        congress=town_congress, person=f.PersonFactory(user=f.UserFactory(username="tina", role=Role.DEPUTY))
    )
    colleague = f.DeputyFactory(
        congress=town_congress, person=f.PersonFactory(user=f.UserFactory(username="tom", role=Role.DEPUTY))
    )
    town_unit = f.OrganizationFactory(name="泗泾镇城建办", kind=OrganizationKind.HANDLING_UNIT, region=sijing)
    tina = as_user(town_deputy.person.user)
    pk = draft(tina, kind="motion", co_signers=[colleague.pk]).json()["id"]
    assert post(tina, f"{API}{pk}/submit/").status_code == 400  # the co-signer has not confirmed
    post(as_user(colleague.person.user), f"{API}{pk}/confirm/")
    assert post(tina, f"{API}{pk}/submit/").status_code == 200
    suggestion = Suggestion.objects.get(pk=pk)
    assert suggestion.office == sijing_office
    # The district office does not assign a town congress's motion; the town office does.
    assert post(
        as_user(f.UserFactory(role=Role.LIAISON_STAFF, organization=_district_office())),
        f"{API}{pk}/assign/",
        {"lead_unit": town_unit.pk},
    ).status_code in (403, 404)
    # Only the town's own handling units: not a district unit, not another town's.
    other_town_unit = f.OrganizationFactory(
        name="洞泾镇城建办", kind=OrganizationKind.HANDLING_UNIT, region=f.RegionFactory(kind="town")
    )
    staff = as_user(town_staff)
    page = staff.get(f"/opinions/suggestions/{pk}/").content.decode()
    assert "泗泾镇城建办" in page and "洞泾镇城建办" not in page and handling_unit.name not in page
    for wrong in (
        {"lead_unit": handling_unit.pk},
        {"lead_unit": town_unit.pk, "co_units": [other_town_unit.pk]},
    ):
        refused = post(staff, f"{API}{pk}/assign/", wrong)
        assert refused.status_code == 400
    assert Suggestion.objects.get(pk=pk).lead_unit is None
    assert post(staff, f"{API}{pk}/assign/", {"lead_unit": town_unit.pk}).status_code == 200


def _district_office():
    from deputies.models import Organization, OrganizationKind

    return Organization.objects.get(kind=OrganizationKind.PERSONNEL_OFFICE)


def test_the_public_reading_the_working_api_gets_the_public_view_only(
    alice, ivan, frank, citizen, handling_unit, other_deputy
):
    pk = assigned(alice, ivan, handling_unit)
    answer(frank, pk)
    body = citizen.get(f"{API}{pk}/").json()
    assert body["answer"] == "已开通高峰班次。"
    for private in ("consultations", "co_signers", "source_opinions", "attachments", "rating_comment"):
        assert private not in body
    assert "consultations" not in citizen.get(API).json()["results"][0]


def test_submitting_removes_only_the_untouched_routing_drafts_it_covers(
    alice, deputy, deputy_user, opinion, bodies
):
    from feedback import workflow as opinion_workflow

    others = [
        OpinionFactory(deputy=deputy, region=opinion.region, organization=opinion.organization) for _ in "ab"
    ]
    for item in (opinion, *others):
        opinion_workflow.apply_action(
            opinion=item, action="route", actor=deputy_user, data={"level": "district", "kind": "suggestion"}
        )
    drafts = {d.opinion_id: d for d in Suggestion.objects.filter(deputy=deputy, state="draft")}
    edited = drafts[others[0].pk]
    response = alice.patch(f"{API}{edited.pk}/", '{"title": "我改过的标题"}', content_type="application/json")
    assert response.status_code == 200
    # One suggestion from the first two opinions; the third opinion's draft is not covered.
    pk = draft(alice, source_opinions=[opinion.pk, others[0].pk]).json()["id"]
    assert post(alice, f"{API}{pk}/submit/").status_code == 200

    left = set(Suggestion.objects.filter(deputy=deputy, state="draft").values_list("pk", flat=True))
    assert left == {edited.pk, drafts[others[1].pk].pk}
    submitted = SuggestionEvent.objects.get(suggestion_id=pk, action="submit")
    assert submitted.data["removed_drafts"] == [drafts[opinion.pk].pk]


@pytest.mark.parametrize(
    "bad",
    [{"content": [1]}, {"title": {"a": 1}}, {"co_signers": "abc"}, {"session": "x"}, {"deputy": [2]}],
)
def test_a_draft_field_of_the_wrong_type_is_a_400_naming_it_not_a_500(alice, bad):
    """Found by `make fuzz` (schemathesis): a list for the content reached `.strip()` and answered 500."""
    fields = {"kind": "suggestion", "title": "关于加装电梯的建议", "content": "建议加装电梯。", **bad}

    created = post(alice, API, fields)
    pk = draft(alice).json()["id"]
    changed = alice.patch(f"{API}{pk}/", bad, content_type="application/json")

    assert created.status_code == 400 and set(bad) <= set(created.json())
    assert changed.status_code == 400 and set(bad) <= set(changed.json())
