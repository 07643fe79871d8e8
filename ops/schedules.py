"""The beat schedule of the outbox sweep, kept in the database by django-celery-beat like the
reminders' (`accounts/schedules.py`): installed by the migration `ops/0002_install_outbox_schedule`,
idempotent, and never overwriting a schedule an administrator edited ("Periodic tasks" in the admin).
"""

from __future__ import annotations

from django.utils import timezone

OUTBOX_SCHEDULE_NAME = "任务发件箱补发（每分钟）"
OUTBOX_TASK = "ops.tasks.dispatch_outbox"


def install_outbox_schedule(*, periodic_task_model=None, crontab_model=None, tracker_model=None) -> bool:
    """Create the every-minute sweep unless a task of that name exists; True when created.

    The model arguments let a data migration pass its historical models.
    """
    if periodic_task_model is None:
        from django_celery_beat.models import CrontabSchedule, PeriodicTask, PeriodicTasks

        periodic_task_model, crontab_model, tracker_model = PeriodicTask, CrontabSchedule, PeriodicTasks
    if periodic_task_model.objects.filter(name=OUTBOX_SCHEDULE_NAME).exists():
        return False
    crontab, _ = crontab_model.objects.get_or_create(
        minute="*",
        hour="*",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Shanghai",
    )
    periodic_task_model.objects.create(
        name=OUTBOX_SCHEDULE_NAME,
        task=OUTBOX_TASK,
        crontab=crontab,
        description="Sends the tasks the broker did not take after their commit (Redis was down).",
        enabled=True,
    )
    tracker_model.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
    return True
