"""`manage.py seed_demo`: the real territory, the demo registry and one demo account per role."""

import datetime
import io
import sys
import types
from unittest import mock

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from accounts.models import Role, User
from deputies import demo
from deputies.models import (
    CommitteeKind,
    CommitteeMember,
    Congress,
    Constituency,
    ContactPoint,
    ContactPointKind,
    Deputy,
    DeputyGroup,
    DeputyStatus,
    Level,
    Organization,
    OrganizationKind,
    Person,
    ReceptionDuty,
    Region,
    RegionKind,
)

TODAY = datetime.date(2026, 11, 28)
APP_SEEDERS = "deputies.management.commands.seed_demo.APP_SEEDERS"
STREETS = ["岳阳街道", "永丰街道", "方松街道", "中山街道", "广富林街道", "九里亭街道"]
TOWNS = [
    "泗泾镇",
    "佘山镇",
    "车墩镇",
    "新桥镇",
    "洞泾镇",
    "九亭镇",
    "泖港镇",
    "石湖荡镇",
    "新浜镇",
    "叶榭镇",
    "小昆山镇",
]


def seed_demo(**options):
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", today=TODAY, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def demo_allowed(settings):
    settings.ALLOW_DEMO_ACCOUNTS = True


@pytest.fixture(scope="class")
def seeded_once(django_db_setup, django_db_blocker):
    """Seed once for a whole class of read-only tests, inside a transaction rolled back afterwards
    (each test still runs in its own savepoint)."""
    with (
        django_db_blocker.unblock(),
        override_settings(ALLOW_DEMO_ACCOUNTS=True),
        mock.patch(APP_SEEDERS, ()),  # the registry only: other apps test their own demo data
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            seed_demo()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded(seeded_once, db):
    return None


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_running_seed_demo_twice_creates_and_changes_nothing_the_second_time(demo_allowed):
    seed_demo()
    first = row_counts()
    out, _ = seed_demo()
    assert row_counts() == first
    assert "新建 0 条，更新 0 条" in out
    assert first["deputies.Deputy"] >= 80


@pytest.mark.usefixtures("seeded")
class TestTheSeededDemo:
    """Read-only checks of one seeded demo (seeded once for the class)."""

    def test_the_registry_holds_the_real_streets_and_towns_with_sample_committees(self):
        assert sorted(Region.objects.filter(kind=RegionKind.STREET).values_list("name", flat=True)) == sorted(
            STREETS
        )
        assert sorted(Region.objects.filter(kind=RegionKind.TOWN).values_list("name", flat=True)) == sorted(
            TOWNS
        )
        for area in Region.objects.streets_and_towns():
            assert area.parent.name == "松江区"
            assert 2 <= area.children.count() <= 3, area.name

    def test_every_committee_is_covered_by_a_district_constituency_of_its_street_or_town(self):
        district = Congress.objects.get(level=Level.DISTRICT)
        for committee in Region.objects.committees():
            constituency = Constituency.objects.get(congress=district, areas=committee)
            assert constituency.region == committee.parent

    def test_the_district_congress_and_two_town_congresses_are_in_term_today(self):
        current = Congress.objects.current(on=TODAY)
        assert current.get(level=Level.DISTRICT).name == "松江区第六届人民代表大会"
        assert sorted(current.filter(level=Level.TOWN).values_list("region__name", flat=True)) == [
            "九亭镇",
            "泗泾镇",
        ]

    def test_deputies_are_seeded_at_both_levels_each_in_one_group_of_their_own_congress(self):
        assert 55 <= Deputy.objects.district().count() <= 65
        assert 25 <= Deputy.objects.town().count() <= 35
        for deputy in Deputy.objects.select_related("group", "constituency"):
            assert deputy.group.congress_id == deputy.congress_id
            assert deputy.constituency.congress_id == deputy.congress_id
            assert deputy.public_phone.startswith("021-")
            assert deputy.private_phone
        # One group per street or town and congress.
        assert DeputyGroup.objects.filter(congress__level=Level.DISTRICT).count() == 17

    def test_one_person_holds_a_district_and_a_town_mandate_and_one_mandate_has_ended(self):
        both = [
            p for p in Person.objects.prefetch_related("mandates__congress") if len(p.mandates.all()) == 2
        ]
        assert both
        assert {m.congress.level for m in both[0].mandates.all()} == {Level.DISTRICT, Level.TOWN}
        ended = Deputy.objects.get(status=DeputyStatus.ENDED)
        assert ended.end_date < TODAY
        assert ended.end_reason
        assert not Deputy.objects.serving(on=TODAY).filter(pk=ended.pk).exists()

    def test_each_standing_committee_member_keeps_fixed_contact_with_3_to_5_serving_deputies_of_one_group(
        self,
    ):
        members = CommitteeMember.objects.filter(committee__kind=CommitteeKind.STANDING)
        assert members.count() >= 6
        for member in members:
            contacts = list(member.fixed_contacts.all())
            assert 3 <= len(contacts) <= 5
            assert len({d.group_id for d in contacts}) == 1
            assert all(d.is_serving(TODAY) and d.level == Level.DISTRICT for d in contacts)

    def test_special_and_working_committees_link_deputies_of_their_fields(self):
        from deputies.models import Committee

        for committee in Committee.objects.exclude(kind=CommitteeKind.STANDING):
            deputies = list(committee.deputies.all())
            assert deputies, committee.name
            fields = set(committee.fields.split("、"))
            assert all(fields & set(d.fields.split("、")) for d in deputies)

    @pytest.mark.parametrize(
        "kind, expected",
        [
            (OrganizationKind.STREET_COMMITTEE, 6),
            (OrganizationKind.TOWN_OFFICE, 11),
            (OrganizationKind.PERSONNEL_OFFICE, 1),
            (OrganizationKind.LETTERS_SECTION, 1),
            (OrganizationKind.STANDING_OFFICE, 1),
        ],
    )
    def test_liaison_bodies_exist_for_every_street_and_town_and_the_district(self, kind, expected):
        bodies = Organization.objects.filter(kind=kind)
        assert bodies.count() == expected
        assert all(body.phone and body.address and body.email for body in bodies)

    def test_handling_units_include_the_district_bureaus(self):
        names = set(Organization.objects.handling_units().values_list("name", flat=True))
        assert {"区住房和城乡建设管理委员会", "区教育局", "区卫生健康委员会", "区民政局"} <= names
        assert len(names) >= 8

    def test_venues_of_every_kind_have_opening_hours_and_reception_duties_in_the_coming_weeks(self):
        for kind in ContactPointKind:
            points = ContactPoint.objects.filter(kind=kind)
            assert points.exists(), kind
            assert all(p.address and p.opening_hours and p.reception_schedule for p in points)
        duties = ReceptionDuty.objects.select_related("deputy")
        assert duties.count() >= 17 * 4
        assert all(TODAY <= d.date <= TODAY + datetime.timedelta(weeks=5) for d in duties)
        assert all(d.deputy.is_serving(d.date) for d in duties)

    def test_the_demo_data_never_contains_the_spam_string_of_the_source_text(self):
        rows = [
            *Region.objects.all(),
            *Organization.objects.all(),
            *ContactPoint.objects.all(),
            *Deputy.objects.all(),
            *Person.objects.all(),
        ]
        assert "斗球" not in serializers.serialize("json", rows, ensure_ascii=False)

    @pytest.mark.parametrize(
        "username, role, organization, is_staff",
        [
            ("demo-deputy", Role.DEPUTY, None, False),
            ("demo-deputy-2", Role.DEPUTY, None, False),
            ("demo-street-staff", Role.LIAISON_STAFF, "岳阳街道人大工委", True),
            ("demo-town-staff", Role.LIAISON_STAFF, "泗泾镇人大办公室", True),
            ("demo-unit-staff", Role.UNIT_STAFF, "区住房和城乡建设管理委员会", False),
            ("demo-committee", Role.COMMITTEE_MEMBER, None, False),
            ("demo-admin", Role.ADMIN, None, True),
        ],
    )
    def test_every_demo_account_has_its_role_and_organization_and_logs_in_with_the_demo_password(
        self, client, username, role, organization, is_staff
    ):
        user = User.objects.select_related("organization").get(username=username)
        assert user.role == role
        assert (user.organization.name if user.organization else None) == organization
        assert user.is_staff == is_staff
        assert user.is_superuser == (username == "demo-admin")
        assert client.login(username=username, password=demo.DEMO_PASSWORD)

    def test_the_demo_deputies_are_serving_district_deputies_in_different_streets(self):
        first = Deputy.objects.get(person__user__username="demo-deputy")
        second = Deputy.objects.get(person__user__username="demo-deputy-2")
        assert first.level == second.level == Level.DISTRICT
        assert first.is_serving(TODAY) and second.is_serving(TODAY)
        assert first.constituency.region.name == "岳阳街道"
        assert second.constituency.region != first.constituency.region

    def test_the_demo_committee_member_keeps_fixed_contact_with_the_demo_deputy(self):
        member = CommitteeMember.objects.get(person__user__username="demo-committee")
        assert member.committee.kind == CommitteeKind.STANDING
        contacts = member.fixed_contacts.all()
        assert 3 <= contacts.count() <= 5
        assert contacts.filter(person__user__username="demo-deputy").exists()


@pytest.mark.django_db
def test_demo_accounts_are_refused_when_not_allowed_but_the_registry_is_still_seeded(settings):
    settings.ALLOW_DEMO_ACCOUNTS = False
    _, err = seed_demo()
    assert "ALLOW_DEMO_ACCOUNTS" in err
    assert "未创建演示账户" in err
    assert not User.objects.filter(username__in=demo.DEMO_USERNAMES).exists()
    assert Deputy.objects.count() >= 80
    assert Organization.objects.filter(name="岳阳街道人大工委").exists()
    assert "请停用" not in err


@pytest.mark.django_db
def test_a_site_that_refuses_demo_accounts_is_warned_about_existing_ones(settings, monkeypatch):
    monkeypatch.setattr(APP_SEEDERS, ())
    settings.ALLOW_DEMO_ACCOUNTS = True
    seed_demo()
    settings.ALLOW_DEMO_ACCOUNTS = False
    _, err = seed_demo()
    assert "请停用" in err
    assert "demo-admin" in err


@pytest.mark.django_db
def test_a_changed_demo_row_is_put_back_without_creating_new_rows(demo_allowed, monkeypatch):
    monkeypatch.setattr(APP_SEEDERS, ())
    seed_demo()
    body = Organization.objects.get(name="岳阳街道人大工委")
    body.phone = "021-11112222"
    body.save()
    user = User.objects.get(username="demo-deputy")
    user.set_password("something else entirely")
    user.save()
    before = row_counts()
    seed_demo()
    body.refresh_from_db()
    assert body.phone != "021-11112222"
    assert User.objects.get(username="demo-deputy").check_password(demo.DEMO_PASSWORD)
    after = row_counts()
    # Only the history of the corrected rows grows (the user's history keeps no password, but records
    # that the account was saved when its password was put back).
    changed = {label for label in after if after[label] != before[label]}
    assert changed <= {"deputies.HistoricalOrganization", "accounts.HistoricalUser"}


@pytest.mark.django_db
def test_seed_demo_calls_the_other_apps_seeders_and_skips_missing_ones(demo_allowed, monkeypatch):
    calls = []
    fake = types.ModuleType("contacts.demo")
    fake.seed = lambda *, today, stdout: calls.append(today)
    monkeypatch.setitem(sys.modules, "contacts.demo", fake)
    monkeypatch.setattr(APP_SEEDERS, ("contacts.demo", "nonexistent_app_xyz.demo"))
    out, _ = seed_demo()
    assert calls == [TODAY]
    assert "nonexistent_app_xyz.demo" in out
