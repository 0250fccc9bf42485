"""The Celery app. Tasks live in the apps' ``tasks.py`` and use ``shared_task``."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emulation.settings")

app = Celery("emulation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _preload_heavy_libraries(**kwargs):
    """Imports WeasyPrint once per worker process, so the first report is not slowed by it."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:  # the PDF builder reports the problem itself
        pass
