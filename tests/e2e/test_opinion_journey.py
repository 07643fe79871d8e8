"""The whole journey of one opinion in a real browser: a citizen submits on a phone, 岳阳's street
staff verify and route it, a handling unit replies, Alice feeds back, and the citizen reads the
reply on the tracking page and rates it."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from feedback.models import ContactView, Opinion, OpinionState

from .conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

# The phone-sized form, kept for a human to look at (/tmp/h5-form.png here).
SCREENSHOT = Path(tempfile.gettempdir()) / "h5-form.png"


def _staff_page(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    login_in_browser(page, username)
    page.wait_for_url(f"{live_server.url}/")
    return page


def _act(page, label, fill=None):
    """Open the action's panel on the detail page, fill it in and submit it."""
    panel = page.locator("details", has=page.locator("summary", has_text=label))
    panel.locator("summary").click()
    if fill:
        fill(panel)
    panel.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_citizen_is_heard_and_rates_the_reply(
    browser,
    live_server,
    phone_page,
    deputy,
    yueyang_community,
    yueyang_committee,
    street_staff,
    handling_unit,
    handling_unit_staff,
):
    citizen = phone_page
    # A street-level matter goes to the street's own handling units (the assign form offers no others).
    handling_unit.region = yueyang_community.parent
    handling_unit.save()

    # 1. The citizen scans Alice's QR code and fills in the form on a phone.
    citizen.goto(f"{citizen.base_url}/opinions/new/?deputy={deputy.pk}")
    assert citizen.get_by_text("致 艾丽丝 代表").is_visible()
    citizen.get_by_label("您的意见或建议").fill("人乐新村门口的路灯坏了一个多月，晚上老人出门很不安全。")
    citizen.get_by_label("类别").select_option("城市建设与管理")
    citizen.get_by_label("所在居委会或村委会（选填）").select_option(label="人乐居委会")
    citizen.get_by_label("姓名（选填）").fill("张三")
    citizen.get_by_label("联系电话（选填）").fill("13812345678")
    citizen.get_by_label("我同意代表和工作人员使用以上联系方式与我联系").check()
    citizen.screenshot(path=SCREENSHOT, full_page=True)
    width = citizen.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the form is {width}px wide on a 360px phone"
    citizen.get_by_role("button", name="提交意见").click()

    code = citizen.get_by_test_id("tracking-code").inner_text().strip()
    opinion = Opinion.objects.get(tracking_code=code)
    assert opinion.deputy == deputy and opinion.region == yueyang_community

    # 2. 岳阳's street working committee verifies it, routes it at street level, assigns a unit.
    staff = _staff_page(browser, live_server, street_staff.username)
    staff.goto(f"{live_server.url}/opinions/queue/")
    staff.get_by_role("link", name=re.compile("人乐新村门口的路灯")).click()
    assert staff.get_by_text("138****5678").is_visible()
    staff.get_by_role("button", name="查看完整联系方式").click()  # htmx swaps the details in place
    expect(staff.get_by_test_id("contact-full").get_by_text("13812345678")).to_be_visible()
    assert ContactView.objects.filter(opinion=opinion, user=street_staff).count() == 1
    _act(
        staff,
        "核实",
        lambda p: (
            p.get_by_label("核实方式").select_option("visit"),
            p.get_by_label("核实情况记录").fill("已到现场查看，路灯确实损坏。"),
            p.get_by_label("公开说明（群众可见）").fill("工作人员已到现场核实。"),
        ),
    )
    assert staff.get_by_text("核实中").first.is_visible()
    _act(staff, "按层级转交", lambda p: p.get_by_label("层级").select_option("street"))
    _act(staff, "交办", lambda p: p.get_by_label(handling_unit.name).check())
    staff.screenshot(path=Path(tempfile.gettempdir()) / "h5-detail.png", full_page=True)
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.ASSIGNED

    # 3. The handling unit replies.
    unit = _staff_page(browser, live_server, handling_unit_staff.username)
    unit.goto(f"{live_server.url}/opinions/queue/")
    unit.get_by_role("link", name=re.compile("人乐新村门口的路灯")).click()
    _act(
        unit,
        "答复办理结果",
        lambda p: (
            p.get_by_label("办理结果").select_option("solved"),
            p.get_by_label("答复内容").fill("已于11月20日更换路灯。"),
        ),
    )
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.REPLIED

    # 4. Alice feeds the result back to the citizen in public words.
    alice = _staff_page(browser, live_server, deputy.person.user.username)
    alice.goto(f"{live_server.url}/opinions/{opinion.pk}/")
    _act(
        alice,
        "向群众反馈",
        lambda p: p.get_by_label("反馈内容（群众可见）").fill("路灯已经修好，谢谢您的反映。"),
    )
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.FED_BACK

    # 5. The citizen opens the tracking page, reads the reply and rates it.
    citizen.goto(f"{citizen.base_url}/track/{code}")
    assert citizen.get_by_test_id("final-reply").get_by_text("路灯已经修好，谢谢您的反映。").is_visible()
    assert citizen.get_by_text("工作人员已到现场核实。").is_visible()
    body = citizen.locator("body").inner_text()
    assert "张三" not in body and "13812345678" not in body
    citizen.screenshot(path=Path(tempfile.gettempdir()) / "h5-track.png", full_page=True)
    citizen.get_by_role("button", name="满意", exact=True).click()
    assert citizen.get_by_test_id("rating").get_by_text("满意").is_visible()
    opinion.refresh_from_db()
    assert opinion.rating == "satisfied"
    assert opinion.state == OpinionState.CLOSED
    for page in (staff, unit, alice):
        page.context.close()


def test_choosing_a_street_lists_its_committees(phone_page, yueyang_community, yongfeng):
    from tests import factories as f

    f.CommunityFactory(name="永丰居委会", parent=yongfeng, code="yongfeng-1")
    page = phone_page
    page.goto(f"{page.base_url}/opinions/new/")
    committee = page.get_by_label("所在居委会或村委会（选填）")

    # (expect() polls without eval: the strict CSP refuses page.wait_for_function's string predicates.)
    page.get_by_label("所在街道或镇").select_option(label="永丰街道")
    # Locator assertions poll from Playwright's side: a string wait_for_function is an eval, which the
    # Content-Security-Policy refuses.
    expect(committee.locator("option", has_text="永丰居委会")).to_have_count(1)
    assert committee.locator("option").all_inner_texts()[1:] == ["永丰居委会"]

    page.get_by_label("所在街道或镇").select_option(label="岳阳街道")
    expect(committee.locator("option", has_text="人乐居委会")).to_have_count(1)
    assert committee.locator("option").all_inner_texts()[1:] == ["人乐居委会"]
