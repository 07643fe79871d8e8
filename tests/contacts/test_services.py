"""Logging, registering, confirming, amending activities and the rest of the record (R-ACT-1…7)."""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from contacts import services
from contacts.models import (
    Amendment,
    ClosedYear,
    ContactActivity,
    MeetingState,
    Participation,
    QuotaExemption,
)
from contacts.quotas import progress_for_deputy
from contacts.selectors import with_voter_report_done
from deputies.models import Deputy
from tests import factories as f
from tests.contacts.factories import MeetingRequestFactory, OpinionFactory, activity_for

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def png_upload(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 20, 20)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def log(deputy, actor=None, **kwargs):
    values = {
        "actor": actor or deputy.person.user,
        "kind": "visit",
        "date": datetime.date(2026, 6, 1),
        "constituency": deputy.constituency,
        "is_constituency_contact": True,
        "is_centralized": False,
        "people_reached": 12,
        "summary": "走访人乐居委会",
    }
    values.update(kwargs)
    return services.log_activity(**values)


def test_a_deputy_logs_an_activity_for_their_own_mandate_and_it_counts(deputy):
    activity = log(deputy)

    participation = Participation.objects.get(activity=activity)
    assert participation.deputy == deputy
    assert participation.people_met == 12
    assert activity.created_by == deputy.person.user
    assert activity.confirmed_at is None
    progress = progress_for_deputy(deputy, 2026)
    assert (progress.constituency_contacts.done, progress.people_reached.done) == (1, 12)


def test_a_centralized_contact_is_always_a_constituency_contact(deputy):
    activity = log(deputy, kind="centralized", is_constituency_contact=False, is_centralized=False)

    assert activity.is_centralized and activity.is_constituency_contact


def test_a_photo_that_is_a_real_image_is_kept(deputy):
    activity = log(deputy, photos=[png_upload()])

    assert activity.photos.count() == 1
    assert activity.photos.get().image.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": datetime.date(2026, 6, 16)}, "date"),  # tomorrow
        ({"date": datetime.date(2021, 12, 31)}, "date"),  # before the mandate began
        ({"people_reached": -1}, "people_reached"),
        ({"people_reached": 10_001}, "people_reached"),
        ({"people_met": -3}, "people_met"),
        ({"constituency": None}, "constituency"),  # a constituency contact needs its constituency
        ({"kind": "party"}, "kind"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_is_written(deputy, changes, field):
    with pytest.raises(ValidationError) as excinfo:
        log(deputy, **changes)

    assert field in excinfo.value.message_dict
    assert ContactActivity.objects.count() == 0


def test_a_constituency_of_another_congress_is_refused(deputy, town_congress, sijing):
    town_constituency = f.ConstituencyFactory(congress=town_congress, region=sijing)

    with pytest.raises(ValidationError) as excinfo:
        log(deputy, constituency=town_constituency)

    assert "同一届" in excinfo.value.message_dict["constituency"][0]


def test_a_date_after_the_end_of_the_mandate_is_refused(deputy):
    Deputy.objects.filter(pk=deputy.pk).update(end_date=datetime.date(2026, 3, 31))
    deputy.refresh_from_db()

    with pytest.raises(ValidationError) as excinfo:
        log(deputy, date=datetime.date(2026, 4, 2))

    assert "任期" in excinfo.value.message_dict["date"][0]


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("photo.jpg", b"this is not a picture", content_type="image/jpeg"),
        SimpleUploadedFile("empty.png", b"", content_type="image/png"),
    ],
)
def test_a_photo_that_is_not_an_image_is_refused(deputy, upload):
    with pytest.raises(ValidationError) as excinfo:
        log(deputy, photos=[upload])

    assert "photos" in excinfo.value.message_dict
    assert ContactActivity.objects.count() == 0


