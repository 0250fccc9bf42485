"""The Celery app. Tasks live in the apps' ``tasks.py`` and use ``shared_task``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emulation.settings")

app = Celery("emulation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
