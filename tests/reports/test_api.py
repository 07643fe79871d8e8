"""GET /api/v1/reports/compliance/: the progress contract per row, files, scope and query counts."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests.reports.conftest import grow_world
from tests.reports.reference import expected_rows

URL = "/api/v1/reports/compliance/"
MEASURES = ("constituency_contacts", "centralized_contacts", "people_reached", "opinions_reflected")


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return as_user


@pytest.mark.parametrize("year", [2025, 2026])
def test_rows_carry_the_progress_contract_and_equal_the_independent_computation(world, api, admin_user, year):
    response = api(admin_user).get(URL, {"year": year})

    assert response.status_code == 200
    data = response.json()
    assert data["year"] == year
    assert data["count"] == len(data["results"])
    expected = expected_rows(year)
    by_id = {row["deputy"]: row for row in data["results"]}
    assert set(by_id) == set(expected)
    for deputy_id, want in expected.items():
        row = by_id[deputy_id]
        assert row["name"] == want["name"]
        for measure in MEASURES:
            assert row[measure] == want[measure]
        assert row["compliant"] == want["compliant"]
        assert row["exempt"] == want["exempt"]
        assert isinstance(row["behind_pace"], bool)
    assert data["total"]["compliant"] == sum(v["compliant"] for v in expected.values())


def test_the_api_answers_csv_and_xlsx_files(world, api, admin_user):
    client = api(admin_user)

    as_csv = client.get(URL, {"year": 2026, "format": "csv"})
    as_xlsx = client.get(URL, {"year": 2026, "format": "xlsx"})

    lines = list(csv.reader(io.StringIO(b"".join(as_csv.streaming_content).decode("utf-8-sig"))))
    assert lines[0][0].startswith("2026年度代表履职情况报表")  # the title row, then the headers
    assert lines[1][0] == "代表"
    assert len(lines) - 2 == len(expected_rows(2026))
    workbook = load_workbook(io.BytesIO(as_xlsx.content))
    assert workbook["区级代表"]["A1"].value.startswith("2026年度代表履职情况报表")
    assert workbook["区级代表"]["A2"].value == "代表"


def test_an_unknown_format_is_a_400(world, api, admin_user):
    assert api(admin_user).get(URL, {"year": 2026, "format": "pdf"}).status_code == 400


def test_town_staff_cannot_export_another_towns_report_through_the_api(
    world, api, town_staff, yueyang, sijing
):
    client = api(town_staff)

    for fmt in ("json", "csv", "xlsx"):
        assert client.get(URL, {"year": 2026, "region": yueyang.pk, "format": fmt}).status_code == 404
    own = client.get(URL, {"year": 2026, "region": sijing.pk}).json()
    assert own["results"] and {row["region_name"] for row in own["results"]} == {"泗泾镇"}


def test_street_staff_get_only_their_streets_district_deputies(world, api, street_staff, yueyang):
    rows = api(street_staff).get(URL, {"year": 2026}).json()["results"]
    assert rows
    assert {(row["region_name"], row["level"]) for row in rows} == {("岳阳街道", "district")}


@pytest.mark.parametrize(
    "user_fixture,status", [(None, 403), ("deputy_user", 403), ("handling_unit_staff", 403)]
)
def test_the_public_deputies_and_handling_units_are_refused(world, api, request, user_fixture, status):
    user = request.getfixturevalue(user_fixture) if user_fixture else None
    assert api(user).get(URL, {"year": 2026}).status_code in (401, status)


def test_token_authentication_works_for_the_report(world, admin_user):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=admin_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(URL, {"year": 2026}).status_code == 200


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_the_api_runs_the_same_number_of_queries_for_10_and_1000_deputies(
    district_congress, town_congress, yueyang, yongfeng, sijing, admin_user, api, fmt
):
    client = api(admin_user)
    regions = [yueyang, yongfeng, sijing]

    def fetch():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"year": 2026, "format": fmt})
            if fmt == "csv":
                b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(queries)

    grow_world(district_congress, town_congress, regions, 10, seed=1)
    few = fetch()
    grow_world(district_congress, town_congress, regions, 990, seed=2)
    assert fetch() == few <= 6
