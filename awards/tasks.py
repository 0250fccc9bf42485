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


@shared_task(acks_late=True, soft_time_limit=280, time_limit=300)
def nominations_sync_task() -> int:
    """Catches up closed ballots whose nominations were not created (the broker was down)."""
    from clusters.models import Ballot, BallotStatus

    from .models import Nomination

    created = 0
    ballots = Ballot.objects.filter(status=BallotStatus.CLOSED).exclude(
        pk__in=Nomination.objects.filter(ballot_candidate__isnull=False).values(
            "ballot_candidate__question__ballot_id"
        )
    )
    for ballot_id in ballots.values_list("pk", flat=True)[:50]:
        created += len(nominations_from_ballot(ballot_id=ballot_id))
    return created
