"""Intake from every channel, and abuse handling in which nothing a citizen sends is lost."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import Notification
from feedback import abuse, services
from feedback.models import BlockedTerm, Channel, Opinion, OpinionState

pytestmark = pytest.mark.django_db

TEXT = "人乐新村5号楼前的路灯坏了一个多月，晚上出行很不方便。"


def submit(region, **kwargs):
    return services.submit_opinion(content=kwargs.pop("content", TEXT), region=region, **kwargs)


def test_a_citizens_opinion_is_received_with_an_unguessable_tracking_code_and_a_first_event(
    yueyang_community, yueyang_committee
):
    opinion = submit(yueyang_community, client_ip="10.0.0.1")
    assert opinion.state == OpinionState.RECEIVED
    assert len(opinion.tracking_code) == 16
    assert opinion.organization == yueyang_committee  # the street's body is responsible
    event = opinion.events.get()
    assert (event.action, event.from_state, event.to_state) == ("receive", "", "received")
    other = submit(yueyang_community, content=TEXT + "另外一条。")
    assert other.tracking_code != opinion.tracking_code


def test_an_opinion_to_a_deputy_notifies_that_deputy_after_commit(
    deputy,
    deputy_user,
    yueyang_community,
    yueyang_committee,
    street_staff,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(yueyang_community, deputy=deputy)
    assert Notification.objects.filter(recipient=deputy_user, kind="opinion_receive").count() == 1
    assert not Notification.objects.filter(recipient=street_staff).exists()


def test_an_opinion_to_a_street_notifies_its_liaison_body(
    yueyang_community, yueyang_committee, street_staff, other_street_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(yueyang_community)
    assert Notification.objects.filter(recipient=street_staff).count() == 1
    assert not Notification.objects.filter(recipient=other_street_staff).exists()


def test_staff_record_an_opinion_taken_at_a_reception_day_with_its_channel(
    yueyang_community, street_staff, deputy
):
    opinion = submit(yueyang_community, deputy=deputy, channel=Channel.RECEPTION, recorded_by=street_staff)
    assert (opinion.channel, opinion.recorded_by) == ("reception", street_staff)
    assert opinion.events.get().actor == street_staff


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"content": "太短了"}, "content"),
        ({"content": "长" * 5001}, "content"),
        ({"content": "          很短          "}, "content"),
        ({"submitter_phone": "call me maybe", "consent": True}, "submitter_phone"),
        ({"submitter_phone": "13812345678"}, "consent"),
        ({"submitter_name": "名" * 51, "consent": True}, "submitter_name"),
        ({"channel": "pigeon"}, "channel"),
        ({"category": "类" * 51}, "category"),
    ],
)
def test_invalid_submissions_are_refused_with_the_field_named_and_nothing_stored(
    changes, field, yueyang_community
):
    with pytest.raises(ValidationError) as caught:
        submit(yueyang_community, **changes)
    assert field in caught.value.message_dict
    assert not Opinion.objects.exists()


def test_the_region_must_be_a_street_town_or_committee(district, yueyang, yueyang_community):
    for region in (district, None, 999999):
        with pytest.raises(ValidationError) as caught:
            submit(region)
        assert "region" in caught.value.message_dict
    assert submit(yueyang).region == yueyang
    assert submit(yueyang_community.pk, content=TEXT + "二").region == yueyang_community


def test_a_deputy_no_longer_serving_cannot_be_addressed(deputy, yueyang_community):
    deputy.status = "ended"
    deputy.save()
    with pytest.raises(ValidationError) as caught:
        submit(yueyang_community, deputy=deputy)
    assert "deputy" in caught.value.message_dict


def test_a_filled_honeypot_is_kept_flagged_and_held_without_paging_anyone(
    yueyang_community, street_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        opinion = submit(yueyang_community, honeypot="http://spam.example")
    assert Opinion.objects.filter(pk=opinion.pk).exists()  # nothing lost
    assert opinion.flagged_spam
    assert opinion.state == OpinionState.MODERATION
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        "专业代开发票，价格优惠，欢迎联系我们洽谈业务。",
        "请访问 https://example.com 了解更多优惠信息内容。",
        "点击 www.example.top 领取奖品，名额有限先到先得。",
    ],
)
def test_blocked_words_and_links_send_the_opinion_to_moderation_not_to_the_bin(
    content, yueyang_community, street_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        opinion = submit(yueyang_community, content=content)
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.MODERATION
    assert opinion.content == content
    assert opinion.moderation_reason
    # Staff are told there is something to look at.
    assert Notification.objects.filter(recipient=street_staff).exists()


def test_administrators_add_blocked_words(yueyang_community):
    BlockedTerm.objects.create(term="祖传秘方")
    opinion = submit(yueyang_community, content="祖传秘方包治百病，快来购买吧朋友们。")
    assert opinion.state == OpinionState.MODERATION
    assert "祖传秘方" in opinion.moderation_reason


def test_the_same_text_from_the_same_phone_within_a_day_is_marked_duplicate_and_linked(
    yueyang_community, deputy, deputy_user, django_capture_on_commit_callbacks
):
    details = {"submitter_phone": "13812345678", "consent": True, "deputy": deputy}
    first = submit(yueyang_community, **details)
    with django_capture_on_commit_callbacks(execute=True):
        second = submit(yueyang_community, content=TEXT + "  ", **details)
    third = submit(yueyang_community, content=TEXT.replace("，", ","), **details)
    assert first.duplicate_of is None
    assert second.duplicate_of == first and third.duplicate_of == first
    assert Opinion.objects.count() == 3  # never silently discarded
    assert "重复" in second.events.get().internal_note
    # The deputy is not paged twice for the same message.
    assert not Notification.objects.filter(recipient=deputy_user).exists()


def test_the_same_text_a_day_later_or_from_someone_else_is_not_a_duplicate(yueyang_community):
    yesterday = timezone.now() - datetime.timedelta(days=1, minutes=1)
    submit(yueyang_community, submitter_phone="13812345678", consent=True, now=yesterday)
    again = submit(yueyang_community, submitter_phone="13812345678", consent=True)
    other = submit(yueyang_community, submitter_phone="13900001111", consent=True)
    assert again.duplicate_of is None and other.duplicate_of is None


def test_anonymous_repeats_from_one_address_are_recognised(yueyang_community):
    first = submit(yueyang_community, client_ip="10.1.1.1")
    second = submit(yueyang_community, client_ip="10.1.1.1")
    elsewhere = submit(yueyang_community, client_ip="10.9.9.9")
    assert second.duplicate_of == first
    assert elsewhere.duplicate_of is None


def test_the_rate_limit_refuses_beyond_the_configured_rate_per_address(settings):
    settings.OPINION_RATE = "3/hour"
    for _ in range(3):
        abuse.check_rate_limit("10.0.0.7", scope="test")
    with pytest.raises(abuse.RateLimited) as caught:
        abuse.check_rate_limit("10.0.0.7", scope="test")
    assert 0 < caught.value.retry_after <= 3600
    abuse.check_rate_limit("10.0.0.8", scope="test")  # another address has its own budget
    abuse.check_rate_limit("10.0.0.7", scope="other")  # and another scope


def test_the_default_rate_comes_from_the_throttle_setting():
    assert abuse.parse_rate(abuse.current_rate()) == (10, 3600)
    assert abuse.parse_rate("5/minute") == (5, 60)


def _png():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile("lamp.png", out.getvalue(), content_type="image/png")


def test_photos_are_validated_and_re_encoded(yueyang_community, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    opinion = submit(yueyang_community, photos=[_png()])
    photo = opinion.photos.get()
    assert photo.image.name.endswith(".jpg")
    fake = SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        submit(yueyang_community, content=TEXT + "二", photos=[fake])
    assert "photos" in caught.value.message_dict


def test_an_opinion_taken_at_an_activity_is_linked_to_it(yueyang_community, street_staff, deputy):
    from tests.contacts.factories import activity_for

    activity = activity_for(deputy)
    opinion = submit(yueyang_community, recorded_by=street_staff, channel=Channel.ACTIVITY, activity=activity)
    assert list(opinion.activities.all()) == [activity]


def test_contact_details_are_stored_verbatim_for_those_handling_it(yueyang_community):
    opinion = submit(
        yueyang_community,
        submitter_name="张三",
        submitter_phone="138 1234 5678",
        submitter_address="人乐新村5号",
        consent=True,
        confidential=True,
    )
    assert (opinion.submitter_name, opinion.submitter_address) == ("张三", "人乐新村5号")
    assert opinion.confidential and opinion.consent
