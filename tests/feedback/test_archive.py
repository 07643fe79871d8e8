"""The public archive of opinions: the citizen's consent (default no), the staff's approval of the
texts or withholding with a reason, the public list with its filters and one opinion's public steps
and answer — never a name, phone, address, note or anything unpublished, not even by id."""

import datetime
import json

import pytest
from django.urls import reverse

from feedback import archive
from feedback.models import Opinion, OpinionEvent, OpinionState, Publication

from .factories import OpinionFactory

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
TEXT = "人乐新村5号楼前的路灯坏了一个多月，晚上出行很不方便。"
NAME, PHONE, ADDRESS = "张三丰", "13812345678", "人乐新村5号302室"
PRIVATE = (NAME, PHONE, ADDRESS)
LIST_URL = reverse("feedback:archive")
API_LIST = "/api/v1/public/opinions/"


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def published(region, **kwargs):
    """An opinion its submitter agreed to publish and the staff approved."""
    values = {
        "region": region,
        "submitter_name": NAME,
        "submitter_phone": PHONE,
        "submitter_address": ADDRESS,
        "consent": True,
        "content": f"{NAME}反映：{TEXT}电话{PHONE}",
        "publish": True,
        "publication": Publication.APPROVED,
        "public_content": TEXT,
        "public_answer": "路灯已于本周修复。",
        "published_at": datetime.datetime(2026, 9, 2, tzinfo=SHANGHAI),
    }
    values.update(kwargs)
    return OpinionFactory(**values)


def detail_url(opinion):
    return reverse("feedback:archive_detail", args=[opinion.pk])


# --- the citizen's consent ---------------------------------------------------------------------------


def form_data(street, **extra):
    return {"content": TEXT, "street": street.pk, **extra}


def test_the_form_asks_for_consent_unticked_and_stores_the_citizens_choice(citizen, yueyang):
    page = citizen.get(reverse("feedback:submit")).content.decode()
    assert 'name="publish"' in page and 'name="publish" checked' not in page

    citizen.post(reverse("feedback:submit"), form_data(yueyang, publish="on"))
    citizen.post(reverse("feedback:submit"), form_data(yueyang, content=TEXT + "另一件"))

    assert list(Opinion.objects.order_by("pk").values_list("publish", flat=True)) == [True, False]


def test_confidential_and_publish_together_are_refused_on_the_form_and_the_api(citizen, yueyang):
    response = citizen.post(reverse("feedback:submit"), form_data(yueyang, publish="on", confidential="on"))
    assert response.status_code == 400
    assert "要求保密的意见不能公开发布" in response.content.decode()

    response = post_json(
        citizen,
        "/api/v1/opinions/",
        {"content": TEXT, "region": yueyang.pk, "publish": True, "confidential": True},
    )
    assert response.status_code == 400 and "publish" in response.json()
    assert not Opinion.objects.exists()


def test_the_api_takes_publish_default_false(citizen, yueyang):
    post_json(citizen, "/api/v1/opinions/", {"content": TEXT, "region": yueyang.pk})
    post_json(citizen, "/api/v1/opinions/", {"content": TEXT + "二", "region": yueyang.pk, "publish": True})
    assert list(Opinion.objects.order_by("pk").values_list("publish", flat=True)) == [False, True]


# --- what the public sees ----------------------------------------------------------------------------


def test_only_consented_approved_opinions_are_public_on_the_page_the_api_and_by_id(
    citizen, yueyang, yueyang_community
):
    shown = published(yueyang_community, public_content="公开的：路灯坏了需要修理")
    hidden = [
        published(yueyang, publish=False, public_content="未同意公开的意见"),
        published(yueyang, publication=Publication.PENDING, public_content="尚待审核的意见"),
        published(yueyang, publication=Publication.WITHHELD, public_content="不予公开的意见"),
        published(yueyang, confidential=True, public_content="要求保密的意见"),
        published(yueyang, state=OpinionState.MODERATION, public_content="待审核状态的意见"),
        published(yueyang, state=OpinionState.MERGED, public_content="已合并的意见"),
    ]

    page = citizen.get(LIST_URL).content.decode()
    api = citizen.get(API_LIST).json()

    assert "公开的：路灯坏了需要修理" in page
    assert [row["id"] for row in api["results"]] == [shown.pk]
    assert citizen.get(detail_url(shown)).status_code == 200
    for opinion in hidden:
        assert opinion.public_content not in page
        assert citizen.get(detail_url(opinion)).status_code == 404
        assert citizen.get(f"{API_LIST}{opinion.pk}/").status_code == 404
    assert citizen.get(f"{API_LIST}999999/").status_code == 404


