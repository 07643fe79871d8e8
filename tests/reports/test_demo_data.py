"""On the demo data (`seed_demo`): the report equals the independent computation for several years,
filters and readers."""

import datetime
import io

from django.core.management import call_command

from accounts.models import User
from deputies.models import Region
from reports.selectors import ReportFilters, compliance_report
from tests.reports.reference import expected_rows

TODAY = datetime.date(2026, 11, 28)


def reference_view(report) -> dict:
    return {
        row.deputy_id: {
            **{
                m: row.as_dict()[m]
                for m in ("constituency_contacts", "centralized_contacts", "people_reached")
            },
            "opinions_reflected": row.as_dict()["opinions_reflected"],
            "compliant": row.compliant,
            "exempt": row.progress.exempt,
        }
        for row in report.rows
    }


def trimmed(expected: dict) -> dict:
    keys = (
        "constituency_contacts",
        "centralized_contacts",
        "people_reached",
        "opinions_reflected",
        "compliant",
        "exempt",
    )
    return {k: {key: v[key] for key in keys} for k, v in expected.items()}


def test_the_report_equals_the_independent_computation_on_the_demo_data(settings, admin_user):
    settings.ALLOW_DEMO_ACCOUNTS = True
    call_command("seed_demo", "--today", TODAY.isoformat(), stdout=io.StringIO(), stderr=io.StringIO())

    for year in (2025, 2026):
        for as_of in (None, datetime.date(year, 6, 30)):
            report = compliance_report(user=admin_user, year=year, as_of=as_of)
            assert reference_view(report) == trimmed(expected_rows(year, as_of=as_of)), (year, as_of)
    report = compliance_report(user=admin_user, year=2026)
    assert report.rows, "the demo has deputies"
    assert 0 < report.total.compliant < report.total.deputies, "the demo has compliant and behind deputies"

    for level in ("district", "town"):
        filtered = compliance_report(user=admin_user, year=2026, filters=ReportFilters(level=level))
        expected = {k: v for k, v in expected_rows(2026).items() if v["level"] == level}
        assert reference_view(filtered) == trimmed(expected)

    town_staff = User.objects.get(username="demo-town-staff")
    town = town_staff.organization.region
    scoped = compliance_report(user=town_staff, year=2026)
    assert scoped.rows and {row.region_name for row in scoped.rows} == {town.name}
    other = Region.objects.streets_and_towns().exclude(pk=town.pk).first()
    assert not [row for row in scoped.rows if row.region_id == other.pk]
