"""Install the default reminder schedules (editable afterwards in the admin, never overwritten)."""

from django.db import migrations


def install(apps, schema_editor):
    from accounts.schedules import install_default_schedules

    install_default_schedules(
        periodic_task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
        crontab_model=apps.get_model("django_celery_beat", "CrontabSchedule"),
        tracker_model=apps.get_model("django_celery_beat", "PeriodicTasks"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_notification_channels_and_preferences"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
