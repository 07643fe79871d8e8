"""The dashboards on the home page (issue 6 item 5): each role sees its own figures, never another
jurisdiction's deputies nor a citizen's personal data, in a fixed number of queries.

The world, on 30 June 2026: Alice (岳阳) has one constituency contact with 10 people and four opinions
(one open without deadline, one 5 days and one 40 days overdue, one closed): behind pace. Dan (岳阳)
is exempt for 2026. Bob (永丰) has nothing and one open opinion: behind pace. The opinion 40 days
overdue is assigned to the handling unit.
"""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import QuotaExemption
from feedback.models import Assignment, OpinionState
from tests import factories as f
from tests.contacts.factories import activity_for
from tests.feedback.factories import OpinionFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 6, 30, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def dan(district_congress, yueyang_constituency):
    dan = f.DeputyFactory(
        person=f.PersonFactory(name="丹尼尔"), congress=district_congress, constituency=yueyang_constituency
    )
    QuotaExemption.objects.create(deputy=dan, year=2026, reason="因病长期住院治疗")
    return dan


@pytest.fixture
def world(deputy, other_deputy, dan, yueyang_community, yongfeng, handling_unit):
    activity_for(deputy, date=datetime.date(2026, 3, 10), people_reached=10)
    now = timezone.now()
    mine = {"deputy": deputy, "region": yueyang_community}
    opinions = {
        "open": OpinionFactory(**mine, state=OpinionState.RECEIVED, category="物业管理"),
        "late": OpinionFactory(
            **mine, state=OpinionState.ROUTED, due_at=now - datetime.timedelta(days=5), category="交通出行"
        ),
        "long_late": OpinionFactory(
            **mine,
            state=OpinionState.ASSIGNED,
            due_at=now - datetime.timedelta(days=40),
            category="市政设施",
            submitter_name="张三丰",
            submitter_phone="13900001111",
            submitter_address="人乐小区3号楼",
        ),
        "closed": OpinionFactory(**mine, state=OpinionState.CLOSED, due_at=now - datetime.timedelta(days=60)),
        "bob": OpinionFactory(deputy=other_deputy, region=yongfeng, state=OpinionState.RECEIVED),
    }
    Assignment.objects.create(
        opinion=opinions["long_late"],
        organization=handling_unit,
        assigned_at=now - datetime.timedelta(days=60),
        due_at=now - datetime.timedelta(days=40),
    )
    return opinions


def stat(content: str, name: str) -> str:
    match = re.search(rf'data-stat="{name}">\s*<span class="dash-stat-value[^"]*">([^<]+)</span>', content)
    assert match, f"no {name} figure on the page"
    return match.group(1).strip()


def home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_see_the_public_front_page_only(citizen, world):
    content = home(citizen)
    assert "按姓名查找代表" in content
    assert "data-dashboard" not in content
    assert "艾丽丝" not in content


def test_a_deputy_sees_her_quota_bars_pace_what_is_missing_and_her_queue(login, deputy_user, world):
    content = home(login(deputy_user))
    assert 'data-dashboard="deputy"' in content
    assert '<strong class="quota-done">10</strong> / 40 人次' in content
    assert '<strong class="quota-done">1</strong> / 4 次' in content
    assert '<strong class="quota-done">0</strong> / 2 次' in content
    # Four opinions name her this year (the closed one counts too): the quota is met.
    assert '<strong class="quota-done">4</strong> / 4 件' in content
    assert "进度落后" in content
    assert "还需进选区联系活动3次（其中集中联系2次）、联系群众30人次" in content
    assert (stat(content, "open"), stat(content, "overdue"), stat(content, "long_overdue")) == ("3", "2", "1")
    assert "/activities/my-year/" in content


def test_a_deputy_never_sees_another_deputys_progress(login, other_deputy_user, world):
    content = home(login(other_deputy_user))
    assert '<strong class="quota-done">0</strong> / 40 人次' in content
    assert (stat(content, "open"), stat(content, "overdue")) == ("1", "0")
    assert "10</strong> / 40" not in content


def test_street_staff_see_their_queue_and_their_deputies_behind_pace(login, street_staff, world, deputy):
    content = home(login(street_staff))
    assert 'data-dashboard="liaison"' in content
    assert (stat(content, "open"), stat(content, "overdue"), stat(content, "long_overdue")) == ("3", "2", "1")
    assert stat(content, "compliant") == "1 / 2"  # Dan (exempt) of Alice and Dan
    assert stat(content, "behind") == "1"
    assert f'data-deputy="{deputy.pk}"' in content
    assert f"/activities/deputies/{deputy.pk}/record/" in content
    assert "还需进选区联系活动3次" in content
    assert "鲍勃" not in content
    assert "?overdue=on" in content


def test_other_street_staff_see_only_bob(login, other_street_staff, world, other_deputy):
    content = home(login(other_street_staff))
    assert stat(content, "compliant") == "0 / 1"
    assert f'data-deputy="{other_deputy.pk}"' in content
    assert "艾丽丝" not in content
    assert (stat(content, "open"), stat(content, "overdue")) == ("1", "0")


