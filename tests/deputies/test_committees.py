"""R-REG-5, §三(三): each Standing Committee member keeps fixed contact with 3–5 serving district
deputies — in the service and in the admin form alike."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from deputies.forms import CommitteeMemberAdminForm
from deputies.models import Committee, CommitteeKind, CommitteeMember, DeputyStatus
from deputies.services import set_fixed_contacts
from tests import factories as f


@pytest.fixture
def standing_committee(district_congress):
    return Committee.objects.create(
        congress=district_congress, kind=CommitteeKind.STANDING, name="松江区人大常委会"
    )


@pytest.fixture
def member(standing_committee):
    return CommitteeMember.objects.create(
        committee=standing_committee, person=f.PersonFactory(name="常委甲"), title="委员"
    )


@pytest.fixture
def district_deputies(district_congress, yueyang_constituency):
    return [f.DeputyFactory(congress=district_congress, constituency=yueyang_constituency) for _ in range(6)]


@pytest.mark.parametrize(
    ("count", "accepted"), [(0, False), (2, False), (3, True), (4, True), (5, True), (6, False)]
)
def test_a_standing_committee_member_keeps_fixed_contact_with_three_to_five_deputies(
    member, district_deputies, count, accepted
):
    chosen = district_deputies[:count]
    if accepted:
        set_fixed_contacts(member=member, deputies=chosen)
        assert set(member.fixed_contacts.all()) == set(chosen)
    else:
        with pytest.raises(ValidationError) as excinfo:
            set_fixed_contacts(member=member, deputies=chosen)
        assert "3 至 5" in " ".join(excinfo.value.messages)
        assert member.fixed_contacts.count() == 0


def test_a_refused_change_keeps_the_previous_fixed_contacts(member, district_deputies):
    set_fixed_contacts(member=member, deputies=district_deputies[:3])
    with pytest.raises(ValidationError):
        set_fixed_contacts(member=member, deputies=district_deputies[:6])
    assert set(member.fixed_contacts.all()) == set(district_deputies[:3])


def test_the_same_deputy_twice_counts_once(member, district_deputies):
    with pytest.raises(ValidationError):
        set_fixed_contacts(member=member, deputies=[district_deputies[0]] * 2 + [district_deputies[1]])


def test_a_town_deputy_cannot_be_a_fixed_contact(member, district_deputies, town_congress, sijing):
    town_deputy = f.DeputyFactory(
        person=f.PersonFactory(name="镇代表丁"),
        congress=town_congress,
        constituency=f.ConstituencyFactory(congress=town_congress, region=sijing),
    )
    with pytest.raises(ValidationError) as excinfo:
        set_fixed_contacts(member=member, deputies=[*district_deputies[:3], town_deputy])
    assert "镇代表丁" in " ".join(excinfo.value.messages)
    assert member.fixed_contacts.count() == 0


def test_a_deputy_who_is_no_longer_serving_cannot_be_a_fixed_contact(member, district_deputies):
    ended = district_deputies[3]
    ended.status = DeputyStatus.ENDED
    ended.end_date = datetime.date(2023, 1, 1)
    ended.save()
    with pytest.raises(ValidationError) as excinfo:
        set_fixed_contacts(member=member, deputies=district_deputies[:4])
    assert ended.person.name in " ".join(excinfo.value.messages)


def test_members_of_special_committees_are_not_bound_by_the_rule(district_congress, district_deputies):
    special = Committee.objects.create(
        congress=district_congress, kind=CommitteeKind.SPECIAL, name="财政经济委员会"
    )
    seat = CommitteeMember.objects.create(committee=special, person=f.PersonFactory())
    set_fixed_contacts(member=seat, deputies=district_deputies[:1])
    assert seat.fixed_contacts.count() == 1


@pytest.mark.parametrize(("count", "valid"), [(2, False), (3, True), (5, True), (6, False)])
def test_the_admin_form_applies_the_same_rule(standing_committee, district_deputies, count, valid):
    form = CommitteeMemberAdminForm(
        data={
            "committee": standing_committee.pk,
            "person": f.PersonFactory().pk,
            "title": "委员",
            "fixed_contacts": [d.pk for d in district_deputies[:count]],
        }
    )
    assert form.is_valid() is valid
    if not valid:
        assert "3 至 5" in " ".join(form.errors["fixed_contacts"])
