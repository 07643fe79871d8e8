"""The yearly quota of §三(六): explicit scenarios, pro-rating, pace, exemptions, year boundaries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Participation
from contacts.quotas import (
    Measure,
    counted_opinions,
    progress_for_deputy,
    progress_for_year,
    served_period,
)
from deputies.models import Deputy, Person
from tests import factories as f
from tests.contacts.factories import (
    ContactActivityFactory,
    OpinionFactory,
    QuotaExemptionFactory,
    QuotaPolicyFactory,
    activity_for,
)

YEAR = 2026
END_OF_YEAR = datetime.date(2026, 12, 31)


# --- Oracles: the rule of contacts/quotas/ in plain Python, to check the SQL against -----------------


def months_served(start_date: datetime.date, end_date: datetime.date | None, year: int) -> int:
    """Oracle: calendar months of the year in which the mandate was held on at least one day."""
    period = served_period(start_date, end_date, year)
    if period is None:
        return 0
    return period[1].month - period[0].month + 1


def prorated(required: int, months: int) -> int:
    """Oracle: required × months / 12, rounded up (integer arithmetic, no floating point)."""
    return -(-required * months // 12)


def pace_target(required: int, *, period: tuple[datetime.date, datetime.date], as_of: datetime.date) -> int:
    """Oracle: what should be done by ``as_of``: required × the elapsed fraction of the served
    period, rounded down."""
    start, end = period
    length = (end - start).days + 1
    elapsed = min(max((as_of - start).days + 1, 0), length)
    return required * elapsed // length


def contacts(deputy, *, plain=0, centralized=0, people=10, on=datetime.date(2026, 3, 10)):
    for _ in range(plain):
        activity_for(deputy, date=on, people_reached=people)
    for _ in range(centralized):
        activity_for(deputy, date=on, people_reached=people, is_centralized=True, kind="centralized")


def opinions(deputy, n, *, received_at=datetime.datetime(2026, 4, 1, 2, 0, tzinfo=datetime.UTC)):
    for _ in range(n):
        OpinionFactory(deputy=deputy, region=deputy.constituency.region, received_at=received_at)


def test_a_deputy_with_four_contacts_two_centralized_forty_people_and_four_opinions_is_compliant(deputy):
    contacts(deputy, plain=2, centralized=2, people=10)
    opinions(deputy, 4)

    progress = progress_for_deputy(deputy, YEAR, as_of=END_OF_YEAR)

    assert progress.constituency_contacts == Measure(done=4, required=4)
    assert progress.centralized_contacts == Measure(done=2, required=2)
    assert progress.people_reached == Measure(done=40, required=40)
    assert progress.opinions_reflected == Measure(done=4, required=4)
    assert progress.compliant is True
    assert progress.behind_pace is False
    assert progress.missing_text() == "已完成本年度联系要求"


def test_exactly_four_contacts_with_only_one_centralized_is_not_compliant(deputy):
    contacts(deputy, plain=3, centralized=1, people=10)
    opinions(deputy, 4)

    progress = progress_for_deputy(deputy, YEAR, as_of=END_OF_YEAR)

    assert progress.constituency_contacts.met
    assert progress.centralized_contacts == Measure(done=1, required=2)
    assert progress.compliant is False
    assert progress.missing_text() == "还需集中联系选区1次"


@pytest.mark.parametrize(("people_met", "met"), [(40, True), (39, False), (41, True)])
def test_forty_person_times_are_needed(deputy, people_met, met):
    contacts(deputy, plain=2, centralized=2, people=10)
    Participation.objects.filter(deputy=deputy).order_by("pk").first()
    last = Participation.objects.filter(deputy=deputy).order_by("pk").last()
    last.people_met = people_met - 30
    last.save()
    opinions(deputy, 4)

    progress = progress_for_deputy(deputy, YEAR, as_of=END_OF_YEAR)

    assert progress.people_reached.done == people_met
    assert progress.people_reached.met is met
    assert progress.compliant is met
    if not met:
        assert progress.missing_text() == "还需联系群众1人次"


def test_only_constituency_contacts_count_toward_people_reached(deputy):
    activity_for(deputy, is_constituency_contact=False, kind="email", people_reached=100)

    progress = progress_for_deputy(deputy, YEAR, as_of=END_OF_YEAR)

    assert progress.constituency_contacts.done == 0
    assert progress.people_reached.done == 0


@pytest.mark.parametrize(
    ("plain", "centralized", "people", "n_opinions", "text"),
    [
        (1, 1, 11, 1, "还需进选区联系活动2次（其中集中联系1次）、联系群众18人次、反映社情民意3次"),
        # One contact short, but both centralized ones are missing: two more contacts are needed.
        (3, 0, 20, 4, "还需进选区联系活动2次（其中集中联系2次）"),
        (0, 0, 0, 4, "还需进选区联系活动4次（其中集中联系2次）、联系群众40人次"),
        (2, 2, 10, 3, "还需反映社情民意1次"),
    ],
)
def test_missing_text_says_what_is_missing_in_chinese(deputy, plain, centralized, people, n_opinions, text):
    contacts(deputy, plain=plain, centralized=centralized, people=people)
    opinions(deputy, n_opinions)

    progress = progress_for_deputy(deputy, YEAR, as_of=END_OF_YEAR)

    assert progress.missing_text() == text


@pytest.mark.parametrize(
    ("start", "end", "months", "required"),
    [
        # (start, end, months served in 2026, required contacts/centralized/people/opinions)
        (datetime.date(2022, 1, 1), None, 12, (4, 2, 40, 4)),
        (datetime.date(2026, 7, 1), None, 6, (2, 1, 20, 2)),
        (datetime.date(2026, 7, 15), None, 6, (2, 1, 20, 2)),
        (datetime.date(2026, 12, 1), None, 1, (1, 1, 4, 1)),
        (datetime.date(2022, 1, 1), datetime.date(2026, 3, 31), 3, (1, 1, 10, 1)),
        (datetime.date(2022, 1, 1), datetime.date(2026, 8, 2), 8, (3, 2, 27, 3)),
        (datetime.date(2026, 4, 10), datetime.date(2026, 5, 20), 2, (1, 1, 7, 1)),
    ],
)
def test_a_mandate_starting_or_ending_within_the_year_owes_a_prorated_quota_rounded_up(
    deputy, start, end, months, required
):
    Deputy.objects.filter(pk=deputy.pk).update(start_date=start, end_date=end)
    deputy.refresh_from_db()

    progress = progress_for_deputy(deputy, YEAR, as_of=END_OF_YEAR)

    assert progress.months_served == months
    assert (
        progress.constituency_contacts.required,
        progress.centralized_contacts.required,
        progress.people_reached.required,
        progress.opinions_reflected.required,
    ) == required
    assert months_served(start, end, YEAR) == months
    assert prorated(40, months) == required[2]


def test_a_deputy_whose_mandate_started_in_july_is_compliant_with_half_the_quota(deputy):
    Deputy.objects.filter(pk=deputy.pk).update(start_date=datetime.date(2026, 7, 1))
    deputy.refresh_from_db()
    contacts(deputy, plain=1, centralized=1, people=10, on=datetime.date(2026, 9, 1))
    opinions(deputy, 2, received_at=datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC))

    assert progress_for_deputy(deputy, YEAR, as_of=END_OF_YEAR).compliant is True


def test_an_exempt_deputy_is_compliant_and_never_behind_and_the_reason_is_kept(deputy, street_staff):
    QuotaExemptionFactory(deputy=deputy, year=YEAR, reason="援疆挂职", granted_by=street_staff)

    progress = progress_for_deputy(deputy, YEAR, as_of=datetime.date(2026, 11, 1))

    assert progress.exempt is True
    assert progress.exemption_reason == "援疆挂职"
    assert progress.compliant is True
    assert progress.behind_pace is False
    assert "援疆挂职" in progress.missing_text()
    # An exemption for another year changes nothing.
    assert progress_for_deputy(deputy, YEAR - 1, as_of=datetime.date(2025, 12, 31)).exempt is False


def test_a_joint_activity_with_ten_deputies_credits_each_deputy_once_with_the_people_they_met(
    district_congress, yueyang_constituency
):
    deputies = [
        f.DeputyFactory(congress=district_congress, constituency=yueyang_constituency) for _ in range(10)
    ]
    activity = ContactActivityFactory(
        constituency=yueyang_constituency, is_centralized=True, kind="centralized", people_reached=120
    )
    Participation.objects.bulk_create(
        [Participation(activity=activity, deputy=d, people_met=12) for d in deputies]
    )

    rows = progress_for_year(YEAR, deputies=Deputy.objects.filter(pk__in=[d.pk for d in deputies]))

    assert len(rows) == 10
    for progress in rows:
        assert progress.constituency_contacts.done == 1
        assert progress.centralized_contacts.done == 1
        assert progress.people_reached.done == 12


def test_opinions_received_in_the_year_count_and_the_year_boundary_is_shanghai_midnight(deputy, other_deputy):
    region = deputy.constituency.region
    utc = datetime.UTC
    # 2025-12-31 23:59:59 in Shanghai: last year.
    OpinionFactory(
        deputy=deputy, region=region, received_at=datetime.datetime(2025, 12, 31, 15, 59, 59, tzinfo=utc)
    )
    # 2026-01-01 00:00 in Shanghai (still 31 December in UTC): this year.
    OpinionFactory(
        deputy=deputy, region=region, received_at=datetime.datetime(2025, 12, 31, 16, 0, tzinfo=utc)
    )
    # 2026-12-31 23:30 Shanghai: this year; 2027-01-01 00:30 Shanghai: next year.
    OpinionFactory(
        deputy=deputy, region=region, received_at=datetime.datetime(2026, 12, 31, 15, 30, tzinfo=utc)
    )
    OpinionFactory(
        deputy=deputy, region=region, received_at=datetime.datetime(2026, 12, 31, 16, 30, tzinfo=utc)
    )
    # Recorded by Alice's account without naming a deputy: hers. Bob's opinions: not hers.
    OpinionFactory(
        recorded_by=deputy.person.user, region=region, received_at=datetime.datetime(2026, 6, 1, tzinfo=utc)
    )
    OpinionFactory(deputy=other_deputy, region=region, received_at=datetime.datetime(2026, 6, 1, tzinfo=utc))
    # Rejected or merged opinions are not reflected.
    OpinionFactory(
        deputy=deputy, region=region, state="rejected", received_at=datetime.datetime(2026, 6, 1, tzinfo=utc)
    )
    OpinionFactory(
        deputy=deputy, region=region, state="merged", received_at=datetime.datetime(2026, 6, 1, tzinfo=utc)
    )

    assert progress_for_deputy(deputy, 2025, as_of=datetime.date(2025, 12, 31)).opinions_reflected.done == 1
    assert progress_for_deputy(deputy, 2026, as_of=END_OF_YEAR).opinions_reflected.done == 3
    assert progress_for_deputy(other_deputy, 2026, as_of=END_OF_YEAR).opinions_reflected.done == 1


def test_activities_on_31_december_and_1_january_count_in_their_own_year(deputy):
    activity_for(deputy, date=datetime.date(2025, 12, 31), people_reached=30)
    activity_for(deputy, date=datetime.date(2026, 1, 1), people_reached=7)

    last_year = progress_for_deputy(deputy, 2025, as_of=datetime.date(2025, 12, 31))
    this_year = progress_for_deputy(deputy, 2026, as_of=END_OF_YEAR)

    assert (last_year.constituency_contacts.done, last_year.people_reached.done) == (1, 30)
    assert (this_year.constituency_contacts.done, this_year.people_reached.done) == (1, 7)


def test_progress_as_of_a_date_counts_only_what_happened_until_that_day(deputy):
    activity_for(deputy, date=datetime.date(2026, 3, 1))
    activity_for(deputy, date=datetime.date(2026, 9, 1))

    assert progress_for_deputy(deputy, YEAR, as_of=datetime.date(2026, 6, 30)).constituency_contacts.done == 1
    assert progress_for_deputy(deputy, YEAR, as_of=END_OF_YEAR).constituency_contacts.done == 2


@pytest.mark.parametrize(
    ("as_of", "done", "behind"),
    [
        # 1 July: 182 of 365 days elapsed → expected floor(4 × 182 / 365) = 1 contact.
        (datetime.date(2026, 7, 1), 1, False),
        (datetime.date(2026, 7, 1), 0, True),
        # 9 January: floor(40 × 9 / 365) = 0 people, floor(4 × 9 / 365) = 0 contacts: not behind yet.
        (datetime.date(2026, 1, 9), 0, False),
        (datetime.date(2026, 1, 10), 0, True),
    ],
)
def test_behind_pace_compares_with_the_elapsed_part_of_the_year(deputy, as_of, done, behind):
    # Everything but the contacts is on track, so only contacts decide the pace.
    Deputy.objects.filter(pk=deputy.pk).update(start_date=datetime.date(2022, 1, 1))
    for _ in range(done):
        activity_for(deputy, date=datetime.date(2026, 1, 5), people_reached=40, is_centralized=True)
    opinions(deputy, 4, received_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))

    progress = progress_for_deputy(deputy, YEAR, as_of=as_of)

    assert progress.behind_pace is behind


@pytest.mark.parametrize(
    "as_of", [datetime.date(2026, 7, 1), datetime.date(2026, 7, 20), datetime.date(2026, 10, 1)]
)
def test_pace_of_a_mandate_starting_mid_year_is_measured_on_the_served_period(deputy, as_of):
    Deputy.objects.filter(pk=deputy.pk).update(start_date=datetime.date(2026, 7, 1))
    deputy.refresh_from_db()
    period = (datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))

    progress = progress_for_deputy(deputy, YEAR, as_of=as_of)

    expected = any(
        measure.done < pace_target(measure.required, period=period, as_of=as_of)
        for measure in progress.measures().values()
    )
    assert progress.behind_pace is expected
    assert pace_target(2, period=period, as_of=datetime.date(2026, 10, 1)) == 1
    assert progress.behind_pace is (as_of > datetime.date(2026, 7, 1))


def test_when_the_policy_counts_confirmed_activities_only_unconfirmed_ones_do_not_count(
    deputy, district_congress, street_staff
):
    QuotaPolicyFactory(congress=district_congress, year=YEAR, count_confirmed_only=True)
    activity_for(deputy)
    confirmed = activity_for(deputy)
    confirmed.confirmed_at = datetime.datetime(2026, 3, 11, tzinfo=datetime.UTC)
    confirmed.confirmed_by = street_staff
    confirmed.save()

    assert progress_for_deputy(deputy, YEAR, as_of=END_OF_YEAR).constituency_contacts.done == 1
    assert (
        progress_for_deputy(deputy, YEAR - 1, as_of=datetime.date(2025, 12, 31)).constituency_contacts.done
        == 0
    )


def test_a_policy_changes_the_numbers_for_its_congress_only(deputy, district_congress, town_congress, sijing):
    QuotaPolicyFactory(congress=town_congress, year=YEAR, min_constituency_contacts=6)
    town_deputy = f.DeputyFactory(
        congress=town_congress,
        constituency=f.ConstituencyFactory(congress=town_congress, region=sijing),
    )

    rows = {
        p.deputy_id: p
        for p in progress_for_year(YEAR, deputies=Deputy.objects.filter(pk__in=[deputy.pk, town_deputy.pk]))
    }

    assert rows[town_deputy.pk].constituency_contacts.required == 6
    assert rows[deputy.pk].constituency_contacts.required == 4


def test_opinions_a_deputy_recorded_count_for_each_mandate_of_that_person_however_asked(
    deputy, other_deputy, town_congress, sijing
):
    # Alice is also a town deputy of 泗泾: one person, two mandates, one account.
    town_mandate = f.DeputyFactory(
        person=deputy.person,
        congress=town_congress,
        constituency=f.ConstituencyFactory(congress=town_congress, region=sijing),
    )
    received = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    for _ in range(2):
        OpinionFactory(recorded_by=deputy.person.user, region=sijing, received_at=received)
    OpinionFactory(recorded_by=other_deputy.person.user, region=sijing, received_at=received)

    one_at_a_time = {
        d.pk: progress_for_deputy(d, YEAR, as_of=END_OF_YEAR).opinions_reflected.done
        for d in (deputy, town_mandate, other_deputy)
    }
    together = {p.deputy_id: p.opinions_reflected.done for p in progress_for_year(YEAR, as_of=END_OF_YEAR)}

    assert one_at_a_time == together == {deputy.pk: 2, town_mandate.pk: 2, other_deputy.pk: 1}


def test_an_opinion_passed_up_to_a_district_deputy_still_counts_for_the_deputy_it_was_reflected_to(
    deputy, district, town_congress, sijing
):
    from deputies.models import OrganizationKind
    from feedback import workflow

    # The district's personnel office takes district-level matters (feedback/routing.py).
    f.OrganizationFactory(
        name="区人大常委会人事代表工作室", kind=OrganizationKind.PERSONNEL_OFFICE, region=district
    )
    town_user = f.UserFactory(username="tom", role="deputy")
    town_deputy = f.DeputyFactory(
        person=f.PersonFactory(name="汤姆", user=town_user),
        congress=town_congress,
        constituency=f.ConstituencyFactory(congress=town_congress, region=sijing),
    )
    opinion = OpinionFactory(
        region=sijing, deputy=town_deputy, received_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    )

    def reflected():
        return {
            d.pk: progress_for_deputy(d, YEAR, as_of=END_OF_YEAR).opinions_reflected.done
            for d in (town_deputy, deputy)
        }

    before = reflected()
    # §四(二): the town deputy passes the matter up to a district deputy.
    opinion = workflow.apply_action(
        opinion=opinion, action="route", actor=town_user, data={"level": "district", "deputy": deputy.pk}
    )

    assert opinion.deputy == deputy
    assert before == reflected() == {town_deputy.pk: 1, deputy.pk: 0}


def test_opinions_a_person_recorded_count_only_for_the_mandates_held_that_day(
    deputy, district_congress, town_congress, sijing
):
    # Alice's town mandate ended on 31 January; her district mandate goes on.
    ended = f.DeputyFactory(
        person=deputy.person,
        congress=town_congress,
        constituency=f.ConstituencyFactory(congress=town_congress, region=sijing),
        end_date=datetime.date(2026, 1, 31),
    )
    user = deputy.person.user
    # 31 January 23:30 in Shanghai: the last evening of the town mandate.
    OpinionFactory(
        recorded_by=user,
        region=sijing,
        received_at=datetime.datetime(2026, 1, 31, 15, 30, tzinfo=datetime.UTC),
    )
    for _ in range(3):
        OpinionFactory(
            recorded_by=user, region=sijing, received_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
        )

    counts = {p.deputy_id: p.opinions_reflected.done for p in progress_for_year(YEAR, as_of=END_OF_YEAR)}
    listed = {d.pk: counted_opinions([d], YEAR, as_of=END_OF_YEAR).count() for d in (deputy, ended)}

    assert counts[deputy.pk] == listed[deputy.pk] == 4
    assert counts[ended.pk] == listed[ended.pk] == 1


def test_as_dict_gives_the_api_shape(deputy):
    contacts(deputy, plain=1)
    data = progress_for_deputy(deputy, YEAR, as_of=END_OF_YEAR).as_dict()

    assert data["constituency_contacts"] == {"done": 1, "required": 4}
    assert data["centralized_contacts"] == {"done": 0, "required": 2}
    assert data["people_reached"] == {"done": 10, "required": 40}
    assert data["opinions_reflected"] == {"done": 0, "required": 4}
    assert (data["compliant"], data["behind_pace"], data["exempt"]) == (False, True, False)


def test_progress_for_year_lists_only_mandates_that_overlap_the_year(deputy, other_deputy):
    Deputy.objects.filter(pk=other_deputy.pk).update(end_date=datetime.date(2025, 6, 30))

    ids = [p.deputy_id for p in progress_for_year(YEAR)]

    assert ids == [deputy.pk]


def _many_deputies(congress, constituency, n):
    persons = Person.objects.bulk_create([Person(name=f"代表{i:04d}") for i in range(n)])
    deputies = Deputy.objects.bulk_create(
        [
            Deputy(
                person=p, congress=congress, constituency=constituency, start_date=datetime.date(2022, 1, 1)
            )
            for p in persons
        ]
    )
    activity = ContactActivityFactory(constituency=constituency, people_reached=5)
    Participation.objects.bulk_create(
        [Participation(activity=activity, deputy=d, people_met=5) for d in deputies]
    )
    return deputies


def test_the_quota_function_runs_one_query_for_10_and_for_1000_deputies(
    district_congress, yueyang_constituency
):
    counts = {}
    for n in (10, 990):
        _many_deputies(district_congress, yueyang_constituency, n)
        with CaptureQueriesContext(connection) as queries:
            rows = progress_for_year(YEAR, as_of=END_OF_YEAR)
        counts[len(rows)] = [q["sql"] for q in queries.captured_queries]
        assert all(r.people_reached.done == 5 for r in rows)

    assert len(counts[10]) == len(counts[1000]) == 1
    # One statement: the grouped tables (WITH …) and the deputies joined to them.
    assert counts[1000][0].lstrip().upper().startswith("WITH")


def test_the_lists_behind_the_numbers_hold_exactly_the_rows_counted(deputy, district_congress, street_staff):
    from contacts.quotas import counted_opinions, counted_participations

    QuotaPolicyFactory(congress=district_congress, year=YEAR, count_confirmed_only=True)
    confirmed = activity_for(deputy, confirmed_at=datetime.datetime(2026, 3, 11, tzinfo=datetime.UTC))
    activity_for(deputy)  # not confirmed: not counted under this policy
    activity_for(deputy, is_constituency_contact=False, kind="email", confirmed_at=confirmed.confirmed_at)
    opinions(deputy, 2)
    OpinionFactory(deputy=deputy, region=deputy.constituency.region, state="rejected")

    progress = progress_for_deputy(deputy, YEAR, as_of=END_OF_YEAR)
    participations = counted_participations(deputy, YEAR, as_of=END_OF_YEAR)

    assert [p.activity for p in participations] == [confirmed]
    assert progress.constituency_contacts.done == len(participations)
    assert (
        progress.opinions_reflected.done == counted_opinions([deputy], YEAR, as_of=END_OF_YEAR).count() == 2
    )


def test_reports_can_filter_on_compliance_in_sql_and_it_agrees_with_the_rows(
    deputy, other_deputy, district_congress, yueyang_constituency
):
    from contacts.quotas import annotate_progress

    contacts(deputy, plain=2, centralized=2, people=10)
    opinions(deputy, 4)
    exempt = f.DeputyFactory(congress=district_congress, constituency=yueyang_constituency)
    QuotaExemptionFactory(deputy=exempt, year=YEAR)
    late = f.DeputyFactory(
        congress=district_congress, constituency=yueyang_constituency, start_date=datetime.date(2026, 10, 1)
    )
    contacts(late, centralized=1, people=10, on=datetime.date(2026, 10, 5))
    opinions(late, 1, received_at=datetime.datetime(2026, 10, 5, tzinfo=datetime.UTC))

    compliant_in_sql = set(
        annotate_progress(Deputy.objects.all(), YEAR, as_of=END_OF_YEAR)
        .filter(q_compliant=True)
        .values_list("pk", flat=True)
    )
    rows = progress_for_year(YEAR, as_of=END_OF_YEAR)

    assert compliant_in_sql == {r.deputy_id for r in rows if r.compliant} == {deputy.pk, exempt.pk, late.pk}
    assert other_deputy.pk not in compliant_in_sql