def test_town_staff_have_no_deputies_of_the_streets(login, town_staff, world):
    content = home(login(town_staff))
    assert stat(content, "compliant") == "0 / 0"
    assert "艾丽丝" not in content and "鲍勃" not in content
    assert "没有进度落后的代表" in content


def test_the_behind_pace_list_puts_the_most_missing_first_and_stops_at_ten(
    login, street_staff, world, district_congress, yueyang_constituency, deputy
):
    for i in range(11):
        f.DeputyFactory(
            person=f.PersonFactory(name=f"落后代表{i:02d}"),
            congress=district_congress,
            constituency=yueyang_constituency,
        )
    content = home(login(street_staff))
    assert stat(content, "behind") == "12"
    assert content.count("list-group-item dash-row") == 10
    # Alice has done some of her quota: she is the least behind, so she is not among the first ten.
    assert f'data-deputy="{deputy.pk}"' not in content
    assert "仅列出还差最多的 10 名，共 12 名" in content


def test_handling_unit_staff_see_their_overdue_items_without_the_submitter(login, handling_unit_staff, world):
    content = home(login(handling_unit_staff))
    assert 'data-dashboard="unit"' in content
    assert (stat(content, "open"), stat(content, "overdue"), stat(content, "long_overdue")) == ("1", "1", "1")
    late = world["long_late"]
    assert late.tracking_code in content
    assert "市政设施" in content and "人乐居委会" in content
    assert "超期 40 天" in content
    for private in ("张三丰", "13900001111", "人乐小区3号楼", late.content):
        assert private not in content
    assert world["late"].tracking_code not in content


def test_a_committee_member_sees_the_progress_of_her_fixed_contacts(login, committee_member, world, deputy):
    content = home(login(committee_member))
    assert 'data-dashboard="committee"' in content
    row = re.search(rf'<tr data-deputy="{deputy.pk}">(.*?)</tr>', content, re.S).group(1)
    assert "艾丽丝" in row
    assert "1/4" in row and "10/40" in row and "4/4" in row
    assert "进度落后" in row
    assert "鲍勃" not in content and "丹尼尔" not in content


def test_an_administrator_sees_the_district_overview(login, admin_user, world, handling_unit):
    now = timezone.now()
    Assignment.objects.create(
        opinion=world["bob"],
        organization=handling_unit,
        assigned_at=now - datetime.timedelta(days=10),
        due_at=now - datetime.timedelta(days=2),
        replied_at=now - datetime.timedelta(days=5),
    )
    content = home(login(admin_user))
    assert 'data-dashboard="admin"' in content
    assert stat(content, "serving") == "3"
    assert stat(content, "compliant") == "33.3%"
    assert stat(content, "behind") == "2"
    assert stat(content, "exempt") == "1"
    assert stat(content, "received") == "5"
    assert (stat(content, "open"), stat(content, "overdue")) == ("4", "2")
    assert "严重超期 1" in content
    assert stat(content, "on-time-reply") == "100.0%"  # one reply, before its due date
    for url in ("/reports/compliance/", "/reports/handling/", "/opinions/queue/"):
        assert url in content
    assert "张三丰" not in content


# --- Query counts: the same for few and many deputies and opinions ------------------------------------


def grow(
    world, district_congress, yueyang_constituency, yueyang_community, handling_unit, committee_member_user, n
):
    """n more deputies in 岳阳 (each with an activity) and n more opinions, overdue and assigned, half
    of them naming Alice."""
    from deputies.models import CommitteeMember

    now = timezone.now()
    member = CommitteeMember.objects.filter(person__user=committee_member_user).first()
    for i in range(n):
        d = f.DeputyFactory(
            person=f.PersonFactory(name=f"增加代表{i:03d}"),
            congress=district_congress,
            constituency=yueyang_constituency,
        )
        activity_for(d, date=datetime.date(2026, 2, 1), people_reached=5 + i)
        opinion = OpinionFactory(
            deputy=world["open"].deputy if i % 2 else d,
            region=yueyang_community,
            state=OpinionState.ASSIGNED,
            due_at=now - datetime.timedelta(days=i),
            intake_event=False,
        )
        Assignment.objects.create(
            opinion=opinion,
            organization=handling_unit,
            assigned_at=now,
            due_at=now - datetime.timedelta(days=i),
        )
        if member is not None and i < 4:
            member.fixed_contacts.add(d)


def count_queries(client) -> int:
    client.get("/")  # warm up: memoised figures (the unread count) are read once per change
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "persona", ["deputy_user", "street_staff", "handling_unit_staff", "committee_member", "admin_user"]
)
def test_each_dashboard_runs_the_same_number_of_queries_for_5_and_60_deputies(
    request, client, persona, world, district_congress, yueyang_constituency, yueyang_community, handling_unit
):
    user = request.getfixturevalue(persona)
    committee_user = request.getfixturevalue("committee_member")
    grow(world, district_congress, yueyang_constituency, yueyang_community, handling_unit, committee_user, 2)
    client.force_login(user)
    few = count_queries(client)
    grow(world, district_congress, yueyang_constituency, yueyang_community, handling_unit, committee_user, 55)
    many = count_queries(client)
    assert few == many
    assert many <= 25
