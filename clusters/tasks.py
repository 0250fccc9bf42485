"""Celery tasks of the cluster years. Tasks take ids (or nothing) and call services."""

from celery import shared_task

from .services.reminders import results_deadline_reminders


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def results_deadline_reminders_task() -> int:
    """Daily: email officers whose province has not submitted, 3 days and 1 day before the due date."""
    return results_deadline_reminders()
