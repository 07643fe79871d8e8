"""`GET/POST /api/v1/committee-contacts/` (§三(三)): the Standing Committee members' contacts with their
fixed-contact deputies, with the permissions of the pages."""

import datetime

import pytest
import time_machine

from accounts.models import Role
from contacts import services
from contacts.models import CommitteeContact
from deputies.models import CommitteeMember, OrganizationKind
from tests import factories as f

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
URL = "/api/v1/committee-contacts/"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def seat(committee_member):
    return CommitteeMember.objects.get(person__user=committee_member)


@pytest.fixture
def other_member(seat, other_deputy):
    user = f.UserFactory(username="ivan", role=Role.COMMITTEE_MEMBER)
    member = CommitteeMember.objects.create(
        committee=seat.committee, person=f.PersonFactory(name="伊万", user=user)
    )
    member.fixed_contacts.add(other_deputy)
    return member


def payload(deputies, **changes):
    data = {
        "kind": "visit",
        "date": "2026-06-10",
        "subject": "走访代表",
        "deputies": [d.pk for d in deputies],
    }
    data.update(changes)
    return data


def test_a_member_records_a_contact_and_lists_their_own(login, committee_member, seat, deputy, other_member):
    client = login(committee_member)

    response = client.post(
        URL, payload([deputy], views_heard="代表反映停车难"), content_type="application/json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["member"], body["committee"], body["deputies"]) == (seat.pk, seat.committee_id, [deputy.pk])
    services.record_committee_contact(
        actor=other_member.person.user,
        member=other_member,
        kind="talk",
        date=datetime.date(2026, 6, 2),
        subject="伊万的谈话",
        deputies=[other_member.fixed_contacts.get()],
    )
    listed = client.get(URL, {"year": 2026}).json()
    assert [c["subject"] for c in listed["results"]] == ["走访代表"]
    other = CommitteeContact.objects.get(subject="伊万的谈话")
    assert client.get(f"{URL}{other.pk}/").status_code == 404


def test_a_deputy_outside_the_fixed_contacts_is_refused_with_the_name(
    login, committee_member, seat, other_deputy
):
    response = login(committee_member).post(URL, payload([other_deputy]), content_type="application/json")

    assert response.status_code == 400
    assert "鲍勃不是您固定联系的代表" in str(response.json()["deputies"])
    assert not CommitteeContact.objects.exists()


def test_nobody_records_for_another_members_seat(login, committee_member, other_member, other_deputy):
    response = login(committee_member).post(
        URL, payload([other_deputy], member=other_member.pk), content_type="application/json"
    )

    assert response.status_code == 403
    assert not CommitteeContact.objects.exists()


@pytest.mark.parametrize("persona", ["deputy", "street_staff", "handling_unit_staff"])
def test_other_roles_get_403(login, request, persona, seat, deputy):
    user = request.getfixturevalue(persona)
    user = user.person.user if persona == "deputy" else user
    client = login(user)

    assert client.get(URL).status_code == 403
    assert (
        client.post(URL, payload([deputy], member=seat.pk), content_type="application/json").status_code
        == 403
    )
    assert not CommitteeContact.objects.exists()


def test_the_district_wide_office_sees_all_and_records_for_a_member(login, seat, deputy, other_member):
    office = f.OrganizationFactory(name="人事代表工作室", kind=OrganizationKind.PERSONNEL_OFFICE)
    staff = f.UserFactory(username="judy", role=Role.LIAISON_STAFF, organization=office)
    client = login(staff)

    assert (
        client.post(URL, payload([deputy], member=seat.pk), content_type="application/json").status_code
        == 201
    )
    services.record_committee_contact(
        actor=staff,
        member=other_member,
        kind="forum",
        date=datetime.date(2026, 6, 3),
        subject="座谈",
        deputies=[other_member.fixed_contacts.get()],
    )
    assert client.get(URL).json()["count"] == 2