def test_the_public_never_sees_the_submitter_notes_or_the_tracking_code(citizen, yueyang_community):
    opinion = published(yueyang_community, rating_comment="谢谢张三丰的邻居")
    OpinionEvent.objects.create(
        opinion=opinion,
        action="answer",
        from_state="received",
        to_state="answered",
        public_note=f"{NAME}您好，已处理。",
        internal_note=f"已电话联系{PHONE}",
    )

    responses = [
        citizen.get(LIST_URL),
        citizen.get(detail_url(opinion)),
        citizen.get(API_LIST),
        citizen.get(f"{API_LIST}{opinion.pk}/"),
    ]

    for response in responses:
        body = response.content.decode()
        assert response.status_code == 200
        assert TEXT in body
        notes = ("已电话联系", "您好，已处理")
        for private in (*PRIVATE, *notes, opinion.tracking_code, yueyang_community.name):
            assert private not in body, private
    detail = citizen.get(f"{API_LIST}{opinion.pk}/").json()
    assert detail["content"] == TEXT and detail["answer"] == "路灯已于本周修复。"
    assert detail["region"]["name"] == "岳阳街道"
    assert [step["state"] for step in detail["timeline"]] == ["received", "answered"]


def test_the_detail_page_shows_the_public_steps_and_the_answer(citizen, yueyang):
    opinion = published(yueyang, state=OpinionState.CLOSED, intake_event=False)
    OpinionEvent.objects.create(opinion=opinion, action="receive", to_state="received")
    OpinionEvent.objects.create(opinion=opinion, action="answer", from_state="received", to_state="answered")
    OpinionEvent.objects.create(opinion=opinion, action="close", from_state="answered", to_state="closed")

    page = citizen.get(detail_url(opinion)).content.decode()

    assert "路灯已于本周修复。" in page
    steps = page.split('data-testid="public-steps"')[1]
    assert steps.index("已收到") < steps.index("代表已直接答复") < steps.index("已办结")


def test_filters_by_text_street_category_state_and_year(citizen, yueyang, yongfeng, yueyang_community):
    lamp = published(yueyang_community, public_content="路灯不亮", category="城市建设与管理")
    bus = published(
        yongfeng,
        public_content="公交班次太少",
        category="交通出行",
        state=OpinionState.CLOSED,
        received_at=datetime.datetime(2025, 3, 1, tzinfo=SHANGHAI),
    )

    def ids(**params):
        page = citizen.get(LIST_URL, params).content.decode()
        api = [row["id"] for row in citizen.get(API_LIST, params).json()["results"]]
        on_page = [o.pk for o in (lamp, bus) if o.public_content in page]
        assert sorted(api) == sorted(on_page), params
        return sorted(api)

    assert ids() == sorted([lamp.pk, bus.pk])
    assert ids(q="公交") == [bus.pk]
    assert ids(q="路灯修复") == []
    assert ids(q="修复") == sorted([lamp.pk, bus.pk])  # the answer is searched too
    assert ids(region=yueyang.pk) == [lamp.pk]  # a street includes its committees
    assert ids(category="交通出行") == [bus.pk]
    assert ids(state="closed") == [bus.pk]
    assert ids(year=2025) == [bus.pk]
    assert citizen.get(API_LIST, {"year": "abc"}).status_code == 400


def test_the_archive_runs_a_fixed_number_of_queries(citizen, yueyang, django_assert_max_num_queries):
    for i in range(25):
        published(yueyang, public_content=f"第{i}条公开的意见")
    with django_assert_max_num_queries(6):
        assert citizen.get(LIST_URL).status_code == 200
    with django_assert_max_num_queries(5):
        assert len(citizen.get(API_LIST).json()["results"]) == 25


def test_user_text_is_escaped(citizen, yueyang):
    opinion = published(yueyang, public_content="<script>alert(1)</script>路灯")
    for url in (LIST_URL, detail_url(opinion)):
        body = citizen.get(url).content.decode()
        assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


# --- the staff's decision ----------------------------------------------------------------------------


@pytest.fixture
def consented(deputy, yueyang_community, yueyang_committee):
    return OpinionFactory(
        region=yueyang_community,
        deputy=deputy,
        organization=yueyang_committee,
        content=f"我是{NAME}，住{ADDRESS}，电话{PHONE}。{TEXT}",
        submitter_name=NAME,
        submitter_phone=PHONE,
        submitter_address=ADDRESS,
        consent=True,
        publish=True,
        public_reply="已经安排维修。",
    )


