"""Response times in public: per street/town liaison body, per handling unit and per deputy, as a
page, CSV files and JSON (with the licence and the date of the figures), counted by hand here on a
small world in March 2026 (no public holiday), in a fixed number of queries, never a citizen's name."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from feedback.models import Assignment, OpinionState
from reports import response_times as rt
from tests.feedback.factories import OpinionFactory

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NAME, PHONE, ADDRESS = "张三丰", "13812345678", "人乐新村5号302室"
PAGE = reverse("reports:response_times")
API = "/api/v1/public/response-times/"


def at(month, day, hour=10):
    return datetime.datetime(2026, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def world(
    deputy, other_deputy, yueyang_community, yueyang, yongfeng, sijing, handling_unit, yueyang_committee
):
    private = {
        "submitter_name": NAME,
        "submitter_phone": PHONE,
        "submitter_address": ADDRESS,
        "consent": True,
    }
    # 岳阳 A: routed within 5 working days, the unit replied on time, fed back, satisfied.
    a = OpinionFactory(
        region=yueyang_community,
        deputy=deputy,
        state=OpinionState.CLOSED,
        received_at=at(3, 2),
        routed_at=at(3, 6),
        replied_at=at(3, 20),
        fed_back_at=at(3, 25),
        rating="satisfied",
        **private,
    )
    Assignment.objects.create(
        opinion=a, organization=handling_unit, assigned_at=at(3, 6), due_at=at(3, 27), replied_at=at(3, 20)
    )
    # 岳阳 B: routed late (due Monday 9 March), the unit replied late, not fed back yet.
    b = OpinionFactory(
        region=yueyang,
        deputy=deputy,
        state=OpinionState.REPLIED,
        received_at=at(3, 2),
        routed_at=at(3, 16),
        replied_at=at(3, 30),
        **private,
    )
    Assignment.objects.create(
        opinion=b, organization=handling_unit, assigned_at=at(3, 16), due_at=at(3, 20), replied_at=at(3, 30)
    )
    # 永丰 C: the deputy answered directly after two days; basically satisfied.
    OpinionFactory(
        region=yongfeng,
        deputy=other_deputy,
        state=OpinionState.ANSWERED,
        received_at=at(3, 2),
        fed_back_at=at(3, 4),
        rating="basic",
        **private,
    )
    # Not counted: one in moderation, one from the year before.
    OpinionFactory(region=yueyang, deputy=deputy, state=OpinionState.MODERATION, received_at=at(3, 3))
    OpinionFactory(
        region=yueyang, deputy=deputy, received_at=datetime.datetime(2025, 12, 31, 12, tzinfo=SHANGHAI)
    )


def by_key(rows, key, value):
    return next(row for row in rows if row[key] == value)


def test_the_figures_per_body_unit_and_deputy(world, handling_unit, deputy, other_deputy):
    data = rt.response_times(2026, today=datetime.date(2026, 4, 1)).as_dict()

    assert data["year"] == 2026 and data["as_of"] == "2026-04-01" and "CC BY 4.0" in data["licence"]
    yueyang = by_key(data["bodies"], "place", "岳阳街道")
    assert yueyang["body"] == "岳阳街道人大工委"
    assert {k: yueyang[k] for k in ("received", "routed", "routed_within_5_working_days")} == {
        "received": 2,
        "routed": 2,
        "routed_within_5_working_days": 1,
    }
    assert (yueyang["unit_replies"], yueyang["unit_replies_on_time"], yueyang["on_time_rate"]) == (2, 1, 50.0)
    assert yueyang["median_days_to_answer"] == 23.0  # 18 and 28 days
    assert (yueyang["fed_back"], yueyang["rated"], yueyang["satisfaction_rate"]) == (1, 1, 100.0)
    yongfeng = by_key(data["bodies"], "place", "永丰街道")
    assert (yongfeng["received"], yongfeng["routed"], yongfeng["routed_within_5_working_days_rate"]) == (
        1,
        0,
        None,
    )
    assert yongfeng["median_days_to_answer"] == 2.0
    sijing = by_key(data["bodies"], "place", "泗泾镇")
    assert sijing["received"] == 0 and sijing["satisfaction_rate"] is None

    unit = by_key(data["units"], "organization", handling_unit.pk)
    assert (unit["assigned"], unit["replies"], unit["replies_on_time"], unit["on_time_rate"]) == (
        2,
        2,
        1,
        50.0,
    )
    assert unit["median_days_to_reply"] == 14.0
    assert (unit["fed_back"], unit["rated"], unit["satisfied"]) == (1, 1, 1)

    assert [(d["deputy"], d["reflected"], d["answered"]) for d in data["deputies"]] == [
        (deputy.pk, 2, 2),
        (other_deputy.pk, 1, 1),
    ]


def test_the_page_the_csv_the_json_and_the_api_agree_and_name_no_citizen(world, citizen):
    page = citizen.get(PAGE, {"year": 2026})
    api = citizen.get(API, {"year": 2026})
    download = citizen.get(reverse("reports:response_times_json"), {"year": 2026})
    bodies_csv = citizen.get(reverse("reports:response_times_csv", args=["bodies"]), {"year": 2026})
    assert {r.status_code for r in (page, api, download, bodies_csv)} == {200}

    html = page.content.decode()
    assert "岳阳街道人大工委" in html and "CC BY 4.0" in html and "数据截至" in html
    assert 'rel="license"' in html and "<script>" not in html.replace('<script src="', "")
    assert api.json()["bodies"] == download.json()["bodies"]
    assert download["Content-Disposition"] == 'attachment; filename="response-times-2026.json"'

    rows = list(csv.reader(io.StringIO(bodies_csv.content.decode("utf-8-sig"))))
    assert "2026" in rows[0][0] and "数据截至" in rows[0][0]
    assert "CC BY 4.0" in rows[1][0]
    headers = rows[2]
    assert len(headers) == len(set(headers))
    yueyang = next(row for row in rows[3:] if row[0] == "岳阳街道")
    assert yueyang[headers.index("5个工作日内转交（件）")] == "1"
    assert yueyang[headers.index("答复用时中位数（天）")] == "23.0"

    for response in (page, api, download, bodies_csv):
        body = response.content.decode("utf-8-sig")
        for private in (NAME, PHONE, ADDRESS):
            assert private not in body
    for table in ("units", "deputies"):
        assert (
            citizen.get(reverse("reports:response_times_csv", args=[table]), {"year": 2026}).status_code
            == 200
        )
    assert citizen.get(reverse("reports:response_times_csv", args=["secrets"])).status_code == 404


def test_a_year_outside_the_range_is_refused(citizen):
    assert citizen.get(PAGE, {"year": "1900"}).status_code == 400
    assert citizen.get(API, {"year": "abc"}).status_code == 400


def test_a_unit_named_like_a_formula_stays_text_in_the_csv(world, citizen, handling_unit):
    handling_unit.name = "=HYPERLINK(1)"
    handling_unit.save()
    text = citizen.get(reverse("reports:response_times_csv", args=["units"]), {"year": 2026}).content.decode()
    assert "'=HYPERLINK(1)" in text


def test_a_fixed_number_of_queries_however_many_opinions(
    world, citizen, yueyang, handling_unit, django_assert_max_num_queries
):
    for i in range(30):
        opinion = OpinionFactory(
            region=yueyang, received_at=at(4, 1 + i % 20), routed_at=at(4, 25), replied_at=at(5, 1)
        )
        Assignment.objects.create(
            opinion=opinion,
            organization=handling_unit,
            assigned_at=at(4, 25),
            due_at=at(5, 15),
            replied_at=at(5, 1),
        )
    with django_assert_max_num_queries(10):
        assert citizen.get(API, {"year": 2026}).status_code == 200
    with django_assert_max_num_queries(12):
        assert citizen.get(PAGE, {"year": 2026}).status_code == 200
