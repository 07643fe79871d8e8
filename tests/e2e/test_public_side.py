"""The public side in Chromium, on a phone (360 px) and a desktop (1280 px): searching the archive of
published opinions, the response-time page and its CSV download, and the map as a place picker."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from feedback.models import Publication
from tests.feedback.factories import OpinionFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def _published(region, content, answer):
    return OpinionFactory(
        region=region,
        submitter_name="张三丰",
        submitter_phone="13812345678",
        publish=True,
        publication=Publication.APPROVED,
        public_content=content,
        public_answer=answer,
        published_at=datetime.datetime(2026, 9, 2, tzinfo=SHANGHAI),
    )


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_searching_the_archive(request, device, yueyang, yongfeng):
    page = request.getfixturevalue(device)
    _published(yueyang, "人乐新村路灯坏了很久", "路灯已修复")
    _published(yongfeng, "公交站台没有遮雨棚", "已增设遮雨棚")

    page.goto(f"{page.base_url}/opinions/archive/")
    expect(page.locator("[data-testid=archive] li")).to_have_count(2)
    page.get_by_label("搜索").fill("遮雨棚")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()

    items = page.locator("[data-testid=archive] li")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("公交站台没有遮雨棚")
    items.first.get_by_role("link").click()
    expect(page.get_by_test_id("public-answer")).to_have_text("已增设遮雨棚")
    assert "张三丰" not in page.content() and "13812345678" not in page.content()
    # Nothing overflows sideways on the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_response_time_page_and_its_csv(request, device, yueyang, yueyang_committee):
    page = request.getfixturevalue(device)
    OpinionFactory(region=yueyang)

    page.goto(f"{page.base_url}/reports/response-times/")
    expect(page.locator("[data-table=bodies]")).to_contain_text("岳阳街道人大工委")
    expect(page.get_by_test_id("open-data")).to_contain_text("CC BY 4.0")
    expect(page.locator("#chart-rt-bodies")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="各街道、镇联络机构 (CSV)").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert "数据截至" in rows[0][0]
    assert next(row for row in rows[3:] if row[0] == "岳阳街道")[2] == "1"


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_map_picks_the_place_on_the_opinion_form(request, device, yueyang, yongfeng, yueyang_community):
    page = request.getfixturevalue(device)
    page.goto(f"{page.base_url}/opinions/new/")
    page.locator(f".map-cell[data-region='{yueyang.pk}']").click()

    expect(page.locator("#id_street")).to_have_value(str(yueyang.pk))
    expect(page.locator(f".map-cell[data-region='{yueyang.pk}']")).to_have_attribute("aria-pressed", "true")
    # Choosing the street on the map refreshes its committees, as choosing it in the list does.
    expect(page.locator("#id_committee option", has_text="人乐居委会")).to_have_count(1)
    # And the keyboard works too.
    page.locator(f".map-cell[data-region='{yongfeng.pk}']").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_street")).to_have_value(str(yongfeng.pk))
    expect(page.locator(f".map-cell[data-region='{yueyang.pk}']")).to_have_attribute("aria-pressed", "false")


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_tracking_page_says_the_next_step_and_by_when(request, device, yueyang):
    page = request.getfixturevalue(device)
    due = datetime.datetime(2026, 3, 9, 23, 59, tzinfo=SHANGHAI)
    opinion = OpinionFactory(region=yueyang, state="assigned", due_at=due)

    page.goto(f"{page.base_url}/track/{opinion.tracking_code}")

    expect(page.get_by_test_id("next-step")).to_have_text("下一步：承办单位答复，答复期限为2026年3月9日。")
    expect(page.get_by_test_id("next-step")).to_be_in_viewport()
