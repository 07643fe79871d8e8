"""Staff forms follow the choices already made (issue 17): the route form lists only the district
deputies of the opinion's street or town and marks the district-level fields for the page's script;
the assign form offers only the units of the opinion's level; the feedback box starts with the units'
replies; a unit's own reply form has no "on behalf of" field. The choices are filtered on the server:
a deputy or unit left out is refused when posted anyway."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from deputies.models import OrganizationKind
from feedback.models import Assignment, OpinionState, RouteLevel
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def street_unit(yueyang):
    return f.OrganizationFactory(name="岳阳街道办事处", kind=OrganizationKind.HANDLING_UNIT, region=yueyang)


def form_of(response, action):
    forms = {a: form for a, _label, form in response.context["action_forms"]}
    return forms[action]


def detail(client, opinion):
    response = client.get(reverse("feedback:detail", args=[opinion.pk]))
    assert response.status_code == 200
    return response


def test_route_lists_only_the_deputies_of_the_street_and_marks_district_fields(
    login, street_staff, opinion, other_deputy
):
    response = detail(login(street_staff), opinion)
    deputies = list(form_of(response, "route").fields["deputy"].queryset)
    assert opinion.deputy in deputies and other_deputy not in deputies
    route = form_of(response, "route")
    for name in ("kind", "deputy", "difficult"):
        assert "data-route-district" in route.fields[name].widget.attrs
    assert "data-route-district" not in route.fields["level"].widget.attrs
    html = response.content.decode()
    assert html.count("data-route-district") == 3
    assert "js/route-level.js" in html


def test_routing_with_a_deputy_of_another_street_is_refused(
    login, street_staff, opinion, other_deputy, personnel_office
):
    client = login(street_staff)
    url = reverse("feedback:act", args=[opinion.pk, "route"])
    data = {"route-level": "district", "route-expected_state": opinion.state}
    response = client.post(url, {**data, "route-deputy": other_deputy.pk})
    assert response.status_code == 400
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.RECEIVED
    alice = opinion.deputy
    assert client.post(url, {**data, "route-deputy": alice.pk}).status_code == 302
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.ROUTED and opinion.deputy == alice


def routed(opinion, level, organization):
    opinion.state, opinion.level, opinion.organization = OpinionState.ROUTED, level, organization
    opinion.save()
    return opinion


def test_assign_offers_only_units_of_the_opinions_level(
    login, street_staff, admin_user, opinion, yueyang_committee, personnel_office, street_unit, handling_unit
):
    routed(opinion, RouteLevel.STREET, yueyang_committee)
    units = set(form_of(detail(login(street_staff), opinion), "assign").fields["units"].queryset)
    assert units == {street_unit}
    refused = login(street_staff).post(
        reverse("feedback:act", args=[opinion.pk, "assign"]),
        {"assign-units": [handling_unit.pk], "assign-expected_state": "routed"},
    )
    assert refused.status_code == 400
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.ROUTED

    routed(opinion, RouteLevel.DISTRICT, personnel_office)
    units = set(form_of(detail(login(admin_user), opinion), "assign").fields["units"].queryset)
    assert units == {handling_unit}


def _assigned_to(opinion, unit, **fields):
    now = timezone.now()
    return Assignment.objects.create(
        opinion=opinion,
        organization=unit,
        assigned_at=now,
        due_at=now + datetime.timedelta(days=10),
        **fields,
    )


def test_the_feedback_box_starts_with_the_units_reply(
    login, street_staff, opinion, yueyang_committee, handling_unit
):
    opinion.state, opinion.organization = OpinionState.REPLIED, yueyang_committee
    opinion.save()
    _assigned_to(
        opinion, handling_unit, replied_at=timezone.now(), outcome="solved", reply_text="路灯已于本周修复。"
    )
    response = detail(login(street_staff), opinion)
    assert form_of(response, "feedback")["public_note"].value() == "路灯已于本周修复。"
    assert "路灯已于本周修复。</textarea>" in response.content.decode()


def test_a_units_own_reply_form_has_no_on_behalf_field(
    login, street_staff, handling_unit_staff, opinion, yueyang_committee, handling_unit
):
    opinion.state, opinion.organization = OpinionState.ASSIGNED, yueyang_committee
    opinion.save()
    _assigned_to(opinion, handling_unit)
    unit_form = form_of(detail(login(handling_unit_staff), opinion), "reply")
    assert "unit" not in unit_form.fields
    body_form = form_of(detail(login(street_staff), opinion), "reply")
    assert "unit" in body_form.fields
    assert list(body_form.fields["unit"].queryset) == [handling_unit]
