"""Form errors people can find: the refused workflow action is summarised at the top of the opinion
page, every field error is tied to its field for screen readers, and a citizen correcting the public
form does not use up the submission budget.

Carol (`street_staff`) works for 岳阳's working committee, where Alice's `opinion` waits.
"""

import re

import pytest
from django.urls import reverse

from feedback.models import Opinion, OpinionState

pytestmark = pytest.mark.django_db

CONTENT = "小区门口的路灯坏了很久，晚上出行很不安全，希望尽快修好。"


def public_form_data(region, **overrides):
    data = {
        "content": CONTENT,
        "category": "交通出行",
        "street": region.street_or_town().pk,
        "committee": region.pk if region.pk != region.street_or_town().pk else "",
        "submitter_name": "",
        "submitter_phone": "",
        "submitter_address": "",
        "website": "",
    }
    data.update(overrides)
    return data


def ids_in(page: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', page))


def described_by(page: str) -> list[str]:
    """Every id that an aria-describedby on the page points to."""
    return [ref for refs in re.findall(r'aria-describedby="([^"]+)"', page) for ref in refs.split()]


def summary_of(page: str) -> str:
    match = re.search(r"<div[^>]*data-error-summary[^>]*>.*?</div>", page, re.DOTALL)
    assert match, "the page has no error summary"
    return match.group(0)


# --- 1. A refused workflow action is summarised where the page opens ----------------------------------

# Each action with its required field left empty and another field typed in.
EMPTY_REQUIRED = [
    ("answer", "public_note", {"internal_note": "已电话联系反映人，约定周五上门。"}),
    ("route", "level", {"public_note": "已转交相关层级办理。"}),
    ("reject", "reason", {"public_note": "该事项已进入诉讼程序。"}),
    ("merge", "target", {"internal_note": "与同小区另一条意见内容相同。"}),
]


@pytest.mark.parametrize(("action", "required", "typed"), EMPTY_REQUIRED)
def test_a_refused_action_is_summarised_at_the_top_with_links_to_its_form(
    login, opinion, street_staff, action, required, typed
):
    payload = {f"{action}-expected_state": opinion.state, f"{action}-{required}": ""}
    payload.update({f"{action}-{name}": value for name, value in typed.items()})

    response = login(street_staff).post(reverse("feedback:act", args=[opinion.pk, action]), payload)

    page = response.content.decode()
    summary = summary_of(page)
    assert response.status_code == 400
    assert 'role="alert"' in summary
    assert 'tabindex="-1"' in summary  # static/js/forms.js moves focus here
    # It sits above the opinion itself, where the browser lands after the submit ...
    assert page.index("data-error-summary") < page.index('data-testid="content"')
    # ... names the refused action, and links to the empty field, which is in the opened form.
    assert "未能提交" in summary
    field_id = f"id_{action}-{required}"
    assert re.search(rf'href="#{re.escape(field_id)}(_0)?"', summary)
    assert re.search(rf'<details[^>]*id="action-{action}"[^>]*\sopen', page)
    assert f'id="{field_id}' in page
    for value in typed.values():
        assert value in page  # nothing typed is lost
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.RECEIVED


def test_a_page_without_errors_has_no_error_summary(login, opinion, street_staff):
    page = login(street_staff).get(reverse("feedback:detail", args=[opinion.pk])).content.decode()

    assert "data-error-summary" not in page


def test_the_form_error_script_is_loaded_on_every_page(citizen):
    page = citizen.get(reverse("feedback:submit")).content.decode()

    assert '<script src="/static/js/forms.js" defer></script>' in page


# --- 2. Field errors are tied to their fields ----------------------------------------------------------


def test_an_empty_public_form_ties_every_error_to_its_field(citizen, yueyang_community):
    response = citizen.post(
        reverse("feedback:submit"),
        public_form_data(yueyang_community, content="", category="", street="", committee=""),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert described_by(page), "no invalid field points to its error"
    missing = [ref for ref in described_by(page) if ref not in ids_in(page)]
    assert missing == []
    # The content's error is read out with the textarea; the error text is in that element.
    textarea = re.search(r'<textarea[^>]*name="content"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in textarea
    assert "id_content_error" in textarea
    error = re.search(r'<div[^>]*id="id_content_error"[^>]*>(.*?)</div>\s*</div>', page, re.DOTALL)
    assert error and error.group(1).strip()


def test_an_error_summary_links_to_each_invalid_field(citizen, yueyang_community):
    response = citizen.post(reverse("feedback:submit"), public_form_data(yueyang_community, content=""))

    summary = summary_of(response.content.decode())
    assert 'href="#id_content"' in summary
    assert 'tabindex="-1"' in summary


def test_an_invalid_workflow_action_ties_its_errors_to_its_fields(login, opinion, street_staff):
    response = login(street_staff).post(
        reverse("feedback:act", args=[opinion.pk, "verify"]),
        {"verify-expected_state": opinion.state, "verify-method": "", "verify-internal_note": ""},
    )

    page = response.content.decode()
    assert 'aria-describedby="id_verify-internal_note_error"' in page
    assert [ref for ref in described_by(page) if ref not in ids_in(page)] == []


# --- 3. Only complete submissions use up the rate limit ---------------------------------------------


def test_failed_submissions_do_not_use_up_the_budget(citizen, yueyang_community, settings):
    settings.OPINION_RATE = "2/hour"
    for _ in range(5):
        response = citizen.post(reverse("feedback:submit"), public_form_data(yueyang_community, content=""))
        assert response.status_code == 400
        assert "您提交得太频繁了" not in response.content.decode()

    response = citizen.post(reverse("feedback:submit"), public_form_data(yueyang_community))

    assert response.status_code == 302
    assert Opinion.objects.count() == 1


def test_complete_submissions_are_still_limited_and_keep_the_text(citizen, yueyang_community, settings):
    settings.OPINION_RATE = "1/hour"
    assert citizen.post(reverse("feedback:submit"), public_form_data(yueyang_community)).status_code == 302

    response = citizen.post(
        reverse("feedback:submit"),
        public_form_data(yueyang_community, content="第二条意见：公交站台需要加装雨棚。"),
    )

    assert response.status_code == 429
    assert "第二条意见：公交站台需要加装雨棚。" in response.content.decode()
    assert Opinion.objects.count() == 1


def test_a_bot_filling_the_honeypot_is_still_counted(citizen, yueyang_community, settings):
    settings.OPINION_RATE = "1/hour"
    bot = public_form_data(yueyang_community, website="http://spam.example")
    assert citizen.post(reverse("feedback:submit"), bot).status_code == 302

    assert citizen.post(reverse("feedback:submit"), bot).status_code == 429
    assert Opinion.objects.get().state == OpinionState.MODERATION
