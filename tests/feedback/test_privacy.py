"""The submitter's personal information (PIPL): who sees it, masking, audit rows and retention."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from feedback import permissions, privacy, workflow
from feedback.models import ContactView, Opinion, OpinionState

from .factories import OpinionFactory

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("021-57771234", "021****1234"),
        ("12345", "***45"),
        ("", ""),
    ],
)
def test_phone_numbers_are_masked_in_the_middle(phone, masked):
    assert privacy.mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "李*"), ("", "")]
)
def test_names_keep_only_the_first_character(name, masked):
    assert privacy.mask_name(name) == masked


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("deputy_user", True),  # the deputy it is addressed to
        ("street_staff", True),  # the body handling it
        ("other_deputy_user", False),
        ("other_street_staff", False),
        ("town_staff", False),
        ("personnel_staff", False),  # sees the opinion district-wide, but does not handle it
        ("handling_unit_staff", False),  # not assigned
        ("committee_member", False),
    ],
)
def test_only_the_assigned_deputy_and_the_staff_handling_it_see_contact_details(
    persona, sees, request, opinion
):
    assert permissions.may_see_contact(request.getfixturevalue(persona), opinion) is sees


@pytest.mark.django_db
def test_an_assigned_unit_sees_contact_details_only_with_the_submitters_consent(
    opinion, admin_user, handling_unit, handling_unit_staff, bodies
):
    for action, data in (("route", {"level": "street"}), ("assign", {"units": [handling_unit.pk]})):
        opinion = workflow.apply_action(opinion=opinion, action=action, actor=admin_user, data=data)
    assert permissions.may_see_contact(handling_unit_staff, opinion)
    Opinion.objects.filter(pk=opinion.pk).update(consent=False)
    opinion.refresh_from_db()
    assert not permissions.may_see_contact(handling_unit_staff, opinion)


@pytest.mark.django_db
def test_the_public_never_sees_contact_details(opinion):
    assert not permissions.may_see_contact(None, opinion)
    assert privacy.contact_for(None, opinion)["submitter_phone"] == "138****5678"


@pytest.mark.django_db
def test_each_unmasked_view_leaves_an_audit_row(deputy_user, personnel_staff, opinion):
    privacy.contact_for(deputy_user, opinion)
    privacy.contact_for(deputy_user, opinion)
    privacy.contact_for(personnel_staff, opinion)  # masked: nothing to record
    assert ContactView.objects.filter(opinion=opinion).count() == 2
    assert set(ContactView.objects.values_list("user", flat=True)) == {deputy_user.pk}


@pytest.mark.django_db
def test_contact_details_of_opinions_closed_longer_than_the_retention_period_are_blanked(
    opinion, yueyang_community, settings
):
    settings.OPINION_RETENTION_MONTHS = 12
    long_ago = datetime.datetime(2024, 6, 1, 10, tzinfo=SH)
    old = OpinionFactory(
        region=yueyang_community,
        state=OpinionState.CLOSED,
        closed_at=long_ago,
        submitter_name="李四",
        submitter_phone="13900001111",
        submitter_address="某路1号",
    )
    recent = OpinionFactory(
        region=yueyang_community,
        state=OpinionState.CLOSED,
        closed_at=datetime.datetime(2026, 6, 1, 10, tzinfo=SH),
        submitter_phone="13900002222",
    )
    out = StringIO()
    call_command("anonymize_closed_opinions", "--as-of", "2026-11-28", stdout=out)
    old.refresh_from_db()
    recent.refresh_from_db()
    opinion.refresh_from_db()
    assert (old.submitter_name, old.submitter_phone, old.submitter_address) == ("", "", "")
    assert old.anonymized_at is not None
    assert old.content  # the opinion itself stays for the handling reports
    assert recent.submitter_phone == "13900002222"
    assert opinion.submitter_phone == "13812345678"  # still open
    assert "1" in out.getvalue()


@pytest.mark.django_db
def test_the_retention_task_is_scheduled_in_the_database():
    from django_celery_beat.models import PeriodicTask

    from feedback.tasks import anonymize_closed_opinions

    assert PeriodicTask.objects.filter(task="feedback.tasks.anonymize_closed_opinions").exists()
    assert anonymize_closed_opinions.delay(as_of="2026-11-28").get() == 0
