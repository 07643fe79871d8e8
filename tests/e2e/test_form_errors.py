"""On a phone, a refused form says so where the browser lands: the error summary at the top takes the
focus (static/js/forms.js), and its links lead to the fields, with everything typed still there."""

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from contacts.models import ContactActivity
from feedback.models import OpinionState
from tests.e2e.conftest import login_in_browser
from tests.feedback.factories import OpinionFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "已电话联系反映人，约定周五上门查看。"
# What the phone shows after the refused action, kept for a human to look at.
SCREENSHOT = Path(tempfile.gettempdir()) / "form-errors-action.png"


def focused_is_error_summary(page) -> bool:
    return page.evaluate("document.activeElement.hasAttribute('data-error-summary')")


def test_a_refused_action_on_a_phone_shows_its_error_where_the_page_opens(
    phone_page, street_staff, deputy, yueyang_community, yueyang_committee
):
    opinion = OpinionFactory(region=yueyang_community, deputy=deputy, organization=yueyang_committee)
    page = phone_page
    login_in_browser(page, street_staff.username)
    page.goto(f"{page.base_url}/opinions/{opinion.pk}/")

    panel = page.locator("details[data-action=answer]")
    panel.locator("summary").click()
    panel.get_by_label("内部备注").fill(NOTE)  # the required reply is left empty
    panel.locator("button[type=submit]").click()
    page.wait_for_load_state()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("未能提交")
    assert focused_is_error_summary(page)
    page.screenshot(path=SCREENSHOT)
    # The summary's link leads to the empty field, in view and focused; the note is still there.
    summary.get_by_role("link").first.click()
    reply = page.locator("#id_answer-public_note")
    expect(reply).to_be_focused()
    expect(reply).to_be_in_viewport()
    expect(page.locator("#id_answer-internal_note")).to_have_value(NOTE)
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.RECEIVED


def test_an_empty_public_form_on_a_phone_focuses_the_error_summary(phone_page, yueyang_community):
    page = phone_page
    page.goto(f"{page.base_url}/opinions/new/")
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_load_state()

    expect(page.get_by_test_id("error-summary")).to_be_in_viewport()
    assert focused_is_error_summary(page)
    content = page.get_by_label("您的意见或建议")
    assert content.get_attribute("aria-invalid") == "true"
    # What a screen reader reads with the field: the error element it points to exists and says why.
    error_id = content.get_attribute("aria-describedby").split()[-1]
    assert page.locator(f"#{error_id}").inner_text().strip()


def test_an_untouched_activity_form_on_a_phone_saves_nothing_and_says_why(phone_page, deputy):
    page = phone_page
    login_in_browser(page, deputy.person.user.username)
    page.goto(f"{page.base_url}/activities/new/")
    page.get_by_role("button", name="保存活动").click()
    page.wait_for_load_state()

    expect(page.locator("[data-error-summary]")).to_be_in_viewport()
    assert focused_is_error_summary(page)
    expect(page.locator("#id_people_reached_error")).to_contain_text("请填写人数")
    assert not ContactActivity.objects.exists()
