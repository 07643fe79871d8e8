"""The opinion web pages: the public form, QR codes, public tracking, work queues and the detail page.

Alice (`deputy`) is a district deputy in 岳阳; Bob (`other_deputy`) one in 永丰; `street_staff` works
for 岳阳's working committee, `other_street_staff` for 永丰's; `handling_unit_staff` for a bureau.
"""

import io
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from feedback import workflow
from feedback.models import Assignment, Channel, ContactView, Opinion, OpinionEvent, OpinionState

from .factories import OpinionFactory

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'
XSS_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
CONTENT = "小区门口的路灯坏了很久，晚上出行很不安全，希望尽快修好。"


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def form_data(region, **overrides):
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


def field_tag(page: str, name: str) -> str:
    match = re.search(rf'<(input|textarea|select)[^>]*name="{name}"[^>]*>', page)
    assert match, name
    return match.group(0)


def act(client, opinion, action, **data):
    payload = {f"{action}-expected_state": opinion.state}
    for name, value in data.items():
        payload[f"{action}-{name}"] = value
    return client.post(reverse("feedback:act", args=[opinion.pk, action]), payload)


# --- the public form ---------------------------------------------------------------------------------


def test_the_public_form_states_the_consent_and_hides_the_honeypot(citizen, yueyang):
    response = citizen.get(reverse("feedback:submit"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "仅用于代表和工作人员就本意见与您联系" in page
    assert 'name="website"' in page
    assert 'class="hp-field" aria-hidden="true"' in page
    assert "岳阳街道" in page


def test_a_form_addressed_to_a_deputy_names_the_deputy_and_preselects_their_street(citizen, deputy):
    response = citizen.get(reverse("feedback:submit") + f"?deputy={deputy.pk}")

    page = response.content.decode()
    assert "致 艾丽丝 代表" in page
    assert f'<option value="{deputy.constituency.region_id}" selected>' in page


def test_a_form_for_a_place_preselects_its_street_and_committee(citizen, yueyang_community):
    page = citizen.get(reverse("feedback:submit"), {"region": yueyang_community.pk}).content.decode()

    assert f'<option value="{yueyang_community.parent_id}" selected>' in page
    assert f'<option value="{yueyang_community.pk}" selected>' in page


def test_a_citizen_submits_and_sees_the_tracking_code(citizen, deputy, yueyang_community, yueyang_committee):
    photo = SimpleUploadedFile("lamp.png", png_bytes(), content_type="image/png")
    data = form_data(
        yueyang_community,
        deputy=deputy.pk,
        submitter_name="张三",
        submitter_phone="13812345678",
        consent="on",
        photos=[photo],
    )

    response = citizen.post(reverse("feedback:submit") + f"?deputy={deputy.pk}", data, follow=True)

    opinion = Opinion.objects.get()
    assert opinion.content == CONTENT
    assert opinion.region == yueyang_community
    assert opinion.deputy == deputy
    assert opinion.channel == Channel.WEB
    assert opinion.submitter_phone == "13812345678"
    assert opinion.photos.count() == 1
    page = response.content.decode()
    assert opinion.tracking_code in page
    assert f"/track/{opinion.tracking_code}" in page


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"content": "太短了"}, "content"),
        ({"submitter_phone": "电话abc", "submitter_name": "李四", "consent": "on"}, "submitter_phone"),
        ({"submitter_name": "李四"}, "consent"),
    ],
)
def test_an_invalid_submission_keeps_everything_typed(citizen, yueyang_community, overrides, field_error):
    data = form_data(yueyang_community, submitter_address="岳阳街道人乐新村5号", **overrides)

    response = citizen.post(reverse("feedback:submit"), data)

    page = response.content.decode()
    assert response.status_code == 400
    assert not Opinion.objects.exists()
    assert 'aria-invalid="true"' in field_tag(page, field_error)
    assert "岳阳街道人乐新村5号" in page
    assert data["content"] in page
    assert f'<option value="{yueyang_community.pk}" selected>' in page


