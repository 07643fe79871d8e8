"""What decides rights and figures keeps its history (issue 11, item 7): users' role and organization,
quota exemptions (also once revoked), quota policies and work fund plans. A sign-in adds no history."""

import pytest

from accounts.models import Role
from contacts import services
from contacts.models import QuotaExemption, QuotaPolicy

pytestmark = pytest.mark.django_db


def test_a_users_role_and_organization_changes_are_kept_and_a_sign_in_adds_nothing(client, street_staff):
    street_staff.set_password("a-long-enough-password-2026")
    street_staff.save()
    before = street_staff.history.count()

    assert client.login(username="carol", password="a-long-enough-password-2026")
    client.post("/accounts/login/", {"username": "carol", "password": "a-long-enough-password-2026"})
    assert street_staff.history.count() == before  # last_login stamped without a history row

    street_staff.role = Role.ADMIN
    street_staff.organization = None
    street_staff.save()

    previous, latest = street_staff.history.order_by("history_id")[before - 1 : before + 1]
    assert (previous.role, previous.organization_id) == (
        Role.LIAISON_STAFF,
        street_staff.history.earliest().organization_id,
    )
    assert (latest.role, latest.organization_id) == (Role.ADMIN, None)
    assert not hasattr(latest, "password")  # never a password hash in the history


def test_a_revoked_exemption_stays_on_record_with_its_reason_and_who(deputy, street_staff):
    services.grant_exemption(actor=street_staff, deputy=deputy, year=2026, reason="病假")
    services.grant_exemption(actor=street_staff, deputy=deputy, year=2026, reason="借调外区")
    services.revoke_exemption(actor=street_staff, deputy=deputy, year=2026)

    assert not QuotaExemption.objects.exists()
    rows = list(QuotaExemption.history.order_by("history_id").values_list("history_type", "reason"))
    assert rows == [("+", "病假"), ("~", "借调外区"), ("-", "借调外区")]
    assert QuotaExemption.history.earliest().granted_by == street_staff


def test_a_quota_policy_change_keeps_the_old_figures(district_congress):
    policy = QuotaPolicy.objects.create(congress=district_congress, year=2026)
    old = policy.min_constituency_contacts
    policy.min_constituency_contacts = old + 2
    policy.save()

    assert list(
        policy.history.order_by("history_id").values_list("min_constituency_contacts", flat=True)
    ) == [
        old,
        old + 2,
    ]
