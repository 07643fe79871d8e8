"""A deputy logs a contact activity with a photo from a phone and sees the progress bars move."""

import pytest
from PIL import Image

from tests.e2e.conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded photos go to a temporary folder, not the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


def bar(page, deputy, measure):
    return page.locator(f"#m{deputy.pk}-{measure} [role=progressbar]")


def test_a_deputy_logs_an_activity_with_a_photo_on_a_phone_and_sees_the_bars_move(
    phone_page, deputy, tmp_path
):
    photo = tmp_path / "forum.png"
    Image.new("RGB", (800, 600), (168, 21, 29)).save(photo)
    page = phone_page
    login_in_browser(page, deputy.person.user.username)

    page.goto(f"{page.base_url}/activities/my-year/")
    assert bar(page, deputy, "contacts").get_attribute("aria-valuenow") == "0"
    assert bar(page, deputy, "people").get_attribute("aria-valuenow") == "0"

    page.get_by_role("link", name="登记一次联系活动").click()
    page.select_option("#id_kind", "forum")
    page.check("#id_is_constituency_contact")
    page.check("#id_is_centralized")
    page.fill("#id_people_reached", "18")
    page.fill("#id_summary", "在人乐居委会召开座谈会，听取加装电梯的意见。")
    # Everything needed is on the first phone screen; the extras sit behind "选填".
    submit = page.get_by_role("button", name="保存活动")
    page.locator("details.more-fields summary").click()
    page.set_input_files("#id_photos", str(photo))
    submit.click()

    page.wait_for_url("**/activities/my-year/**")
    assert "活动已登记" in page.content()
    assert bar(page, deputy, "contacts").get_attribute("aria-valuenow") == "1"
    assert bar(page, deputy, "centralized").get_attribute("aria-valuenow") == "1"
    assert bar(page, deputy, "people").get_attribute("aria-valuenow") == "18"
    assert "18</strong> / 40 人次" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/h7-myyear.png", full_page=True)  # noqa: S108 (for review)
    assert deputy.contact_activities.get().photos.count() == 1


def test_the_activity_form_fits_one_phone_screen(phone_page, deputy):
    page = phone_page
    login_in_browser(page, deputy.person.user.username)

    page.goto(f"{page.base_url}/activities/new/")

    button = page.get_by_role("button", name="保存活动").bounding_box()
    assert button["y"] + button["height"] <= 740  # the save button is on the first screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/h7-form.png", full_page=True)  # noqa: S108 (for review)