def test_too_short_content_is_explained_in_plain_words(citizen, yueyang_community):
    response = citizen.post(reverse("feedback:submit"), form_data(yueyang_community, content="路灯坏了"))

    assert "内容至少10个字，目前只有4个字。" in response.content.decode()


def test_a_file_that_is_not_a_picture_is_refused_on_the_photo_field(citizen, yueyang_community):
    fake = SimpleUploadedFile("lamp.jpg", b"not really a picture", content_type="image/jpeg")

    response = citizen.post(reverse("feedback:submit"), form_data(yueyang_community, photos=[fake]))

    assert response.status_code == 400
    assert "不是有效的图片" in response.content.decode()
    assert not Opinion.objects.exists()


def test_a_committee_outside_the_chosen_street_is_refused(citizen, yueyang_community, yongfeng):
    data = form_data(yueyang_community, street=yongfeng.pk)

    response = citizen.post(reverse("feedback:submit"), data)

    assert response.status_code == 400
    assert not Opinion.objects.exists()


def test_the_honeypot_keeps_the_submission_but_sends_it_to_moderation(citizen, yueyang_community):
    response = citizen.post(
        reverse("feedback:submit"), form_data(yueyang_community, website="http://spam.example")
    )

    opinion = Opinion.objects.get()
    assert response.status_code == 302  # the bot is told nothing
    assert opinion.flagged_spam
    assert opinion.state == OpinionState.MODERATION


def test_too_many_submissions_from_one_address_get_429_with_the_text_kept(
    citizen, yueyang_community, settings
):
    settings.OPINION_RATE = "2/hour"
    for _ in range(2):
        assert citizen.post(reverse("feedback:submit"), form_data(yueyang_community)).status_code == 302

    response = citizen.post(
        reverse("feedback:submit"), form_data(yueyang_community, content="第三条意见：公交站台需要加装雨棚。")
    )

    page = response.content.decode()
    assert response.status_code == 429
    assert "您提交得太频繁了，请稍后再试" in page
    assert "第三条意见：公交站台需要加装雨棚。" in page
    assert Opinion.objects.count() == 2


def test_the_committee_list_follows_the_chosen_street(citizen, yueyang_community, yongfeng):
    response = citizen.get(reverse("feedback:committee_options") + f"?street={yueyang_community.parent_id}")

    assert "人乐居委会" in response.content.decode()
    other = citizen.get(reverse("feedback:committee_options") + f"?street={yongfeng.pk}")
    assert "人乐居委会" not in other.content.decode()


# --- recording by deputies and staff --------------------------------------------------------------------


def test_a_deputy_records_an_opinion_heard_on_a_reception_day(
    login, deputy, deputy_user, yueyang_community, yueyang_committee
):
    client = login(deputy_user)
    data = form_data(yueyang_community, channel=Channel.RECEPTION, deputy=deputy.pk)
    del data["website"]

    response = client.post(reverse("feedback:record"), data)

    opinion = Opinion.objects.get()
    assert response.status_code == 302
    assert opinion.channel == Channel.RECEPTION
    assert opinion.recorded_by == deputy_user
    assert opinion.deputy == deputy


def test_an_opinion_recorded_at_an_activity_is_linked_to_it(
    login, deputy, deputy_user, yueyang_community, yueyang_committee
):
    from django.utils import timezone

    from tests.contacts.factories import activity_for

    activity = activity_for(deputy, date=timezone.localdate())
    client = login(deputy_user)
    assert (
        f'value="{activity.pk}" selected'
        in client.get(reverse("feedback:record"), {"activity": activity.pk}).content.decode()
    )
    data = form_data(yueyang_community, channel=Channel.ACTIVITY, deputy=deputy.pk, activity=activity.pk)

    client.post(reverse("feedback:record"), data)

    opinion = Opinion.objects.get()
    assert list(opinion.activities.all()) == [activity]
    assert list(activity.opinions.all()) == [opinion]


