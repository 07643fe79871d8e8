"""Person records in the admin: liaison staff change only the people they serve (§五(二)).

Carol (`street_staff`, 岳阳) serves Alice; Dave (`other_street_staff`, 永丰) serves Bob. Heidi (海蒂,
`committee_member`) holds no mandate: she is a Standing Committee member, entered by the
administrators, and no street's staff may touch her record."""

import pytest
from django.urls import reverse

from deputies.models import Committee, CommitteeKind, CommitteeMember, Person
from tests import factories as f

PERSON_ADD_URL = reverse("admin:deputies_person_add")
PERSON_LIST_URL = reverse("admin:deputies_person_changelist")
DEPUTY_ADD_URL = reverse("admin:deputies_deputy_add")


@pytest.fixture
def staff_can_log_in(street_staff, other_street_staff, town_staff):
    for user in (street_staff, other_street_staff, town_staff):
        user.is_staff = True
        user.save(update_fields=["is_staff"])


@pytest.fixture
def heidi(committee_member):
    return Person.objects.get(user=committee_member)


def change_url(person):
    return reverse("admin:deputies_person_change", args=[person.pk])


def person_form(name, gender="female"):
    return {
        "name": name,
        "gender": gender,
        "registry_code": "",
        "mandates-TOTAL_FORMS": "0",
        "mandates-INITIAL_FORMS": "0",
    }


def listed_people(client):
    response = client.get(PERSON_LIST_URL)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def person_choices(client):
    return set(client.get(DEPUTY_ADD_URL).context["adminform"].form.fields["person"].queryset)


@pytest.mark.parametrize("persona", ["street_staff", "other_street_staff", "town_staff"])
def test_no_street_or_town_staff_may_open_or_rename_a_standing_committee_member(
    request, login, staff_can_log_in, heidi, persona
):
    client = login(request.getfixturevalue(persona))

    response = client.get(change_url(heidi))
    assert response.status_code in (302, 403, 404)
    assert "海蒂" not in response.content.decode()

    client.post(change_url(heidi), person_form("被改名"))
    heidi.refresh_from_db()
    assert heidi.name == "海蒂"
    assert heidi.history.count() == 1


def test_a_standing_committee_member_is_not_in_the_staff_list_nor_among_the_mandate_choices(
    login, other_street_staff, staff_can_log_in, heidi, other_deputy
):
    client = login(other_street_staff)

    assert listed_people(client) == {other_deputy.person}
    assert heidi not in person_choices(client)


def test_a_person_without_a_mandate_entered_by_the_administrators_is_theirs_alone(
    login, street_staff, staff_can_log_in, admin_user
):
    admin_client = login(admin_user)
    admin_client.post(PERSON_ADD_URL, person_form("新人甲"))
    newcomer = Person.objects.get(name="新人甲")

    client = login(street_staff)
    assert client.get(change_url(newcomer)).status_code in (302, 403, 404)
    assert newcomer not in listed_people(client)


def test_staff_change_the_person_record_of_a_deputy_they_serve(login, street_staff, staff_can_log_in, deputy):
    client = login(street_staff)

    assert client.get(change_url(deputy.person)).status_code == 200
    response = client.post(change_url(deputy.person), person_form("艾丽丝（改）"))

    assert response.status_code == 302
    deputy.person.refresh_from_db()
    assert deputy.person.name == "艾丽丝（改）"


def test_staff_of_another_street_may_not_change_that_deputys_person_record(
    login, other_street_staff, staff_can_log_in, deputy
):
    client = login(other_street_staff)

    assert client.get(change_url(deputy.person)).status_code in (302, 403, 404)
    client.post(change_url(deputy.person), person_form("被改名"))
    deputy.person.refresh_from_db()
    assert deputy.person.name == "艾丽丝"


def test_staff_keep_a_person_they_entered_until_the_mandate_is_added_and_no_other_street_sees_it(
    login, street_staff, other_street_staff, staff_can_log_in
):
    client = login(street_staff)
    assert client.post(PERSON_ADD_URL, person_form("新代表乙")).status_code == 302
    newcomer = Person.objects.get(name="新代表乙")

    assert client.get(change_url(newcomer)).status_code == 200
    assert newcomer in listed_people(client)
    assert newcomer in person_choices(client)

    other = login(other_street_staff)
    assert other.get(change_url(newcomer)).status_code in (302, 403, 404)
    assert newcomer not in listed_people(other)
    assert newcomer not in person_choices(other)


def test_a_person_who_gets_a_standing_committee_seat_leaves_the_staffs_hands(
    login, street_staff, staff_can_log_in, district_congress
):
    client = login(street_staff)
    client.post(PERSON_ADD_URL, person_form("新人丙"))
    newcomer = Person.objects.get(name="新人丙")
    committee = Committee.objects.create(
        congress=district_congress, kind=CommitteeKind.STANDING, name="松江区人大常委会"
    )
    CommitteeMember.objects.create(committee=committee, person=newcomer)

    assert client.get(change_url(newcomer)).status_code in (302, 403, 404)
    assert newcomer not in listed_people(client)


def test_administrators_still_see_and_change_everyone(login, admin_user, heidi, deputy, other_deputy):
    client = login(admin_user)
    unattached = f.PersonFactory(name="无任职者")

    assert listed_people(client) == {heidi, deputy.person, other_deputy.person, unattached}
    response = client.post(change_url(heidi), person_form("海蒂"))
    assert response.status_code == 302
