"""A visitor finds a deputy: home page search, profile, "find my deputy", then English."""

import os

import pytest
from playwright.sync_api import expect

from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry(deputy, other_deputy, yueyang, yueyang_community, yueyang_committee):
    venue = f.ContactPointFactory(
        name="岳阳街道代表之家", region=yueyang, address="中山中路100号", opening_hours="工作日 9:00-17:00"
    )
    deputy.work_unit = "松江区人民医院"
    deputy.contact_point = venue
    deputy.save()
    return deputy


def test_a_visitor_searches_opens_a_profile_finds_their_deputy_and_switches_to_english(page, registry):
    page.goto(f"{page.base_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    # Search by name from the home page.
    page.fill("#home-q", "艾丽丝")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(f"{page.base_url}/deputies/?q=%E8%89%BE%E4%B8%BD%E4%B8%9D")
    cards = page.locator(".deputy-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("松江区人民医院")

    # Open the profile.
    cards.first.locator("a").click()
    expect(page.locator("h1")).to_have_text("艾丽丝")
    expect(page.locator("main")).to_contain_text("岳阳街道代表之家")
    expect(page.locator("main")).to_contain_text("中山中路100号")
    expect(page.locator("main")).not_to_contain_text("13812345678")  # her private phone

    # Find my deputy: street, then residents' committee (loaded by htmx), then the result.
    page.goto(f"{page.base_url}/deputies/find/")
    page.select_option("#find-region", label="岳阳街道")
    area = page.locator("#find-area")
    expect(area).to_be_enabled()
    area.select_option(label="人乐居委会")
    page.locator("#find-form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("岳阳第1选区")
    expect(page.locator(".deputy-card")).to_contain_text("艾丽丝")
    expect(page.locator("main")).not_to_contain_text("鲍勃")

    # Switch to English: the switch posts to /i18n/setlang/ and comes back to the same page.
    switch = page.locator("button.lang-switch")
    expect(switch).to_have_text("English")
    with page.expect_response(lambda r: "/i18n/setlang/" in r.url and r.request.method == "POST"):
        switch.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("button.lang-switch")).to_have_text("中文")
    assert "/deputies/find/" in page.url


def test_the_directory_fits_a_phone_screen(phone_page, registry):
    page = phone_page
    page.goto(f"{page.base_url}/deputies/")
    expect(page.locator(".deputy-card").first).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling on a 360 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    search_box = page.locator("input[name=q]").bounding_box()
    assert search_box["height"] >= 44
    if os.environ.get("SCREENSHOT_PATH"):  # for a person to look at: SCREENSHOT_PATH=/tmp/directory.png
        page.screenshot(path=os.environ["SCREENSHOT_PATH"], full_page=True)
