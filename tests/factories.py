"""factory_boy factories for the registry and accounts. App-specific factories live beside their
tests (`tests/<app>/factories.py`) and build on these."""

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from deputies import models as m


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = m.Region
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"测试街道{n}")
    kind = m.RegionKind.STREET
    code = factory.Sequence(lambda n: f"region-{n}")
    parent = None


class CommunityFactory(RegionFactory):
    name = factory.Sequence(lambda n: f"测试居委会{n}")
    kind = m.RegionKind.COMMUNITY
    parent = factory.SubFactory(RegionFactory)


class CongressFactory(DjangoModelFactory):
    class Meta:
        model = m.Congress

    level = m.Level.DISTRICT
    region = factory.SubFactory(RegionFactory, kind=m.RegionKind.DISTRICT, name="松江区", code="songjiang")
    term_number = factory.Sequence(lambda n: 100 + n)
    name = factory.LazyAttribute(lambda o: f"{o.region.name}第{o.term_number}届人民代表大会")
    start_date = datetime.date(2022, 1, 1)
    end_date = datetime.date(2026, 12, 31)


class ConstituencyFactory(DjangoModelFactory):
    class Meta:
        model = m.Constituency

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"第{n}选区")
    number = factory.Sequence(lambda n: n)
    region = factory.SubFactory(RegionFactory)


class DeputyGroupFactory(DjangoModelFactory):
    class Meta:
        model = m.DeputyGroup

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"第{n}代表小组")
    region = factory.SubFactory(RegionFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")
    role = Role.PUBLIC


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = m.Person

    name = factory.Sequence(lambda n: f"代表{n}")
    gender = m.Gender.FEMALE


class DeputyFactory(DjangoModelFactory):
    class Meta:
        model = m.Deputy

    person = factory.SubFactory(PersonFactory)
    congress = factory.SubFactory(CongressFactory)
    constituency = factory.SubFactory(ConstituencyFactory, congress=factory.SelfAttribute("..congress"))
    group = factory.SubFactory(
        DeputyGroupFactory,
        congress=factory.SelfAttribute("..congress"),
        region=factory.SelfAttribute("..constituency.region"),
    )
    work_unit = "松江区某单位"
    position = "职员"
    public_phone = "021-57771234"
    private_phone = "13812345678"
    start_date = datetime.date(2022, 1, 1)


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = m.Organization

    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = m.OrganizationKind.STREET_COMMITTEE
    region = factory.SubFactory(RegionFactory)
    phone = "021-57770000"
    address = "松江区测试路1号"


class ContactPointFactory(DjangoModelFactory):
    class Meta:
        model = m.ContactPoint

    name = factory.Sequence(lambda n: f"代表联络站{n}")
    kind = m.ContactPointKind.STATION
    region = factory.SubFactory(RegionFactory)
    address = "松江区测试路2号"
    opening_hours = "工作日 9:00-17:00"
