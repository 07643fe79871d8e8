"""Quota reminders at the checkpoints of the year (§三(六), §五(一)): who is reminded, with which
missing numbers, and the liaison bodies' digests."""

import datetime

import pytest
import time_machine

from accounts.models import Notification, NotificationKind
from contacts import reminders
from contacts.tasks import send_quota_reminders
from tests import factories as f
from tests.reminders.conftest import add_contacts, add_opinions, make_deputy

pytestmark = pytest.mark.django_db

D = datetime.date


def reminded(day):
    """{recipient username: body} of the deputies' reminders for the checkpoint `day`."""
    rows = Notification.objects.filter(
        kind=NotificationKind.QUOTA_REMINDER, key__startswith=f"quota_reminder:{day.isoformat()}:"
    ).select_related("recipient")
    return {n.recipient.username: n.body for n in rows}


def digest(user, day):
    rows = Notification.objects.filter(
        recipient=user, kind=NotificationKind.QUOTA_DIGEST, key__startswith=f"quota_digest:{day.isoformat()}:"
    )
    return [n.body for n in rows]


@pytest.mark.parametrize(
    ("as_of", "checkpoint", "is_last"),
    [
        (D(2026, 3, 31), None, None),
        (D(2026, 4, 1), D(2026, 4, 1), False),
        (D(2026, 4, 7), D(2026, 4, 1), False),  # within the grace days: a missed run catches up
        (D(2026, 4, 8), None, None),
        (D(2026, 7, 1), D(2026, 7, 1), False),
        (D(2026, 10, 1), D(2026, 10, 1), False),
        (D(2026, 12, 1), D(2026, 12, 1), True),
        (D(2026, 12, 31), None, None),
    ],
)
def test_the_checkpoints_of_the_year(as_of, checkpoint, is_last):
    found = reminders.checkpoint_on(as_of)
    assert (found and found.day) == checkpoint
    assert (found and found.is_last) == is_last


def test_a_29_february_checkpoint_falls_on_28_february_in_a_common_year(settings):
    settings.QUOTA_REMINDER_CHECKPOINTS = ["02-29", "12-31"]
    assert reminders.quota_checkpoints(2027) == [D(2027, 2, 28), D(2027, 12, 31)]
    assert reminders.quota_checkpoints(2028) == [D(2028, 2, 29), D(2028, 12, 31)]


def test_on_1_april_the_deputies_behind_the_pace_are_reminded_with_what_is_missing(world):
    # Pace on 1 April (91 of 365 days): 9 person-times; the other measures round down to 0.
    add_contacts(world["alice"], plain=1, people=10)  # on pace
    result = send_quota_reminders(as_of="2026-04-01")

    bodies = reminded(D(2026, 4, 1))
    assert set(bodies) == {"bob", "tom"}
    assert bodies["tom"] == (
        "截至2026年4月1日，您作为泗泾镇第十八届人民代表大会代表，"
        "还需进选区联系活动4次（其中集中联系2次）、联系群众40人次、反映社情民意4次，请在2026年12月31日前完成。"
    )
    # Bob reads English: the same numbers, ISO dates, no Chinese sentence.
    assert "2026-04-01" in bodies["bob"] and "2026-12-31" in bodies["bob"]
    assert all(n in bodies["bob"] for n in ("4 ", "2 ", "40 "))
    assert "截至" not in bodies["bob"] and "还需" not in bodies["bob"]
    # Alice is on pace, Carol exempt, Dan's mandate ended; Erin has no login but is behind.
    assert set(result["deputies"]) == {world["bob"].pk, world["erin"].pk, world["tom"].pk}
    assert result["messages"] == 2


def test_on_1_july_the_pace_is_half_the_quota_rounded_down(world):
    # Pace on 1 July (182 of 365 days): 1 contact, 0 centralized, 19 person-times, 1 opinion.
    add_contacts(world["alice"], plain=1, people=18)  # one person-time short of the pace
    add_opinions(world["alice"], 1)
    add_contacts(world["bob"], plain=1, people=19)
    add_opinions(world["bob"], 1)

    send_quota_reminders(as_of="2026-07-01")

    bodies = reminded(D(2026, 7, 1))
    assert set(bodies) == {"alice", "tom"}
    assert "还需进选区联系活动3次（其中集中联系2次）、联系群众22人次、反映社情民意3次" in bodies["alice"]


def test_on_1_july_of_a_leap_year_the_pace_is_exactly_half(world, district_congress):
    # 2028 has 366 days; 1 July is day 183: the pace is 2 contacts, 1 centralized, 20 person-times.
    district_congress.end_date = D(2031, 12, 31)
    district_congress.save()
    alice = world["alice"]
    add_contacts(alice, plain=1, people=19, on=D(2028, 3, 1))
    add_opinions(alice, 1, on=D(2028, 3, 1))

    send_quota_reminders(as_of="2028-07-01", deputy_ids=[alice.pk])

    assert reminded(D(2028, 7, 1)) == {
        "alice": "截至2028年7月1日，您作为松江区第六届人民代表大会代表，"
        "还需进选区联系活动3次（其中集中联系2次）、联系群众21人次、反映社情民意3次，请在2028年12月31日前完成。"
    }


def test_on_1_july_of_a_common_year_the_same_record_is_on_pace(world):
    alice = world["alice"]
    add_contacts(alice, plain=1, people=19, on=D(2026, 3, 1))
    add_opinions(alice, 1, on=D(2026, 3, 1))
    send_quota_reminders(as_of="2026-07-01", deputy_ids=[alice.pk])
    assert reminded(D(2026, 7, 1)) == {}


