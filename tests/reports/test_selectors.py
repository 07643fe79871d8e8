"""The compliance report selector: figures equal an independent computation, scope, filters, order,
subtotals and a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.selectors import ReportFilters, compliance_report, deputies_for_report
from tests.reports.conftest import grow_world
from tests.reports.reference import expected_rows

END_OF_2026 = datetime.date(2026, 12, 31)


def as_reference(row) -> dict:
    data = row.as_dict()
    return {
        "name": data["name"],
        "level": data["level"],
        "region": data["region"],
        "group": data["group"],
        **{
            k: data[k]
            for k in ("constituency_contacts", "centralized_contacts", "people_reached", "opinions_reflected")
        },
        "exempt": data["exempt"],
        "compliant": data["compliant"],
        "voter_report_date": row.voter_report_date,
    }


FILTERS = [
    ReportFilters(),
    ReportFilters(level="district"),
    ReportFilters(level="town"),
    ReportFilters(compliant=True),
    ReportFilters(compliant=False),
]


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: str(f.as_query()) or "all")
def test_report_figures_equal_an_independent_computation_from_raw_rows(world, admin_user, year, filters):
    report = compliance_report(user=admin_user, year=year, filters=filters, as_of=END_OF_2026)

    expected = expected_rows(year, as_of=END_OF_2026)
    if filters.level:
        expected = {k: v for k, v in expected.items() if v["level"] == filters.level}
    if filters.compliant is not None:
        expected = {k: v for k, v in expected.items() if v["compliant"] == filters.compliant}
    assert {row.deputy_id: as_reference(row) for row in report.rows} == expected
    assert report.rows, "the seeded world has deputies for every filter"


def test_report_figures_for_a_street_as_of_a_day_in_the_year_equal_the_independent_computation(
    world, admin_user, yueyang
):
    as_of = datetime.date(2026, 6, 30)
    report = compliance_report(
        user=admin_user, year=2026, filters=ReportFilters(region=yueyang.pk), as_of=as_of
    )

    expected = {k: v for k, v in expected_rows(2026, as_of=as_of).items() if v["region"] == yueyang.pk}
    assert {row.deputy_id: as_reference(row) for row in report.rows} == expected
    assert {row.region_name for row in report.rows} == {"岳阳街道"}


def test_a_group_filter_keeps_only_that_groups_deputies(world, admin_user):
    group_id = world[0].group_id
    report = compliance_report(user=admin_user, year=2026, filters=ReportFilters(group=group_id))

    assert report.rows
    assert {row.group_id for row in report.rows} == {group_id}


def test_street_staff_see_only_district_deputies_elected_in_their_street(world, street_staff, yueyang):
    report = compliance_report(user=street_staff, year=2026)

    expected = {
        k for k, v in expected_rows(2026).items() if v["region"] == yueyang.pk and v["level"] == "district"
    }
    assert {row.deputy_id for row in report.rows} == expected
    assert expected


def test_town_staff_see_district_and_town_deputies_of_their_town_only(world, town_staff, sijing):
    report = compliance_report(user=town_staff, year=2026)

    assert {row.level for row in report.rows} == {"district", "town"}
    assert {row.region_name for row in report.rows} == {"泗泾镇"}
    assert {row.deputy_id for row in report.rows} == {
        k for k, v in expected_rows(2026).items() if v["region"] == sijing.pk
    }


def test_a_committee_member_sees_only_the_linked_deputies(world, committee_member, deputy):
    report = compliance_report(user=committee_member, year=2026)

    assert [row.name for row in report.rows] == ["艾丽丝"]


@pytest.mark.parametrize("user_fixture", ["handling_unit_staff", "deputy_user"])
def test_unit_staff_and_deputies_get_no_rows_of_others(world, request, user_fixture, deputy):
    user = request.getfixturevalue(user_fixture)
    names = {row.name for row in compliance_report(user=user, year=2026).rows}
    assert names <= {"艾丽丝"}


def test_sorting_by_people_reached_descending_puts_the_most_active_first(world, admin_user):
    report = compliance_report(user=admin_user, year=2026, filters=ReportFilters(sort="-people_reached"))

    reached = [row.progress.people_reached.done for row in report.rows]
    assert reached == sorted(reached, reverse=True)
    assert reached[0] > reached[-1]


def test_sorting_by_name_and_an_unknown_key_falls_back_to_the_default_order(world, admin_user):
    by_name = compliance_report(user=admin_user, year=2026, filters=ReportFilters(sort="name"))
    unknown = compliance_report(user=admin_user, year=2026, filters=ReportFilters(sort="; drop table"))

    names = [row.name for row in by_name.rows]
    assert names == sorted(names)
    assert [row.level for row in unknown.rows] == sorted(row.level for row in unknown.rows)


def test_subtotals_add_up_by_level_street_or_town_and_group(world, admin_user):
    report = compliance_report(user=admin_user, year=2026, as_of=END_OF_2026)

    expected = expected_rows(2026, as_of=END_OF_2026)
    assert report.total.deputies == len(expected)
    assert report.total.compliant == sum(v["compliant"] for v in expected.values())
    assert report.total.done["people_reached"] == sum(v["people_reached"]["done"] for v in expected.values())
    for grouping in ("level", "region", "group"):
        subtotals = report.subtotals[grouping]
        assert sum(s.deputies for s in subtotals) == report.total.deputies
        assert sum(s.compliant for s in subtotals) == report.total.compliant
        assert sum(s.done["opinions_reflected"] for s in subtotals) == report.total.done["opinions_reflected"]
    towns = {s.label: s for s in report.subtotals["region"]}
    assert set(towns) == {"岳阳街道", "永丰街道", "泗泾镇"}
    in_sijing = sum(1 for v in expected.values() if str(v["region"]) == towns["泗泾镇"].key)
    assert towns["泗泾镇"].deputies == in_sijing > 0


def test_the_report_runs_the_same_number_of_queries_for_10_and_1000_deputies(
    district_congress, town_congress, yueyang, yongfeng, sijing, admin_user
):
    regions = [yueyang, yongfeng, sijing]
    grow_world(district_congress, town_congress, regions, 10, seed=1)
    with CaptureQueriesContext(connection) as few:
        small = compliance_report(user=admin_user, year=2026)
    grow_world(district_congress, town_congress, regions, 990, seed=2)
    with CaptureQueriesContext(connection) as many:
        large = compliance_report(user=admin_user, year=2026)

    assert len(small.rows) < 15 < 700 < len(large.rows)
    assert len(few) == len(many)
    # One statement builds every row: the grouped measures (WITH …) joined to the deputies.
    assert len(many) == 1


def test_deputies_outside_the_year_are_left_out(world, admin_user):
    ids = set(deputies_for_report(admin_user, 2026).values_list("pk", flat=True))
    assert ids == set(expected_rows(2026))


def test_sorting_by_status_puts_compliant_deputies_first_when_reversed(world, admin_user):
    report = compliance_report(
        user=admin_user, year=2026, filters=ReportFilters(sort="-compliant"), as_of=END_OF_2026
    )

    flags = [row.compliant for row in report.rows]
    assert flags == sorted(flags, reverse=True)
    assert True in flags and False in flags
