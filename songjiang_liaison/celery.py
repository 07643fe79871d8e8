import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songjiang_liaison.settings")

app = Celery("songjiang_liaison")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
