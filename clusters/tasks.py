"""Celery tasks of the cluster years. Tasks take ids (or nothing) and call services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services.reminders import results_deadline_reminders


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def results_deadline_reminders_task() -> int:
    """Daily: email officers whose province has not submitted, 3 days and 1 day before the due date."""
    return results_deadline_reminders()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=120,
    max_retries=5,
    soft_time_limit=300,
    time_limit=330,
)
def report_build_task(job_id: int) -> str:
    """Builds one report job (claimed with a conditional update, so never twice at once)."""
    from .services.reports import report_build

    return report_build(job_id)


@shared_task(acks_late=True)
def report_jobs_sweep_task() -> int:
    """Every few minutes: fail jobs whose worker died mid-build."""
    from .services.reports import report_jobs_sweep

    return report_jobs_sweep()


@shared_task(acks_late=True)
def report_jobs_requeue_task() -> int:
    """Every few minutes: re-send jobs still queued (the broker may have been down)."""
    from .services.reports import report_jobs_requeue

    return report_jobs_requeue()
