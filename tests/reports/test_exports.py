"""The export files read back (openpyxl, csv, json), background exports and the command."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from reports import exports
from reports.models import Export
from reports.selectors import ReportFilters, compliance_report
from tests.reports.reference import expected_rows


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_xlsx_opens_with_a_formatted_frozen_filtered_header_and_a_sheet_per_level(world, admin_user):
    report = compliance_report(user=admin_user, year=2026)

    workbook = load_workbook(io.BytesIO(exports.xlsx_bytes(report)))

    assert workbook.sheetnames == ["区级代表", "镇级代表", "汇总"]
    district = workbook["区级代表"]
    for sheet in workbook.worksheets:  # every sheet opens with the title: year and date of the figures
        assert (
            sheet["A1"].value
            == f"2026年度代表履职情况报表（数据截至{exports.figures_date(report).isoformat()}）"
        )
    header = [cell.value for cell in district[2]]
    assert header == exports.headers()
    assert header[0] == "代表" and header[-1] == "尚缺"
    assert district["A2"].font.bold
    assert district.freeze_panes == "A3"
    assert district.auto_filter.ref.startswith("A2:")
    assert district.column_dimensions["R"].width >= 40
    levels = {row[1] for row in district.iter_rows(min_row=3, values_only=True)}
    assert levels == {"区级"}
    town_names = {row[0] for row in workbook["镇级代表"].iter_rows(min_row=3, values_only=True)}
    assert town_names == {v["name"] for v in expected_rows(2026).values() if v["level"] == "town"}
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    assert summary[-1][0] == "合计" and summary[-1][2] == len(report.rows)


def test_the_csv_parses_back_with_chinese_headers_and_the_reports_numbers(world, admin_user):
    report = compliance_report(user=admin_user, year=2025)

    text = exports.csv_bytes(report).decode("utf-8")
    assert text.startswith("\ufeff2025年度代表履职情况报表（数据截至")
    title, table = text.lstrip("\ufeff").split("\r\n", 1)
    rows = list(csv.DictReader(io.StringIO(table)))

    expected = {v["name"]: v for v in expected_rows(2025).values()}
    assert {row["代表"] for row in rows} == set(expected)
    for row in rows:
        want = expected[row["代表"]]
        assert int(row["联系群众（人次）"]) == want["people_reached"]["done"]
        assert int(row["进选区联系（次）"]) == want["constituency_contacts"]["done"]
        assert row["是否达标"] == ("是" if want["compliant"] else "否")


def test_the_json_export_is_the_api_shape(world, admin_user):
    report = compliance_report(user=admin_user, year=2026)
    data = json.loads(exports.json_bytes(report))
    assert data["count"] == len(expected_rows(2026))
    assert set(data["results"][0]) >= {
        "deputy",
        "name",
        "constituency_contacts",
        "compliant",
        "behind_pace",
        "exempt",
    }


def test_an_empty_report_still_makes_a_workbook(admin_user):
    report = compliance_report(user=admin_user, year=2026)
    workbook = load_workbook(io.BytesIO(exports.xlsx_bytes(report)))
    assert workbook.sheetnames == ["代表", "汇总"]


def test_a_background_export_builds_the_file_with_progress_and_a_download_link(
    world, login, town_staff, sijing, django_capture_on_commit_callbacks
):
    client = login(town_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/exports/", {"year": 2026, "format": "xlsx", "region": sijing.pk})

    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/exports/{export.pk}/"
    assert export.state == "done" and export.progress == 100
    assert export.rows == len([v for v in expected_rows(2026).values() if v["region"] == sijing.pk])
    status = client.get(f"/reports/exports/{export.pk}/status/").content.decode()
    assert "下载文件" in status and "hx-trigger" not in status
    download = client.get(f"/reports/exports/{export.pk}/download/")
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert {row[2] for row in workbook["区级代表"].iter_rows(min_row=3, values_only=True)} == {"泗泾镇"}


def test_a_running_export_page_polls_with_htmx_and_shows_progress(world, login, admin_user):
    export = Export.objects.create(
        format="csv", year=2026, requested_by=admin_user, state="running", progress=40
    )

    page = login(admin_user).get(f"/reports/exports/{export.pk}/").content.decode()

    assert 'hx-trigger="every 1s"' in page
    assert 'aria-valuenow="40"' in page and "40%" in page


def test_another_users_export_is_a_404(world, login, admin_user, town_staff):
    export = Export.objects.create(format="csv", year=2026, requested_by=admin_user)
    client = login(town_staff)
    for suffix in ("", "status/", "download/"):
        assert client.get(f"/reports/exports/{export.pk}/{suffix}").status_code == 404


def test_a_background_export_of_another_towns_report_is_refused(world, login, town_staff, yueyang):
    response = login(town_staff).post(
        "/reports/exports/", {"year": 2026, "format": "csv", "region": yueyang.pk}
    )
    assert response.status_code == 404
    assert not Export.objects.exists()


def test_a_redelivered_export_task_does_not_build_twice(world, admin_user):
    from reports import services

    export = Export.objects.create(format="json", year=2026, requested_by=admin_user)
    first = services.build_export(export_id=export.pk)
    name = first.file.name
    second = services.build_export(export_id=export.pk)
    assert second.file.name == name and second.state == "done"


def test_the_command_writes_each_format(world, tmp_path):
    for fmt in ("csv", "xlsx", "json"):
        target = tmp_path / f"report.{fmt}"
        call_command(
            "compliance_report",
            "--year",
            "2026",
            "--format",
            fmt,
            "--output",
            str(target),
            stderr=io.StringIO(),
        )
        assert target.stat().st_size > 0
    rows = list(csv.reader(io.StringIO((tmp_path / "report.csv").read_text("utf-8-sig"))))
    assert rows[0][0].startswith("2026年度代表履职情况报表")
    assert rows[1][0] == "代表" and len(rows) - 2 == len(expected_rows(2026))
    assert load_workbook(tmp_path / "report.xlsx").sheetnames[0] == "区级代表"
    assert json.loads((tmp_path / "report.json").read_text("utf-8"))["year"] == 2026


def test_the_command_prints_csv_to_standard_output_and_needs_a_file_for_xlsx(world):
    out = io.StringIO()
    call_command("compliance_report", "--year", "2025", "--format", "csv", stdout=out)
    assert out.getvalue().startswith("\ufeff2025年度代表履职情况报表")
    assert out.getvalue().splitlines()[1].startswith("代表,")
    with pytest.raises(CommandError):
        call_command("compliance_report", "--year", "2025", "--format", "xlsx")


def test_filters_are_kept_by_background_exports(world, admin_user):
    from reports import services

    export = Export.objects.create(
        format="json",
        year=2026,
        requested_by=admin_user,
        params={"level": "town", "region": None, "group": None, "compliant": None, "sort": ""},
    )
    services.build_export(export_id=export.pk)
    export.refresh_from_db()
    data = json.loads(export.file.read())
    assert {row["level"] for row in data["results"]} == {"town"}
    assert data["filters"] == ReportFilters(level="town").as_query()


def test_a_name_typed_as_a_formula_stays_text_in_the_xlsx_and_the_csv(world, admin_user):
    from deputies.models import Person

    formula = '=HYPERLINK("http://example.com/steal","点击")'
    person = Person.objects.filter(mandates__isnull=False).first()
    Person.objects.filter(pk=person.pk).update(name=formula)
    report = compliance_report(user=admin_user, year=2026)

    workbook = load_workbook(io.BytesIO(exports.xlsx_bytes(report)))
    cells = [row[0] for sheet in workbook.worksheets[:-1] for row in sheet.iter_rows(min_row=3)]
    typed = [cell for cell in cells if cell.value == formula]
    assert typed and all(cell.data_type == "s" for cell in typed)  # text, not a formula

    rows = list(csv.reader(io.StringIO(exports.csv_bytes(report).decode("utf-8").lstrip("\ufeff"))))
    assert "'" + formula in {row[0] for row in rows}
    assert formula not in {row[0] for row in rows}


def test_every_column_has_its_own_name_and_the_report_date_is_a_date(world, admin_user):
    import datetime

    names = exports.headers()
    assert len(names) == len(set(names))
    assert {"进选区联系应达（次）", "集中联系应达（次）", "联系群众应达（人次）"} <= set(names)
    report = compliance_report(user=admin_user, year=2026)
    workbook = load_workbook(io.BytesIO(exports.xlsx_bytes(report)))
    column = names.index("本届向选民报告履职日期")
    cells = [
        row[column]
        for sheet in workbook.worksheets[:-1]
        for row in sheet.iter_rows(min_row=3)
        if row[column].value
    ]
    assert cells, "the test data has deputies who reported to their voters"
    assert all(isinstance(cell.value, datetime.datetime | datetime.date) for cell in cells)
    assert all(cell.is_date and cell.number_format == "yyyy-mm-dd" for cell in cells)
    text = exports.csv_bytes(report).decode("utf-8").lstrip("\ufeff").split("\r\n", 1)[1]
    dates = {row["本届向选民报告履职日期"] for row in csv.DictReader(io.StringIO(text))} - {""}
    assert dates and all(datetime.date.fromisoformat(value) for value in dates)
