"""The report pipeline: request, claim, build, store, sweep.

A request creates a ``ReportJob`` row and queues ``report_build_task`` on
commit. The worker claims the row with a conditional UPDATE (only one claim
can succeed), calls the kind's builder with a progress callback, stores the
files privately with their SHA-256 (a retry replaces, never duplicates) and
marks the job done. If the broker is down the row stays queued and the page
says so; a beat task re-sends queued jobs, and another fails jobs whose
worker died (acks_late redelivers the message, and a stale claim may be taken
over).
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts.audit import audit_record

from .. import access
from ..models import ClusterYear, JobStatus, ReportFile, ReportJob, ReportKind
from .errors import RuleError

logger = logging.getLogger(__name__)

# Bump when a builder's output changes, so unchanged inputs still rebuild.
BUILDERS_VERSION = "2"

# Each kind's builder: ``build(job, progress) -> list[BuiltFile]`` (dotted path, imported lazily).
BUILDERS: dict[str, str] = {
    ReportKind.YEAR_REPORT: "clusters.documents.year_report.build",
    ReportKind.MINUTES: "clusters.documents.minutes_report.build",
    ReportKind.SUBMISSION: "clusters.documents.submission.build",
    ReportKind.WORKBOOK: "clusters.documents.workbook.build",
}

# Kinds that need the frozen ranking unless a draft (watermarked "DỰ THẢO") is asked for.
NEEDS_FROZEN_RANKING = {
    ReportKind.YEAR_REPORT,
    ReportKind.MINUTES,
    ReportKind.SUBMISSION,
    ReportKind.WORKBOOK,
}


@dataclass(frozen=True)
class BuiltFile:
    filename: str
    content_type: str
    content: bytes


Progress = Callable[[int, str], None]


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "REPORT_JOB_STALE_SECONDS", 900))


def report_inputs_hash(*, cluster_year: ClusterYear, kind: str, draft: bool) -> str:
    """A digest of everything a report reads; unchanged inputs give the same digest.

    Built from the latest change of each source of the year (results, targets,
    peer scores, signatures, narrative, ballots, leadership, the frozen
    ranking's hash) in a handful of aggregate queries.
    """
    from ..models import PeerScore

    parts = [BUILDERS_VERSION, str(cluster_year.pk), kind, str(draft), cluster_year.phase]
    sources = [
        cluster_year.results.aggregate(m=Max("updated_at"))["m"],
        cluster_year.targets.aggregate(m=Max("updated_at"))["m"],
        cluster_year.narrative_sections.aggregate(m=Max("updated_at"))["m"],
        cluster_year.signatures.aggregate(m=Max("signed_at"))["m"],
        cluster_year.ballots.aggregate(m=Max("closed_at"))["m"],
        PeerScore.objects.filter(assignment__cluster_year=cluster_year).aggregate(
            m=Max("updated_at")
        )["m"],
        cluster_year.leaderships.count(),
        cluster_year.ballots.count(),
        getattr(getattr(cluster_year, "leadership_proposal", None), "decided_at", None),
    ]
    ranking = getattr(cluster_year, "ranking", None)
    parts += [str(s) for s in sources]
    parts.append(ranking.sha256 if ranking is not None else "-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _enqueue(job_id: int) -> None:
    """Sends the build task; a broker failure leaves the job queued (the requeue beat retries)."""
    from ..tasks import report_build_task

    try:
        report_build_task.apply_async(args=[job_id], retry=False)
    except Exception as exc:  # kombu raises several kinds when the broker is down
        logger.warning("report job %s stays queued: broker unreachable (%s)", job_id, exc)


@transaction.atomic
def report_request(
    *, cluster_year: ClusterYear, kind: str, actor, draft: bool = False, force: bool = False
) -> ReportJob:
    """Asks for a report; returns the existing job when nothing it reads has changed."""
    if not access.can_request_reports(actor, cluster_year):
        raise PermissionDenied(
            _(
                "Chỉ Cụm trưởng, Ban Thi đua - Khen thưởng Trung ương hoặc quản trị viên được yêu cầu báo cáo."
            )
        )
    if kind not in ReportKind.values:
        raise RuleError(_("Loại báo cáo không hợp lệ."))
    frozen = getattr(cluster_year, "ranking", None) is not None
    if kind in NEEDS_FROZEN_RANKING and not frozen and not draft:
        raise RuleError(
            _(
                "Chưa chốt kết quả xếp hạng của năm %(year)s: báo cáo chính thức cần kết quả đã chốt. "
                "Có thể tạo bản dự thảo."
            )
            % {"year": cluster_year.year}
        )
    digest = report_inputs_hash(cluster_year=cluster_year, kind=kind, draft=draft)
    if not force:
        existing = (
            ReportJob.objects.filter(cluster_year=cluster_year, kind=kind, inputs_hash=digest)
            .exclude(status=JobStatus.FAILED)
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            return existing
    job = ReportJob.objects.create(
        cluster_year=cluster_year, kind=kind, draft=draft, inputs_hash=digest, requested_by=actor
    )
    audit_record(
        actor=actor, obj=job, action="report_request", after={"kind": kind, "draft": draft}
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def report_claim(job_id: int) -> bool:
    """Claims a job for this worker with one conditional UPDATE; False if another has it."""
    now = timezone.now()
    claimed = (
        ReportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=JobStatus.QUEUED)
            | Q(status=JobStatus.RUNNING, started_at__lt=now - stale_after())
        )
        .update(
            status=JobStatus.RUNNING,
            started_at=now,
            finished_at=None,
            progress=0,
            step=_("Bắt đầu"),
            error="",
            attempts=F("attempts") + 1,
        )
    )
    return claimed == 1


def _progress_for(job_id: int) -> Progress:
    def progress(percent: int, step: str) -> None:
        ReportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            progress=max(0, min(100, int(percent))), step=step[:200]
        )

    return progress


def report_build(job_id: int) -> str:
    """Builds a claimed job's files. Returns the final status."""
    if not report_claim(job_id):
        return "not_claimed"
    job = ReportJob.objects.select_related("cluster_year__cluster").get(pk=job_id)
    try:
        builder = import_string(BUILDERS[job.kind])
        files = builder(job, _progress_for(job_id))
        with transaction.atomic():
            # A retried job replaces its files: the old ones are removed first.
            for old in job.files.all():
                old.file.delete(save=False)
            job.files.all().delete()
            for built in files:
                report_file = ReportFile(
                    job=job,
                    filename=built.filename,
                    content_type=built.content_type,
                    size=len(built.content),
                    sha256=hashlib.sha256(built.content).hexdigest(),
                )
                report_file.file.save("f", ContentFile(built.content), save=False)
                report_file.save()
            ReportJob.objects.filter(pk=job_id).update(
                status=JobStatus.SUCCEEDED,
                progress=100,
                step=_("Hoàn thành"),
                finished_at=timezone.now(),
            )
    except Exception as exc:
        logger.exception("report job %s failed", job_id)
        ReportJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return JobStatus.FAILED
    return JobStatus.SUCCEEDED


def _error_text(exc: Exception) -> str:
    """A readable reason: a rule's own messages, else the exception's type and text."""
    messages = getattr(exc, "messages", None)
    if messages:
        return " ".join(str(m) for m in messages)
    return f"{type(exc).__name__}: {exc}"


@transaction.atomic
def report_retry(*, job: ReportJob, actor) -> ReportJob:
    """ "Thử lại": a failed job goes back to the queue."""
    if not access.can_request_reports(actor, job.cluster_year):
        raise PermissionDenied
    updated = ReportJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
        status=JobStatus.QUEUED, progress=0, step="", error=""
    )
    if not updated:
        raise RuleError(_("Chỉ thử lại được yêu cầu bị lỗi."))
    audit_record(actor=actor, obj=job, action="report_retry")
    transaction.on_commit(lambda: _enqueue(job.pk))
    job.refresh_from_db()
    return job


def report_jobs_sweep() -> int:
    """Fails jobs stuck running past the limit (their worker died); returns how many."""
    return ReportJob.objects.stuck(timezone.now() - stale_after()).update(
        status=JobStatus.FAILED,
        error=_(
            "Tiến trình tạo báo cáo bị dừng giữa chừng (quá thời gian cho phép). Vui lòng thử lại."
        ),
        finished_at=timezone.now(),
    )


def report_jobs_requeue(*, older_than: dt.timedelta = dt.timedelta(minutes=2)) -> int:
    """Re-sends queued jobs that no worker took (e.g. the broker was down when asked)."""
    ids = list(
        ReportJob.objects.filter(
            status=JobStatus.QUEUED, created_at__lt=timezone.now() - older_than
        ).values_list("pk", flat=True)[:100]
    )
    for job_id in ids:
        _enqueue(job_id)
    return len(ids)
