"""The Celery application: Redis broker, schedules in the database (django-celery-beat).

Start a worker with `make worker` and the scheduler with `make beat` (see the README). Task modules:
every app's `tasks.py` (autodiscovered) plus `CELERY_IMPORTS` (e.g. `feedback.reminders`).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songjiang_liaison.settings")

app = Celery("songjiang_liaison")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
