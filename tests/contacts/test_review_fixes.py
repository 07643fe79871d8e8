"""Fixes from the review of the activity pages and API: a refused change leaves the activity as it
was, an activity's page shows only the linked opinions the reader may see, and a confirmation (or a
second edit) never approves or overwrites figures the person did not see."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from PIL import Image

from contacts.models import ActivityKind, ActivityPhoto
from tests.contacts.factories import ContactActivityFactory, OpinionFactory, activity_for

pytestmark = pytest.mark.django_db

# With microseconds: a version must survive the trip through the page or the JSON exactly.
TODAY = datetime.datetime(2026, 6, 15, 10, 0, 0, 123456, tzinfo=datetime.UTC)
SECRET = "我家楼下的违章搭建是邻居王某所为，请为我保密。"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clock():
    """Frozen at TODAY; a test moves it on with `clock.shift(...)` so that a later save is a new version."""
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def png_upload(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def not_an_image():
    return SimpleUploadedFile("photo.jpg", b"<?php echo 'hi'; ?>", content_type="image/jpeg")


def multipart_patch(client, url, data):
    return client.patch(url, encode_multipart(BOUNDARY, data), content_type=MULTIPART_CONTENT)


def alices_own(deputy, **kwargs):
    """An activity Alice logged herself (so she may change it and her street may confirm it)."""
    return activity_for(deputy, created_by=deputy.person.user, date=datetime.date(2026, 6, 1), **kwargs)


def hidden_version(html: str) -> str:
    match = re.search(r'name="version" value="([^"]+)"', html)
    assert match, "the page carries no version of the activity"
    return match.group(1)


def edit_data(activity, **overrides):
    data = {
        "kind": activity.kind,
        "date": activity.date.isoformat(),
        "constituency": activity.constituency_id or "",
        "is_constituency_contact": "on",
        "people_reached": str(activity.people_reached),
        "summary": activity.summary,
    }
    data.update(overrides)
    return data


# --- 1. A refused PATCH changes nothing ------------------------------------------------------------


def test_a_patch_with_a_file_that_is_not_an_image_answers_400_and_changes_nothing(clock, login, deputy):
    activity = alices_own(deputy, people_reached=10)
    client = login(deputy.person.user)

    response = multipart_patch(
        client, f"/api/v1/activities/{activity.pk}/", {"people_reached": 300, "photos": [not_an_image()]}
    )

    assert response.status_code == 400
    assert "photos" in response.json()
    activity.refresh_from_db()
    assert activity.people_reached == 10
    assert activity.participations.get().people_met == 10
    assert not ActivityPhoto.objects.exists()


def test_a_patch_over_the_photo_limit_answers_400_and_changes_nothing(clock, login, deputy):
    activity = alices_own(deputy, people_reached=10)
    for _ in range(9):
        ActivityPhoto.objects.create(activity=activity, image=png_upload())
    client = login(deputy.person.user)

    response = multipart_patch(
        client, f"/api/v1/activities/{activity.pk}/", {"people_reached": 300, "photos": [png_upload()]}
    )

    assert response.status_code == 400
    activity.refresh_from_db()
    assert activity.people_reached == 10
    assert activity.photos.count() == 9


def test_a_patch_with_a_real_photo_changes_the_figures_and_adds_the_photo(clock, login, deputy):
    activity = alices_own(deputy, people_reached=10)

    response = multipart_patch(
        login(deputy.person.user),
        f"/api/v1/activities/{activity.pk}/",
        {"people_reached": 300, "photos": [png_upload()]},
    )

    assert response.status_code == 200, response.json()
    assert response.json()["people_reached"] == 300
    assert len(response.json()["photos"]) == 1


# --- 2. Linked opinions only for those who may see them --------------------------------------------


@pytest.fixture
def alices_confidential_opinion(deputy, yueyang):
    return OpinionFactory(deputy=deputy, region=yueyang, content=SECRET, confidential=True)


def test_a_committee_member_reads_the_activity_but_not_the_confidential_opinion_linked_to_it(
    clock, login, deputy, committee_member, alices_confidential_opinion
):
    activity = alices_own(deputy)
    activity.opinions.add(alices_confidential_opinion)
    client = login(committee_member)

    opinion_page = client.get(reverse("feedback:detail", args=[alices_confidential_opinion.pk]))
    activity_page = client.get(reverse("contacts:detail", args=[activity.pk]))
    api = client.get(f"/api/v1/activities/{activity.pk}/")

    assert opinion_page.status_code == 404
    assert activity_page.status_code == 200
    assert SECRET[:20] not in activity_page.content.decode()
    assert api.status_code == 200
    assert api.json()["opinions"] == []


def test_another_deputy_on_a_joint_activity_does_not_read_alices_opinion(
    clock, login, deputy, other_deputy, alices_confidential_opinion
):
    joint = ContactActivityFactory(
        participants=[deputy, other_deputy], constituency=deputy.constituency, date=datetime.date(2026, 6, 1)
    )
    joint.opinions.add(alices_confidential_opinion)

    bobs_view = login(other_deputy.person.user).get(reverse("contacts:detail", args=[joint.pk]))
    bobs_api = login(other_deputy.person.user).get(f"/api/v1/activities/{joint.pk}/")
    alices_view = login(deputy.person.user).get(reverse("contacts:detail", args=[joint.pk]))

    assert bobs_view.status_code == 200
    assert SECRET[:20] not in bobs_view.content.decode()
    assert bobs_api.json()["opinions"] == []
    assert SECRET[:20] in alices_view.content.decode()


def test_the_edit_form_does_not_show_a_linked_opinion_the_editor_may_not_see_and_saving_keeps_it(
    clock, login, deputy, yongfeng
):
    activity = alices_own(deputy, people_reached=10)
    # Linked by a district-wide liaison body: an opinion of another street, not Alice's.
    someone_elses = OpinionFactory(region=yongfeng, content=SECRET, confidential=True)
    activity.opinions.add(someone_elses)
    client = login(deputy.person.user)
    url = reverse("contacts:edit", args=[activity.pk])

    page = client.get(url)
    saved = client.post(
        url, {**edit_data(activity, people_reached="12"), "version": hidden_version(page.content.decode())}
    )

    assert SECRET[:20] not in page.content.decode()
    assert saved.status_code == 302
    activity.refresh_from_db()
    assert activity.people_reached == 12
    assert list(activity.opinions.all()) == [someone_elses]


def test_the_activity_page_takes_the_same_number_of_queries_for_2_and_20_linked_opinions(
    clock, login, deputy, yueyang, django_assert_max_num_queries
):
    activity = alices_own(deputy)
    client = login(deputy.person.user)
    url = reverse("contacts:detail", args=[activity.pk])

    def queries():
        client.get(url)  # warm up: memoised figures (the unread count) are read once per change
        with django_assert_max_num_queries(20) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    activity.opinions.add(*[OpinionFactory(deputy=deputy, region=yueyang) for _ in range(2)])
    few = queries()
    activity.opinions.add(*[OpinionFactory(deputy=deputy, region=yueyang) for _ in range(18)])

    assert queries() == few


# --- 3. Confirming (and editing) what one saw ------------------------------------------------------


def test_staff_cannot_confirm_through_the_api_figures_the_deputy_changed_after_they_opened_it(
    clock, login, deputy, street_staff
):
    activity = alices_own(deputy, people_reached=5)
    seen = login(street_staff).get(f"/api/v1/activities/{activity.pk}/").json()
    clock.shift(datetime.timedelta(minutes=5))
    changed = login(deputy.person.user).patch(
        f"/api/v1/activities/{activity.pk}/", {"people_reached": 500}, content_type="application/json"
    )
    assert changed.status_code == 200

    staff = login(street_staff)
    stale = staff.post(
        f"/api/v1/activities/{activity.pk}/confirm/",
        {"version": seen["version"]},
        content_type="application/json",
    )
    activity.refresh_from_db()
    assert stale.status_code == 409
    assert "已被修改" in stale.json()["detail"]
    assert activity.confirmed_at is None

    fresh = staff.get(f"/api/v1/activities/{activity.pk}/").json()
    confirmed = staff.post(
        f"/api/v1/activities/{activity.pk}/confirm/",
        {"version": fresh["version"]},
        content_type="application/json",
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["confirmed"] is True
    assert confirmed.json()["people_reached"] == 500


def test_a_confirmation_through_the_api_without_the_version_is_refused(clock, login, deputy, street_staff):
    activity = alices_own(deputy)

    response = login(street_staff).post(f"/api/v1/activities/{activity.pk}/confirm/")

    assert response.status_code == 400
    assert "version" in response.json()
    activity.refresh_from_db()
    assert activity.confirmed_at is None


def test_staff_cannot_confirm_on_the_page_figures_the_deputy_changed_after_they_opened_it(
    clock, login, deputy, street_staff
):
    activity = alices_own(deputy, people_reached=5)
    page = login(street_staff).get(reverse("contacts:detail", args=[activity.pk]))
    version = hidden_version(page.content.decode())
    clock.shift(datetime.timedelta(minutes=5))
    edit_url = reverse("contacts:edit", args=[activity.pk])
    deputy_client = login(deputy.person.user)
    deputys_version = hidden_version(deputy_client.get(edit_url).content.decode())
    changed = deputy_client.post(
        edit_url, {**edit_data(activity, people_reached="500"), "version": deputys_version}
    )
    assert changed.status_code == 302

    response = login(street_staff).post(
        reverse("contacts:confirm", args=[activity.pk]), {"version": version}, follow=True
    )

    activity.refresh_from_db()
    assert activity.people_reached == 500
    assert activity.confirmed_at is None
    assert "该活动已被修改，请核对后再确认" in response.content.decode()


def test_staff_confirm_from_the_queue_what_the_queue_shows(clock, login, deputy, street_staff):
    activity = alices_own(deputy, people_reached=5)
    client = login(street_staff)
    queue = client.get(reverse("contacts:confirm_queue"))

    response = client.post(
        reverse("contacts:confirm", args=[activity.pk]),
        {"version": hidden_version(queue.content.decode()), "next": reverse("contacts:confirm_queue")},
    )

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.confirmed_by == street_staff


def test_a_confirmation_on_the_page_without_the_version_is_refused(clock, login, deputy, street_staff):
    activity = alices_own(deputy)

    response = login(street_staff).post(reverse("contacts:confirm", args=[activity.pk]), follow=True)

    activity.refresh_from_db()
    assert activity.confirmed_at is None
    assert "页面已过期，请重新打开该活动，核对后再提交" in response.content.decode()


def test_a_second_editor_does_not_silently_overwrite_the_first(clock, login, deputy, street_staff):
    activity = alices_own(deputy, people_reached=5, kind=ActivityKind.VISIT)
    url = reverse("contacts:edit", args=[activity.pk])
    deputys_version = hidden_version(login(deputy.person.user).get(url).content.decode())
    staffs_version = hidden_version(login(street_staff).get(url).content.decode())
    clock.shift(datetime.timedelta(minutes=5))
    first = login(street_staff).post(
        url, {**edit_data(activity, summary="联络机构核实：签到表 8 人"), "version": staffs_version}
    )
    assert first.status_code == 302
    clock.shift(datetime.timedelta(minutes=5))

    second = login(deputy.person.user).post(
        url, {**edit_data(activity, people_reached="50"), "version": deputys_version}, follow=True
    )

    activity.refresh_from_db()
    assert activity.summary == "联络机构核实：签到表 8 人"
    assert activity.people_reached == 5
    assert "该活动已被他人修改" in second.content.decode()


def test_a_patch_with_a_stale_version_answers_409_and_changes_nothing(clock, login, deputy, street_staff):
    activity = alices_own(deputy, people_reached=5)
    client = login(deputy.person.user)
    seen = client.get(f"/api/v1/activities/{activity.pk}/").json()["version"]
    clock.shift(datetime.timedelta(minutes=5))
    login(street_staff).patch(
        f"/api/v1/activities/{activity.pk}/", {"summary": "联络机构已核实"}, content_type="application/json"
    )

    response = login(deputy.person.user).patch(
        f"/api/v1/activities/{activity.pk}/",
        {"people_reached": 50, "version": seen},
        content_type="application/json",
    )

    assert response.status_code == 409
    activity.refresh_from_db()
    assert activity.people_reached == 5
    assert activity.summary == "联络机构已核实"