def test_a_deputy_cannot_record_in_another_deputys_name(
    login, deputy_user, other_deputy, deputy, yueyang_community
):
    data = form_data(yueyang_community, channel=Channel.LETTER, deputy=other_deputy.pk)

    response = login(deputy_user).post(reverse("feedback:record"), data)

    assert response.status_code == 400
    assert not Opinion.objects.exists()


def test_a_deputy_records_in_their_own_name(login, deputy, deputy_user, yueyang_community):
    data = form_data(yueyang_community, channel=Channel.MAILBOX, deputy="")

    response = login(deputy_user).post(reverse("feedback:record"), data)

    assert response.status_code == 400
    assert not Opinion.objects.exists()


def test_staff_recording_for_another_area_stay_on_the_record_page(
    login, street_staff, yongfeng, yongfeng_committee
):
    data = form_data(yongfeng, channel=Channel.LETTER)

    response = login(street_staff).post(reverse("feedback:record"), data, follow=True)

    opinion = Opinion.objects.get()
    assert opinion.organization == yongfeng_committee
    assert response.redirect_chain[-1][0] == reverse("feedback:record")
    assert opinion.tracking_code in response.content.decode()


def test_handling_units_and_the_public_cannot_record(client, login, handling_unit_staff):
    assert client.get(reverse("feedback:record")).status_code == 302  # to the login page
    assert login(handling_unit_staff).get(reverse("feedback:record")).status_code == 403


# --- QR codes ------------------------------------------------------------------------------------------


