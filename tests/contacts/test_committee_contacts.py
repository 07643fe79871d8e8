"""The Standing Committee's own contacts with deputies (§三(三)): members record them; the member's
year, the deputy's record and the members' page of the compliance report show them."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from contacts import quotas, services
from contacts.models import CommitteeContact
from deputies.models import Committee, CommitteeKind, CommitteeMember
from tests import factories as f

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def seat(committee_member):
    return CommitteeMember.objects.get(person__user=committee_member)


def record(actor, seat, deputies, **changes):
    data = {
        "kind": "forum",
        "date": datetime.date(2026, 6, 1),
        "subject": "听取代表对老旧小区改造的意见",
        "views_heard": "建议加快加装电梯审批",
        "deputies": deputies,
        "member": seat,
    }
    data.update(changes)
    return services.record_committee_contact(actor=actor, **data)


def test_a_member_records_a_contact_on_the_page_and_sees_their_year(login, committee_member, seat, deputy):
    client = login(committee_member)

    response = client.post(
        "/activities/committee/new/",
        {
            "member": seat.pk,
            "kind": "visit",
            "date": "2026-06-10",
            "subject": "走访代表",
            "deputies": [deputy.pk],
            "views_heard": "代表反映停车难",
        },
    )

    assert response.status_code == 302
    contact = CommitteeContact.objects.get()
    assert (contact.member, contact.committee, list(contact.deputies.all())) == (
        seat,
        seat.committee,
        [deputy],
    )
    page = client.get("/activities/committee/?year=2026").content.decode()
    assert "走访代表" in page and "艾丽丝" in page and "本年度联系 1 次" in page


def test_a_member_cannot_record_a_deputy_who_is_not_their_fixed_contact(committee_member, seat, other_deputy):
    with pytest.raises(ValidationError) as refused:
        record(committee_member, seat, [other_deputy])

    assert "鲍勃" in refused.value.message_dict["deputies"][0]
    assert not CommitteeContact.objects.exists()


def test_nobody_records_for_another_members_seat(deputy, other_deputy_user, street_staff, seat):
    other_member_user = f.UserFactory(username="ivan", role=Role.COMMITTEE_MEMBER)
    for actor in (other_member_user, deputy.person.user, street_staff):
        with pytest.raises(PermissionDenied):
            record(actor, seat, [deputy])
    assert not CommitteeContact.objects.exists()


def test_the_members_pages_are_not_for_others(login, deputy, street_staff):
    client = login(deputy.person.user)
    # Not a member's role: refused (403), as the menu, which does not list the page, says.
    assert client.get("/activities/committee/").status_code == 403
    assert client.get("/activities/committee/new/").status_code == 403
    assert client.get("/reports/compliance/members/").status_code == 403
    assert login(street_staff).get("/reports/compliance/members/").status_code == 403


def test_a_committee_contact_shows_in_the_deputys_record_and_never_counts_toward_the_quota(
    login, committee_member, seat, deputy
):
    record(committee_member, seat, [deputy])

    page = login(deputy.person.user).get(f"/activities/deputies/{deputy.pk}/record/").content.decode()

    assert "听取代表对老旧小区改造的意见" in page
    assert quotas.progress_for_deputy(deputy, 2026).constituency_contacts.done == 0


def test_a_future_date_is_refused(committee_member, seat, deputy):
    with pytest.raises(ValidationError) as refused:
        record(committee_member, seat, [deputy], date=datetime.date(2026, 7, 1))
    assert "date" in refused.value.message_dict


def test_a_special_committee_invites_deputies_of_its_congress_into_supervision(
    admin_user, deputy, district_congress, town_congress
):
    committee = Committee.objects.create(
        congress=district_congress, kind=CommitteeKind.SPECIAL, name="财经委"
    )
    town_deputy = f.DeputyFactory(congress=town_congress)

    contact = services.record_committee_contact(
        actor=admin_user,
        committee=committee,
        kind="supervision",
        date=datetime.date(2026, 6, 1),
        subject="预算执行监督",
        deputies=[deputy],
    )
    assert contact.member is None
    with pytest.raises(ValidationError):
        services.record_committee_contact(
            actor=admin_user,
            committee=committee,
            kind="supervision",
            date=datetime.date(2026, 6, 1),
            subject="预算执行监督",
            deputies=[town_deputy],
        )


def test_the_members_page_of_the_report_lists_each_member_their_deputies_and_contacts(
    login, admin_user, committee_member, seat, deputy, district_congress, django_assert_max_num_queries
):
    record(committee_member, seat, [deputy])
    record(committee_member, seat, [deputy], date=datetime.date(2025, 6, 1))  # another year
    # More members, each with four deputies and no contact this year.
    for n in range(4):
        member = CommitteeMember.objects.create(
            committee=seat.committee,
            person=f.PersonFactory(name=f"委员{n}"),
        )
        member.fixed_contacts.set([f.DeputyFactory(congress=district_congress) for _ in range(4)])
    client = login(admin_user)

    with django_assert_max_num_queries(10):
        response = client.get("/reports/compliance/members/?year=2026")

    page = response.content.decode()
    assert response.status_code == 200
    assert "海蒂" in page and "艾丽丝（1 次）" in page
    assert page.count("尚未联系") >= 4
    assert "应为3-5名" in page  # 海蒂 keeps contact with one deputy only
    assert login(committee_member).get("/reports/compliance/members/").status_code == 200
