"""The contacts admin: read-only activities, scoped to the staff member's jurisdiction."""

import datetime

import pytest
from django.urls import reverse

from contacts.models import ClosedYear, QuotaExemption
from tests.contacts.factories import activity_for


@pytest.fixture
def admin_staff(street_staff):
    street_staff.is_staff = True
    street_staff.save()
    return street_staff


@pytest.mark.parametrize(
    "model",
    [
        "contactactivity",
        "quotapolicy",
        "quotaexemption",
        "closedyear",
        "voterreport",
        "researchreport",
        "trainingplan",
        "trainingattendance",
        "meetingrequest",
    ],
)
def test_every_contacts_admin_list_opens_for_an_administrator(login, admin_user, deputy, model):
    activity_for(deputy)

    response = login(admin_user).get(reverse(f"admin:contacts_{model}_changelist"))

    assert response.status_code == 200


def test_staff_see_only_their_jurisdictions_activities_in_the_admin(login, admin_staff, deputy, other_deputy):
    alices = activity_for(deputy, summary="岳阳的活动")
    bobs = activity_for(other_deputy, summary="永丰的活动")
    client = login(admin_staff)

    assert client.get(reverse("admin:contacts_contactactivity_change", args=[alices.pk])).status_code == 200
    assert client.get(reverse("admin:contacts_contactactivity_change", args=[bobs.pk])).status_code == 302


def test_activities_cannot_be_edited_in_the_admin_even_by_an_administrator(login, admin_user, deputy):
    activity = activity_for(deputy, people_reached=20)

    login(admin_user).post(
        reverse("admin:contacts_contactactivity_change", args=[activity.pk]), {"people_reached": 99}
    )

    activity.refresh_from_db()
    assert activity.people_reached == 20


def test_an_administrator_closes_a_year_and_grants_an_exemption_through_the_services(
    login, admin_user, deputy
):
    client = login(admin_user)

    client.post(reverse("admin:contacts_closedyear_add"), {"year": datetime.date.today().year - 1})
    client.post(
        reverse("admin:contacts_quotaexemption_add"), {"deputy": deputy.pk, "year": 2026, "reason": "挂职"}
    )

    assert ClosedYear.objects.get().closed_by == admin_user
    assert QuotaExemption.objects.get().granted_by == admin_user
