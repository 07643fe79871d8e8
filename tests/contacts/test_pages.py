"""The pages of contact activities and the performance record: who sees what, what the forms say,
and how many queries the lists take."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from contacts.models import ActivityKind, ContactActivity, QuotaExemption
from tests import factories as f
from tests.contacts.factories import OpinionFactory, QuotaPolicyFactory, VoterReportFactory, activity_for

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded photos go to a temporary folder, not the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def png_upload(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def activity_data(deputy, **overrides):
    data = {
        "mandate": deputy.pk,
        "kind": ActivityKind.VISIT,
        "date": "2026-06-10",
        "constituency": deputy.constituency_id,
        "is_constituency_contact": "on",
        "people_reached": "12",
        "summary": "走访人乐居委会，听取加装电梯的意见。",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Who may see what -----------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["contacts:detail", "contacts:edit"])
def test_a_deputy_cannot_see_or_edit_another_deputys_activity_by_id(login, deputy, other_deputy, page):
    bobs = activity_for(other_deputy, date=datetime.date(2026, 3, 1))
    bobs.created_by = other_deputy.person.user
    bobs.save()

    response = login(deputy.person.user).get(reverse(page, args=[bobs.pk]))

    assert response.status_code == 404


def test_a_deputy_cannot_change_another_deputys_activity_by_posting_to_it(login, deputy, other_deputy):
    bobs = activity_for(other_deputy, date=datetime.date(2026, 3, 1), people_reached=10)
    bobs.created_by = other_deputy.person.user
    bobs.save()

    response = login(deputy.person.user).post(
        reverse("contacts:edit", args=[bobs.pk]), activity_data(deputy, people_reached="999")
    )

    assert response.status_code == 404
    bobs.refresh_from_db()
    assert bobs.people_reached == 10


def test_a_deputy_sees_and_can_edit_their_own_activity(login, deputy):
    own = activity_for(deputy, date=datetime.date(2026, 3, 1), summary="走访老年活动室")
    own.created_by = deputy.person.user
    own.save()
    client = login(deputy.person.user)

    detail = client.get(reverse("contacts:detail", args=[own.pk]))
    response = client.post(
        reverse("contacts:edit", args=[own.pk]),
        activity_data(deputy, date="2026-03-01", people_reached="25"),
    )

    assert "走访老年活动室" in detail.content.decode()
    assert reverse("contacts:edit", args=[own.pk]) in detail.content.decode()
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.people_reached == 25
    assert own.participations.get().people_met == 25


def test_the_activity_list_shows_only_the_deputys_own_activities(login, deputy, other_deputy):
    activity_for(deputy, summary="艾丽丝的走访", kind=ActivityKind.FORUM)
    activity_for(other_deputy, summary="鲍勃的走访", kind=ActivityKind.RECEPTION)

    html = login(deputy.person.user).get(reverse("contacts:list")).content.decode()

    assert "座谈" in html
    assert "代表接待日" not in html


def test_street_staff_see_the_record_of_their_own_deputies_only(login, street_staff, deputy, other_deputy):
    client = login(street_staff)

    own = client.get(reverse("contacts:record", args=[deputy.pk]))
    other = client.get(reverse("contacts:record", args=[other_deputy.pk]))

    assert own.status_code == 200
    assert "艾丽丝" in own.content.decode()
    assert other.status_code == 404


def test_street_staff_cannot_open_an_activity_of_another_street(login, street_staff, other_deputy):
    bobs = activity_for(other_deputy)

    response = login(street_staff).get(reverse("contacts:detail", args=[bobs.pk]))

    assert response.status_code == 404


def test_a_deputy_cannot_open_another_deputys_record(login, deputy, other_deputy):
    response = login(deputy.person.user).get(reverse("contacts:record", args=[other_deputy.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "page",
    ["contacts:register", "contacts:confirm_queue", "contacts:exemption_create", "contacts:research_create"],
)
def test_staff_pages_are_refused_to_deputies(login, deputy, page):
    response = login(deputy.person.user).get(reverse(page))

    assert response.status_code == 403


def test_my_year_is_for_logged_in_users(citizen):
    response = citizen.get(reverse("contacts:my_year"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- Logging an activity --------------------------------------------------------------------------


def test_logging_an_activity_with_a_photo_moves_the_progress_and_redirects_to_my_year(login, deputy):
    client = login(deputy.person.user)
    data = activity_data(deputy, is_centralized="on", people_reached="15")
    data["photos"] = [png_upload()]

    response = client.post(reverse("contacts:create"), data)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("contacts:my_year"))
    activity = ContactActivity.objects.get()
    assert activity.is_centralized and activity.is_constituency_contact
    assert activity.participations.get().deputy == deputy
    assert activity.photos.count() == 1
    html = client.get(response["Location"]).content.decode()
    assert 'aria-valuenow="1" aria-valuemin="0" aria-valuemax="4"' in html
    assert 'aria-valuenow="15" aria-valuemin="0" aria-valuemax="40"' in html


def test_the_form_defaults_to_today_in_shanghai(login, deputy):
    # 2026-06-15 18:30 UTC is already 16 June in Shanghai.
    with time_machine.travel(datetime.datetime(2026, 6, 15, 18, 30, tzinfo=datetime.UTC), tick=False):
        html = login(deputy.person.user).get(reverse("contacts:create")).content.decode()

    assert 'value="2026-06-16"' in html


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"date": "2026-06-16"}, "日期不能晚于今天"),
        ({"date": "2021-12-31"}, "代表任期内"),
        ({"people_reached": "-3"}, "人数不能为负数"),
        ({"people_reached": "50000"}, "请检查是否填写错误"),
        ({"date": "not a date"}, "请填写有效日期"),
        ({"kind": None}, "该字段是必填项"),
    ],
)
def test_bad_input_gets_a_clear_chinese_message_and_keeps_the_values(login, deputy, overrides, field_message):
    client = login(deputy.person.user)

    response = client.post(reverse("contacts:create"), activity_data(deputy, **overrides))

    html = response.content.decode()
    assert response.status_code == 200
    assert field_message in html
    assert "您已填写的内容都保留在下面" in html
    assert "走访人乐居委会，听取加装电梯的意见。" in html
    assert not ContactActivity.objects.exists()


def test_a_constituency_of_another_congress_is_refused(login, deputy, town_congress, sijing):
    town_constituency = f.ConstituencyFactory(congress=town_congress, region=sijing, name="泗泾第1选区")

    response = login(deputy.person.user).post(
        reverse("contacts:create"), activity_data(deputy, constituency=town_constituency.pk)
    )

    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not ContactActivity.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_as_a_photo(login, deputy):
    data = activity_data(deputy)
    data["photos"] = [SimpleUploadedFile("photo.png", b"MZ not really a picture", content_type="image/png")]

    response = login(deputy.person.user).post(reverse("contacts:create"), data)

    assert response.status_code == 200
    assert "不是有效的图片" in response.content.decode()
    assert not ContactActivity.objects.exists()


def test_a_script_in_the_summary_is_shown_as_text(login, deputy):
    activity = activity_for(deputy, summary="<script>alert('x')</script>")

    html = login(deputy.person.user).get(reverse("contacts:detail", args=[activity.pk])).content.decode()

    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_a_deputy_can_link_only_their_own_opinions(login, deputy, other_deputy, yueyang):
    mine = OpinionFactory(deputy=deputy, region=yueyang, content="我的意见")
    OpinionFactory(deputy=other_deputy, region=yueyang, content="别人的意见")

    html = login(deputy.person.user).get(reverse("contacts:create")).content.decode()
    response = login(deputy.person.user).post(
        reverse("contacts:create"), activity_data(deputy, opinions=[mine.pk])
    )

    assert "我的意见" in html
    assert "别人的意见" not in html
    assert response.status_code == 302
    assert list(ContactActivity.objects.get().opinions.all()) == [mine]


# --- My year ----------------------------------------------------------------------------------------


def test_my_year_shows_numbers_with_units_what_is_missing_and_the_activities_behind_them(login, deputy):
    activity_for(deputy, date=datetime.date(2026, 2, 1), people_reached=30, is_centralized=True)
    activity_for(deputy, date=datetime.date(2025, 12, 31), people_reached=99)

    html = login(deputy.person.user).get(reverse("contacts:my_year")).content.decode()

    assert '<strong class="quota-done">30</strong> / 40 人次' in html
    assert "还需进选区联系活动3次（其中集中联系1次）、联系群众10人次、反映社情民意4次" in html
    assert "2026年2月1日" in html
    assert "2025年12月31日" not in html


def test_my_year_has_one_section_per_mandate(login, deputy, town_congress, sijing):
    town_mandate = f.DeputyFactory(
        person=deputy.person,
        congress=town_congress,
        constituency=f.ConstituencyFactory(congress=town_congress, region=sijing),
    )

    html = login(deputy.person.user).get(reverse("contacts:my_year")).content.decode()

    assert html.count('class="card mb-4 mandate-section"') == 2
    assert f'data-mandate="{town_mandate.pk}"' in html


def test_my_year_marks_unconfirmed_activities_when_only_confirmed_ones_count(
    login, deputy, district_congress
):
    QuotaPolicyFactory(congress=district_congress, year=2026, count_confirmed_only=True)
    activity_for(deputy, date=datetime.date(2026, 2, 1))

    html = login(deputy.person.user).get(reverse("contacts:my_year")).content.decode()

    assert "待确认，暂不计入" in html
    assert 'aria-valuenow="0" aria-valuemin="0" aria-valuemax="4"' in html


def test_my_year_for_another_year_is_chosen_with_the_selector(login, deputy):
    activity_for(deputy, date=datetime.date(2025, 5, 1))

    html = login(deputy.person.user).get(reverse("contacts:my_year"), {"year": 2025}).content.decode()

    assert "2025年 我的履职" in html
    assert "2025年5月1日" in html


# --- Staff ------------------------------------------------------------------------------------------


def test_staff_register_one_activity_for_several_of_their_deputies(
    login, street_staff, deputy, yueyang_constituency
):
    colleague = f.DeputyFactory(congress=deputy.congress, constituency=yueyang_constituency)

    response = login(street_staff).post(
        reverse("contacts:register"),
        {
            "deputies": [deputy.pk, colleague.pk],
            "kind": ActivityKind.CENTRALIZED,
            "date": "2026-06-01",
            "constituency": yueyang_constituency.pk,
            "is_constituency_contact": "on",
            "is_centralized": "on",
            "people_reached": "50",
        },
    )

    assert response.status_code == 302
    activity = ContactActivity.objects.get()
    assert set(activity.participations.values_list("deputy_id", flat=True)) == {deputy.pk, colleague.pk}
    assert activity.confirmed_at is not None


def test_staff_cannot_register_for_a_deputy_outside_their_jurisdiction(login, street_staff, other_deputy):
    response = login(street_staff).post(
        reverse("contacts:register"),
        {
            "deputies": [other_deputy.pk],
            "kind": ActivityKind.CENTRALIZED,
            "date": "2026-06-01",
            "constituency": other_deputy.constituency_id,
            "is_constituency_contact": "on",
            "people_reached": "50",
        },
    )

    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not ContactActivity.objects.exists()


def test_staff_confirm_an_activity_their_deputy_logged(login, street_staff, deputy):
    activity = activity_for(deputy)

    response = login(street_staff).post(
        reverse("contacts:confirm", args=[activity.pk]), {"version": activity.updated_at.isoformat()}
    )

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.confirmed_by == street_staff


def test_staff_cannot_confirm_an_activity_of_another_street(login, street_staff, other_deputy):
    activity = activity_for(other_deputy)

    response = login(street_staff).post(reverse("contacts:confirm", args=[activity.pk]))

    assert response.status_code == 404
    activity.refresh_from_db()
    assert activity.confirmed_at is None


def test_staff_grant_an_exemption_with_a_reason(login, street_staff, deputy):
    response = login(street_staff).post(
        reverse("contacts:exemption_create"), {"deputy": deputy.pk, "year": 2026, "reason": "因病住院"}
    )

    assert response.status_code == 302
    assert QuotaExemption.objects.get(deputy=deputy, year=2026).reason == "因病住院"


def test_the_overview_lists_only_deputies_in_jurisdiction(login, street_staff, deputy, other_deputy):
    html = login(street_staff).get(reverse("contacts:overview")).content.decode()

    assert "艾丽丝" in html
    assert "鲍勃" not in html


def test_the_overview_filters_deputies_behind_and_pages_them_by_fifty(
    login, street_staff, deputy, yueyang_constituency
):
    """艾丽丝 is excused (compliant) and sorts after the 51 others, who have done nothing yet."""
    QuotaExemption.objects.create(deputy=deputy, year=2026, reason="因病住院")
    for i in range(51):
        f.DeputyFactory(
            person=f.PersonFactory(name=f"岳阳代表{i:02d}"),
            congress=deputy.congress,
            constituency=yueyang_constituency,
        )
    client = login(street_staff)
    url = reverse("contacts:overview")

    everyone_last = client.get(url, {"page": 2}).content.decode()
    behind_first = client.get(url, {"behind": "1"}).content.decode()
    behind_last = client.get(url, {"behind": "1", "page": 2}).content.decode()
    past_the_end = client.get(url, {"behind": "1", "page": 9}).content.decode()
    not_a_number = client.get(url, {"behind": "1", "page": "x"}).content.decode()
    # An offset no database can take is past the end like any other: the last page, not a 500.
    huge = client.get(url, {"behind": "1", "page": "9" * 30})
    negative = client.get(url, {"behind": "1", "page": "-3"})

    assert "岳阳代表50" in everyone_last and "艾丽丝" in everyone_last
    assert "岳阳代表00" in behind_first and "岳阳代表49" in behind_first and "岳阳代表50" not in behind_first
    assert "岳阳代表50" in behind_last and "艾丽丝" not in behind_last and "岳阳代表49" not in behind_last
    assert "岳阳代表50" in past_the_end and "岳阳代表49" not in past_the_end
    assert "岳阳代表00" in not_a_number
    for answer in (huge, negative):
        assert answer.status_code == 200 and "岳阳代表50" in answer.content.decode()


# --- Meeting requests and reports -------------------------------------------------------------------


def test_a_deputy_requests_a_meeting_and_staff_decline_it_with_a_reason(login, deputy, street_staff):
    login(deputy.person.user).post(
        reverse("contacts:meeting_create"),
        {"deputy": deputy.pk, "organ_name": "区教育局", "head_name": "局长", "subject": "学校周边交通"},
    )
    meeting = deputy.meeting_requests.get()

    response = login(street_staff).post(
        reverse("contacts:meeting_action", args=[meeting.pk, "decline"]), {"decline_reason": "局长外出学习"}
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == "declined"
    assert meeting.decline_reason == "局长外出学习"


def test_a_deputy_records_a_report_to_voters_and_the_term_shows_it_done(login, deputy):
    client = login(deputy.person.user)

    client.post(
        reverse("contacts:voter_report_create"),
        {
            "deputy": deputy.pk,
            "date": "2026-05-20",
            "form": "oral",
            "attendance": "45",
            "content": "报告履职情况",
        },
    )
    html = client.get(reverse("contacts:voter_reports")).content.decode()

    assert deputy.voter_reports.count() == 1
    assert "已报告" in html


# --- Public summary ---------------------------------------------------------------------------------


def test_the_public_summary_shows_counts_and_reports_but_no_personal_data(deputy, yueyang):
    from django.template import Context, Template

    public = activity_for(deputy, date=datetime.date(2026, 3, 1), is_public=True, summary="公开的座谈会")
    private = activity_for(deputy, date=datetime.date(2026, 4, 1), summary="不公开的走访记录")
    opinion = OpinionFactory(
        deputy=deputy,
        region=yueyang,
        submitter_name="张三丰",
        submitter_phone="13900001111",
        submitter_address="岳阳街道某路1号",
        content="楼道灯坏了",
    )
    public.opinions.add(opinion)
    private.opinions.add(opinion)
    VoterReportFactory(deputy=deputy, date=datetime.date(2026, 5, 20))

    html = Template("{% load contacts_tags %}{% public_performance_summary deputy %}").render(
        Context({"deputy": deputy})
    )

    assert "2026年" in html
    assert "2 次" in html
    assert "2026年5月20日" in html
    assert "公开的座谈会" in html
    for secret in ["不公开的走访记录", "张三丰", "13900001111", "岳阳街道某路1号", "楼道灯坏了"]:
        assert secret not in html


def test_the_public_summary_takes_a_fixed_number_of_queries(deputy, django_assert_num_queries):
    from django.template import Context, Template

    for day in range(1, 21):
        activity_for(deputy, date=datetime.date(2026, 3, day), is_public=True)
    template = Template("{% load contacts_tags %}{% public_performance_summary deputy %}")

    with django_assert_num_queries(3):
        template.render(Context({"deputy": deputy}))


# --- Query counts -----------------------------------------------------------------------------------


def _queries(client, url, django_assert_max_num_queries, limit):
    client.get(url)  # warm up: memoised figures (the unread count) are read once per change
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("url_name", "as_staff"),
    [
        ("contacts:list", False),
        ("contacts:my_year", False),
        ("contacts:record", False),
        ("contacts:list", True),
        ("contacts:confirm_queue", True),
        ("contacts:record", True),
    ],
)
def test_activity_pages_take_the_same_number_of_queries_for_5_and_100_activities(
    login, deputy, street_staff, yueyang, url_name, as_staff, django_assert_max_num_queries
):
    client = login(street_staff if as_staff else deputy.person.user)
    url = reverse(url_name, args=[deputy.pk]) if url_name == "contacts:record" else reverse(url_name)
    for day in range(5):
        activity_for(deputy, date=datetime.date(2026, 1, 1) + datetime.timedelta(days=day))
        OpinionFactory(deputy=deputy, region=yueyang)
    few = _queries(client, url, django_assert_max_num_queries, 25)
    for day in range(5, 100):
        activity_for(deputy, date=datetime.date(2026, 1, 1) + datetime.timedelta(days=day))
        OpinionFactory(deputy=deputy, region=yueyang)

    many = _queries(client, url, django_assert_max_num_queries, 25)

    assert few == many


def test_the_overview_takes_the_same_number_of_queries_for_few_and_many_deputies(
    login, street_staff, deputy, yueyang_constituency, django_assert_max_num_queries
):
    client = login(street_staff)
    url = reverse("contacts:overview")
    few = _queries(client, url, django_assert_max_num_queries, 15)
    for _ in range(30):
        activity_for(f.DeputyFactory(congress=deputy.congress, constituency=yueyang_constituency))

    many = _queries(client, url, django_assert_max_num_queries, 15)

    assert few == many


def test_the_public_profile_shows_the_performance_summary_without_private_records(citizen, deputy, yueyang):
    activity_for(deputy, date=datetime.date(2026, 3, 1), is_public=True, summary="公开的座谈会")
    private = activity_for(deputy, date=datetime.date(2026, 4, 1), summary="不公开的走访记录")
    private.opinions.add(OpinionFactory(deputy=deputy, region=yueyang, submitter_name="张三丰"))

    html = citizen.get(reverse("deputies:profile", args=[deputy.pk])).content.decode()

    assert "履职情况" in html
    assert "公开的座谈会" in html
    assert "不公开的走访记录" not in html
    assert "张三丰" not in html


# --- Every page renders for the people it is for -----------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "contacts:list",
        "contacts:overview",
        "contacts:register",
        "contacts:confirm_queue",
        "contacts:exemption_create",
        "contacts:voter_reports",
        "contacts:voter_report_create",
        "contacts:research",
        "contacts:research_create",
        "contacts:training",
        "contacts:training_plan_create",
        "contacts:training_session_create",
        "contacts:meetings",
    ],
)
def test_staff_pages_render_with_the_jurisdictions_deputies(
    login, street_staff, deputy, other_deputy, url_name
):
    activity_for(deputy)

    response = login(street_staff).get(reverse(url_name))

    assert response.status_code == 200
    assert "鲍勃" not in response.content.decode()


@pytest.mark.parametrize(
    "url_name",
    [
        "contacts:my_year",
        "contacts:create",
        "contacts:list",
        "contacts:voter_reports",
        "contacts:voter_report_create",
        "contacts:research",
        "contacts:training",
        "contacts:meetings",
        "contacts:meeting_create",
    ],
)
def test_deputy_pages_render(login, deputy, url_name):
    activity_for(deputy)

    response = login(deputy.person.user).get(reverse(url_name))

    assert response.status_code == 200
    assert 'aria-label="履职栏目"' in response.content.decode()


def test_the_record_shows_each_year_of_the_term_with_its_activities(login, deputy):
    activity_for(deputy, date=datetime.date(2024, 5, 1), summary="二〇二四年的走访")
    activity_for(deputy, date=datetime.date(2026, 5, 1))
    QuotaExemption.objects.create(deputy=deputy, year=2025, reason="离岗学习")

    html = login(deputy.person.user).get(reverse("contacts:record", args=[deputy.pk])).content.decode()

    for year in ("2022年", "2023年", "2024年", "2025年", "2026年"):
        assert year in html
    assert "2024年5月1日" in html
    assert "离岗学习" in html
    assert "本届尚未报告" in html


def test_staff_amend_an_activity_of_a_closed_year_with_a_reason(login, street_staff, deputy, admin_user):
    from contacts.models import Amendment, ClosedYear

    activity = activity_for(deputy, date=datetime.date(2025, 5, 1), people_reached=10)
    ClosedYear.objects.create(year=2025, closed_by=admin_user)
    client = login(street_staff)

    edit = client.get(reverse("contacts:edit", args=[activity.pk]))
    response = client.post(
        reverse("contacts:amend", args=[activity.pk]),
        {
            "reason": "人数登记错误",
            "kind": ActivityKind.VISIT,
            "date": "2025-05-01",
            "constituency": deputy.constituency_id,
            "is_constituency_contact": "on",
            "people_reached": "20",
        },
    )

    assert edit.status_code == 302  # a closed year is not edited in place
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.people_reached == 20
    assert Amendment.objects.get(activity=activity).reason == "人数登记错误"
    detail = client.get(reverse("contacts:detail", args=[activity.pk])).content.decode()
    assert "人数登记错误" in detail


def test_staff_arrange_and_record_a_meeting(login, deputy, street_staff):
    from tests.contacts.factories import MeetingRequestFactory

    meeting = MeetingRequestFactory(deputy=deputy)
    client = login(street_staff)

    client.post(
        reverse("contacts:meeting_action", args=[meeting.pk, "arrange"]),
        {"scheduled_at": "2026-06-20T09:30", "place": "区政府第三会议室"},
    )
    client.post(
        reverse("contacts:meeting_action", args=[meeting.pk, "record"]),
        {"held_on": "2026-06-15", "notes": "局长答复年内完成"},
    )

    meeting.refresh_from_db()
    assert meeting.state == "held"
    assert meeting.notes == "局长答复年内完成"


def test_staff_record_training_attendance_for_their_deputies(login, street_staff, deputy, district_congress):
    from contacts.models import TrainingAttendance, TrainingPlan, TrainingSession

    plan = TrainingPlan.objects.create(congress=district_congress, year=2026, title="履职培训")
    session = TrainingSession.objects.create(plan=plan, title="代表法解读", date=datetime.date(2026, 4, 1))

    response = login(street_staff).post(
        reverse("contacts:training_attendance", args=[session.pk]), {f"d{deputy.pk}": "present"}
    )

    assert response.status_code == 302
    assert TrainingAttendance.objects.get(session=session, deputy=deputy).status == "present"


def test_an_administrator_closes_a_past_year_and_its_activities_can_no_longer_be_edited(
    login, admin_user, deputy
):
    from contacts.models import ClosedYear

    activity = activity_for(deputy, date=datetime.date(2025, 5, 1))
    activity.created_by = deputy.person.user
    activity.save()

    response = login(admin_user).post(reverse("contacts:close_year"), {"year": 2025})
    edit = login(deputy.person.user).get(reverse("contacts:edit", args=[activity.pk]))

    assert response.status_code == 302
    assert ClosedYear.objects.filter(year=2025).exists()
    assert edit.status_code == 302
    assert edit["Location"] == reverse("contacts:detail", args=[activity.pk])


def test_only_administrators_close_years(login, street_staff):
    response = login(street_staff).post(reverse("contacts:close_year"), {"year": 2025})

    assert response.status_code == 403
