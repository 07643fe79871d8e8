"""The default beat schedules of the reminders (R-SUP-1), kept in the database by django-celery-beat.

Installed by the migration `accounts/0004_install_default_schedules` (and again, harmlessly, by
`manage.py install_schedules`). Installing is idempotent and never overwrites a schedule an
administrator has edited in the admin ("Periodic tasks"): an existing task of the same name is left
alone. Times are Asia/Shanghai.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    task: str
    minute: str
    hour: str
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    description: str = ""


DEFAULT_SCHEDULES = [
    # Daily: the task itself knows the checkpoints (QUOTA_REMINDER_CHECKPOINTS) and does nothing on
    # other days, so changing the checkpoints needs no schedule change.
    DefaultSchedule(
        name="年度履职提醒（每日检查节点）",
        task="contacts.tasks.send_quota_reminders",
        minute="0",
        hour="9",
        description="At each quota checkpoint: reminders to deputies behind, digests to liaison bodies.",
    ),
    DefaultSchedule(
        name="述职提醒（每周一）",
        task="contacts.tasks.send_term_report_reminders",
        minute="5",
        hour="9",
        day_of_week="1",
        description="Deputies in the last year of their term without a report to voters (once a quarter).",
    ),
    DefaultSchedule(
        name="办理期限提醒（每日）",
        task="feedback.reminders.send_deadline_reminders",
        minute="30",
        hour="8",
        description="Due within 7 days, overdue, long overdue (escalated).",
    ),
    DefaultSchedule(
        name="待反馈群众提醒（每日）",
        task="feedback.reminders.send_feedback_owed_reminders",
        minute="45",
        hour="8",
        description="Replied or relayed opinions not yet fed back to the citizen.",
    ),
    # Installed by `accounts/0006_install_notice_schedules` (the migration re-runs this idempotent list).
    DefaultSchedule(
        name="接待值班提醒（每日，提前一天）",
        task="contacts.tasks.send_duty_notices",
        minute="0",
        hour="10",
        description="Deputies on reception duty at a home, station or point tomorrow.",
    ),
    DefaultSchedule(
        name="培训提醒（每日，提前一周和一天）",
        task="contacts.tasks.send_training_notices",
        minute="10",
        hour="10",
        description="Deputies enrolled in a training session a week from now or tomorrow.",
    ),
]


def install_default_schedules(*, periodic_task_model=None, crontab_model=None, tracker_model=None) -> int:
    """Create the default periodic tasks that do not exist yet; returns how many were created.

    The model arguments let a data migration pass its historical models.
    """
    if periodic_task_model is None:
        from django_celery_beat.models import CrontabSchedule, PeriodicTask, PeriodicTasks

        periodic_task_model, crontab_model, tracker_model = PeriodicTask, CrontabSchedule, PeriodicTasks
    created = 0
    for schedule in DEFAULT_SCHEDULES:
        if periodic_task_model.objects.filter(name=schedule.name).exists():
            continue
        crontab, _ = crontab_model.objects.get_or_create(
            minute=schedule.minute,
            hour=schedule.hour,
            day_of_week=schedule.day_of_week,
            day_of_month=schedule.day_of_month,
            month_of_year=schedule.month_of_year,
            timezone="Asia/Shanghai",
        )
        _, was_created = periodic_task_model.objects.get_or_create(
            name=schedule.name,
            defaults={
                "task": schedule.task,
                "crontab": crontab,
                "description": schedule.description,
                "enabled": True,
            },
        )
        created += was_created
    if created:
        # Tell a running beat to reload (the model's own signal does not fire for migration models).
        tracker_model.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
    return created
