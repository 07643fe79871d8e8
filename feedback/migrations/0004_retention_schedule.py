"""The monthly beat schedule of the retention rule (feedback.tasks.anonymize_closed_opinions), kept in
the database so administrators can change it under "Periodic tasks"."""

from django.db import migrations

NAME = "清除过期联系方式（每月）"
TASK = "feedback.tasks.anonymize_closed_opinions"


def install(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="15", hour="3", day_of_week="*", day_of_month="1", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "crontab": crontab,
            "description": "Blank contact details of opinions closed longer than OPINION_RETENTION_MONTHS.",
        },
    )


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME, task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_seed_holidays"),
        ("django_celery_beat", "0018_improve_crontab_helptext"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
