"""The notes the system writes for the citizen are stored in the portal's language, whatever the
language of whoever acted, and shown in the reader's language; what people wrote is shown as written."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from feedback import services, workflow

TEXT = "小区门口的路灯坏了很久，晚上出行很不方便，请尽快修复。"


def track(client, opinion, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("feedback:track", args=[opinion.tracking_code])).content.decode()


def test_the_received_note_is_stored_in_chinese_and_read_in_each_language(
    citizen, yueyang_community, yueyang_committee
):
    with translation.override("en"):
        opinion = services.submit_opinion(content=TEXT, region=yueyang_community)

    assert opinion.events.get().public_note == "您的意见已收到。"
    assert "Your opinion has been received." in track(citizen, opinion, "en")
    assert "您的意见已收到。" in track(citizen, opinion, "zh-hans")


def test_a_note_staff_wrote_is_shown_as_written(citizen, street_staff, yueyang_community, yueyang_committee):
    opinion = services.submit_opinion(content=TEXT, region=yueyang_community)
    note = "已联系物业，完成率50%，下周复查。"

    workflow.apply_action(opinion=opinion, action="answer", actor=street_staff, data={"public_note": note})

    assert note in track(citizen, opinion, "en")


def test_a_rejection_by_staff_working_in_english_tells_the_citizen_in_chinese(
    street_staff, yueyang_community, yueyang_committee
):
    opinion = services.submit_opinion(content=TEXT, region=yueyang_community)

    with translation.override("en"):
        opinion = workflow.apply_action(
            opinion=opinion, action="reject", actor=street_staff, data={"reason": "litigation"}
        )

    assert opinion.events.latest("pk").public_note.startswith("经审查，您反映的事项")
