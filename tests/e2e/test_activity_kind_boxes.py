"""The activity form ticks and locks the boxes a kind implies (static/js/activity-kind.js, issue 16):
a remote kind (mailbox) clears and locks 进选区联系/集中联系选区, 集中联系选区 ticks and locks both,
another kind unlocks them; and the API refuses the contradiction with 400, storing nothing."""

import pytest

from contacts.models import ContactActivity
from tests.e2e.conftest import login_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


def boxes(page):
    return page.locator("#id_is_constituency_contact"), page.locator("#id_is_centralized")


def test_the_kind_ticks_and_locks_the_constituency_boxes(page, deputy):
    login_in_browser(page, deputy.person.user.username)
    page.goto(f"{page.base_url}/activities/new/")
    contact, centralized = boxes(page)

    page.select_option("#id_kind", "forum")
    contact.check()
    centralized.check()
    page.select_option("#id_kind", "mailbox")
    assert not contact.is_checked() and not centralized.is_checked()
    assert contact.is_disabled() and centralized.is_disabled()
    assert page.locator("#id_is_constituency_contact_kindnote").is_visible()

    page.select_option("#id_kind", "centralized")
    assert contact.is_checked() and centralized.is_checked()
    assert contact.is_disabled() and centralized.is_disabled()

    page.select_option("#id_kind", "visit")
    assert contact.is_enabled() and centralized.is_enabled()
    assert not page.locator("#id_is_constituency_contact_kindnote").is_visible()


def test_the_api_refuses_a_mailbox_marked_as_a_constituency_contact(page, deputy):
    token = page.request.post(
        f"{page.base_url}/api/v1/auth/token/",
        data={"username": deputy.person.user.username, "password": PASSWORD},
    ).json()["token"]

    response = page.request.post(
        f"{page.base_url}/api/v1/activities/",
        headers={"Authorization": f"Token {token}"},
        data={
            "kind": "mailbox",
            "date": deputy.start_date.isoformat(),
            "constituency": deputy.constituency_id,
            "is_constituency_contact": True,
            "is_centralized": True,
            "people_reached": 3,
        },
    )

    assert response.status == 400
    assert "不是进选区联系" in response.json()["is_constituency_contact"][0]
    assert not ContactActivity.objects.exists()
