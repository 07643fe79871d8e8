"""Demo data for the registry, used by `manage.py seed_demo` (design.md, "Contracts").

Seeds the real territory of Songjiang District (6 streets, 11 towns; the residents' and village
committees below them are samples), the district congress and two town congresses, constituencies,
deputy groups, about 60 district and 30 town deputies with invented names, the Standing Committee and
its fixed contacts (§三(三)), special and working committees with deputies of their fields, the liaison
bodies and handling units with public contact details (§五(六)), the 家/站/点 venues with reception
duties for the coming weeks, and one demo account per role.

Idempotent: every row is looked up by a natural key and written only when it is missing or differs,
so a second run creates and changes nothing (not even history rows).
"""

from __future__ import annotations

import datetime
import itertools
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models, transaction

from accounts.models import Role, User

from .data import demo_registry as facts
from .data import territory
from .models import (
    Committee,
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

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - documented in README, refused when DEBUG is off
DEMO_USERNAMES = (
    "demo-deputy",
    "demo-deputy-2",
    "demo-street-staff",
    "demo-town-staff",
    "demo-unit-staff",
    "demo-committee",
    "demo-admin",
)


@dataclass
class SeedResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    accounts: list[str] = field(default_factory=list)
    accounts_refused: bool = False

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())


class _Seeder:
    def __init__(self, *, today: datetime.date, stdout: TextIO):
        self.today = today
        self.stdout = stdout
        self.result = SeedResult()
        self.names = facts.person_names()
        self.index_of: dict[int, int] = {}
        self.verified_hashes: set[str] = set()

    # --- generic idempotent writes ------------------------------------------------------------
    def upsert(self, model: type[models.Model], lookup: dict[str, Any], **values: Any) -> Any:
        """Get the row matching `lookup`; create it, or save only the fields that differ."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, **values)
            self.result.created[model.__name__] += 1
            return obj
        changed = [name for name, value in values.items() if not _same(obj, name, value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            self.result.updated[model.__name__] += 1
        return obj

    def set_m2m(self, obj: models.Model, name: str, targets: list[models.Model]) -> None:
        manager = getattr(obj, name)
        wanted = {t.pk for t in targets}
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(wanted)
            self.result.updated[f"{type(obj).__name__}.{name}"] += 1

    # --- the registry ----------------------------------------------------------------------------
    def regions(self) -> None:
        name, code = territory.DISTRICT
        self.district = self.upsert(Region, {"code": code}, name=name, kind=RegionKind.DISTRICT, parent=None)
        self.areas: list[Region] = []  # the streets and towns, in the order of territory.py
        self.roads: dict[str, str] = {}
        self.committees_of: dict[str, list[Region]] = {}
        for kind, rows in ((RegionKind.STREET, territory.STREETS), (RegionKind.TOWN, territory.TOWNS)):
            for area_name, area_code, road, committees in rows:
                area = self.upsert(
                    Region, {"code": area_code}, name=area_name, kind=kind, parent=self.district
                )
                self.areas.append(area)
                self.roads[area_code] = road
                self.committees_of[area_code] = [
                    self.upsert(
                        Region,
                        {"code": f"{area_code}-{suffix}"},
                        name=committee_name,
                        kind=_committee_kind(committee_name),
                        parent=area,
                    )
                    for committee_name, suffix in committees
                ]
        self.area_by_code = {a.code: a for a in self.areas}

    def congresses(self) -> None:
        self.district_congress = self.upsert(
            Congress,
            {"region": self.district, "term_number": facts.DISTRICT_CONGRESS["term_number"]},
            level=Level.DISTRICT,
            name=facts.DISTRICT_CONGRESS["name"],
            start_date=facts.DISTRICT_CONGRESS["start_date"],
            end_date=facts.DISTRICT_CONGRESS["end_date"],
        )
        self.town_congresses: dict[str, Congress] = {}
        for code in territory.DEMO_TOWN_CONGRESSES:
            town = self.area_by_code[code]
            self.town_congresses[code] = self.upsert(
                Congress,
                {"region": town, "term_number": facts.TOWN_TERM_NUMBER},
                level=Level.TOWN,
                name=f"{town.name}第十八届人民代表大会",
                start_date=facts.TOWN_TERM[0],
                end_date=facts.TOWN_TERM[1],
            )

    def constituencies_and_groups(self) -> None:
        # District: one constituency and one deputy group per street or town.
        self.district_constituency: dict[str, Constituency] = {}
        self.district_group: dict[str, DeputyGroup] = {}
        for number, area in enumerate(self.areas, start=1):
            constituency = self.upsert(
                Constituency,
                {"congress": self.district_congress, "name": f"{area.name}选区"},
                number=number,
                region=area,
            )
            self.set_m2m(constituency, "areas", self.committees_of[area.code])
            self.district_constituency[area.code] = constituency
            self.district_group[area.code] = self.upsert(
                DeputyGroup,
                {"congress": self.district_congress, "name": f"{area.name}区人大代表小组"},
                region=area,
            )
        # Towns: one constituency per committee, one group per town congress.
        self.town_constituencies: dict[str, list[Constituency]] = {}
        self.town_group: dict[str, DeputyGroup] = {}
        for code, congress in self.town_congresses.items():
            town = self.area_by_code[code]
            self.town_constituencies[code] = []
            for number, committee in enumerate(self.committees_of[code], start=1):
                constituency = self.upsert(
                    Constituency,
                    {"congress": congress, "name": f"{town.name}第{number}选区"},
                    number=number,
                    region=town,
                )
                self.set_m2m(constituency, "areas", [committee])
                self.town_constituencies[code].append(constituency)
            self.town_group[code] = self.upsert(
                DeputyGroup, {"congress": congress, "name": f"{town.name}镇人大代表小组"}, region=town
            )

    def organizations(self) -> None:
        phones = (f"021-5778{n:04d}" for n in itertools.count(1001))
        self.liaison_bodies(phones)
        self.district_bodies()
        self.units(phones)

    def liaison_bodies(self, phones) -> None:
        """The street's 人大工委 or the town's 人大办公室 of each street and town."""
        self.liaison_body: dict[str, Organization] = {}
        for number, area in enumerate(self.areas, start=1):
            is_street = area.kind == RegionKind.STREET
            self.liaison_body[area.code] = self.upsert(
                Organization,
                {"name": f"{area.name}人大工委" if is_street else f"{area.name}人大办公室"},
                kind=OrganizationKind.STREET_COMMITTEE if is_street else OrganizationKind.TOWN_OFFICE,
                region=area,
                phone=next(phones),
                email=f"{area.code}-rd@songjiang-liaison.example",
                address=f"松江区{self.roads[area.code]}{100 + number * 7}号",
                description=(
                    f"服务在{area.name}选出的区人大代表，联系本街道选民。"
                    if is_street
                    else f"服务在{area.name}选出的区、镇人大代表，承担镇人大主席团日常工作。"
                ),
            )

    def district_bodies(self) -> None:
        self.district_body: dict[str, Organization] = {}
        for number, (name, kind, description) in enumerate(facts.DISTRICT_BODIES, start=1):
            self.district_body[kind] = self.upsert(
                Organization,
                {"name": name},
                kind=kind,
                region=self.district,
                phone=f"021-5773{number:04d}",
                email=f"{kind.replace('_', '-')}@songjiang-liaison.example",
                address=f"松江区园中路1号 {number}0{number}室",
                description=description,
            )

    def units(self, phones) -> None:
        """The handling units: district departments, and one street's and one town's government."""
        self.handling_units: list[Organization] = []
        for number, (name, fields_) in enumerate(facts.HANDLING_UNITS, start=1):
            self.handling_units.append(
                self.upsert(
                    Organization,
                    {"name": name},
                    kind=OrganizationKind.HANDLING_UNIT,
                    region=self.district,
                    phone=f"021-3773{number:04d}",
                    email=f"unit{number:02d}@songjiang-liaison.example",
                    address=f"松江区乐都路{200 + number * 11}号",
                    description=f"承办单位，主管{fields_}。",
                )
            )
        for area_code, name in (("yueyang", "岳阳街道办事处"), ("sijing", "泗泾镇人民政府")):
            area = self.area_by_code[area_code]
            self.handling_units.append(
                self.upsert(
                    Organization,
                    {"name": name},
                    kind=OrganizationKind.HANDLING_UNIT,
                    region=area,
                    phone=next(phones),
                    email=f"{area_code}-gov@songjiang-liaison.example",
                    address=f"松江区{self.roads[area_code]}8号",
                    description="承办单位，办理转交本街镇的事项。",
                )
            )

    def contact_points(self) -> None:
        self.home: dict[str, ContactPoint] = {}
        for number, area in enumerate(self.areas, start=1):
            body = self.liaison_body[area.code]
            self.home[area.code] = self.upsert(
                ContactPoint,
                {"region": area, "name": f"{area.name}人大代表之家"},
                kind=ContactPointKind.HOME,
                organization=body,
                address=f"松江区{self.roads[area.code]}{100 + number * 7}号一楼",
                opening_hours=facts.OPENING_HOURS,
                reception_schedule=facts.HOME_SCHEDULE,
                phone=body.phone,
            )
            first_committee = self.committees_of[area.code][0]
            self.upsert(
                ContactPoint,
                {"region": first_committee, "name": f"{first_committee.name}代表联络站"},
                kind=ContactPointKind.STATION,
                organization=body,
                address=f"松江区{self.roads[area.code]}{300 + number * 3}弄{number}号",
                opening_hours=facts.STATION_HOURS,
                reception_schedule=facts.STATION_SCHEDULE,
                phone=f"021-5779{number:04d}",
            )
        for number, (code, name, address) in enumerate(facts.POINTS, start=1):
            area = self.area_by_code[code]
            self.upsert(
                ContactPoint,
                {"region": area, "name": name},
                kind=ContactPointKind.POINT,
                organization=self.liaison_body[code],
                address=f"松江区{address}",
                opening_hours="每月第三个周五 14:00—16:30",
                reception_schedule="每月第三个周五下午 代表联系点接待",
                phone=f"021-5780{number:04d}",
            )
        self.upsert(
            ContactPoint,
            {"region": self.district, "name": "松江区人大代表之家"},
            kind=ContactPointKind.HOME,
            organization=self.district_body[OrganizationKind.STANDING_OFFICE],
            address="松江区园中路1号",
            opening_hours=facts.OPENING_HOURS,
            reception_schedule="每月15日上午 区人大常委会组成人员和代表接待",
            phone="021-57730001",
        )

    def person(self, *, code: str, index: int) -> Person:
        name, gender = self.names[index]
        person = self.upsert(Person, {"registry_code": code}, name=name, gender=gender)
        self.index_of[person.pk] = index
        return person

    def deputy(self, *, person: Person, congress: Congress, index: int, **values: Any) -> Deputy:
        area_name = values.pop("area_name")
        unit, position, fields_ = territory.WORK_UNITS[index % len(territory.WORK_UNITS)]
        defaults = {
            "work_unit": unit.format(area=area_name),
            "position": position,
            "fields": fields_,
            "public_phone": f"021-5776{index:04d}",
            "public_email": f"deputy{index:03d}@songjiang-liaison.example" if index % 3 == 0 else "",
            "private_phone": f"139{16000000 + index:08d}",
            "status": DeputyStatus.SERVING,
            "start_date": congress.start_date,
            "end_date": None,
            "end_reason": "",
        }
        defaults.update(values)
        return self.upsert(Deputy, {"person": person, "congress": congress}, **defaults)

    def deputies(self) -> None:
        index = self.seat_district_deputies()
        index = self.by_election(index)
        self.person_index = self.seat_town_deputies(index)
        self.name_group_leaders()

    def seat_district_deputies(self) -> int:
        """The district deputies of each street and town; returns the last person index used."""
        index = 0
        self.district_deputies: dict[str, list[Deputy]] = {}
        for area in self.areas:
            if area.kind == RegionKind.STREET:
                seats = facts.DISTRICT_SEATS_STREET
            elif area.code in self.town_congresses:
                seats = facts.DISTRICT_SEATS_BIG_TOWN
            else:
                seats = facts.DISTRICT_SEATS_TOWN
            mandates = []
            for _seat in range(seats):
                index += 1
                person = self.person(code=f"SJ6-{index:03d}", index=index)
                mandates.append(
                    self.deputy(
                        person=person,
                        congress=self.district_congress,
                        index=index,
                        area_name=area.name,
                        constituency=self.district_constituency[area.code],
                        group=self.district_group[area.code],
                        contact_point=self.home[area.code],
                    )
                )
            self.district_deputies[area.code] = mandates
        return index

    def by_election(self, index: int) -> int:
        """One ended mandate and the deputy elected in the by-election that followed (方松街道)."""
        area = self.area_by_code["fangsong"]
        index += 1
        self.ended_deputy = self.deputy(
            person=self.person(code=f"SJ6-{index:03d}", index=index),
            congress=self.district_congress,
            index=index,
            area_name=area.name,
            constituency=self.district_constituency["fangsong"],
            group=self.district_group["fangsong"],
            contact_point=self.home["fangsong"],
            status=DeputyStatus.ENDED,
            end_date=datetime.date(2025, 6, 30),
            end_reason="因工作调动，辞去区人大代表职务",
        )
        index += 1
        self.district_deputies["fangsong"].append(
            self.deputy(
                person=self.person(code=f"SJ6-{index:03d}", index=index),
                congress=self.district_congress,
                index=index,
                area_name=area.name,
                constituency=self.district_constituency["fangsong"],
                group=self.district_group["fangsong"],
                contact_point=self.home["fangsong"],
                start_date=datetime.date(2025, 9, 1),
            )
        )
        return index

    def seat_town_deputies(self, index: int) -> int:
        """Town deputies; the first district deputy of each of these towns also holds a town mandate
        (R-REG-1: one person, a district and a town mandate)."""
        self.town_deputies: dict[str, list[Deputy]] = {}
        for code, congress in self.town_congresses.items():
            town = self.area_by_code[code]
            dual = self.district_deputies[code][0]
            mandates = []
            for seat, constituency in enumerate(
                c for c in self.town_constituencies[code] for _ in range(facts.TOWN_SEATS_PER_CONSTITUENCY)
            ):
                if seat == 0:
                    person, deputy_index = dual.person, self.index_of[dual.person_id]
                else:
                    index += 1
                    person = self.person(code=f"{code.upper()}18-{seat:03d}", index=index)
                    deputy_index = index
                mandates.append(
                    self.deputy(
                        person=person,
                        congress=congress,
                        index=deputy_index,
                        area_name=town.name,
                        constituency=constituency,
                        group=self.town_group[code],
                        contact_point=self.home[code],
                    )
                )
            self.town_deputies[code] = mandates
        return index

    def name_group_leaders(self) -> None:
        for code, group in self.district_group.items():
            leader = self.district_deputies[code][0].person.name
            self.upsert(DeputyGroup, {"pk": group.pk}, leader_name=leader)
        for code, group in self.town_group.items():
            leader = self.town_deputies[code][1].person.name
            self.upsert(DeputyGroup, {"pk": group.pk}, leader_name=leader)

    def committees(self) -> None:
        """R-REG-5: each Standing Committee member keeps fixed contact with the 3–5 serving district
        deputies of one deputy group; R-REG-6: special and working committees with deputies of their
        fields."""
        standing = self.upsert(
            Committee,
            {"congress": self.district_congress, "name": facts.STANDING_COMMITTEE_NAME},
            kind=CommitteeKind.STANDING,
            fields="",
        )
        member_areas = [a.code for a in self.areas if a.kind == RegionKind.STREET]
        member_areas += list(self.town_congresses)
        self.standing_members: list[CommitteeMember] = []
        for number, (area_code, title) in enumerate(zip(member_areas, facts.STANDING_TITLES, strict=True), 1):
            person = self.person(code=f"SJCW-{number:02d}", index=self.person_index + number)
            member = self.upsert(CommitteeMember, {"committee": standing, "person": person}, title=title)
            contacts = [d for d in self.district_deputies[area_code] if d.status == DeputyStatus.SERVING][
                : CommitteeMember.MAX_FIXED_CONTACTS
            ]
            if len(contacts) < CommitteeMember.MIN_FIXED_CONTACTS:
                raise ValueError(f"demo data: {area_code} has too few deputies for fixed contacts")
            self.set_m2m(member, "fixed_contacts", contacts)
            self.standing_members.append(member)

        serving = [d for mandates in self.district_deputies.values() for d in mandates]
        for name, kind, fields_ in facts.SPECIAL_COMMITTEES:
            committee = self.upsert(
                Committee, {"congress": self.district_congress, "name": name}, kind=kind, fields=fields_
            )
            wanted = set(fields_.split("、"))
            self.set_m2m(committee, "deputies", [d for d in serving if wanted & set(d.fields.split("、"))])

    def reception_duties(self) -> None:
        """Who is on duty at each street's or town's 代表之家 on the coming Wednesdays."""
        first = self.today + datetime.timedelta(days=(facts.RECEPTION_WEEKDAY - self.today.weekday()) % 7)
        for area in self.areas:
            on_duty = self.district_deputies[area.code] + self.town_deputies.get(area.code, [])[1:]
            on_duty = [d for d in on_duty if d.status == DeputyStatus.SERVING]
            for week in range(facts.RECEPTION_WEEKS):
                self.upsert(
                    ReceptionDuty,
                    {
                        "contact_point": self.home[area.code],
                        "date": first + datetime.timedelta(weeks=week),
                        "deputy": on_duty[week % len(on_duty)],
                    },
                    start_time=datetime.time(9, 0),
                    end_time=datetime.time(11, 30),
                )

    # --- demo accounts ---------------------------------------------------------------------------
    def accounts(self) -> None:
        yueyang, yongfeng = self.district_deputies["yueyang"][0], self.district_deputies["yongfeng"][0]
        committee_member = self.standing_members[0]
        specs = [
            ("demo-deputy", Role.DEPUTY, None, yueyang.person, {}),
            ("demo-deputy-2", Role.DEPUTY, None, yongfeng.person, {}),
            ("demo-street-staff", Role.LIAISON_STAFF, self.liaison_body["yueyang"], None, {"is_staff": True}),
            ("demo-town-staff", Role.LIAISON_STAFF, self.liaison_body["sijing"], None, {"is_staff": True}),
            ("demo-unit-staff", Role.UNIT_STAFF, self.handling_units[0], None, {}),
            ("demo-committee", Role.COMMITTEE_MEMBER, None, committee_member.person, {}),
            ("demo-admin", Role.ADMIN, None, None, {"is_staff": True, "is_superuser": True}),
        ]
        for username, role, organization, person, flags in specs:
            display_name = person.name if person else f"{organization or '系统管理员'}（演示）"
            user = self.upsert(
                User,
                {"username": username},
                role=role,
                organization=organization,
                display_name=display_name,
                is_active=True,
                is_staff=flags.get("is_staff", False),
                is_superuser=flags.get("is_superuser", False),
            )
            if not self.has_demo_password(user):
                user.password = self.demo_password_hash()
                user.save(update_fields=["password"])
            if person is not None and person.user_id != user.pk:
                Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
                person.user = user
                person.save(update_fields=["user"])
                self.result.updated["Person"] += 1
            self.result.accounts.append(username)

    def demo_password_hash(self) -> str:
        # Hashing is deliberately slow; the demo accounts share one hash of their published password.
        if not self.verified_hashes:
            self.verified_hashes.add(make_password(DEMO_PASSWORD))
        return next(iter(self.verified_hashes))

    def has_demo_password(self, user: User) -> bool:
        if user.password in self.verified_hashes:
            return True
        if user.password and check_password(DEMO_PASSWORD, user.password):
            self.verified_hashes.add(user.password)
            return True
        return False


def _committee_kind(name: str) -> str:
    return RegionKind.VILLAGE if name.endswith("村委会") else RegionKind.COMMUNITY


def _same(obj: models.Model, name: str, value: Any) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.is_relation and model_field.many_to_one:
        return getattr(obj, model_field.attname) == (value.pk if value is not None else None)
    return getattr(obj, name) == value


@transaction.atomic
def seed(
    *, today: datetime.date, stdout: TextIO | None = None, create_accounts: bool | None = None
) -> SeedResult:
    """Seed (or bring up to date) the registry demo data and, when allowed, the demo accounts.

    `create_accounts` defaults to settings.ALLOW_DEMO_ACCOUNTS (DEBUG by default): demo accounts with a
    published password must never appear on a production site.
    """
    stdout = stdout or sys.stdout
    if create_accounts is None:
        create_accounts = settings.ALLOW_DEMO_ACCOUNTS
    seeder = _Seeder(today=today, stdout=stdout)
    seeder.regions()
    seeder.congresses()
    seeder.constituencies_and_groups()
    seeder.organizations()
    seeder.contact_points()
    seeder.deputies()
    seeder.committees()
    seeder.reception_duties()
    result = seeder.result
    if create_accounts:
        seeder.accounts()
    else:
        result.accounts_refused = True
    if result.created:
        stdout.write("  " + ", ".join(f"{name} +{count}" for name, count in sorted(result.created.items())))
    return result
