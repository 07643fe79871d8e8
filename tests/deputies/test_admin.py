"""The registry admin: administrators change everything; liaison staff only what is in their
jurisdiction (§五(二)); photos are validated; the 3–5 rule holds; every change is in the history."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from deputies.models import Committee, CommitteeKind, CommitteeMember, Congress, Deputy, Person
from tests import factories as f


@pytest.fixture
def staff_can_log_in(street_staff, other_street_staff, town_staff):
    for user in (street_staff, other_street_staff, town_staff):
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _deputy_form(deputy, **changes):
    data = {
        "person": deputy.person_id,
        "congress": deputy.congress_id,
        "constituency": deputy.constituency_id or "",
        "group": deputy.group_id or "",
        "contact_point": deputy.contact_point_id or "",
        "work_unit": deputy.work_unit,
        "position": deputy.position,
        "public_phone": deputy.public_phone,
        "public_email": deputy.public_email,
        "fields": deputy.fields,
        "status": deputy.status,
        "start_date": deputy.start_date.isoformat(),
        "end_date": "",
        "end_reason": "",
        "private_phone": deputy.private_phone,
        "staff_notes": deputy.staff_notes,
    }
    data.update(changes)
    return data


def _organization_form(organization, **changes):
    data = {
        "name": organization.name,
        "kind": organization.kind,
        "region": organization.region_id,
        "phone": organization.phone,
        "email": organization.email,
        "address": organization.address,
        "description": organization.description,
    }
    data.update(changes)
    return data


# --- Liaison staff are kept inside their jurisdiction ------------------------------------------


def test_street_staff_change_a_deputy_of_their_own_street(login, street_staff, staff_can_log_in, deputy):
    client = login(street_staff)
    assert client.get(_change_url(deputy)).status_code == 200
    response = client.post(_change_url(deputy), _deputy_form(deputy, work_unit="岳阳街道社区卫生服务中心"))
    assert response.status_code == 302
    deputy.refresh_from_db()
    assert deputy.work_unit == "岳阳街道社区卫生服务中心"
    assert deputy.history.latest().history_user == street_staff


def test_street_staff_cannot_open_or_change_another_streets_deputy(
    login, street_staff, staff_can_log_in, other_deputy
):
    client = login(street_staff)
    response = client.get(_change_url(other_deputy))
    assert response.status_code in (302, 403, 404)
    assert "鲍勃" not in response.content.decode()
    client.post(_change_url(other_deputy), _deputy_form(other_deputy, work_unit="被篡改"))
    other_deputy.refresh_from_db()
    assert other_deputy.work_unit != "被篡改"


def test_street_staff_cannot_read_another_streets_deputy_history(
    login, street_staff, staff_can_log_in, other_deputy
):
    response = login(street_staff).get(reverse("admin:deputies_deputy_history", args=[other_deputy.pk]))
    assert response.status_code in (403, 404)


def test_street_staff_see_only_their_own_deputies_in_the_list(
    login, street_staff, staff_can_log_in, deputy, other_deputy
):
    response = login(street_staff).get(reverse("admin:deputies_deputy_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [deputy]


def test_street_staff_may_only_choose_constituencies_of_their_street(
    login, street_staff, staff_can_log_in, deputy, yongfeng_constituency
):
    response = login(street_staff).get(_change_url(deputy))
    choices = response.context["adminform"].form.fields["constituency"].queryset
    assert deputy.constituency in choices
    assert yongfeng_constituency not in choices


def test_street_staff_cannot_move_a_deputy_into_another_street(
    login, street_staff, staff_can_log_in, deputy, yongfeng_constituency
):
    login(street_staff).post(_change_url(deputy), _deputy_form(deputy, constituency=yongfeng_constituency.pk))
    deputy.refresh_from_db()
    assert deputy.constituency.name == "岳阳第1选区"


def test_street_staff_update_their_own_organizations_public_details(
    login, street_staff, staff_can_log_in, yueyang_committee
):
    client = login(street_staff)
    response = client.post(
        _change_url(yueyang_committee), _organization_form(yueyang_committee, phone="021-57779999")
    )
    assert response.status_code == 302
    yueyang_committee.refresh_from_db()
    assert yueyang_committee.phone == "021-57779999"


def test_street_staff_cannot_rename_their_organization(
    login, street_staff, staff_can_log_in, yueyang_committee
):
    login(street_staff).post(
        _change_url(yueyang_committee), _organization_form(yueyang_committee, name="改名")
    )
    yueyang_committee.refresh_from_db()
    assert yueyang_committee.name == "岳阳街道人大工委"


@pytest.mark.parametrize("staff", ["street_staff", "town_staff"])
def test_staff_cannot_open_or_change_another_organization(
    request, login, staff, staff_can_log_in, yongfeng_committee
):
    client = login(request.getfixturevalue(staff))
    response = client.get(_change_url(yongfeng_committee))
    assert response.status_code in (302, 403, 404)
    client.post(_change_url(yongfeng_committee), _organization_form(yongfeng_committee, phone="021-00000000"))
    yongfeng_committee.refresh_from_db()
    assert yongfeng_committee.phone != "021-00000000"


def test_street_staff_cannot_change_a_venue_of_another_street(
    login, street_staff, staff_can_log_in, yongfeng
):
    venue = f.ContactPointFactory(name="永丰联络站", region=yongfeng, address="玉树路1号")
    client = login(street_staff)
    assert client.get(_change_url(venue)).status_code in (302, 403, 404)
    client.post(
        _change_url(venue),
        {"name": "永丰联络站", "kind": venue.kind, "region": yongfeng.pk, "address": "被篡改"},
    )
    venue.refresh_from_db()
    assert venue.address == "玉树路1号"


def test_town_staff_see_the_deputies_of_their_town_at_both_levels(
    login, town_staff, staff_can_log_in, district_congress, town_congress, sijing, deputy
):
    district_level = f.DeputyFactory(
        congress=district_congress,
        constituency=f.ConstituencyFactory(congress=district_congress, region=sijing),
    )
    town_level = f.DeputyFactory(
        congress=town_congress, constituency=f.ConstituencyFactory(congress=town_congress, region=sijing)
    )
    response = login(town_staff).get(reverse("admin:deputies_deputy_changelist"))
    assert set(response.context["cl"].result_list) == {district_level, town_level}


@pytest.mark.parametrize("model", ["congress", "committee", "committeemember"])
def test_staff_cannot_change_congresses_or_committees(
    login, street_staff, staff_can_log_in, committee_member, model
):
    obj = {
        "congress": Congress.objects.first,
        "committee": Committee.objects.first,
        "committeemember": CommitteeMember.objects.first,
    }[model]()
    response = login(street_staff).post(_change_url(obj), {"name": "被篡改"})
    assert response.status_code in (302, 403, 404)
    obj.refresh_from_db()
    assert getattr(obj, "name", "") != "被篡改"


def test_staff_who_may_not_use_the_admin_are_kept_out(login, street_staff, deputy):
    # street_staff without is_staff: the admin sends them to its login page.
    response = login(street_staff).get(_change_url(deputy))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_handling_unit_staff_see_no_deputies_even_with_admin_access(login, handling_unit_staff, deputy):
    handling_unit_staff.is_staff = True
    handling_unit_staff.save()
    client = login(handling_unit_staff)
    assert client.get(_change_url(deputy)).status_code in (302, 403, 404)


# --- Administrators ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        "region",
        "congress",
        "constituency",
        "deputygroup",
        "person",
        "deputy",
        "committee",
        "committeemember",
        "organization",
        "contactpoint",
        "receptionduty",
    ],
)
def test_admin_lists_and_searches_every_registry_model(login, admin_user, deputy, committee_member, model):
    response = login(admin_user).get(reverse(f"admin:deputies_{model}_changelist"), {"q": "艾"})
    assert response.status_code == 200


def test_admin_changes_any_deputy_and_organization(login, admin_user, other_deputy, yongfeng_committee):
    client = login(admin_user)
    client.post(_change_url(other_deputy), _deputy_form(other_deputy, position="主任"))
    client.post(_change_url(yongfeng_committee), _organization_form(yongfeng_committee, phone="021-57771111"))
    other_deputy.refresh_from_db()
    yongfeng_committee.refresh_from_db()
    assert other_deputy.position == "主任"
    assert yongfeng_committee.phone == "021-57771111"


def test_admin_sees_the_history_of_a_deputy(login, admin_user, deputy):
    client = login(admin_user)
    client.post(_change_url(deputy), _deputy_form(deputy, position="副主任"))
    response = client.get(reverse("admin:deputies_deputy_history", args=[deputy.pk]))
    assert response.status_code == 200
    assert deputy.history.count() == 2


# --- Photos through the admin ----------------------------------------------------------------


def _jpeg(size=(900, 1200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 10)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _person_form(person, photo):
    return {
        "name": person.name,
        "gender": person.gender,
        "registry_code": "",
        "photo": photo,
        "mandates-TOTAL_FORMS": "0",
        "mandates-INITIAL_FORMS": "0",
    }


def test_a_photo_uploaded_in_the_admin_is_stored_at_the_standard_size(
    login, admin_user, deputy, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    person = deputy.person
    response = login(admin_user).post(
        _change_url(person), _person_form(person, SimpleUploadedFile("me.jpg", _jpeg(), "image/jpeg"))
    )
    assert response.status_code == 302
    person.refresh_from_db()
    with Image.open(person.photo.path) as stored:
        assert stored.size == (360, 480)


def test_a_fake_photo_is_refused_in_the_admin_with_a_clear_message(
    login, admin_user, deputy, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    person = deputy.person
    fake = SimpleUploadedFile("me.jpg", b"<?php echo 'hi'; ?>", "image/jpeg")
    response = login(admin_user).post(_change_url(person), _person_form(person, fake))
    assert response.status_code == 200
    assert "JPEG、PNG 或 WebP" in response.content.decode()
    person.refresh_from_db()
    assert not person.photo
    assert not list(tmp_path.rglob("*"))


def test_a_wechat_qr_code_uploaded_in_the_admin_is_normalized(
    login, street_staff, staff_can_log_in, yueyang_committee, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    qr = SimpleUploadedFile("qr.jpg", _jpeg((600, 600)), "image/jpeg")
    login(street_staff).post(
        _change_url(yueyang_committee), {**_organization_form(yueyang_committee), "wechat_qr": qr}
    )
    yueyang_committee.refresh_from_db()
    with Image.open(yueyang_committee.wechat_qr.path) as stored:
        assert stored.format == "PNG"
        assert stored.size == (480, 480)


# --- The 3–5 rule in the admin ----------------------------------------------------------------


@pytest.mark.parametrize(("count", "saved"), [(2, False), (3, True), (5, True), (6, False)])
def test_admin_keeps_the_three_to_five_rule_for_standing_committee_members(
    login, admin_user, district_congress, yueyang_constituency, count, saved
):
    committee = Committee.objects.create(
        congress=district_congress, kind=CommitteeKind.STANDING, name="常委会"
    )
    deputies = [
        f.DeputyFactory(congress=district_congress, constituency=yueyang_constituency) for _ in range(6)
    ]
    person = f.PersonFactory(name="常委乙")
    response = login(admin_user).post(
        reverse("admin:deputies_committeemember_add"),
        {
            "committee": committee.pk,
            "person": person.pk,
            "title": "委员",
            "fixed_contacts": [d.pk for d in deputies[:count]],
        },
    )
    member = CommitteeMember.objects.filter(person=person).first()
    if saved:
        assert response.status_code == 302
        assert member.fixed_contacts.count() == count
    else:
        assert response.status_code == 200
        assert "3 至 5" in response.content.decode()
        assert member is None


@pytest.mark.parametrize(
    ("model", "can_add"),
    [
        ("region", False),
        ("congress", False),
        ("constituency", True),
        ("deputygroup", True),
        ("person", True),
        ("deputy", True),
        ("organization", False),
        ("contactpoint", True),
        ("receptionduty", True),
    ],
)
def test_street_staff_open_the_registry_pages_they_work_with(
    login, street_staff, staff_can_log_in, deputy, model, can_add
):
    client = login(street_staff)
    assert client.get(reverse(f"admin:deputies_{model}_changelist")).status_code == 200
    assert (client.get(reverse(f"admin:deputies_{model}_add")).status_code == 200) is can_add


def test_admin_opens_a_standing_committee_members_page(login, admin_user, committee_member):
    member = CommitteeMember.objects.get()
    response = login(admin_user).get(_change_url(member))
    assert response.status_code == 200
    assert "艾丽丝" in response.content.decode()


# --- Query counts -----------------------------------------------------------------------------


def _bulk_deputies(count, *, congress, constituency, group, start):
    persons = Person.objects.bulk_create([Person(name=f"批量{start + i:04d}") for i in range(count)])
    Deputy.objects.bulk_create(
        [
            Deputy(
                person=p,
                congress=congress,
                constituency=constituency,
                group=group,
                start_date=datetime.date(2022, 1, 1),
            )
            for p in persons
        ]
    )


@pytest.mark.parametrize("user", ["admin_user", "street_staff"])
@pytest.mark.parametrize("model", ["deputy", "person"])
def test_admin_lists_run_the_same_number_of_queries_for_10_and_500_deputies(
    request, login, staff_can_log_in, user, model, district_congress, yueyang, yueyang_constituency
):
    group = f.DeputyGroupFactory(congress=district_congress, region=yueyang)
    client = login(request.getfixturevalue(user))
    url = reverse(f"admin:deputies_{model}_changelist")
    _bulk_deputies(10, congress=district_congress, constituency=yueyang_constituency, group=group, start=0)
    client.get(url)  # warm up: memoised figures (the unread count) are read once per change
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _bulk_deputies(490, congress=district_congress, constituency=yueyang_constituency, group=group, start=10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["cl"].result_count == 500
    assert len(few) == len(many)
