"""Closing a year stores the compliance report as submitted; later amendments are listed beside it."""

import pytest

from contacts import services as contact_services
from contacts.models import ContactActivity
from reports.models import ComplianceSnapshot
from reports.services import snapshot_closed_year
from tests.reports.reference import expected_rows


@pytest.fixture
def closed_2025(world, admin_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact_services.close_year(actor=admin_user, year=2025)
    return ComplianceSnapshot.objects.get(year=2025)


def test_closing_a_year_stores_the_district_report_as_it_stood(closed_2025, admin_user):
    expected = expected_rows(2025)
    stored = {row["deputy"]: row for row in closed_2025.rows}

    assert set(stored) == set(expected)
    for deputy_id, want in expected.items():
        assert stored[deputy_id]["people_reached"] == want["people_reached"]
        assert stored[deputy_id]["compliant"] == want["compliant"]
    assert closed_2025.total["deputies"] == len(expected)
    assert closed_2025.closed_year.year == 2025
    assert closed_2025.created_by == admin_user


def test_a_later_amendment_is_listed_beside_the_snapshot_and_does_not_change_it(
    closed_2025, admin_user, login
):
    activity = (
        ContactActivity.objects.filter(
            date__year=2025, is_constituency_contact=True, participations__isnull=False
        )
        .order_by("pk")
        .first()
    )
    deputy_id = activity.participations.first().deputy_id
    before = next(row for row in closed_2025.rows if row["deputy"] == deputy_id)["people_reached"]["done"]

    contact_services.amend_activity(
        actor=admin_user, activity=activity, reason="登记人数有误", people_reached=activity.people_reached + 7
    )

    closed_2025.refresh_from_db()
    after = next(row for row in closed_2025.rows if row["deputy"] == deputy_id)["people_reached"]["done"]
    assert after == before
    page = login(admin_user).get("/reports/compliance/2025/snapshot/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "登记人数有误" in content
    assert f"{activity.date.year}年{activity.date.month}月{activity.date.day}日" in content
    live = login(admin_user).get("/reports/compliance/", {"year": 2025})
    assert "本年度已关闭，报表已于" in live.content.decode()


def test_a_snapshot_is_written_once(closed_2025, admin_user):
    again = snapshot_closed_year(year=2025, actor=admin_user)
    assert again.pk == closed_2025.pk
    assert ComplianceSnapshot.objects.count() == 1


def test_street_staff_see_only_their_rows_of_the_snapshot(closed_2025, login, street_staff, yueyang):
    response = login(street_staff).get("/reports/compliance/2025/snapshot/")

    names = {row["name"] for row in response.context["view"].rows}
    expected = {
        v["name"]
        for v in expected_rows(2025).values()
        if v["region"] == yueyang.pk and v["level"] == "district"
    }
    assert names == expected and names


def test_a_year_without_a_snapshot_is_a_404(world, login, admin_user):
    assert login(admin_user).get("/reports/compliance/2024/snapshot/").status_code == 404


def test_deputies_cannot_open_a_snapshot(closed_2025, login, deputy_user):
    assert login(deputy_user).get("/reports/compliance/2025/snapshot/").status_code == 403


def test_a_close_that_rolls_back_leaves_no_snapshot_task(world, admin_user):
    """Reports react to contacts' year_closed signal through the outbox, inside the closing transaction."""
    from django.db import transaction

    from ops.models import OutboxTask

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        contact_services.close_year(actor=admin_user, year=2025)
        assert OutboxTask.objects.filter(task_name="reports.tasks.snapshot_closed_year").count() == 1
        raise Undo

    assert not OutboxTask.objects.filter(task_name="reports.tasks.snapshot_closed_year").exists()
    assert not ComplianceSnapshot.objects.filter(year=2025).exists()
