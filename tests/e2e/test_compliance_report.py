"""An administrator opens the compliance report, filters to a town and downloads the XLSX (and the
same report built in the background)."""

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import login_in_browser
from tests.reports.factories import build_world
from tests.reports.reference import expected_rows

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_filters_the_report_to_a_town_and_downloads_the_xlsx(
    page, admin_user, district_congress, town_congress, yueyang, yongfeng, sijing, tmp_path
):
    build_world(
        district_congress=district_congress,
        town_congress=town_congress,
        regions=[yueyang, yongfeng, sijing],
        deputies=24,
    )
    in_sijing = {v["name"] for v in expected_rows(2026).values() if v["region"] == sijing.pk}
    login_in_browser(page, admin_user.username)

    page.goto(f"{page.base_url}/reports/compliance/?year=2026")
    assert page.get_by_role("heading", name="2026年度代表履职情况报表").is_visible()
    assert page.locator("#report-table tbody tr").count() == len(expected_rows(2026))
    page.wait_for_function("document.querySelector('#chart-regions') && Chart.getChart('chart-regions')")
    # The table fits 1,280 px: no sideways scrolling, the status badges on one line.
    fits = "() => { const box = document.querySelector('#report-table').parentElement;"
    fits += " return box.scrollWidth <= box.clientWidth; }"
    assert page.evaluate(fits)
    badge = page.locator("#report-table .status-badge").first
    assert badge.evaluate("b => b.getClientRects().length") == 1

    page.select_option("#f-region", label="泗泾镇")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(f"**region={sijing.pk}**")
    assert page.locator("#report-table tbody tr").count() == len(in_sijing)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel 表格").click()
    download = download_info.value
    assert download.suggested_filename == "compliance-2026.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)

    workbook = load_workbook(target)
    names = set()
    for title in ("区级代表", "镇级代表"):
        rows = list(workbook[title].iter_rows(min_row=3, values_only=True))  # 1: title, 2: headers
        assert {row[2] for row in rows} == {"泗泾镇"}
        names |= {row[0] for row in rows}
    assert names == in_sijing

    # The same export built in the background: the page shows the progress, then a download link.
    page.select_option("#bg-format", "csv")
    page.get_by_role("button", name="后台生成").click()
    page.wait_for_url("**/reports/exports/*/")
    with page.expect_download() as background:
        page.get_by_role("link", name="下载文件").click()
    assert background.value.suggested_filename == "compliance-2026.csv"
