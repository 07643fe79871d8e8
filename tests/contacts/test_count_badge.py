"""The "进选区" badge on the activity record pages (issue 16): for each participating deputy, whether
the activity counts as a constituency contact by the quota's one rule, and why not when it does not."""

import datetime

import pytest
import time_machine

from contacts import quotas
from contacts.models import ActivityKind
from tests.contacts.factories import ContactActivityFactory, activity_for

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def _badges_of(page: str) -> str:
    return page.split("参加代表", 1)[1]


def test_a_joint_visit_counts_for_the_constituencys_deputy_only(login, street_staff, deputy, other_deputy):
    """Held in Alice's constituency (岳阳): it counts for her; Bob was elected in 永丰."""
    activity = ContactActivityFactory(
        constituency=deputy.constituency, participants=[deputy, other_deputy], date=datetime.date(2026, 6, 1)
    )
    client = login(street_staff)
    # Bob is outside the 岳阳 committee's jurisdiction, but the activity is visible through Alice.
    page = _badges_of(client.get(f"/activities/{activity.pk}/").content.decode())

    alice, bob = page.split("鲍勃", 1)
    assert "计入进选区联系" in alice and "不计入" not in alice
    assert "不计入进选区联系" in bob
    assert "不在该代表的选区" in bob
    # The badge says what the quota counts.
    assert quotas.progress_for_deputy(deputy, 2026).constituency_contacts.done == 1
    assert quotas.progress_for_deputy(other_deputy, 2026).constituency_contacts.done == 0


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"kind": ActivityKind.MAILBOX, "is_constituency_contact": False}, "不是进选区联系"),
        ({"planned": True, "date": datetime.date(2026, 6, 20)}, "计划中的活动"),
        ({"is_constituency_contact": False}, "未标记为进选区联系"),
    ],
)
def test_the_badge_gives_the_reason_when_it_does_not_count(login, deputy, changes, reason):
    activity = activity_for(deputy, **{"date": datetime.date(2026, 6, 1), **changes})
    page = _badges_of(login(deputy.person.user).get(f"/activities/{activity.pk}/").content.decode())

    assert "不计入进选区联系" in page
    assert reason in page
    year_end = datetime.date(2026, 12, 31)
    assert quotas.progress_for_deputy(deputy, 2026, as_of=year_end).constituency_contacts.done == 0


def test_the_record_page_shows_the_badge_for_that_deputy(login, deputy, yongfeng_constituency):
    activity_for(deputy, date=datetime.date(2026, 5, 1), summary="岳阳走访")
    activity_for(deputy, date=datetime.date(2026, 5, 2), constituency=yongfeng_constituency)
    page = login(deputy.person.user).get(f"/activities/deputies/{deputy.pk}/record/").content.decode()

    assert page.count("计入进选区联系") == 2  # one counted, one "不计入…"
    assert page.count("不计入进选区联系") == 1
    assert "不在该代表的选区" in page
