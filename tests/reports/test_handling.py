"""Handling statistics: counts by channel, level, state, region and month; times and on-time rates;
satisfaction; overdue assignments per handling unit; scope; exports; constant queries."""

import csv
import datetime
import io
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from feedback.models import Assignment, Opinion
from reports.handling import handling_stats
from tests import factories as f

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)
URL = "/reports/handling/"


def at(month, day, hour=10, year=2026):
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def unit(handling_unit):
    return handling_unit


@pytest.fixture
def opinions(yueyang, yueyang_community, yongfeng, unit):
    """Five opinions in 岳阳 (one via a community), two in 永丰, one of 2025."""
    rows = [
        # received, channel, level, state, routed, replied, fed back, rating, region
        (at(3, 2), "web", "street", "closed", at(3, 4), at(3, 20), at(3, 23), "satisfied", yueyang_community),
        (at(3, 9), "phone", "street", "fed_back", at(4, 20), at(5, 1), at(6, 30), "dissatisfied", yueyang),
        (at(5, 6), "web", "district", "assigned", at(5, 7), None, None, "", yueyang),
        (at(7, 1), "activity", "", "received", None, None, None, "", yueyang),
        (at(7, 15), "reception", "", "answered", None, None, None, "basic", yueyang),
        (at(4, 1), "web", "street", "routed", at(4, 2), None, None, "", yongfeng),
        (at(8, 1), "letter", "letters", "rejected", None, None, None, "", yongfeng),
        (at(6, 1, year=2025), "web", "street", "closed", at(6, 2, year=2025), None, None, "", yueyang),
    ]
    created = Opinion.objects.bulk_create(
        [
            Opinion(
                content="意见",
                received_at=received,
                channel=channel,
                level=level,
                state=state,
                routed_at=routed,
                replied_at=replied,
                fed_back_at=fed_back,
                rating=rating,
                region=region,
            )
            for received, channel, level, state, routed, replied, fed_back, rating, region in rows
        ]
    )
    Assignment.objects.bulk_create(
        [
            # replied on time, replied late, open and overdue
            Assignment(
                opinion=created[0],
                organization=unit,
                assigned_at=at(3, 4),
                due_at=at(3, 25),
                replied_at=at(3, 20),
            ),
            Assignment(
                opinion=created[1],
                organization=unit,
                assigned_at=at(4, 20),
                due_at=at(4, 30),
                replied_at=at(5, 1),
            ),
            Assignment(opinion=created[2], organization=unit, assigned_at=at(5, 7), due_at=at(8, 7)),
        ]
    )
    return created


def test_counts_by_channel_level_state_region_and_month_for_the_district(opinions, admin_user):
    stats = handling_stats(user=admin_user, year=2026, now=NOW)

    b = {key: {k: n for k, _label, n in rows} for key, rows in stats.breakdowns.items()}
    assert stats.received == 7
    assert b["channel"] == {"web": 3, "phone": 1, "activity": 1, "reception": 1, "letter": 1}
    assert b["level"] == {"street": 3, "district": 1, "letters": 1, "": 2}
    assert b["state"]["closed"] == 1 and b["state"]["rejected"] == 1 and sum(b["state"].values()) == 7
    regions = {label: n for _k, label, n in stats.breakdowns["region"]}
    assert regions == {"岳阳街道": 5, "永丰街道": 2}
    assert b["month"]["3"] == 2 and b["month"]["7"] == 2 and sum(b["month"].values()) == 7
    assert stats.answered == 3  # closed, fed back, answered by the deputy
    assert b["rating"] == {"satisfied": 1, "basic": 1, "dissatisfied": 1}
    assert stats.satisfaction_rate == pytest.approx(66.7)


def test_times_and_on_time_rates_follow_the_deadlines(opinions, admin_user):
    stats = handling_stats(user=admin_user, year=2026, now=NOW)
    route, reply, feedback = stats.steps["route"], stats.steps["reply"], stats.steps["feedback"]

    # Routed after 2, 42, 1 and 1 days: the 42-day one missed the 5 working days.
    assert (route.done, route.on_time) == (4, 3)
    assert route.average_days == pytest.approx((2 + 42 + 1 + 1) / 4, abs=0.1)
    # One reply before its due date, one a day late.
    assert (reply.done, reply.on_time, reply.on_time_rate) == (2, 1, 50.0)
    # Fed back 3 days and 60 days after the reply (15 days allowed).
    assert (feedback.done, feedback.on_time) == (2, 1)
    assert feedback.longest_days == pytest.approx(60, abs=0.1)


def test_overdue_assignments_are_listed_per_handling_unit(opinions, admin_user, unit):
    stats = handling_stats(user=admin_user, year=2026, now=NOW)

    assert [(u.name, u.count) for u in stats.overdue_units] == [(unit.name, 1)]
    item = stats.overdue_units[0].items[0]
    assert item["tracking_code"] == opinions[2].tracking_code
    assert item["due_at"] == "2026-08-07" and item["days_overdue"] == 113


def test_street_staff_count_only_their_streets_opinions(opinions, street_staff):
    stats = handling_stats(user=street_staff, year=2026, now=NOW)
    assert stats.received == 5
    assert {label for _k, label, _n in stats.breakdowns["region"]} == {"岳阳街道"}


def test_the_page_shows_figures_and_refuses_deputies(opinions, login, admin_user, deputy_user):
    page = login(admin_user).get(URL, {"year": 2026})
    content = page.content.decode()
    assert page.status_code == 200
    assert "2026年度社情民意办理统计" in content and "handling-chart-data" in content
    assert "逾期1件" in content
    assert login(deputy_user).get(URL).status_code == 403


def test_the_exports_carry_the_same_tables(opinions, login, admin_user):
    client = login(admin_user)
    as_csv = b"".join(client.get(URL, {"year": 2026, "format": "csv"}).streaming_content).decode("utf-8")
    as_xlsx = load_workbook(io.BytesIO(client.get(URL, {"year": 2026, "format": "xlsx"}).content))
    as_json = client.get("/api/v1/reports/handling/", {"year": 2026}).json()

    assert as_csv.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(as_csv.lstrip("\ufeff"))))
    assert ["收到意见（件）", "7"] in lines
    assert "按渠道" in as_xlsx.sheetnames and "办理时间" in as_xlsx.sheetnames
    assert as_json["received"] == 7 and as_json["steps"]["reply"]["on_time"] == 1


def test_the_statistics_run_the_same_number_of_queries_for_few_and_many_opinions(
    opinions, admin_user, yueyang, unit
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            handling_stats(user=admin_user, year=2026, now=NOW)
        return len(queries)

    few = count()
    rng = random.Random(3)
    more = Opinion.objects.bulk_create(
        [
            Opinion(
                content="意见",
                region=yueyang,
                received_at=at(rng.randint(1, 11), rng.randint(1, 28)),
                routed_at=at(11, 28),
                state="routed",
            )
            for _ in range(500)
        ]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(opinion=o, organization=unit, assigned_at=at(11, 28), due_at=at(11, 29))
            for o in more[:100]
        ]
    )
    f.OrganizationFactory(name="另一承办单位", kind="handling_unit")
    assert count() == few
