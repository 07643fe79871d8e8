"""The due dates of motions and suggestions (§四(三)): calendar months from the assignment, the
5-working-day assignment with holidays and make-up working days, co-units, re-handling, extension
limits, and on time versus overdue exactly at midnight in Asia/Shanghai."""

import datetime
import zoneinfo

import pytest

from feedback import deadlines

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=10, mm=0, ss=0, us=0):
    return datetime.datetime(y, m, d, hh, mm, ss, us, tzinfo=SHANGHAI)


def day_of(moment):
    return deadlines.local_day(moment)


@pytest.mark.parametrize(
    ("assigned", "difficult", "due"),
    [
        ((2026, 1, 31), False, (2026, 4, 30)),  # 31 January + 3 months = 30 April
        ((2025, 11, 30), False, (2026, 2, 28)),  # into a short February
        ((2023, 11, 30), False, (2024, 2, 29)),  # into a leap-year February
        ((2026, 10, 31), False, (2027, 1, 31)),  # across the year end
        ((2025, 8, 31), True, (2026, 2, 28)),  # difficult: 6 months
        ((2023, 8, 31), True, (2024, 2, 29)),
        ((2024, 2, 29), False, (2024, 5, 29)),
    ],
)
def test_the_reply_is_due_three_calendar_months_after_assignment_or_six_when_difficult(
    assigned, difficult, due
):
    assert day_of(deadlines.suggestion_due(at(*assigned), difficult=difficult)) == datetime.date(*due)


def test_a_late_evening_assignment_counts_from_its_day_in_shanghai_not_in_utc():
    # 23:30 on 31 January in Shanghai is still 31 January (15:30 UTC): due 30 April.
    moment = at(2026, 1, 31, 23, 30)
    assert day_of(deadlines.suggestion_due(moment, difficult=False)) == datetime.date(2026, 4, 30)


# A synthetic National Day week: 1–7 October off, Saturday 10 October a make-up working day.
NATIONAL_DAY = deadlines.build_calendar(
    [(datetime.date(2026, 10, d), False) for d in range(1, 8)] + [(datetime.date(2026, 10, 10), True)]
)


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        ((2026, 3, 6), (2026, 3, 13)),  # Friday → the next Friday (weekends skipped)
        ((2026, 9, 30), (2026, 10, 13)),  # holidays skipped, the make-up Saturday counts
        ((2026, 10, 3), (2026, 10, 13)),  # submitted on a holiday
        ((2026, 10, 9), (2026, 10, 15)),  # Friday 9th: Sat 10th (make-up), Mon 12 … Thu 15
    ],
)
def test_a_submitted_suggestion_is_assigned_within_five_working_days(submitted, due):
    assert day_of(deadlines.suggestion_assignment_due(at(*submitted), NATIONAL_DAY)) == datetime.date(*due)


def test_co_units_report_within_one_month_and_rehandling_takes_one_month():
    assert day_of(deadlines.co_units_due(at(2026, 1, 31))) == datetime.date(2026, 2, 28)
    assert day_of(deadlines.rehandle_due(at(2024, 1, 31))) == datetime.date(2024, 2, 29)
    assert day_of(deadlines.rehandle_due(at(2026, 12, 15))) == datetime.date(2027, 1, 15)


def test_extensions_reach_six_months_from_assignment_and_never_beyond():
    assigned = at(2026, 1, 31)
    due = deadlines.suggestion_due(assigned, difficult=False)  # 30 April
    first = deadlines.extended_suggestion_due(assigned_at=assigned, current_due=due, months=1)
    assert day_of(first) == datetime.date(2026, 5, 30)
    second = deadlines.extended_suggestion_due(assigned_at=assigned, current_due=first, months=2)
    assert day_of(second) == datetime.date(2026, 7, 30)
    # The limit is 31 July (31 January + 6 months): one more month would pass it.
    with pytest.raises(ValueError):
        deadlines.extended_suggestion_due(assigned_at=assigned, current_due=second, months=1)
    with pytest.raises(ValueError):
        deadlines.extended_suggestion_due(assigned_at=assigned, current_due=due, months=4)
    # A difficult suggestion already has its 6 months: no extension at all.
    difficult_due = deadlines.suggestion_due(assigned, difficult=True)
    with pytest.raises(ValueError):
        deadlines.extended_suggestion_due(assigned_at=assigned, current_due=difficult_due, months=1)
    with pytest.raises(ValueError):
        deadlines.extended_suggestion_due(assigned_at=assigned, current_due=due, months=0)


def test_an_extension_may_land_exactly_on_the_six_month_limit():
    assigned = at(2026, 8, 31)
    due = deadlines.suggestion_due(assigned, difficult=False)  # 30 November
    extended = deadlines.extended_suggestion_due(assigned_at=assigned, current_due=due, months=3)
    assert day_of(extended) == datetime.date(2027, 2, 28) == day_of(deadlines.latest_suggestion_due(assigned))


def test_on_time_until_the_last_instant_of_the_due_day_in_shanghai_and_overdue_from_midnight():
    due = deadlines.suggestion_due(at(2026, 1, 31), difficult=False)  # end of 30 April, Shanghai
    last_instant = at(2026, 4, 30, 23, 59, 59, 999999)
    midnight = at(2026, 5, 1, 0, 0, 0)
    assert deadlines.on_time(last_instant, due) is True
    assert deadlines.on_time(midnight, due) is False
    assert deadlines.status_for(due, at(2026, 4, 30, 23, 59, 59)) == deadlines.ON_TIME
    assert deadlines.status_for(due, midnight) == deadlines.OVERDUE
    # 16:00 UTC on 30 April is already midnight in Shanghai.
    utc_midnight_shanghai = datetime.datetime(2026, 4, 30, 16, 0, tzinfo=datetime.UTC)
    assert deadlines.on_time(utc_midnight_shanghai, due) is False