def test_today_is_the_day_in_shanghai_so_1_january_can_be_logged_while_utc_is_still_31_december(deputy):
    with time_machine.travel(datetime.datetime(2025, 12, 31, 16, 30, tzinfo=datetime.UTC), tick=False):
        activity = log(deputy, date=datetime.date(2026, 1, 1))
    before_midnight = datetime.datetime(2025, 12, 31, 15, 30, tzinfo=datetime.UTC)
    with time_machine.travel(before_midnight, tick=False), pytest.raises(ValidationError):
        log(deputy, date=datetime.date(2026, 1, 1))

    assert progress_for_deputy(deputy, 2026).constituency_contacts.done == 1
    assert (
        progress_for_deputy(deputy, 2025, as_of=datetime.date(2025, 12, 31)).constituency_contacts.done == 0
    )
    assert activity.date.year == 2026


def test_a_deputy_cannot_log_an_activity_for_another_deputy(deputy, other_deputy):
    with pytest.raises(PermissionDenied):
        log(deputy, participants=[other_deputy], constituency=other_deputy.constituency)

    assert ContactActivity.objects.count() == 0


def test_someone_without_a_mandate_cannot_log_an_activity(deputy, handling_unit_staff):
    with pytest.raises(PermissionDenied):
        log(deputy, actor=handling_unit_staff, participants=None)


def test_a_deputy_cannot_link_another_deputys_opinion(deputy, other_deputy):
    opinion = OpinionFactory(deputy=other_deputy, region=other_deputy.constituency.region)

    with pytest.raises(ValidationError) as excinfo:
        log(deputy, opinions=[opinion])

    assert "opinions" in excinfo.value.message_dict


def test_the_opinions_collected_are_linked_to_the_activity(deputy):
    opinion = OpinionFactory(deputy=deputy, region=deputy.constituency.region)

    activity = log(deputy, opinions=[opinion])

    assert list(activity.opinions.all()) == [opinion]


def test_staff_register_a_centralized_contact_for_a_whole_group_which_counts_as_confirmed(
    deputy, street_staff, district_congress, yueyang_constituency
):
    others = [
        f.DeputyFactory(congress=district_congress, constituency=yueyang_constituency, group=deputy.group)
        for _ in range(3)
    ]

    activity = services.register_activity_for_group(
        actor=street_staff,
        group=deputy.group,
        date=datetime.date(2026, 5, 8),
        constituency=yueyang_constituency,
        people_reached=60,
        people_met={deputy.pk: 25},
        summary="岳阳街道代表小组集中联系选区",
    )

    met = dict(activity.participations.values_list("deputy_id", "people_met"))
    assert met == {deputy.pk: 25, **{d.pk: 60 for d in others}}
    assert activity.is_centralized and activity.confirmed_at is not None
    assert activity.organized_by == street_staff.organization
    assert progress_for_deputy(deputy, 2026).centralized_contacts.done == 1


def test_staff_cannot_register_for_deputies_outside_their_jurisdiction(deputy, other_deputy, street_staff):
    with pytest.raises(PermissionDenied):
        services.register_activity_for_group(
            actor=street_staff,
            deputies=[deputy, other_deputy],
            date=datetime.date(2026, 5, 8),
            constituency=deputy.constituency,
            people_reached=20,
        )

    assert ContactActivity.objects.count() == 0


def test_a_deputy_cannot_register_for_a_group(deputy):
    with pytest.raises(PermissionDenied):
        services.register_activity_for_group(
            actor=deputy.person.user,
            deputies=[deputy],
            date=datetime.date(2026, 5, 8),
            constituency=deputy.constituency,
            people_reached=20,
        )


def test_the_liaison_body_confirms_an_activity_and_other_streets_cannot(
    deputy, street_staff, other_street_staff
):
    activity = log(deputy)

    with pytest.raises(PermissionDenied):
        services.confirm_activity(actor=other_street_staff, activity=activity)
    services.confirm_activity(actor=street_staff, activity=activity)

    activity.refresh_from_db()
    assert activity.confirmed_by == street_staff


def test_a_deputys_change_to_a_confirmed_activity_needs_confirmation_again(deputy, street_staff):
    activity = log(deputy)
    services.confirm_activity(actor=street_staff, activity=activity)

    services.update_activity(actor=deputy.person.user, activity=activity, people_reached=30)

    activity.refresh_from_db()
    assert activity.people_reached == 30
    assert activity.confirmed_at is None
    assert Participation.objects.get(activity=activity).people_met == 30


