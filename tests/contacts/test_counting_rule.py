"""What counts as a constituency contact (contacts/quotas/, docs/quotas.md, §三(三)(五)(六)):
the deputy's own constituency, or a deputy group's area for a group the deputy takes part in; never
a mailbox, e-mail, phone or online contact; and the refusals around it."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction

from accounts.models import Role
from contacts import quotas, services
from contacts.models import ContactActivity
from deputies.models import Level, OrganizationKind, RegionKind
from tests import factories as f

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def visit(deputy, **changes):
    data = {
        "kind": "visit",
        "date": "2026-06-01",
        "constituency": deputy.constituency_id,
        "is_constituency_contact": True,
        "people_reached": 10,
        "summary": "走访居民",
    }
    data.update(changes)
    return data


def progress(client, deputy):
    return client.get(f"/api/v1/deputies/{deputy.pk}/progress/?year=2026").json()


# --- Own constituency, another constituency, remote kinds ----------------------------------------


def test_a_visit_in_the_deputys_own_constituency_counts(login, deputy):
    client = login(deputy.person.user)

    assert (
        client.post("/api/v1/activities/", visit(deputy), content_type="application/json").status_code == 201
    )

    body = progress(client, deputy)
    assert body["constituency_contacts"]["done"] == 1
    assert body["people_reached"]["done"] == 10


def test_a_visit_in_another_constituency_is_recorded_but_does_not_count(login, deputy, yongfeng_constituency):
    """The demo's case: a deputy elected in 岳阳 visits a 永丰 constituency."""
    client = login(deputy.person.user)

    response = client.post(
        "/api/v1/activities/",
        visit(deputy, constituency=yongfeng_constituency.pk),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert ContactActivity.objects.filter(pk=response.json()["id"]).exists()
    body = progress(client, deputy)
    assert body["constituency_contacts"]["done"] == 0
    assert body["people_reached"]["done"] == 0
    assert list(quotas.counted_participations(deputy, 2026)) == []


@pytest.mark.parametrize("kind", ["mailbox", "email", "phone", "online"])
def test_a_remote_contact_with_the_box_ticked_is_refused_and_nothing_is_stored(login, deputy, kind):
    client = login(deputy.person.user)

    response = client.post("/api/v1/activities/", visit(deputy, kind=kind), content_type="application/json")

    assert response.status_code == 400
    assert "不是进选区联系" in response.json()["is_constituency_contact"][0]
    assert ContactActivity.objects.count() == 0
    assert progress(client, deputy)["constituency_contacts"]["done"] == 0


def test_the_refusal_reads_in_english_for_an_english_reader(login, deputy):
    client = login(deputy.person.user)

    response = client.post(
        "/api/v1/activities/",
        visit(deputy, kind="mailbox", is_centralized=True),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    message = response.json()["is_constituency_contact"][0]
    assert "not a constituency contact" in message
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_a_remote_contact_without_the_box_is_recorded_and_does_not_count(login, deputy):
    client = login(deputy.person.user)

    response = client.post(
        "/api/v1/activities/",
        visit(deputy, kind="mailbox", is_constituency_contact=False),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert progress(client, deputy)["constituency_contacts"]["done"] == 0


def test_the_database_refuses_a_remote_constituency_contact_written_around_the_services(deputy):
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactActivity.objects.create(
            kind="mailbox", date=datetime.date(2026, 6, 1), is_constituency_contact=True
        )


def test_a_centralized_contact_is_always_both_whatever_was_ticked(login, deputy):
    client = login(deputy.person.user)

    response = client.post(
        "/api/v1/activities/",
        visit(deputy, kind="centralized", is_constituency_contact=False, is_centralized=False),
        content_type="application/json",
    )

    assert response.status_code == 201
    body = progress(client, deputy)
    assert (body["constituency_contacts"]["done"], body["centralized_contacts"]["done"]) == (1, 1)


def test_changing_a_visit_into_a_mailbox_contact_with_the_box_is_refused(login, deputy):
    client = login(deputy.person.user)
    activity_id = client.post("/api/v1/activities/", visit(deputy), content_type="application/json").json()[
        "id"
    ]

    response = client.patch(
        f"/api/v1/activities/{activity_id}/", {"kind": "email"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert ContactActivity.objects.get(pk=activity_id).kind == "visit"


# --- The form ------------------------------------------------------------------------------------


def test_the_form_carries_the_kinds_boxes_for_its_static_script_and_no_inline_script(login, deputy):
    client = login(deputy.person.user)

    page = client.get("/activities/new/").content.decode()

    assert "js/activity-kind.js" in page
    assert "data-implied-flags=" in page
    assert "&quot;mailbox&quot;: {&quot;is_constituency_contact&quot;: false" in page
    assert "&quot;centralized&quot;: {&quot;is_constituency_contact&quot;: true" in page
    assert "<script>" not in page


def test_the_form_refuses_a_mailbox_contact_marked_as_a_constituency_contact(login, deputy):
    client = login(deputy.person.user)

    response = client.post(
        "/activities/new/",
        {
            "mandate": deputy.pk,
            "kind": "mailbox",
            "date": "2026-06-01",
            "constituency": deputy.constituency_id,
            "is_constituency_contact": "on",
            "people_reached": "3",
        },
    )

    assert response.status_code == 200
    assert "不是进选区联系" in response.content.decode()
    assert ContactActivity.objects.count() == 0


# --- Deputy groups (§三(五)) ----------------------------------------------------------------------


@pytest.fixture
def sheshan(district):
    return f.RegionFactory(name="佘山镇", kind=RegionKind.TOWN, code="sheshan", parent=district)


@pytest.fixture
def sijing_world(district_congress, town_congress, sijing):
    """泗泾: a district deputy elected there, and the town deputies' group with two members."""
    district_constituency = f.ConstituencyFactory(
        congress=district_congress, region=sijing, name="泗泾区级选区"
    )
    town_constituency = f.ConstituencyFactory(congress=town_congress, region=sijing, name="泗泾镇第3选区")
    town_group = f.DeputyGroupFactory(congress=town_congress, region=sijing, name="泗泾镇第一代表小组")
    district_deputy = f.DeputyFactory(
        person=f.PersonFactory(name="钱区代表", user=f.UserFactory(username="qian", role=Role.DEPUTY)),
        congress=district_congress,
        constituency=district_constituency,
    )
    town_deputies = [
        f.DeputyFactory(
            congress=town_congress,
            constituency=f.ConstituencyFactory(congress=town_congress, region=sijing),
            group=town_group,
        )
        for _ in range(2)
    ]
    return {
        "district_deputy": district_deputy,
        "town_constituency": town_constituency,
        "town_group": town_group,
        "town_deputies": town_deputies,
    }


def test_a_district_deputy_in_the_town_group_activity_of_their_electoral_town_counts(
    login, town_staff, sijing_world
):
    """The issue's refusal that should count: a 泗泾 town-group activity with a district deputy
    elected in 泗泾, registered by the town office."""
    world = sijing_world
    client = login(town_staff)

    response = client.post(
        "/api/v1/activities/",
        {
            "kind": "group",
            "date": "2026-06-01",
            "group": world["town_group"].pk,
            "constituency": world["town_constituency"].pk,
            "is_constituency_contact": True,
            "people_reached": 20,
            "participants": [world["district_deputy"].pk, *(d.pk for d in world["town_deputies"])],
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["group"] == world["town_group"].pk
    for deputy in [world["district_deputy"], *world["town_deputies"]]:
        measures = quotas.progress_for_deputy(deputy, 2026)
        assert (measures.constituency_contacts.done, measures.people_reached.done) == (1, 20), deputy


def test_the_district_deputy_logs_the_town_group_activity_themself(login, sijing_world):
    world = sijing_world
    deputy = world["district_deputy"]
    client = login(deputy.person.user)

    response = client.post(
        "/api/v1/activities/",
        {
            "kind": "group",
            "date": "2026-06-01",
            "group": world["town_group"].pk,
            "constituency": world["town_constituency"].pk,
            "is_constituency_contact": True,
            "people_reached": 12,
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    assert progress(client, deputy)["constituency_contacts"]["done"] == 1


def test_the_same_deputy_in_another_towns_group_activity_is_refused(
    login, admin_user, sijing_world, sheshan, district
):
    world = sijing_world
    sheshan_congress = f.CongressFactory(
        level=Level.TOWN, region=sheshan, term_number=18, start_date=datetime.date(2022, 1, 1)
    )
    sheshan_group = f.DeputyGroupFactory(congress=sheshan_congress, region=sheshan, name="佘山镇代表小组")
    sheshan_constituency = f.ConstituencyFactory(congress=sheshan_congress, region=sheshan)
    client = login(admin_user)

    response = client.post(
        "/api/v1/activities/",
        {
            "kind": "group",
            "date": "2026-06-01",
            "group": sheshan_group.pk,
            "constituency": sheshan_constituency.pk,
            "is_constituency_contact": True,
            "people_reached": 20,
            "participants": [world["district_deputy"].pk],
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "钱区代表" in response.json()["participants"][0]
    assert ContactActivity.objects.count() == 0


def test_a_group_activity_outside_the_groups_area_is_refused(login, town_staff, sijing_world, sheshan):
    world = sijing_world
    elsewhere = f.ConstituencyFactory(congress=world["town_group"].congress, region=sheshan)

    with pytest.raises(Exception) as refused:
        services.log_activity(
            actor=town_staff,
            kind="group",
            date=datetime.date(2026, 6, 1),
            group=world["town_group"],
            constituency=elsewhere,
            is_constituency_contact=True,
            people_reached=5,
            participants=world["town_deputies"],
        )

    assert "constituency" in refused.value.message_dict
    assert ContactActivity.objects.count() == 0


def test_a_town_deputy_in_the_town_group_activity_of_another_constituency_of_the_town_counts(
    town_staff, sijing_world
):
    """A group member counts the group's activity held anywhere in the group's town."""
    world = sijing_world
    member = world["town_deputies"][0]
    assert member.constituency_id != world["town_constituency"].pk

    services.register_activity_for_group(
        actor=town_staff,
        date=datetime.date(2026, 6, 1),
        group=world["town_group"],
        constituency=world["town_constituency"],
        people_reached=8,
    )

    assert quotas.progress_for_deputy(member, 2026).constituency_contacts.done == 1


def test_a_street_committee_cannot_register_the_town_groups_activity(login, street_staff, sijing_world):
    """A liaison body acting outside its area: 岳阳's committee and 泗泾's deputies."""
    world = sijing_world
    client = login(street_staff)

    response = client.post(
        "/api/v1/activities/",
        {
            "kind": "group",
            "date": "2026-06-01",
            "group": world["town_group"].pk,
            "constituency": world["town_constituency"].pk,
            "is_constituency_contact": True,
            "people_reached": 20,
            "participants": [d.pk for d in world["town_deputies"]],
        },
        content_type="application/json",
    )

    assert response.status_code == 403
    assert ContactActivity.objects.count() == 0


def test_another_deputys_group_activity_by_id_is_not_found(login, other_deputy, sijing_world, town_staff):
    world = sijing_world
    activity = services.register_activity_for_group(
        actor=town_staff,
        date=datetime.date(2026, 6, 1),
        group=world["town_group"],
        constituency=world["town_constituency"],
        people_reached=8,
    )
    client = login(other_deputy.person.user)

    assert client.get(f"/api/v1/activities/{activity.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/v1/activities/{activity.pk}/", {"people_reached": 99}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(f"/activities/{activity.pk}/").status_code == 404


def test_the_deputys_form_offers_their_own_group_and_the_town_group_of_their_electoral_town(
    login, sijing_world, sheshan, django_assert_max_num_queries
):
    world = sijing_world
    deputy = world["district_deputy"]
    f.DeputyGroupFactory(
        congress=f.CongressFactory(level=Level.TOWN, region=sheshan, term_number=18),
        region=sheshan,
        name="佘山组",
    )
    client = login(deputy.person.user)

    with django_assert_max_num_queries(14):
        page = client.get("/activities/new/").content.decode()

    assert "泗泾镇第一代表小组" in page
    assert deputy.group.name in page
    assert "佘山组" not in page


def test_the_public_profile_counts_by_the_same_rule(deputy, yongfeng_constituency):
    from contacts.templatetags.contacts_tags import public_performance_summary
    from tests.contacts.factories import activity_for

    activity_for(deputy, date=datetime.date(2026, 3, 1))
    activity_for(deputy, date=datetime.date(2026, 3, 2), constituency=yongfeng_constituency)

    summary = public_performance_summary(deputy)

    assert summary["per_year"][0]["activities"] == 2
    assert summary["per_year"][0]["constituency_contacts"] == 1


def test_remote_kinds_are_kinds_of_activity():
    from contacts.models import ActivityKind

    assert set(quotas.REMOTE_KINDS) <= set(ActivityKind.values)
    assert {k for k in ActivityKind.values if quotas.implied_flags(k)} == {
        *quotas.REMOTE_KINDS,
        "centralized",
    }


def test_staff_of_the_town_office_see_the_district_deputy_elected_in_the_town(town_staff, sijing_world):
    """The town office serves the district deputies elected in its town (§五(二)): it may register
    them in its group's activities."""
    from deputies import permissions as access

    assert sijing_world["district_deputy"] in access.deputies_in_jurisdiction(town_staff)
    assert town_staff.organization.kind == OrganizationKind.TOWN_OFFICE


# --- The purposes of a contact (§二) ---------------------------------------------------------------


def test_an_activity_records_its_purposes_several_may_apply(login, deputy):
    client = login(deputy.person.user)

    response = client.post(
        "/api/v1/activities/",
        visit(deputy, purposes=["own_work", "organs"]),
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    # Stored once each, in the regulation's order.
    assert response.json()["purposes"] == ["organs", "own_work"]
    page = client.get(f"/activities/{response.json()['id']}/").content.decode()
    assert "听取选民对代表履职的意见，回答选民的询问" in page


def test_an_unknown_purpose_is_refused(login, deputy):
    client = login(deputy.person.user)

    response = client.post(
        "/api/v1/activities/", visit(deputy, purposes=["gossip"]), content_type="application/json"
    )

    assert response.status_code == 400
    assert "purposes" in response.json()
    assert ContactActivity.objects.count() == 0


def test_the_form_records_purposes_and_a_change_keeps_them_in_the_amendment_as_a_list(
    login, deputy, street_staff
):
    client = login(deputy.person.user)
    client.post(
        "/activities/new/",
        {
            "mandate": deputy.pk,
            "kind": "forum",
            "date": "2026-06-01",
            "constituency": deputy.constituency_id,
            "is_constituency_contact": "on",
            "people_reached": "8",
            "purposes": ["law", "policy"],
        },
    )
    activity = ContactActivity.objects.get()
    assert activity.purposes == ["policy", "law"]

    amendment = services.amend_activity(
        actor=street_staff,
        activity=activity,
        reason="补充联系内容",
        purposes=["policy", "law", "consultation"],
    )

    assert amendment.changes["purposes"] == [["policy", "law"], ["policy", "law", "consultation"]]
