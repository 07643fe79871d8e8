"""The strict Content-Security-Policy (docs/csp.md) in Chromium: the main pages load, their scripts
run (charts drawn, htmx swaps, Swagger UI renders) and the browser reports no violation of the
policy, neither as a `securitypolicyviolation` event nor as a console error."""

import pytest
from playwright.sync_api import expect

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

# Every violation the page sees, recorded from the start of the document (before any script runs).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + (e.sourceFile || document.location.pathname) + ":" + e.lineNumber);
});
"""


@pytest.fixture
def watched(page):
    """The desktop page, with its CSP violations, console errors and script errors collected."""
    page.problems = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda m: m.type == "error" and "Content Security Policy" in m.text and page.problems.append(m.text),
    )
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    return page


def _visit(page, path):
    page.goto(f"{page.base_url}{path}")
    page.wait_for_load_state("networkidle")


def _assert_clean(page):
    problems = page.problems + page.evaluate("window.__cspViolations || []")
    page.problems.clear()
    assert problems == [], "\n".join(problems)


def _chart_drawn(page, canvas_id):
    return page.evaluate(
        f"typeof Chart !== 'undefined' && !!Chart.getChart(document.getElementById('{canvas_id}'))"
    )


def test_public_pages_run_under_the_policy(watched, deputy, yueyang_community):
    page = watched

    _visit(page, "/")
    _assert_clean(page)

    _visit(page, f"/deputies/{deputy.pk}/")
    expect(page.locator("h1")).to_contain_text(deputy.person.name)
    _assert_clean(page)

    _visit(page, "/reports/public/")
    assert _chart_drawn(page, "chart-public-months")
    assert _chart_drawn(page, "chart-public-regions")
    _assert_clean(page)

    # The citizen's form: the map picker and htmx's committee list.
    _visit(page, "/opinions/new/")
    page.locator("#id_street").select_option(label="岳阳街道")
    expect(page.locator("#id_committee option", has_text="人乐居委会")).to_have_count(1)
    _assert_clean(page)


def test_staff_pages_with_htmx_and_charts_run_under_the_policy(
    watched, street_staff, yueyang_community, yueyang_committee
):
    page = watched
    login_in_browser(page, street_staff.username)
    _assert_clean(page)

    # The staff's record form fills the committee list through htmx.
    _visit(page, "/opinions/record/")
    page.locator("#id_street").select_option(label="岳阳街道")
    expect(page.locator("#id_committee option", has_text="人乐居委会")).to_have_count(1)
    _assert_clean(page)

    _visit(page, "/reports/handling/")
    assert _chart_drawn(page, "chart-months")
    _assert_clean(page)

    _visit(page, "/opinions/queue/")
    _assert_clean(page)


def test_the_admin_and_the_api_docs_run_under_the_policy(watched, admin_user, deputy, yueyang_constituency):
    page = watched
    login_in_browser(page, admin_user.username)
    district_congress = deputy.congress

    _visit(page, "/reports/compliance/")
    _assert_clean(page)

    _visit(page, "/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    _assert_clean(page)
    _visit(page, "/admin/deputies/congress/")
    _assert_clean(page)
    _visit(page, f"/admin/deputies/congress/{district_congress.pk}/change/")
    _assert_clean(page)
    _visit(page, f"/admin/deputies/congress/{district_congress.pk}/history/")
    _assert_clean(page)
    version = district_congress.history.latest()
    _visit(page, f"/admin/deputies/congress/{district_congress.pk}/history/{version.history_id}/")
    _assert_clean(page)
    # Widgets built by the admin's scripts: the autocomplete (select2), the two-list selector.
    _visit(page, f"/admin/deputies/deputy/{deputy.pk}/change/")
    page.locator(".select2-selection").first.click()
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.keyboard.press("Escape")
    _assert_clean(page)
    _visit(page, f"/admin/deputies/constituency/{yueyang_constituency.pk}/change/")
    expect(page.locator(".selector-available").first).to_be_visible()
    _assert_clean(page)
    _visit(page, "/admin/deputies/contactpoint/add/")
    _assert_clean(page)

    # The browsable API (its layout styles allowed by hash on its pages only).
    _visit(page, "/api/v1/deputies/")
    expect(page.locator(".response-info")).to_be_visible()
    _assert_clean(page)
    _visit(page, "/api/v1/opinions/")
    _assert_clean(page)

    _visit(page, "/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("松江区人大代表联系人民群众平台 API")
    expect(page.locator(".opblock").first).to_be_visible()
    _assert_clean(page)