def test_a_deputy_cannot_change_another_deputys_activity_nor_a_staff_registration(
    deputy, other_deputy, street_staff
):
    bobs = log(other_deputy)
    registered = log(deputy, actor=street_staff, participants=[deputy])

    for activity in (bobs, registered):
        with pytest.raises(PermissionDenied):
            services.update_activity(actor=deputy.person.user, activity=activity, summary="改")


def test_a_closed_year_is_read_only_and_corrections_are_amendments_with_a_reason(
    deputy, street_staff, admin_user
):
    activity = activity_for(
        deputy, date=datetime.date(2025, 11, 3), people_reached=20, created_by=deputy.person.user
    )
    services.close_year(actor=admin_user, year=2025)

    with pytest.raises(ValidationError):
        log(deputy, date=datetime.date(2025, 12, 1))
    with pytest.raises(ValidationError):
        services.update_activity(actor=street_staff, activity=activity, people_reached=25)
    with pytest.raises(ValidationError):
        services.amend_activity(actor=street_staff, activity=activity, reason="  ", people_reached=25)
    with pytest.raises(PermissionDenied):
        services.amend_activity(actor=deputy.person.user, activity=activity, reason="填错", people_reached=25)

    amendment = services.amend_activity(
        actor=street_staff, activity=activity, reason="签到表核对后更正人数", people_reached=25
    )

    activity.refresh_from_db()
    assert activity.people_reached == 25
    assert amendment.changes["people_reached"] == [20, 25]
    assert list(Amendment.objects.filter(activity=activity)) == [amendment]
    assert progress_for_deputy(deputy, 2025).people_reached.done == 25


def test_only_an_administrator_closes_a_year_and_only_a_past_one(street_staff, admin_user):
    with pytest.raises(PermissionDenied):
        services.close_year(actor=street_staff, year=2025)
    with pytest.raises(ValidationError):
        services.close_year(actor=admin_user, year=2026)

    services.close_year(actor=admin_user, year=2025)
    services.close_year(actor=admin_user, year=2025)

    assert list(ClosedYear.objects.values_list("year", flat=True)) == [2025]


def test_an_exemption_needs_a_reason_and_a_liaison_body_in_jurisdiction(
    deputy, street_staff, other_street_staff
):
    with pytest.raises(ValidationError):
        services.grant_exemption(actor=street_staff, deputy=deputy, year=2026, reason=" ")
    with pytest.raises(PermissionDenied):
        services.grant_exemption(actor=other_street_staff, deputy=deputy, year=2026, reason="病假")
    with pytest.raises(PermissionDenied):
        services.grant_exemption(actor=deputy.person.user, deputy=deputy, year=2026, reason="病假")

    services.grant_exemption(actor=street_staff, deputy=deputy, year=2026, reason="病假")

    assert QuotaExemption.objects.get().reason == "病假"
    assert progress_for_deputy(deputy, 2026).exempt is True


def test_a_report_to_voters_needs_content_or_a_file_and_marks_the_term_done(deputy):
    with pytest.raises(ValidationError) as excinfo:
        services.record_voter_report(actor=deputy.person.user, deputy=deputy, date=datetime.date(2026, 5, 1))
    assert "content" in excinfo.value.message_dict

    services.record_voter_report(
        actor=deputy.person.user,
        deputy=deputy,
        date=datetime.date(2026, 5, 1),
        attendance=52,
        content="报告履职情况",
    )

    assert with_voter_report_done(Deputy.objects.filter(pk=deputy.pk)).get().voter_report_done is True


def test_another_deputy_cannot_record_a_report_to_voters_for_alice(deputy, other_deputy):
    with pytest.raises(PermissionDenied):
        services.record_voter_report(
            actor=other_deputy.person.user, deputy=deputy, date=datetime.date(2026, 5, 1), content="x"
        )


