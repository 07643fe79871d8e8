"""Install the outbox sweep's beat schedule (editable afterwards in the admin, never overwritten)."""

from django.db import migrations


def install(apps, schema_editor):
    from ops.schedules import install_outbox_schedule

    install_outbox_schedule(
        periodic_task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
        crontab_model=apps.get_model("django_celery_beat", "CrontabSchedule"),
        tracker_model=apps.get_model("django_celery_beat", "PeriodicTasks"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
