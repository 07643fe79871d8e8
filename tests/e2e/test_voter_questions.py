"""A voter, on a phone, sends a question to their deputy from the public profile; it shows, with the
deputy's answer and without the voter's name, once the liaison body has approved it (§二(五))."""

import pytest

from contacts import question_services
from contacts.models import VoterQuestion

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_voter_asks_from_the_profile_on_a_phone(phone_page, deputy, street_staff):
    page = phone_page
    page.goto(f"{page.base_url}/deputies/{deputy.pk}/")
    page.get_by_text("对代表履职提意见、向代表提问").click()
    page.fill("#id_content", "小区门口的公交站什么时候能恢复？")
    page.fill("#id_submitter_name", "周桂兰")
    page.get_by_role("button", name="提交").click()

    page.wait_for_url("**/deputies/**")
    assert "经联络机构审核后公开" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    question = VoterQuestion.objects.get()
    assert question.submitter_name == "周桂兰"

    question_services.approve(actor=street_staff, question=question)
    question_services.answer(actor=deputy.person.user, question=question, text="已与公交公司沟通，下月恢复。")
    page.goto(f"{page.base_url}/deputies/{deputy.pk}/")
    section = page.locator("#voter-questions")
    assert "小区门口的公交站什么时候能恢复？" in section.inner_text()
    assert "已与公交公司沟通，下月恢复。" in section.inner_text()
    assert "周桂兰" not in page.content()
