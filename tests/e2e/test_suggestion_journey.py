"""A suggestion's whole journey in a real browser: Alice drafts one from two citizens' opinions,
the personnel and deputy work office assigns it, the handling unit records its consultation with her
and replies, she rates the answer, the public page shows it and both citizens read the answer on
their tracking pages."""

import re

import pytest
from playwright.sync_api import expect

from feedback import workflow
from feedback.models import Suggestion

from ..feedback.factories import OpinionFactory
from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    login_in_browser(page, username)
    page.wait_for_url(f"{live_server.url}/")
    return page


def _act(page, action, fill=None):
    form = page.get_by_test_id(f"action-{action}")
    if fill:
        fill(form)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_suggestion_from_two_opinions_is_answered_rated_published_and_reaches_both_citizens(
    browser,
    live_server,
    page,
    deputy,
    deputy_user,
    yueyang_community,
    yueyang_committee,
    handling_unit,
    handling_unit_staff,
):
    from accounts.models import Role
    from deputies.models import OrganizationKind
    from tests import factories as f

    office = f.OrganizationFactory(
        name="区人大常委会人事代表工作室",
        kind=OrganizationKind.PERSONNEL_OFFICE,
        region=deputy.congress.region,
    )
    personnel_staff = f.UserFactory(username="ivan", role=Role.LIAISON_STAFF, organization=office)
    first = OpinionFactory(
        deputy=deputy,
        region=yueyang_community,
        organization=yueyang_committee,
        content="9路公交末班车太早，晚归很不方便。",
    )
    second = OpinionFactory(
        deputy=deputy,
        region=yueyang_community,
        organization=yueyang_committee,
        content="希望延长公交运营时间到晚上11点。",
    )
    for opinion in (first, second):
        workflow.apply_action(opinion=opinion, action="route", actor=deputy_user, data={"level": "district"})

    # 1. Alice opens the first opinion, starts a draft from it, adds the second one and submits.
    alice = _signed_in(browser, live_server, deputy_user.username)
    alice.goto(f"{live_server.url}/opinions/{first.pk}/")
    alice.get_by_test_id("draft-from-opinion").click()
    alice.get_by_label(re.compile(f"#{second.pk} ")).check()
    alice.get_by_label("标题").fill("关于延长公交末班车时间的建议")
    alice.get_by_label("内容").fill("建议将9路等线路的末班车延长至23时。")
    alice.get_by_test_id("save-draft").click()
    alice.wait_for_load_state()
    expect(alice.get_by_test_id("suggestion-state")).to_have_text("草稿")
    _act(alice, "submit")
    expect(alice.get_by_test_id("suggestion-state")).to_have_text("已提出")
    suggestion = Suggestion.objects.get(title="关于延长公交末班车时间的建议")
    assert set(suggestion.source_opinions.all()) == {first, second}

    # 2. The personnel and deputy work office assigns it to the transport unit.
    office = _signed_in(browser, live_server, personnel_staff.username)
    office.goto(f"{live_server.url}/opinions/suggestions/work/")
    office.get_by_role("link", name="关于延长公交末班车时间的建议").click()
    _act(office, "assign", lambda form: form.get_by_label("主办单位").select_option(label=handling_unit.name))
    expect(office.get_by_test_id("lead-unit")).to_have_text(handling_unit.name)

    # 3. The unit records its consultation with Alice, then replies.
    unit = _signed_in(browser, live_server, handling_unit_staff.username)
    unit.goto(f"{live_server.url}/opinions/suggestions/{suggestion.pk}/")
    expect(unit.get_by_test_id("action-reply")).to_have_count(0)

    def consult(form):
        form.get_by_label("沟通日期").fill("2026-03-02")
        form.get_by_label("沟通方式").select_option("phone")
        form.get_by_label("代表意见").fill("先延长9路，再评估其他线路。")

    _act(unit, "consult", consult)

    def reply(form):
        form.get_by_label("答复类别").select_option("solved")
        form.get_by_label(re.compile("答复内容")).fill("自4月1日起9路末班车延长至23时。")

    _act(unit, "reply", reply)
    expect(unit.get_by_test_id("suggestion-state")).to_have_text("已答复")

    # 4. Alice rates the answer.
    alice.goto(f"{live_server.url}/opinions/suggestions/{suggestion.pk}/")
    _act(alice, "rate", lambda form: form.locator("[name=rate-rating]").select_option("satisfied"))
    expect(alice.get_by_test_id("suggestion-state")).to_have_text("已办结")

    # 5. The public page shows it, with its unit and answer, and never the consultation.
    page.goto(f"{live_server.url}/opinions/suggestions/")
    listing = page.get_by_test_id("suggestions")
    expect(listing).to_contain_text("关于延长公交末班车时间的建议")
    expect(listing).to_contain_text(handling_unit.name)
    expect(listing).to_contain_text("自4月1日起9路末班车延长至23时。")
    expect(listing).not_to_contain_text("先延长9路")

    # 6. Both citizens read the answer on their tracking pages.
    for opinion in (first, second):
        page.goto(f"{live_server.url}/opinions/track/{opinion.tracking_code}/")
        expect(page.get_by_test_id("suggestion-answer")).to_contain_text("自4月1日起9路末班车延长至23时。")
