"""Admin change pages that list deputies (or rows naming them) cost the same number of queries for
3 rows as for 30 (N+1 review): a venue with its reception duties, a committee and an article with
their deputies to choose from, an opinion with its timeline and assignments. Each test measures
the same page at both sizes and asserts the counts are equal, then checks what the page shows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deputies.models import Committee, CommitteeKind, ContactPoint, OrganizationKind, ReceptionDuty
from feedback.models import Assignment, OpinionEvent, OpinionState
from reports.models import Article
from tests import factories as f
from tests.feedback.factories import OpinionFactory

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 30
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def count_queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return len(captured), response


def measure(client, url, grow) -> tuple[int, int, object]:
    """Queries of `url` with FEW rows and with MANY rows (`grow(n)` adds n rows), and the last page."""
    grow(FEW)
    client.get(url)  # caches (content types, sites) warmed as in real use
    few, _ = count_queries(client, url)
    grow(MANY - FEW)
    many, response = count_queries(client, url)
    assert response.status_code == 200
    return few, many, response


@pytest.fixture
def new_deputies(district_congress, yueyang_constituency):
    """`new_deputies(n)`: n more district deputies elected in 岳阳, named 新代表00, 新代表01, …"""
    made = []

    def make(n):
        batch = [
            f.DeputyFactory(
                person=f.PersonFactory(name=f"新代表{len(made) + i:02d}"),
                congress=district_congress,
                constituency=yueyang_constituency,
            )
            for i in range(n)
        ]
        made.extend(batch)
        return batch

    return make


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


# --- A venue and its reception duties -------------------------------------------------------------


@pytest.fixture
def venue(yueyang, yueyang_committee):
    return f.ContactPointFactory(name="岳阳代表联络站", region=yueyang, organization=yueyang_committee)


def _add_duties(venue, deputies):
    for i, deputy in enumerate(deputies):
        ReceptionDuty.objects.create(
            contact_point=venue, deputy=deputy, date=TOMORROW + datetime.timedelta(days=i % 5)
        )


def _label(deputy) -> str:
    """How the id box of a duty names its deputy: name and level, linked to the deputy's page."""
    url = reverse("admin:deputies_deputy_change", args=[deputy.pk])
    return f'<strong><a href="{url}">{deputy.person.name}（区级）</a></strong>'


def test_a_venue_page_costs_the_same_for_3_or_30_reception_duties(login, admin_user, venue, new_deputies):
    few, many, response = measure(
        login(admin_user), _change_url(venue), lambda n: _add_duties(venue, new_deputies(n))
    )

    assert few == many
    page = response.content.decode()
    # Each duty's deputy is still named beside its id box, with a link to the deputy's page.
    for duty in ReceptionDuty.objects.select_related("deputy__person"):
        assert _label(duty.deputy) in page


def _submitted(response) -> dict:
    """The change form and its inlines as the browser submits them when nothing is changed."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def test_the_venue_page_still_saves_a_new_duty_and_a_changed_date(
    login, admin_user, venue, deputy, new_deputies
):
    [kept] = new_deputies(1)
    _add_duties(venue, [kept])
    client = login(admin_user)
    data = _submitted(client.get(_change_url(venue)))
    data["duties-0-date"] = (TOMORROW + datetime.timedelta(days=7)).isoformat()
    data["duties-1-date"] = TOMORROW.isoformat()
    data["duties-1-deputy"] = deputy.pk

    response = client.post(_change_url(venue), data)

    assert response.status_code == 302
    assert dict(venue.duties.values_list("deputy_id", "date")) == {
        kept.pk: TOMORROW + datetime.timedelta(days=7),
        deputy.pk: TOMORROW,
    }


def test_a_duty_moved_to_another_deputy_is_labelled_with_that_deputy_when_the_form_comes_back(
    login, admin_user, venue, deputy, new_deputies
):
    [first] = new_deputies(1)
    _add_duties(venue, [first])
    client = login(admin_user)
    data = _submitted(client.get(_change_url(venue)))
    data["duties-0-deputy"] = deputy.pk
    data["address"] = ""  # required: the page comes back with the error

    response = client.post(_change_url(venue), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert _label(deputy) in page
    assert _label(first) not in page
    assert venue.duties.get().deputy == first


def test_liaison_staff_still_get_no_duty_rows_on_the_venue_page(login, street_staff, venue, new_deputies):
    street_staff.is_staff = True
    street_staff.save(update_fields=["is_staff"])
    _add_duties(venue, new_deputies(2))

    response = login(street_staff).get(_change_url(venue))

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"] == []
    assert ContactPoint.objects.get() == venue


# --- Choosing deputies: committees and articles ---------------------------------------------------


def test_a_committee_page_costs_the_same_for_3_or_30_deputies(
    login, admin_user, district_congress, new_deputies
):
    committee = Committee.objects.create(
        congress=district_congress, kind=CommitteeKind.SPECIAL, name="社会建设委员会"
    )

    few, many, response = measure(
        login(admin_user), _change_url(committee), lambda n: committee.deputies.add(*new_deputies(n))
    )

    assert few == many
    choices = response.context["adminform"].form.fields["deputies"].choices
    assert [label for _, label in choices][:2] == ["新代表00（区级）", "新代表01（区级）"]


def test_an_article_page_costs_the_same_for_3_or_30_deputies(
    login, admin_user, street_staff, yueyang_committee, new_deputies
):
    article = Article.objects.create(
        title="代表走进社区",
        body="正文",
        status="published",
        organization=yueyang_committee,
        author=street_staff,
        published_at=timezone.now(),
    )

    few, many, response = measure(
        login(admin_user), _change_url(article), lambda n: article.deputies.add(*new_deputies(n))
    )

    assert few == many
    assert "新代表29（区级）" in response.content.decode()


# --- An opinion's timeline and assignments --------------------------------------------------------


def test_an_opinion_page_costs_the_same_for_3_or_30_events_and_assignments(
    login, admin_user, yueyang_community, district
):
    opinion = OpinionFactory(region=yueyang_community, state=OpinionState.ASSIGNED)
    now = timezone.now()

    def grow(n):
        for _ in range(n):
            unit = f.OrganizationFactory(kind=OrganizationKind.HANDLING_UNIT, region=district)
            actor = f.UserFactory()
            Assignment.objects.create(opinion=opinion, organization=unit, assigned_at=now, due_at=now)
            OpinionEvent.objects.create(
                opinion=opinion, action="note", from_state="assigned", to_state="assigned", actor=actor
            )

    few, many, response = measure(login(admin_user), _change_url(opinion), grow)

    assert few == many
    page = response.content.decode()
    assert all(a.organization.name in page for a in opinion.assignments.select_related("organization"))
