"""The suggestion pages: drafting from routed opinions, the working list, one suggestion with its
action forms, and the refusals (another deputy's draft, another unit's suggestion, the public)."""

import pytest
from django.test import Client
from django.urls import reverse

from feedback.models import Suggestion

from .factories import OpinionFactory


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _office(personnel_office):
    return personnel_office


def act(client, pk, action, data=None, state=None):
    suggestion = Suggestion.objects.get(pk=pk)
    body = {"expected_state": state or suggestion.state}
    body.update({f"{action}-{k}": v for k, v in (data or {}).items()})
    return client.post(reverse("feedback:suggestion_act", args=[pk, action]), body)


def test_a_deputy_drafts_from_opinions_on_the_page_and_follows_it_to_the_rating(
    deputy, deputy_user, yueyang_community, personnel_staff, handling_unit, handling_unit_staff, citizen
):
    alice = as_user(deputy_user)
    opinions = [OpinionFactory(deputy=deputy, region=yueyang_community) for _ in range(2)]
    ids = ",".join(str(o.pk) for o in opinions)
    page = alice.get(reverse("feedback:suggestion_new") + f"?opinions={ids}")
    assert page.status_code == 200
    assert page.context["form"].initial["source_opinions"] == [str(o.pk) for o in opinions]
    response = alice.post(
        reverse("feedback:suggestion_new"),
        {
            "kind": "suggestion",
            "title": "关于<b>路灯</b>的建议",
            "content": "建议更换路灯。",
            "source_opinions": [str(o.pk) for o in opinions],
        },
    )
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "feedback:suggestion_detail", args=[suggestion.pk]
    )
    detail = alice.get(response.url).content.decode()
    assert "&lt;b&gt;路灯&lt;/b&gt;" in detail  # user text is escaped
    assert 'data-testid="action-submit"' in detail
    assert act(alice, suggestion.pk, "submit").status_code == 302

    ivan = as_user(personnel_staff)
    assert act(ivan, suggestion.pk, "assign", {"lead_unit": handling_unit.pk}).status_code == 302
    frank = as_user(handling_unit_staff)
    assert act(frank, suggestion.pk, "reply", {"category": "solved", "content": "已更换"}).status_code == 409
    response = act(
        frank, suggestion.pk, "consult", {"date": "2026-01-05", "method": "phone", "deputy_view": ""}
    )
    assert response.status_code == 400  # the deputy's view is required
    consult = {"date": "2026-01-05", "method": "phone", "deputy_view": "同意先换灯。"}
    assert act(frank, suggestion.pk, "consult", consult).status_code == 302
    assert (
        act(frank, suggestion.pk, "reply", {"category": "solved", "content": "已更换路灯。"}).status_code
        == 302
    )
    assert act(alice, suggestion.pk, "rate", {"rating": "satisfied"}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == "closed"
    public = citizen.get(reverse("feedback:suggestions")).content.decode()
    assert "已更换路灯。" in public and handling_unit.name in public
    assert "同意先换灯" not in public
    assert 'data-testid="on-time"' in public


def test_the_pages_refuse_another_deputys_draft_another_unit_and_the_public(
    deputy_user,
    deputy,
    other_deputy_user,
    other_deputy,
    other_unit_staff,
    handling_unit,
    personnel_staff,
    citizen,
):
    alice = as_user(deputy_user)
    alice.post(reverse("feedback:suggestion_new"), {"kind": "suggestion", "title": "草稿", "content": "内容"})
    pk = Suggestion.objects.get().pk
    detail = reverse("feedback:suggestion_detail", args=[pk])
    bob = as_user(other_deputy_user)
    assert bob.get(detail).status_code == 404
    assert bob.get(reverse("feedback:suggestion_edit", args=[pk])).status_code == 404
    assert act(bob, pk, "submit").status_code == 404
    assert citizen.get(detail).status_code == 302  # to the login page
    assert "草稿" not in citizen.get(reverse("feedback:suggestions")).content.decode()
    act(alice, pk, "submit")
    act(as_user(personnel_staff), pk, "assign", {"lead_unit": handling_unit.pk})
    olga = as_user(other_unit_staff)
    assert olga.get(detail).status_code == 404
    assert act(olga, pk, "reply", {"category": "solved", "content": "x"}).status_code == 404
    # A deputy may not assign: refused, not hidden (it is their own suggestion).
    assert as_user(deputy_user).post(reverse("feedback:suggestion_new")).status_code == 200
    assert (
        act(alice, pk, "consult", {"date": "2026-01-05", "method": "phone", "deputy_view": "x"}).status_code
        == 403
    )
    assert as_user(other_unit_staff).get(reverse("feedback:suggestion_new")).status_code == 403


def test_a_stale_page_is_a_conflict(deputy_user, deputy, personnel_staff, handling_unit):
    alice = as_user(deputy_user)
    alice.post(reverse("feedback:suggestion_new"), {"kind": "suggestion", "title": "标题", "content": "内容"})
    pk = Suggestion.objects.get().pk
    act(alice, pk, "submit")
    ivan = as_user(personnel_staff)
    assert act(ivan, pk, "assign", {"lead_unit": handling_unit.pk}, state="draft").status_code == 409
    assert Suggestion.objects.get(pk=pk).state == "submitted"


def test_the_working_list_shows_each_persona_its_own_with_constant_queries(
    deputy_user, deputy, handling_unit_staff, django_assert_max_num_queries
):
    alice = as_user(deputy_user)
    for n in range(3):
        alice.post(
            reverse("feedback:suggestion_new"), {"kind": "suggestion", "title": f"建议{n}", "content": "内容"}
        )
    with django_assert_max_num_queries(14):
        page = alice.get(reverse("feedback:suggestion_work"))
    assert page.content.decode().count("建议") >= 3
    for n in range(3, 10):
        alice.post(
            reverse("feedback:suggestion_new"), {"kind": "suggestion", "title": f"建议{n}", "content": "内容"}
        )
    with django_assert_max_num_queries(14):
        alice.get(reverse("feedback:suggestion_work"))
    assert (
        "建议1" not in as_user(handling_unit_staff).get(reverse("feedback:suggestion_work")).content.decode()
    )


def test_a_deputys_profile_lists_their_published_suggestions_only(citizen, deputy, deputy_user):
    from .factories import SuggestionFactory

    SuggestionFactory(deputy=deputy, title="公开的建议")
    SuggestionFactory(deputy=deputy, title="保密的建议", is_public=False)
    SuggestionFactory(deputy=deputy, title="草稿建议", state="draft", submitted_at=None)
    page = citizen.get(reverse("deputies:profile", args=[deputy.pk])).content.decode()
    assert "公开的建议" in page
    assert "保密的建议" not in page and "草稿建议" not in page


def test_a_district_level_opinion_offers_its_deputy_to_draft_from_it(deputy_user, deputy, opinion, bodies):
    from feedback import workflow

    workflow.apply_action(opinion=opinion, action="route", actor=deputy_user, data={"level": "district"})
    page = as_user(deputy_user).get(reverse("feedback:detail", args=[opinion.pk])).content.decode()
    assert f"{reverse('feedback:suggestion_new')}?opinions={opinion.pk}" in page
