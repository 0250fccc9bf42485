"""Celery tasks of the awards app. Tasks take ids and call services.

The ballot service in ``clusters`` (which must not import awards) enqueues
``nominations_from_ballot_task`` by name, on commit, when a ballot closes::

    transaction.on_commit(lambda: current_app.send_task(
        "awards.tasks.nominations_from_ballot_task", args=[ballot.pk]))
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services.nominations import nominations_from_ballot


@shared_task(
    name="awards.tasks.nominations_from_ballot_task",
    acks_late=True,
    autoretry_for=(ConnectionError, OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=110,
    time_limit=120,
)
def nominations_from_ballot_task(ballot_id: int) -> int:
    """One nomination per honoured member of a closed ballot (idempotent); returns how many were new."""
    return len(nominations_from_ballot(ballot_id=ballot_id))
