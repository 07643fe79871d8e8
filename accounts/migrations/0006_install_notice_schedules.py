"""Install the daily notice schedules (reception duty, training) added to the default list; the
schedules that exist already, edited or not, are left alone."""

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
        ("accounts", "0005_sms_login_codes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