def test_the_deputy_qr_code_is_an_svg_of_the_form_addressed_to_them(citizen, deputy):
    from feedback import qrcodes

    response = citizen.get(reverse("feedback:deputy_qr_svg", args=[deputy.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<?xml")
    assert qrcodes.qr_svg(f"http://testserver/opinions/new/?deputy={deputy.pk}") == response.content
    png = citizen.get(reverse("feedback:deputy_qr_png", args=[deputy.pk]))
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")


def test_the_qr_code_uses_the_configured_public_address(citizen, deputy, settings):
    from feedback import qrcodes

    settings.PUBLIC_BASE_URL = "https://rd.songjiang.gov.cn/"

    response = citizen.get(reverse("feedback:deputy_qr", args=[deputy.pk]))

    url = f"https://rd.songjiang.gov.cn/opinions/new/?deputy={deputy.pk}"
    assert url in response.content.decode()
    svg = citizen.get(reverse("feedback:deputy_qr_svg", args=[deputy.pk])).content
    assert svg == qrcodes.qr_svg(url)


def test_the_printable_qr_page_shows_the_deputy_and_instructions(citizen, deputy):
    response = citizen.get(reverse("feedback:deputy_qr", args=[deputy.pk]))

    page = response.content.decode()
    assert "码上见代表" in page
    assert "艾丽丝" in page
    assert reverse("feedback:deputy_qr_svg", args=[deputy.pk]) in page
    # The A5 print layout, in the card's stylesheet (no inline <style>: docs/csp.md).
    assert "/static/css/deputy_qr.css" in page
    assert "@media print" in Path(finders.find("css/deputy_qr.css")).read_text(encoding="utf-8")
    assert deputy.private_phone not in page


def test_an_ended_mandate_has_no_qr_code(citizen, deputy):
    deputy.status = "ended"
    deputy.save()

    assert citizen.get(reverse("feedback:deputy_qr_svg", args=[deputy.pk])).status_code == 404
    assert citizen.get(reverse("feedback:deputy_qr", args=[deputy.pk])).status_code == 404


# --- public tracking -------------------------------------------------------------------------------------


def test_the_lookup_form_opens_the_tracking_page(citizen, opinion):
    response = citizen.get(reverse("feedback:track_lookup"), {"code": opinion.tracking_code.lower()})

    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:track", args=[opinion.tracking_code])


def test_an_unknown_code_says_so(citizen, opinion):
    response = citizen.get(reverse("feedback:track_lookup"), {"code": "AAAABBBBCCCCDDDD"})

    assert response.status_code == 404
    assert "没有找到该查询码对应的意见" in response.content.decode()


def test_the_short_tracking_address_works(citizen, opinion):
    response = citizen.get(f"/track/{opinion.tracking_code}")

    assert response.status_code == 200
    assert opinion.tracking_code in response.content.decode()


def test_the_tracking_page_never_shows_the_submitter_or_internal_notes(citizen, opinion, street_staff):
    workflow.apply_action(
        opinion=opinion,
        action="verify",
        actor=street_staff,
        data={
            "method": "visit",
            "internal_note": "内部：已电话联系张三",
            "public_note": "工作人员已上门核实。",
        },
    )

    page = citizen.get(reverse("feedback:track", args=[opinion.tracking_code])).content.decode()

    assert "工作人员已上门核实。" in page
    assert "核实中" in page
    for secret in ("张三", "13812345678", "5678", "人乐新村5号", "内部：已电话联系"):
        assert secret not in page


def _fed_back(opinion, street_staff, handling_unit, handling_unit_staff, deputy_user):
    workflow.apply_action(opinion=opinion, action="route", actor=street_staff, data={"level": "street"})
    opinion.refresh_from_db()
    workflow.apply_action(
        opinion=opinion, action="assign", actor=street_staff, data={"units": [handling_unit.pk]}
    )
    opinion.refresh_from_db()
    workflow.apply_action(
        opinion=opinion,
        action="reply",
        actor=handling_unit_staff,
        data={"outcome": "solved", "text": "路灯已于本周更换。"},
    )
    opinion.refresh_from_db()
    workflow.apply_action(
        opinion=opinion,
        action="feedback",
        actor=deputy_user,
        data={"public_note": "您反映的路灯已经修好，感谢您的监督。"},
    )
    opinion.refresh_from_db()
    return opinion


def test_a_fed_back_opinion_shows_the_reply_and_can_be_rated_once(
    citizen, opinion, street_staff, handling_unit, handling_unit_staff, deputy_user
):
    opinion = _fed_back(opinion, street_staff, handling_unit, handling_unit_staff, deputy_user)
    url = reverse("feedback:track", args=[opinion.tracking_code])

    page = citizen.get(url).content.decode()
    assert "您反映的路灯已经修好，感谢您的监督。" in page
    assert 'value="satisfied"' in page and 'value="dissatisfied"' in page

    response = citizen.post(url, {"rating": "basic", "comment": "修得挺快"})

    opinion.refresh_from_db()
    assert response.status_code == 302
    assert opinion.rating == "basic"
    assert opinion.state == OpinionState.CLOSED
    page = citizen.get(url).content.decode()
    assert "基本满意" in page
    assert 'value="satisfied"' not in page


def test_a_dissatisfied_citizen_sends_it_back_to_the_street_queue(
    citizen, login, opinion, street_staff, handling_unit, handling_unit_staff, deputy_user
):
    opinion = _fed_back(opinion, street_staff, handling_unit, handling_unit_staff, deputy_user)

    citizen.post(reverse("feedback:track", args=[opinion.tracking_code]), {"rating": "dissatisfied"})

    opinion.refresh_from_db()
    assert opinion.state == OpinionState.VERIFYING
    queue = login(street_staff).get(reverse("feedback:queue"), {"state": "verifying"}).content.decode()
    assert reverse("feedback:detail", args=[opinion.pk]) in queue


def test_a_rating_before_feedback_is_refused(citizen, opinion):
    response = citizen.post(reverse("feedback:track", args=[opinion.tracking_code]), {"rating": "satisfied"})

    opinion.refresh_from_db()
    assert response.status_code == 409
    assert "暂时不能评价" in response.content.decode()
    assert opinion.rating == ""


# --- the opinion detail and actions ------------------------------------------------------------------


def test_another_deputy_or_office_gets_404_for_an_opinion_by_id(
    login, opinion, other_deputy, other_deputy_user, other_street_staff, handling_unit_staff
):
    for user in (other_deputy_user, other_street_staff, handling_unit_staff):
        client = login(user)
        assert client.get(reverse("feedback:detail", args=[opinion.pk])).status_code == 404
        assert client.post(reverse("feedback:show_contact", args=[opinion.pk])).status_code == 404
        assert act(client, opinion, "verify", method="visit", internal_note="x").status_code == 404
    opinion.refresh_from_db()
    assert opinion.state == OpinionState.RECEIVED
    assert not ContactView.objects.exists()


def test_the_deputy_sees_the_phone_masked_until_they_ask_and_the_view_is_recorded(
    login, opinion, deputy_user
):
    client = login(deputy_user)

    page = client.get(reverse("feedback:detail", args=[opinion.pk])).content.decode()
    assert "138****5678" in page
    assert "13812345678" not in page
    assert "张三" not in page

    response = client.post(reverse("feedback:show_contact", args=[opinion.pk]))
    assert "13812345678" in response.content.decode()
    assert ContactView.objects.filter(opinion=opinion, user=deputy_user).count() == 1


def test_an_assigned_unit_without_consent_sees_no_contact_button(
    login, opinion, street_staff, handling_unit, handling_unit_staff
):
    Opinion.objects.filter(pk=opinion.pk).update(consent=False)
    opinion.refresh_from_db()
    workflow.apply_action(opinion=opinion, action="route", actor=street_staff, data={"level": "street"})
    opinion.refresh_from_db()
    workflow.apply_action(
        opinion=opinion, action="assign", actor=street_staff, data={"units": [handling_unit.pk]}
    )
    client = login(handling_unit_staff)

    page = client.get(reverse("feedback:detail", args=[opinion.pk])).content.decode()

    assignments = page.split('data-testid="assignments"')[1].split("</ul>")[0]
    assert "区住房和城乡建设管理委员会" in assignments and "办理中" in assignments

    assert reverse("feedback:show_contact", args=[opinion.pk]) not in page
    assert "138****5678" in page
    assert client.post(reverse("feedback:show_contact", args=[opinion.pk])).status_code == 403


def test_the_detail_offers_one_form_per_allowed_action(login, opinion, street_staff):
    page = login(street_staff).get(reverse("feedback:detail", args=[opinion.pk])).content.decode()

    for action in workflow.allowed_actions(opinion, street_staff):
        assert reverse("feedback:act", args=[opinion.pk, action]) in page
    assert reverse("feedback:act", args=[opinion.pk, "assign"]) not in page


def test_staff_verify_through_the_page(login, opinion, street_staff):
    response = act(login(street_staff), opinion, "verify", method="forum", internal_note="召开居民座谈会")

    opinion.refresh_from_db()
    assert response.status_code == 302
    assert opinion.state == OpinionState.VERIFYING
    assert opinion.events.filter(action="verify", internal_note="召开居民座谈会").exists()


def test_missing_action_data_shows_the_errors_and_changes_nothing(login, opinion, street_staff):
    response = act(login(street_staff), opinion, "verify", method="visit", internal_note="")

    opinion.refresh_from_db()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert opinion.state == OpinionState.RECEIVED


def test_an_action_the_user_may_not_take_is_refused_with_403(login, opinion, deputy_user):
    # Alice may see it, but only the body it is with assigns handling units.
    Opinion.objects.filter(pk=opinion.pk).update(state=OpinionState.ROUTED, level="street")
    opinion.refresh_from_db()

    response = act(login(deputy_user), opinion, "assign", units="1")

    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_a_lost_race_says_someone_else_handled_it_and_changes_nothing(
    login, opinion, street_staff, deputy_user
):
    client = login(street_staff)
    seen = {"state": opinion.state}
    # Alice answers directly while Carol still has the page open.
    workflow.apply_action(
        opinion=opinion, action="answer", actor=deputy_user, data={"public_note": "已经联系物业处理。"}
    )
    events_before = OpinionEvent.objects.count()

    response = client.post(
        reverse("feedback:act", args=[opinion.pk, "reject"]),
        {"reject-expected_state": seen["state"], "reject-reason": "personal"},
    )

    opinion.refresh_from_db()
    assert response.status_code == 409
    assert "该意见已被他人处理" in response.content.decode()
    assert opinion.state == OpinionState.ANSWERED
    assert OpinionEvent.objects.count() == events_before


def test_a_race_lost_inside_the_workflow_shows_the_same_message(login, opinion, street_staff, monkeypatch):
    real_apply = workflow.apply_action

    def someone_else_first(**kwargs):
        # Another person's action lands between this page's read and its compare-and-set.
        Opinion.objects.filter(pk=kwargs["opinion"].pk).update(state=OpinionState.VERIFYING)
        return real_apply(**kwargs)

    monkeypatch.setattr(workflow, "apply_action", someone_else_first)

    response = act(login(street_staff), opinion, "reject", reason="personal")

    opinion.refresh_from_db()
    assert response.status_code == 409
    assert "该意见已被他人处理" in response.content.decode()
    assert opinion.state == OpinionState.VERIFYING
    assert not opinion.events.filter(action="reject").exists()


# --- escaping ------------------------------------------------------------------------------------------


def test_a_script_payload_in_every_text_field_is_shown_escaped(
    citizen, login, deputy, deputy_user, street_staff, yueyang_community, yueyang_committee
):
    opinion = OpinionFactory(
        content=f"内容{XSS}",
        category=XSS,
        region=yueyang_community,
        deputy=deputy,
        organization=yueyang_committee,
        submitter_name=XSS,
        submitter_phone="13812345678",
        submitter_address=XSS,
        consent=True,
        reply_text=XSS,
        public_reply=XSS,
        rating_comment=XSS,
        moderation_reason=XSS,
        state=OpinionState.FED_BACK,
    )
    OpinionEvent.objects.create(
        opinion=opinion,
        action="feedback",
        from_state="relayed",
        to_state="fed_back",
        internal_note=XSS,
        public_note=XSS,
    )
    staff = login(street_staff)
    pages = {
        "detail": staff.get(reverse("feedback:detail", args=[opinion.pk])),
        "contact": staff.post(reverse("feedback:show_contact", args=[opinion.pk])),
        "queue": staff.get(reverse("feedback:queue")),
        "queue search": staff.get(reverse("feedback:queue"), {"q": XSS}),
    }
    citizen.logout()
    pages["tracking"] = citizen.get(reverse("feedback:track", args=[opinion.tracking_code]))

    for name, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200, name
        assert "<script>alert" not in page, name
    assert XSS_ESCAPED in pages["detail"].content.decode()
    assert XSS_ESCAPED in pages["tracking"].content.decode()
    assert XSS_ESCAPED in pages["queue"].content.decode()


# --- work queues -----------------------------------------------------------------------------------------


def test_each_user_sees_their_own_queue(
    login, opinion, deputy_user, street_staff, other_street_staff, other_deputy_user, other_deputy
):
    url = reverse("feedback:queue")
    detail = reverse("feedback:detail", args=[opinion.pk])

    assert detail in login(deputy_user).get(url).content.decode()
    assert detail in login(street_staff).get(url).content.decode()
    assert detail not in login(other_street_staff).get(url).content.decode()
    assert detail not in login(other_deputy_user).get(url).content.decode()


def test_queue_filters_by_state_and_overdue_and_searches(login, street_staff, yueyang, yueyang_committee):
    import datetime

    from django.utils import timezone

    lamp = OpinionFactory(content="路灯坏了很久需要修理", region=yueyang, organization=yueyang_committee)
    late = OpinionFactory(
        content="垃圾房太臭了需要整治",
        region=yueyang,
        organization=yueyang_committee,
        state=OpinionState.VERIFYING,
        due_at=timezone.now() - datetime.timedelta(days=40),
    )
    client = login(street_staff)

    closed = OpinionFactory(content="早已办结的意见内容", region=yueyang, state=OpinionState.CLOSED)

    def shown(**params):
        page = client.get(reverse("feedback:queue"), params).content.decode()
        return {o.pk for o in (lamp, late, closed) if reverse("feedback:detail", args=[o.pk]) in page}

    assert shown() == {lamp.pk, late.pk}  # a work queue shows what is still open
    assert shown(state="all") == {lamp.pk, late.pk, closed.pk}
    assert shown(state="verifying") == {late.pk}
    assert shown(overdue="on") == {late.pk}
    assert shown(q="路灯") == {lamp.pk}
    assert shown(region=yueyang.pk) == {lamp.pk, late.pk}
    assert "严重超期" in client.get(reverse("feedback:queue")).content.decode()


def test_the_public_and_committee_members_have_no_queue(client, login, committee_member):
    assert client.get(reverse("feedback:queue")).status_code == 302
    assert login(committee_member).get(reverse("feedback:queue")).status_code == 403


@pytest.mark.parametrize("persona", ["street_staff", "deputy_user", "handling_unit_staff"])
def test_queue_pages_make_the_same_number_of_queries_for_10_and_200_opinions(
    request, login, persona, deputy, yueyang, yueyang_committee, handling_unit, django_assert_max_num_queries
):
    user = request.getfixturevalue(persona)
    client = login(user)

    def fill(n):
        for _ in range(n):
            opinion = OpinionFactory(
                region=yueyang,
                deputy=deputy,
                organization=yueyang_committee,
                intake_event=False,
                state=OpinionState.ASSIGNED,
                level="street",
            )
            Assignment.objects.create(
                opinion=opinion,
                organization=handling_unit,
                assigned_at=opinion.received_at,
                due_at=opinion.received_at,
            )

    fill(10)
    client.get(reverse("feedback:queue"))  # warm up: memoised figures (the unread count) are read once
    with django_assert_max_num_queries(100) as few:
        assert client.get(reverse("feedback:queue")).status_code == 200
    few = len(few.captured_queries)  # now: the query log keeps the last 9,000 only
    fill(190)
    client.get(reverse("feedback:queue"))
    with django_assert_max_num_queries(few) as many:
        page = client.get(reverse("feedback:queue"))
    assert page.status_code == 200
    assert "共 200 件" in page.content.decode()
    assert len(many.captured_queries) == few


def test_every_form_shows_on_a_phone_with_labels(citizen, yueyang):
    page = citizen.get(reverse("feedback:submit")).content.decode()

    for field in ("content", "category", "street", "committee", "submitter_name", "submitter_phone"):
        assert f'<label class="form-label fw-semibold" for="id_{field}">' in page


def test_a_serving_deputys_profile_offers_the_qr_code(citizen, deputy):
    page = citizen.get(reverse("deputies:profile", args=[deputy.pk])).content.decode()

    assert "码上见代表" in page
    assert reverse("feedback:deputy_qr_svg", args=[deputy.pk]) in page
    assert reverse("feedback:deputy_qr", args=[deputy.pk]) in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_public_pages_render_in_both_languages(citizen, settings, language, opinion, deputy):
    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    urls = [
        reverse("feedback:submit") + f"?deputy={deputy.pk}",
        reverse("feedback:track_lookup"),
        reverse("feedback:track", args=[opinion.tracking_code]),
        reverse("feedback:submitted", args=[opinion.tracking_code]),
        reverse("feedback:deputy_qr", args=[deputy.pk]),
    ]
    # The locale middleware leaves the language active in this thread: restore it afterwards.
    with translation.override(settings.LANGUAGE_CODE):
        responses = {url: citizen.get(url) for url in urls}
    for url, response in responses.items():
        assert response.status_code == 200, url
        assert f'lang="{"en" if language == "en" else "zh-CN"}"' in response.content.decode(), url
