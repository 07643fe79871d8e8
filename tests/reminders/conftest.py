"""The world of the reminder scenarios, on top of the shared personas (tests/conftest.py).

District congress 2022–2026; in 岳阳: Alice (a login, Chinese), Carol (exempt for 2026), Dan (mandate
ended 1 February 2026), Erin (no login); in 永丰: Bob (a login, English); in 泗泾: Tom, a town deputy.
Liaison staff: `street_staff` (岳阳), `other_street_staff` (永丰), `town_staff` (泗泾).
"""

import datetime

import pytest

from accounts.models import Role
from deputies.models import DeputyStatus
from tests import factories as f
from tests.contacts.factories import OpinionFactory, QuotaExemptionFactory, activity_for


def add_contacts(deputy, *, plain=0, centralized=0, people=10, on=datetime.date(2026, 3, 10)):
    for _ in range(plain):
        activity_for(deputy, date=on, people_reached=people)
    for _ in range(centralized):
        activity_for(deputy, date=on, people_reached=people, is_centralized=True, kind="centralized")


def add_opinions(deputy, n, *, on=datetime.date(2026, 3, 11)):
    received_at = datetime.datetime.combine(on, datetime.time(10), tzinfo=datetime.UTC)
    for _ in range(n):
        OpinionFactory(deputy=deputy, region=deputy.constituency.region, received_at=received_at)


def make_deputy(name, *, congress, constituency, user=None, **kwargs):
    return f.DeputyFactory(
        person=f.PersonFactory(name=name, user=user), congress=congress, constituency=constituency, **kwargs
    )


@pytest.fixture
def world(
    deputy,
    other_deputy,
    other_deputy_user,
    district_congress,
    town_congress,
    yueyang_constituency,
    sijing,
    street_staff,
    other_street_staff,
    town_staff,
):
    other_deputy_user.language = "en"
    other_deputy_user.save()
    carol = make_deputy("卡罗尔", congress=district_congress, constituency=yueyang_constituency)
    QuotaExemptionFactory(deputy=carol, year=2026, reason="因病长期住院治疗")
    dan = make_deputy(
        "丹",
        congress=district_congress,
        constituency=yueyang_constituency,
        user=f.UserFactory(username="dan", role=Role.DEPUTY),
        status=DeputyStatus.ENDED,
        end_date=datetime.date(2026, 2, 1),
    )
    erin = make_deputy("艾琳", congress=district_congress, constituency=yueyang_constituency)
    sijing_constituency = f.ConstituencyFactory(congress=town_congress, region=sijing, name="泗泾第1选区")
    tom = make_deputy(
        "汤姆",
        congress=town_congress,
        constituency=sijing_constituency,
        user=f.UserFactory(username="tom", role=Role.DEPUTY),
    )
    return {"alice": deputy, "bob": other_deputy, "carol": carol, "dan": dan, "erin": erin, "tom": tom}
