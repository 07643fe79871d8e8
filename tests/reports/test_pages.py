"""The compliance report page and its downloads: content, scope, refusals, query counts."""

import csv
import io
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from openpyxl import load_workbook

from tests.reports.conftest import grow_world
from tests.reports.reference import expected_rows

URL = "/reports/compliance/"


def test_an_administrator_sees_every_deputy_with_subtotals_and_chart_data(world, login, admin_user):
    response = login(admin_user).get(URL, {"year": 2026})

    assert response.status_code == 200
    content = response.content.decode()
    assert "2026年度代表履职情况报表" in content
    expected = expected_rows(2026)
    assert len(response.context["report"].rows) == len(expected)
    for row in list(expected.values())[:5]:
        assert row["name"] in content
    assert "report-chart-data" in content
    assert "chart.umd.min.js" in content
    assert "按街道、镇" in content and "泗泾镇" in content
    # The print layout, in the report pages' stylesheet (no inline <style>: docs/csp.md).
    assert "/static/css/reports.css" in content
    assert "@media print" in Path(finders.find("css/reports.css")).read_text(encoding="utf-8")


def test_filtering_to_a_town_lists_only_that_towns_deputies(world, login, admin_user, sijing):
    response = login(admin_user).get(URL, {"year": 2026, "region": sijing.pk})

    rows = response.context["report"].rows
    assert rows
    assert {row.region_name for row in rows} == {"泗泾镇"}
    others = {v["name"] for v in expected_rows(2026).values() if v["region"] != sijing.pk}
    assert not any(name in response.content.decode() for name in others)


def test_town_staff_see_their_town_and_cannot_open_another_towns_report(world, login, town_staff, yueyang):
    client = login(town_staff)

    own = client.get(URL, {"year": 2026})
    other = client.get(URL, {"year": 2026, "region": yueyang.pk})
    other_export = client.get(URL, {"year": 2026, "region": yueyang.pk, "format": "xlsx"})

    assert {row.region_name for row in own.context["report"].rows} == {"泗泾镇"}
    assert other.status_code == 404
    assert other_export.status_code == 404


def test_town_staff_exports_contain_only_their_towns_deputies(world, login, town_staff, sijing):
    response = login(town_staff).get(URL, {"year": 2026, "format": "csv"})

    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    expected = {v["name"] for v in expected_rows(2026).values() if v["region"] == sijing.pk}
    assert lines[0][0].startswith("2026年度代表履职情况报表")  # the title row, then the headers
    assert {line[0] for line in lines[2:]} == expected
    assert lines[2:] and {line[2] for line in lines[2:]} == {"泗泾镇"}


@pytest.mark.parametrize("user_fixture", ["deputy_user", "handling_unit_staff"])
def test_deputies_and_handling_units_are_refused(world, login, request, user_fixture):
    response = login(request.getfixturevalue(user_fixture)).get(URL, {"year": 2026, "format": "csv"})
    assert response.status_code == 403


def test_the_public_is_sent_to_log_in(world, citizen):
    response = citizen.get(URL)
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_a_committee_member_sees_only_the_linked_deputy(world, login, committee_member):
    response = login(committee_member).get(URL, {"year": 2026})
    assert [row.name for row in response.context["report"].rows] == ["艾丽丝"]


def test_the_csv_download_is_streamed_with_a_bom_and_chinese_headers(world, login, admin_user):
    response = login(admin_user).get(URL, {"year": 2026, "format": "csv"})

    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="compliance-2026.csv"' in response["Content-Disposition"]
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    title, header = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))[:2]
    assert title[0].startswith("2026年度代表履职情况报表（数据截至")
    assert header[:4] == ["代表", "层级", "街道、镇", "代表小组"]
    assert "进选区联系（次）" in header and "尚缺" in header


def test_the_xlsx_download_has_a_sheet_per_level(world, login, admin_user):
    response = login(admin_user).get(URL, {"year": 2026, "format": "xlsx"})

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["区级代表", "镇级代表", "汇总"]


def test_sorting_links_reverse_the_order(world, login, admin_user):
    client = login(admin_user)
    first = client.get(URL, {"year": 2026, "sort": "people_reached"})
    assert "sort=-people_reached" in first.content.decode()
    reached = [row.progress.people_reached.done for row in first.context["report"].rows]
    assert reached == sorted(reached)


def test_a_bad_year_is_refused_with_400(login, admin_user):
    assert login(admin_user).get(URL, {"year": "twenty"}).status_code == 400


@pytest.mark.parametrize("fmt", [None, "csv", "xlsx", "json"])
def test_the_page_and_its_exports_run_the_same_number_of_queries_for_10_and_1000_deputies(
    district_congress,
    town_congress,
    yueyang,
    yongfeng,
    sijing,
    admin_user,
    login,
    fmt,
    django_assert_max_num_queries,
):
    client = login(admin_user)
    params = {"year": 2026, **({"format": fmt} if fmt else {})}
    regions = [yueyang, yongfeng, sijing]
    grow_world(district_congress, town_congress, regions, 10, seed=1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = client.get(URL, params)
        if fmt == "csv":
            b"".join(response.streaming_content)
    grow_world(district_congress, town_congress, regions, 990, seed=2)
    with django_assert_max_num_queries(len(few)):
        response = client.get(URL, params)
        if fmt == "csv":
            assert len(b"".join(response.streaming_content).splitlines()) > 700
    assert response.status_code == 200
