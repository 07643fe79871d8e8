"""Deadlines on the official Chinese calendar, with make-up working days (调休), and a year without data."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Notification
from feedback import deadlines, services, workflow
from feedback.deadlines import build_calendar
from feedback.models import Holiday, OpinionState
from songjiang_liaison import config

from .factories import OpinionFactory, SuggestionFactory

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hour=10):
    return datetime.datetime(y, m, d, hour, tzinfo=SH)


def due_day(moment):
    return moment.astimezone(SH).date()


# The 2026 National Day holiday as the State Council published it: 1–7 October off (with the
# Mid-Autumn Festival), Sunday 20 September and Saturday 10 October worked instead.
NATIONAL_DAY_2026 = build_calendar(
    [(datetime.date(2026, 9, d), False) for d in (25, 26, 27)]
    + [(datetime.date(2026, 10, d), False) for d in range(1, 8)]
    + [(datetime.date(2026, 9, 20), True), (datetime.date(2026, 10, 10), True)]
)


def test_routing_due_skips_the_national_day_holiday_and_counts_the_make_up_saturday():
    # Received Wednesday 30 September: 8, 9, 10 (make-up Saturday), 12, 13 October.
    assert due_day(deadlines.route_due(at(2026, 9, 30), NATIONAL_DAY_2026)) == datetime.date(2026, 10, 13)


def test_a_make_up_sunday_counts_as_a_working_day():
    # Received Friday 18 September: Sunday 20 (make-up), 21, 22, 23, 24 September.
    assert due_day(deadlines.route_due(at(2026, 9, 18), NATIONAL_DAY_2026)) == datetime.date(2026, 9, 24)


def test_without_the_holidays_the_same_receipt_would_be_due_within_the_holiday():
    plain = build_calendar([(datetime.date(2026, 1, 1), False)])
    assert due_day(deadlines.route_due(at(2026, 9, 30), plain)) == datetime.date(2026, 10, 7)


def test_the_due_moment_is_the_end_of_the_day_in_shanghai():
    due = deadlines.route_due(at(2026, 9, 30, hour=23), NATIONAL_DAY_2026)
    assert due.astimezone(SH).time() == datetime.time(23, 59, 59)


@pytest.mark.django_db
def test_the_seeded_calendar_knows_the_2026_national_day_from_the_chinese_calendar_package():
    assert Holiday.objects.filter(date=datetime.date(2026, 10, 1), is_workday=False).exists()
    assert Holiday.objects.filter(date=datetime.date(2026, 10, 10), is_workday=True).exists()
    assert Holiday.objects.filter(date__year=2004).exists()
    assert due_day(deadlines.route_due_for(at(2026, 9, 30))) == datetime.date(2026, 10, 13)
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_a_year_without_data_falls_back_to_monday_to_friday_and_tells_administrators_once(admin_user):
    assert not Holiday.objects.filter(date__year=2027).exists()
    # Monday 1 March 2027: 2, 3, 4, 5, 8 March.
    assert due_day(deadlines.route_due_for(at(2027, 3, 1))) == datetime.date(2027, 3, 8)
    assert due_day(deadlines.route_due_for(at(2027, 3, 2))) == datetime.date(2027, 3, 9)
    notes = Notification.objects.filter(recipient=admin_user, kind="calendar_missing")
    assert notes.count() == 1
    assert "2027" in notes.get().title


@pytest.mark.django_db
def test_a_deadline_that_spills_into_an_unknown_year_also_asks_for_it(admin_user):
    # Monday 28 December 2026: 29, 30, 31 December, then 1 January 2027 counted as a Friday.
    assert due_day(deadlines.route_due_for(at(2026, 12, 28))) == datetime.date(2027, 1, 4)
    assert Notification.objects.filter(kind="calendar_missing", key__contains="2027").count() == 1


@pytest.mark.django_db
def test_once_administrators_enter_the_year_the_fallback_ends(admin_user):
    Holiday.objects.create(date=datetime.date(2027, 3, 3), is_workday=False, name="测试假日")
    assert due_day(deadlines.route_due_for(at(2027, 3, 1))) == datetime.date(2027, 3, 9)
    assert not Notification.objects.exists()


def test_feedback_is_due_fifteen_days_after_the_reply():
    assert due_day(deadlines.feedback_due(at(2026, 10, 20))) == datetime.date(2026, 11, 4)


@pytest.mark.parametrize(
    ("assigned", "difficult", "due"),
    [
        (datetime.date(2026, 1, 31), False, datetime.date(2026, 4, 30)),
        (datetime.date(2026, 1, 31), True, datetime.date(2026, 7, 31)),
        (datetime.date(2026, 11, 30), False, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 3, 15), True, datetime.date(2026, 9, 15)),
    ],
)
def test_suggestions_are_due_three_months_after_assignment_or_six_when_difficult(assigned, difficult, due):
    moment = datetime.datetime.combine(assigned, datetime.time(9), tzinfo=SH)
    assert due_day(deadlines.suggestion_due(moment, difficult=difficult)) == due


def test_reply_periods_per_level_come_from_the_settings(settings):
    # As settings.py builds it from OPINION_REPLY_PERIODS="street=10 days".
    settings.OPINION_REPLY_PERIODS = config.reply_periods("OPINION_REPLY_PERIODS", {"street": "10 days"})
    assert due_day(deadlines.reply_due(at(2026, 10, 20), "street", NATIONAL_DAY_2026)) == datetime.date(
        2026, 10, 30
    )
    # Levels not overridden keep the default.
    assert due_day(deadlines.reply_due(at(2026, 1, 20), "district", NATIONAL_DAY_2026)) == datetime.date(
        2026, 4, 20
    )


@pytest.mark.parametrize(
    ("now", "status"),
    [
        (datetime.timedelta(hours=-1), "on_time"),
        (datetime.timedelta(hours=1), "overdue"),
        (datetime.timedelta(days=29), "overdue"),
        (datetime.timedelta(days=31), "long_overdue"),
    ],
)
def test_an_opinion_shows_on_time_overdue_or_long_overdue(now, status):
    due = at(2026, 10, 13, hour=23)
    opinion = OpinionFactory.build(state=OpinionState.ROUTED, due_at=due)
    assert deadlines.deadline_status(opinion, due + now) == status


def test_a_closed_opinion_is_never_overdue():
    opinion = OpinionFactory.build(state=OpinionState.CLOSED, due_at=at(2020, 1, 1))
    assert deadlines.deadline_status(opinion, at(2026, 1, 1)) == "on_time"


@pytest.mark.django_db
def test_intake_stores_the_routing_due_date_in_the_indexed_column(yueyang_community, yueyang_committee):
    opinion = services.submit_opinion(
        content="岳阳街道人乐新村的路灯坏了一个月了。", region=yueyang_community, now=at(2026, 9, 30)
    )
    assert due_day(opinion.due_at) == datetime.date(2026, 10, 13)
    assert opinion.due_kind == "route"
    assert Holiday._meta.get_field("date").unique
    assert opinion._meta.get_field("due_at").db_index


@pytest.mark.django_db
def test_the_sweep_finds_overdue_opinions_assignments_and_suggestions_but_not_closed_ones(
    opinion, admin_user, handling_unit, bodies
):
    opinion = workflow.apply_action(
        opinion=opinion, action="route", actor=admin_user, data={"level": "street"}
    )
    workflow.apply_action(
        opinion=opinion, action="assign", actor=admin_user, data={"units": [handling_unit.pk]}
    )
    closed = OpinionFactory(region=opinion.region, state=OpinionState.CLOSED, due_at=at(2020, 1, 1))
    suggestion = SuggestionFactory(deputy=opinion.deputy, state="assigned", due_at=at(2026, 1, 1))
    later = at(2030, 1, 1)
    found = {(item.kind, item.obj.pk) for item in deadlines.overdue_items(later)}
    assert ("opinion", opinion.pk) in found
    assert ("assignment", opinion.assignments.get().pk) in found
    assert ("suggestion", suggestion.pk) in found
    assert ("opinion", closed.pk) not in found
    assert {item.status for item in deadlines.overdue_items(later)} == {"long_overdue"}
    assert list(deadlines.overdue_items(at(2000, 1, 1))) == []


@pytest.mark.django_db
def test_the_reminder_sweep_and_the_overdue_sweep_find_the_same_items_overdue(
    opinion, admin_user, handling_unit, bodies
):
    from feedback import reminders

    opinion = workflow.apply_action(
        opinion=opinion, action="route", actor=admin_user, data={"level": "street"}
    )
    workflow.apply_action(
        opinion=opinion, action="assign", actor=admin_user, data={"units": [handling_unit.pk]}
    )
    routed = OpinionFactory(region=opinion.region, state=OpinionState.ROUTED, due_at=at(2026, 1, 1))
    OpinionFactory(region=opinion.region, state=OpinionState.REJECTED, due_at=at(2020, 1, 1))
    SuggestionFactory(deputy=opinion.deputy, state="assigned", due_at=at(2026, 1, 1))
    SuggestionFactory(deputy=opinion.deputy, state="closed", due_at=at(2026, 1, 1))
    later = at(2030, 1, 1)

    reminded = {
        (name, item.pk)
        for name, source in reminders.DEADLINE_SOURCES.items()
        for item in source(later, later)
        if reminders.classify(item.due_at, later) in (deadlines.OVERDUE, deadlines.LONG_OVERDUE)
    }
    swept = {(item.kind, item.obj.pk) for item in deadlines.overdue_items(later)}

    # An assigned opinion is reminded of per assignment (whose reply is due), not as a whole.
    assert reminded == swept - {("opinion", opinion.pk)}
    assert ("opinion", routed.pk) in reminded and len(reminded) == 3