def test_a_research_report_lists_its_deputies_organs_and_resulting_opinions(deputy, street_staff):
    opinion = OpinionFactory(deputy=deputy, region=deputy.constituency.region)

    report = services.record_research_report(
        actor=street_staff,
        title="老旧小区加装电梯专题调研",
        date=datetime.date(2026, 4, 20),
        deputies=[deputy],
        organs_visited="区住建委、岳阳街道办事处",
        opinions=[opinion],
        outcomes="形成代表建议1件",
    )

    assert list(report.deputies.all()) == [deputy]
    assert list(report.opinions.all()) == [opinion]


def test_training_attendance_is_recorded_by_staff_within_jurisdiction(
    deputy, other_deputy, street_staff, district_congress
):
    plan = services.create_training_plan(
        actor=street_staff, congress=district_congress, year=2026, title="履职培训"
    )
    session = services.add_training_session(
        actor=street_staff, plan=plan, title="代表建议撰写", date=datetime.date(2026, 4, 1)
    )

    services.record_attendances(actor=street_staff, session=session, statuses={deputy: "present"})
    with pytest.raises(PermissionDenied):
        services.record_attendances(actor=street_staff, session=session, statuses={other_deputy: "present"})

    assert session.attendances.get().deputy == deputy


def test_a_meeting_request_is_arranged_then_held_with_notes(deputy, street_staff, yueyang_committee):
    request = services.request_meeting(
        actor=deputy.person.user,
        deputy=deputy,
        subject="加装电梯进度",
        organ_name="区住建委",
        head_name="主任",
    )
    assert request.liaison_body == yueyang_committee

    services.arrange_meeting(
        actor=street_staff,
        request=request,
        scheduled_at=datetime.datetime(2026, 6, 20, 9, 30, tzinfo=SHANGHAI),
    )
    request = services.record_meeting(
        actor=street_staff, request=request, held_on=datetime.date(2026, 6, 15), notes="主任介绍了进度"
    )

    assert request.state == MeetingState.HELD
    assert deputy.person.user.notifications.count() == 2


def test_declining_a_meeting_needs_a_reason_and_a_declined_request_cannot_be_arranged(deputy, street_staff):
    request = MeetingRequestFactory(deputy=deputy)

    with pytest.raises(ValidationError):
        services.decline_meeting(actor=street_staff, request=request, reason="")
    services.decline_meeting(actor=street_staff, request=request, reason="负责人出国考察，建议改约")
    with pytest.raises(ValidationError) as excinfo:
        services.arrange_meeting(
            actor=street_staff,
            request=request,
            scheduled_at=datetime.datetime(2026, 7, 1, 9, tzinfo=SHANGHAI),
        )

    assert excinfo.value.code == "conflict"
    request.refresh_from_db()
    assert request.decline_reason == "负责人出国考察，建议改约"


def test_other_street_staff_cannot_arrange_alices_meeting(deputy, other_street_staff):
    request = MeetingRequestFactory(deputy=deputy)

    with pytest.raises(PermissionDenied):
        services.arrange_meeting(
            actor=other_street_staff,
            request=request,
            scheduled_at=datetime.datetime(2026, 7, 1, tzinfo=SHANGHAI),
        )


def test_a_meeting_moved_to_another_time_is_notified_again_in_the_deputys_language(deputy, street_staff):
    user = deputy.person.user
    user.language = "en"
    user.save(update_fields=["language"])
    request = services.request_meeting(
        actor=user, deputy=deputy, subject="加装电梯进度", organ_name="区住建委", head_name="主任"
    )

    for hour in (9, 14):
        services.arrange_meeting(
            actor=street_staff,
            request=request,
            scheduled_at=datetime.datetime(2026, 6, 20, hour, 30, tzinfo=SHANGHAI),
            place="区住建委会议室",
        )
    # The same arrangement saved twice is one message.
    services.arrange_meeting(
        actor=street_staff,
        request=request,
        scheduled_at=datetime.datetime(2026, 6, 20, 14, 30, tzinfo=SHANGHAI),
        place="区住建委会议室",
    )

    arranged = list(user.notifications.filter(kind="meeting_request").order_by("pk"))
    assert len(arranged) == 2
    assert "2026-06-20 09:30" in arranged[0].body and "2026-06-20 14:30" in arranged[1].body
    assert "区住建委会议室" in arranged[1].body
    assert "您的约见申请" not in arranged[1].title
