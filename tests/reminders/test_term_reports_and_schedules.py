"""Term-report reminders (§三(七)) and the default beat schedules kept in the database."""

import datetime
from io import StringIO

import pytest

from accounts.models import Notification, NotificationKind
from accounts.schedules import DEFAULT_SCHEDULES, install_default_schedules
from contacts.tasks import send_term_report_reminders
from tests.contacts.factories import VoterReportFactory

pytestmark = pytest.mark.django_db


def reminded():
    rows = Notification.objects.filter(
        kind=NotificationKind.TERM_REPORT_REMINDER, key__contains=":deputy:"
    ).select_related("recipient")
    return sorted(n.recipient.username for n in rows)


def test_deputies_in_the_last_year_of_their_term_without_a_report_are_reminded(world):
    VoterReportFactory(deputy=world["alice"], date=datetime.date(2024, 5, 20))  # reported this term
    VoterReportFactory(deputy=world["bob"], date=datetime.date(2021, 5, 20))  # the previous term

    result = send_term_report_reminders(as_of="2026-03-02")

    # Alice reported; Dan's mandate ended; Carol and Erin have no login but are in the digest.
    assert reminded() == ["bob", "tom"]
    assert set(result["deputies"]) == {world[k].pk for k in ("bob", "carol", "erin", "tom")}
    body = Notification.objects.get(recipient__username="tom").body
    assert "2026年12月31日" in body


def test_no_term_report_reminders_before_the_last_year_of_the_term(world):
    assert send_term_report_reminders(as_of="2025-12-31")["deputies"] == []


def test_term_report_reminders_are_sent_once_a_quarter(world):
    send_term_report_reminders(as_of="2026-03-02")
    assert send_term_report_reminders(as_of="2026-03-09")["messages"] == 0
    assert send_term_report_reminders(as_of="2026-04-06")["messages"] == 3  # Alice, Bob, Tom


def test_the_street_committee_digest_lists_its_deputies_owing_a_report(world, street_staff):
    send_term_report_reminders(as_of="2026-03-02")
    [digest] = Notification.objects.filter(recipient=street_staff)
    assert digest.title == "3名代表本届尚未向选民报告履职情况"
    assert "艾丽丝" in digest.body and "卡罗尔" in digest.body and "艾琳" in digest.body


# --- schedules -------------------------------------------------------------------------------------


def test_the_default_schedules_are_installed_once_and_admin_edits_are_kept():
    from django_celery_beat.models import PeriodicTask

    install_default_schedules()
    quota = PeriodicTask.objects.get(task="contacts.tasks.send_quota_reminders")
    quota.enabled = False
    quota.crontab.hour = "7"
    quota.crontab.save()
    quota.save()

    assert install_default_schedules() == 0
    names = [s.name for s in DEFAULT_SCHEDULES]
    assert PeriodicTask.objects.filter(name__in=names).count() == len(names) == 6
    quota.refresh_from_db()
    assert quota.enabled is False
    assert quota.crontab.hour == "7"


def test_the_database_scheduler_loads_the_installed_schedules_with_registered_tasks():
    from django_celery_beat.schedulers import DatabaseScheduler

    from songjiang_liaison.celery import app

    install_default_schedules()
    app.loader.import_default_modules()  # what a worker does at start: CELERY_IMPORTS included
    scheduler = DatabaseScheduler(app=app, lazy=True)
    # (`all_as_schedule` only loads crontabs due around the current hour; build every entry instead.)
    entries = [scheduler.Entry(model, app=app) for model in scheduler.Model.objects.filter(enabled=True)]

    tasks = {entry.task for entry in entries}
    assert {s.task for s in DEFAULT_SCHEDULES} <= tasks
    assert {s.task for s in DEFAULT_SCHEDULES} <= set(app.tasks)
    quota = next(e for e in entries if e.task == "contacts.tasks.send_quota_reminders")
    assert str(quota.schedule.tz) == "Asia/Shanghai"
    assert quota.schedule.hour == {9}


def test_the_install_schedules_command_recreates_a_deleted_schedule():
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    install_default_schedules()
    PeriodicTask.objects.filter(task="feedback.reminders.send_deadline_reminders").delete()
    out = StringIO()
    call_command("install_schedules", stdout=out)
    assert out.getvalue().strip() == "1 schedule(s) installed."
    assert PeriodicTask.objects.filter(task="feedback.reminders.send_deadline_reminders").count() == 1