def test_the_approval_form_starts_with_a_redacted_draft(login, street_staff, consented):
    page = login(street_staff).get(reverse("feedback:detail", args=[consented.pk])).content.decode()
    form = page.split('data-testid="publication"')[1]
    assert TEXT in form and "已经安排维修。" in form
    for private in PRIVATE:
        assert private not in form


def test_staff_approve_and_the_opinion_appears_in_public(login, street_staff, consented, citizen):
    response = login(street_staff).post(
        reverse("feedback:publication", args=[consented.pk]),
        {
            "publication-decision": "approve",
            "publication-public_content": TEXT,
            "publication-public_answer": "已经安排维修。",
        },
    )
    assert response.status_code == 302
    consented.refresh_from_db()
    assert consented.publication == Publication.APPROVED and consented.publication_reviewed_by == street_staff
    citizen.logout()
    assert "已经安排维修。" in citizen.get(detail_url(consented)).content.decode()


@pytest.mark.parametrize("leak", [NAME, PHONE, ADDRESS, "138 1234 5678", "021-57812345"])
def test_an_approval_with_a_private_detail_is_refused(login, street_staff, consented, leak):
    response = login(street_staff).post(
        reverse("feedback:publication", args=[consented.pk]),
        {"publication-decision": "approve", "publication-public_content": f"{TEXT}{leak}"},
    )
    assert response.status_code == 400
    assert "含有提交人的姓名、电话、地址或电话号码" in response.content.decode()
    consented.refresh_from_db()
    assert consented.publication == Publication.PENDING


def test_staff_withhold_with_a_reason_also_after_approval(login, street_staff, consented, citizen):
    client = login(street_staff)
    url = reverse("feedback:publication", args=[consented.pk])
    client.post(url, {"publication-decision": "approve", "publication-public_content": TEXT})
    assert client.post(url, {"publication-decision": "withhold"}).status_code == 400

    client.post(url, {"publication-decision": "withhold", "publication-withheld_reason": "涉及具体住户"})

    consented.refresh_from_db()
    assert (consented.publication, consented.withheld_reason) == (Publication.WITHHELD, "涉及具体住户")
    client.logout()
    assert citizen.get(detail_url(consented)).status_code == 404


def test_only_the_liaison_body_in_charge_decides(
    login, consented, other_street_staff, deputy_user, handling_unit_staff, admin_user, client
):
    url = reverse("feedback:publication", args=[consented.pk])
    data = {"publication-decision": "approve", "publication-public_content": TEXT}
    assert login(other_street_staff).post(url, data).status_code == 404  # another office's: invisible
    assert login(deputy_user).post(url, data).status_code == 403  # the deputy sees it, staff decide
    assert login(handling_unit_staff).post(url, data).status_code == 404
    client.logout()
    assert client.post(url, data).status_code == 302  # to the login page
    consented.refresh_from_db()
    assert consented.publication == Publication.PENDING
    assert login(admin_user).post(url, data).status_code == 302


def test_an_opinion_without_consent_cannot_be_approved(login, street_staff, consented):
    Opinion.objects.filter(pk=consented.pk).update(publish=False)
    page = login(street_staff).get(reverse("feedback:detail", args=[consented.pk])).content.decode()
    assert 'data-testid="publication"' not in page
    response = login(street_staff).post(
        reverse("feedback:publication", args=[consented.pk]),
        {"publication-decision": "approve", "publication-public_content": TEXT},
    )
    assert response.status_code == 400
    assert not archive.published().exists()


def test_the_staff_api_approves_and_withholds(client, street_staff, other_street_staff, consented):
    url = f"/api/v1/opinions/{consented.pk}/publication/"
    client.force_login(other_street_staff)
    assert post_json(client, url, {"decision": "approve", "public_content": TEXT}).status_code == 404
    client.force_login(street_staff)
    leak = post_json(client, url, {"decision": "approve", "public_content": TEXT + PHONE})
    assert leak.status_code == 400 and "public_content" in leak.json()

    ok = post_json(client, url, {"decision": "approve", "public_content": TEXT, "public_answer": "已修复"})
    assert ok.status_code == 200 and ok.json()["publication"] == "approved"
    client.logout()
    assert client.get(f"{API_LIST}{consented.pk}/").json()["answer"] == "已修复"


def test_redact_replaces_the_submitters_details_and_phone_numbers(consented):
    text = archive.redact(f"{NAME}在{ADDRESS}，手机{PHONE}，座机021-5781 2345。{TEXT}", consented)
    assert TEXT in text
    for leak in (*PRIVATE, "5781"):
        assert leak not in text
