"""The menu lists exactly the pages a persona may open (issue 11, item 1).

For every persona and every page of the menu table, the link is in the menu if and only if a GET of
the page answers 200; the other personas are refused (403, or a redirect to the login page for the
public; staff opening "my year" are sent on to the overview).
"""

import pytest
from django.urls import reverse

from accounts.models import Role
from deputies.models import OrganizationKind
from songjiang_liaison.navigation import PAGES
from tests import factories as f

PERSONAS = (
    "public",
    "signed_in_public",
    "deputy",
    "street_staff",
    "town_staff",
    "district_staff",
    "unit_staff",
    "committee_member",
    "admin",
)


@pytest.fixture
def persona_user(
    request, deputy, street_staff, town_staff, handling_unit_staff, committee_member, admin_user
):
    name = request.param
    if name == "public":
        return None
    if name == "signed_in_public":
        return f.UserFactory(username="ivan", role=Role.PUBLIC)
    if name == "district_staff":
        office = f.OrganizationFactory(name="人事代表工作室", kind=OrganizationKind.PERSONNEL_OFFICE)
        return f.UserFactory(username="judy", role=Role.LIAISON_STAFF, organization=office)
    return {
        "deputy": deputy.person.user,
        "street_staff": street_staff,
        "town_staff": town_staff,
        "unit_staff": handling_unit_staff,
        "committee_member": committee_member,
        "admin": admin_user,
    }[name]


def _menu_urls(response) -> set[str]:
    return {item["url"] for item in response.context["nav_items"]}


@pytest.mark.django_db
@pytest.mark.parametrize("persona_user", PERSONAS, indirect=True)
def test_menu_lists_exactly_the_pages_the_persona_may_open(client, persona_user):
    if persona_user is not None:
        client.force_login(persona_user)
    menu = _menu_urls(client.get(reverse("deputies:directory")))
    login_url = reverse("accounts:login")
    mismatches = []
    for page in PAGES:
        url = reverse(page.url_name)
        response = client.get(url)
        opens = response.status_code == 200
        if opens != (url in menu):
            mismatches.append((page.url_name, response.status_code, url in menu))
        if opens:
            continue
        if persona_user is None:
            assert response.status_code == 302 and response.url.startswith(login_url), page.url_name
        elif response.status_code == 302:  # staff without mandates: "my year" leads to the overview
            assert (page.url_name, response.url) == ("contacts:my_year", reverse("contacts:overview"))
        else:
            assert response.status_code == 403, (page.url_name, response.status_code)
    assert mismatches == []


@pytest.mark.django_db
def test_committee_members_and_units_see_the_reports_their_pages_allow(
    client, committee_member, handling_unit_staff
):
    """The disagreement the issue found: the views let these roles in, so the menu lists them."""
    client.force_login(committee_member)
    menu = _menu_urls(client.get("/"))
    assert reverse("contacts:overview") in menu
    assert reverse("reports:handling") in menu
    client.force_login(handling_unit_staff)
    menu = _menu_urls(client.get("/"))
    assert reverse("reports:handling") in menu
    assert reverse("contacts:overview") not in menu