def test_at_the_last_checkpoint_everyone_short_of_any_quota_is_reminded_even_on_pace(world):
    alice, bob = world["alice"], world["bob"]
    # Alice: everything but one centralized contact (on pace on 1 December, still short).
    add_contacts(alice, plain=3, centralized=1, people=10)
    add_opinions(alice, 4)
    # Bob: the full quota.
    add_contacts(bob, plain=2, centralized=2, people=10)
    add_opinions(bob, 4)

    send_quota_reminders(as_of="2026-12-01")

    bodies = reminded(D(2026, 12, 1))
    assert set(bodies) == {"alice", "tom"}
    assert "还需集中联系选区1次" in bodies["alice"]


def test_on_31_december_as_the_last_checkpoint_the_remaining_shortfall_is_named(world, settings):
    settings.QUOTA_REMINDER_CHECKPOINTS = ["04-01", "07-01", "10-01", "12-31"]
    alice = world["alice"]
    add_contacts(alice, plain=3, centralized=2, people=12, on=D(2026, 12, 30))
    add_opinions(alice, 3, on=D(2026, 12, 30))

    with time_machine.travel(datetime.datetime(2026, 12, 31, 1, 0, tzinfo=datetime.UTC), tick=False):
        send_quota_reminders(deputy_ids=[alice.pk])  # no as_of: today in Asia/Shanghai

    assert reminded(D(2026, 12, 31)) == {
        "alice": "截至2026年12月31日，您作为松江区第六届人民代表大会代表，"
        "还需反映社情民意1次，请在2026年12月31日前完成。"
    }


def test_late_on_31_december_utc_is_already_the_next_year_in_shanghai(world, settings):
    settings.QUOTA_REMINDER_CHECKPOINTS = ["01-01", "12-31"]
    with time_machine.travel(datetime.datetime(2026, 12, 31, 17, 0, tzinfo=datetime.UTC), tick=False):
        result = send_quota_reminders(deputy_ids=[world["bob"].pk])
    assert result["period"] == "2027-01-01"


def test_each_liaison_body_gets_one_digest_of_its_own_deputies(
    world, street_staff, other_street_staff, town_staff
):
    second_yueyang_staff = f.UserFactory(
        username="carol-2", role=street_staff.role, organization=street_staff.organization
    )
    add_contacts(world["alice"], plain=1, people=10)

    send_quota_reminders(as_of="2026-04-01")
    send_quota_reminders(as_of="2026-04-02")  # the daily run again, within the grace days

    day = D(2026, 4, 1)
    # 岳阳: Erin (no login) is listed; Alice on pace, Carol exempt and Dan ended are not.
    for user in (street_staff, second_yueyang_staff):
        [body] = digest(user, day)
        assert body.startswith("艾琳（松江区第六届人民代表大会）：还需进选区联系活动4次")
        assert "艾丽丝" not in body and "卡罗尔" not in body and "丹" not in body
    [body] = digest(other_street_staff, day)
    assert body.startswith("鲍勃")
    # The town office serves its town deputies (and any district deputies elected in the town).
    [body] = digest(town_staff, day)
    assert body.startswith("汤姆（泗泾镇第十八届人民代表大会）")


def test_a_district_deputy_elected_in_a_town_is_in_the_town_offices_digest(
    world, district_congress, sijing, town_staff
):
    constituency = f.ConstituencyFactory(congress=district_congress, region=sijing, name="泗泾区级选区")
    make_deputy("泗泾区代表", congress=district_congress, constituency=constituency)
    send_quota_reminders(as_of="2026-04-01")
    [body] = digest(town_staff, D(2026, 4, 1))
    assert "泗泾区代表" in body and "汤姆" in body


def test_running_the_task_twice_creates_no_duplicates(world, street_staff):
    first = send_quota_reminders(as_of="2026-04-01")
    count = Notification.objects.count()
    second = send_quota_reminders(as_of="2026-04-01")
    assert count == 3 + 3  # Alice, Bob, Tom; the digests of 岳阳, 永丰 and 泗泾
    assert Notification.objects.count() == count
    assert (first["messages"], first["digests"]) == (3, 3)
    assert (second["messages"], second["digests"]) == (0, 0)


def test_no_reminders_between_checkpoints(world):
    assert send_quota_reminders(as_of="2026-05-15") == {
        "period": "",
        "deputies": [],
        "messages": 0,
        "texts": 0,
        "unreachable": 0,
        "digests": 0,
    }
    assert not Notification.objects.exists()


def test_reminders_are_emailed_once_in_the_recipients_language(
    world, other_deputy_user, mailoutbox, django_capture_on_commit_callbacks
):
    other_deputy_user.email = "bob@example.org"
    other_deputy_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_quota_reminders(as_of="2026-04-01")
        send_quota_reminders(as_of="2026-04-01")
    [email] = mailoutbox
    assert email.to == ["bob@example.org"]
    assert "2026-04-01" in email.body  # English: ISO dates


def test_the_sweep_takes_the_same_number_of_queries_for_few_and_many_deputies(
    world, district_congress, yueyang_constituency, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        send_quota_reminders(as_of="2026-04-01")
    for i in range(15):
        make_deputy(
            f"新代表{i}",
            congress=district_congress,
            constituency=yueyang_constituency,
            user=f.UserFactory(username=f"new-{i}"),
        )
    with CaptureQueriesContext(connection) as many:
        send_quota_reminders(as_of="2026-07-01")
    assert len(many) == len(few)
