"""Friction found in issue 17, in Chromium: the confirmation page's copy button, the route form's
district fields, ticking a group's deputies when registering an activity, and chart labels that all
show on a phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login_in_browser
from tests.feedback.factories import OpinionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for_chart(page, canvas_id: str) -> None:
    """Wait until Chart.js has drawn on the canvas. (page.wait_for_function polls with eval, which the
    strict Content-Security-Policy refuses; page.evaluate does not need it.)"""
    script = f"typeof Chart !== 'undefined' && !!Chart.getChart('{canvas_id}')"
    for _ in range(100):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{canvas_id} was not drawn")


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_copy_button_copies_the_tracking_code(request, device, yueyang):
    page = request.getfixturevalue(device)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.base_url)
    opinion = OpinionFactory(region=yueyang)
    page.goto(f"{page.base_url}/opinions/new/done/{opinion.tracking_code}/")
    page.get_by_role("button", name="复制查询码").click()
    expect(page.locator("[data-copy-status]")).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == opinion.tracking_code
    expect(page.get_by_test_id("sms-notice")).to_be_visible()


def test_the_route_form_shows_district_fields_only_for_the_district_level(
    page, street_staff, deputy, yueyang_community, yueyang_committee
):
    opinion = OpinionFactory(region=yueyang_community, deputy=deputy, organization=yueyang_committee)
    login_in_browser(page, street_staff.username)
    page.goto(f"{page.base_url}/opinions/{opinion.pk}/")
    page.locator("#action-route summary").click()
    deputy = page.locator("#id_route-deputy")
    expect(deputy).to_be_hidden()
    page.select_option("#id_route-level", "district")
    expect(deputy).to_be_visible()
    expect(page.locator("#id_route-difficult")).to_be_visible()
    page.select_option("#id_route-level", "street")
    expect(deputy).to_be_hidden()


def test_choosing_a_group_ticks_its_deputies(page, street_staff, deputy):
    login_in_browser(page, street_staff.username)
    page.goto(f"{page.base_url}/activities/register/")
    box = page.locator(f"input[name=deputies][value='{deputy.pk}']")
    expect(box).not_to_be_checked()
    page.select_option("select[name=group]", str(deputy.group_id))
    expect(box).to_be_checked()
    page.select_option("select[name=group]", "")
    expect(box).not_to_be_checked()


def test_every_chart_label_shows_on_a_phone(
    phone_page, admin_user, district, district_congress, town_congress, yueyang, yongfeng, sijing
):
    from deputies.data import territory
    from deputies.models import RegionKind
    from tests import factories as f
    from tests.reports.factories import build_world

    taken = {"yueyang", "yongfeng", "sijing"}
    streets = [
        f.RegionFactory(name=name, code=code, kind=RegionKind.STREET, parent=district)
        for name, code, _road, _areas in territory.STREETS
        if code not in taken
    ]
    regions = [yueyang, yongfeng, *streets, sijing]
    build_world(
        district_congress=district_congress, town_congress=town_congress, regions=regions, deputies=24
    )
    page = phone_page
    login_in_browser(page, admin_user.username)
    page.goto(f"{page.base_url}/reports/compliance/?year=2026")
    _wait_for_chart(page, "chart-regions")
    shown = page.evaluate("Chart.getChart('chart-regions').scales.x.ticks.length")
    labels = page.evaluate("Chart.getChart('chart-regions').data.labels.length")
    assert labels == len(regions) and shown == labels
    # However narrow the screen and however many places, Chart.js is told never to drop a label.
    assert page.evaluate("Chart.getChart('chart-regions').options.scales.x.ticks.autoSkip") is False
    page.goto(f"{page.base_url}/reports/handling/")
    _wait_for_chart(page, "chart-months")
    assert page.evaluate("Chart.getChart('chart-months').scales.x.ticks.length") == 12
    assert page.evaluate("Chart.getChart('chart-channels').options.scales.y.ticks.autoSkip") is False
