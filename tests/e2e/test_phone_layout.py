"""On a phone (360 px) no page scrolls sideways, in Chinese or in English: wide tables scroll inside
their own box, and long labels wrap."""

import pytest

from tests.e2e.conftest import login_in_browser
from tests.reports.factories import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_compliance_report_and_the_offices_fit_a_phone_screen(
    phone_page,
    language,
    admin_user,
    district_congress,
    town_congress,
    yueyang,
    yongfeng,
    sijing,
    sijing_office,
):
    build_world(
        district_congress=district_congress,
        town_congress=town_congress,
        regions=[yueyang, yongfeng, sijing],
        deputies=12,
    )
    page = phone_page
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])

    page.goto(f"{page.base_url}/deputies/offices/")
    assert page_width(page) <= 360

    login_in_browser(page, admin_user.username)
    page.goto(f"{page.base_url}/reports/compliance/?year=2026")
    assert page.locator("#report-table tbody tr").count() > 0
    assert page_width(page) <= 360
    # The table itself is wider than the screen and scrolls in its own box.
    assert page.evaluate("document.querySelector('#report-table').scrollWidth") > 360
