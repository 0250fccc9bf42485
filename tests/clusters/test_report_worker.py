"""The report pipeline with a live Celery worker: request, wait, download; retries and dead workers.

The worker runs in a thread of the test process (``celery.contrib.testing``)
on the configured broker: Redis when ``REDIS_URL`` is set (CI), otherwise
the filesystem broker — moved to a private folder for the test, so that a
developer's running worker (which reads ``var/broker``) cannot take the
test's messages and build them against another database. With SQLite's
in-memory test database the worker thread shares the test's connection (as
Django's live server does); on PostgreSQL it opens its own. Sharing one
SQLite connection means sharing its transaction, so while the worker builds
the tests only read: they write (request, retry, fake a dead worker) when
the worker is idle.
"""

import datetime as dt
import io
import time
from contextlib import contextmanager

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connections, transaction
from django.utils import timezone
from docx import Document

from accounts.models import User
from clusters.models import JobStatus, ReportFile, ReportJob, ReportKind
from clusters.services import reports
from clusters.services.reports import (
    report_jobs_sweep,
    report_request,
    report_retry,
)
from tests.clusters.test_report_documents import concluded_year

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 60
MINUTES_BUILDER = "clusters.documents.minutes_report.build"
EXPECTED = {
    ReportKind.YEAR_REPORT: {"bao-cao-tong-ket-2022.docx", "bao-cao-tong-ket-2022.pdf"},
    ReportKind.MINUTES: {"bien-ban-hop-binh-xet-2022.docx", "bien-ban-hop-binh-xet-2022.pdf"},
    ReportKind.SUBMISSION: {
        "to-trinh-de-nghi-khen-thuong-2022.docx",
        "to-trinh-de-nghi-khen-thuong-2022.pdf",
    },
    ReportKind.WORKBOOK: {"bang-tong-hop-diem-2022.xlsx"},
}


def _reset_broker_pools(app) -> None:
    # Connections are pooled by URL and transport options: forget the pools so the
    # next message (and the worker) connect with the options set now.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def running_worker(tmp_path):
    """A Celery worker (solo pool) in a thread of this process, on the configured broker."""
    from celery import signals
    from celery.contrib.testing.worker import start_worker

    from emulation.celery import app

    saved_options = app.conf.broker_transport_options
    if not django_settings.REDIS_URL:
        folder = tmp_path / "broker"
        for sub in ("queue", "processed"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        app.conf.broker_transport_options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
        }
        _reset_broker_pools(app)
    # The wrapper itself (``django.db.connection`` is a proxy to this thread's one).
    main = connections["default"]
    shared = main if main.vendor == "sqlite" and main.is_in_memory_db() else None

    def use_shared_connection(**kwargs):
        connections["default"] = shared

    if shared is not None:
        shared.inc_thread_sharing()
        signals.task_prerun.connect(use_shared_connection, weak=False)
    try:
        with start_worker(
            app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=30
        ) as worker:
            yield worker
    finally:
        if shared is not None:
            signals.task_prerun.disconnect(use_shared_connection)
            shared.dec_thread_sharing()
        if not django_settings.REDIS_URL:
            app.conf.broker_transport_options = saved_options
            _reset_broker_pools(app)


@pytest.fixture
def year_2022(seed_year_2022, seed_year_2023):
    return concluded_year(seed_year_2022)


@pytest.fixture
def live_worker(tmp_path, monkeypatch, settings):
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setitem(reports.BUILDERS, ReportKind.MINUTES, MINUTES_BUILDER)
    with running_worker(tmp_path) as worker:
        yield worker


def wait_for(job_ids, *, statuses=(JobStatus.SUCCEEDED, JobStatus.FAILED), timeout=TIMEOUT):
    """Polls until every job has one of ``statuses``; returns the jobs."""
    deadline = time.monotonic() + timeout
    while True:
        jobs = {job.pk: job for job in ReportJob.objects.filter(pk__in=job_ids)}
        if len(jobs) == len(job_ids) and all(j.status in statuses for j in jobs.values()):
            return jobs
        if time.monotonic() > deadline:
            states = {pk: (j.status, j.progress, j.step, j.error) for pk, j in jobs.items()}
            raise AssertionError(f"jobs did not finish in {timeout} s: {states}")
        time.sleep(0.2)


def request(cluster_year, kind, *, draft=False, force=True, user="admin") -> ReportJob:
    """Asks for a report the way the page does: the task is queued when the request commits."""
    with transaction.atomic():
        return report_request(
            cluster_year=cluster_year,
            kind=kind,
            actor=User.objects.get(username=user),
            draft=draft,
            force=force,
        )


@pytest.fixture
def progress_log(monkeypatch):
    """Every progress update the builders make, per job (the page polls the same rows)."""
    log: dict[int, list[int]] = {}
    real = reports._progress_for

    def spy(job_id):
        inner = real(job_id)

        def progress(percent, step):
            log.setdefault(job_id, []).append(percent)
            inner(percent, step)

        return progress

    monkeypatch.setattr(reports, "_progress_for", spy)
    return log


def test_each_report_is_built_by_the_worker(year_2022, live_worker, progress_log):
    # One transaction, as the command does: the worker starts once all four are recorded.
    with transaction.atomic():
        jobs = {kind: request(year_2022, kind) for kind in ReportKind.values}
    assert all(job.status == JobStatus.QUEUED for job in jobs.values())
    done = wait_for([job.pk for job in jobs.values()])
    for kind, job in jobs.items():
        finished = done[job.pk]
        assert finished.status == JobStatus.SUCCEEDED, (kind, finished.error)
        assert (finished.progress, finished.attempts) == (100, 1)
        files = {f.filename: f for f in finished.files.all()}
        assert set(files) == EXPECTED[kind]
        # Progress moved through several steps, upwards.
        seen = progress_log[job.pk]
        assert len(set(seen)) >= 3 and seen == sorted(seen), (kind, seen)
        for name, stored in files.items():
            content = stored.file.open("rb").read()
            if name.endswith(".docx"):
                texts = [p.text for p in Document(io.BytesIO(content)).paragraphs]
                assert any(t for t in texts)
            elif name.endswith(".pdf"):
                assert content.startswith(b"%PDF")
            else:
                assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames[0] == "Tổng hợp"


def test_a_retried_job_does_not_duplicate_its_files(year_2022, live_worker):
    job = request(year_2022, ReportKind.YEAR_REPORT)
    wait_for([job.pk])
    first = {f.filename: f.file.name for f in ReportFile.objects.filter(job=job)}
    assert len(first) == 2
    # Say the job failed after storing its files; "Thử lại" queues it again.
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="x")
    with transaction.atomic():
        report_retry(job=ReportJob.objects.get(pk=job.pk), actor=User.objects.get(username="admin"))
    job = wait_for([job.pk])[job.pk]
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2
    again = {f.filename: f.file.name for f in ReportFile.objects.filter(job=job)}
    assert set(again) == set(first)
    # The old files were replaced (removed from storage), not kept beside the new ones.
    assert not set(again.values()) & set(first.values())


def test_a_dead_workers_job_ends_failed_and_can_be_retried(year_2022, live_worker):
    """A worker killed mid-build leaves its job running; the sweeper ends it with a reason."""
    job = request(year_2022, ReportKind.WORKBOOK, force=True)
    wait_for([job.pk])
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        progress=40,
        started_at=timezone.now() - dt.timedelta(hours=2),
        finished_at=None,
    )
    assert report_jobs_sweep() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "dừng giữa chừng" in job.error
    assert job.finished_at is not None
    with transaction.atomic():
        report_retry(job=job, actor=User.objects.get(username="admin"))
    assert wait_for([job.pk])[job.pk].status == JobStatus.SUCCEEDED


def test_a_redelivered_message_takes_over_a_stale_claim_only(year_2022, live_worker):
    """acks_late redelivers a dead worker's message: a stale claim is taken over, a live one is not."""
    from clusters.tasks import report_build_task

    with transaction.atomic():
        stale = request(year_2022, ReportKind.YEAR_REPORT)
        busy = request(year_2022, ReportKind.SUBMISSION)
    wait_for([stale.pk, busy.pk])
    ReportJob.objects.filter(pk=stale.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now() - dt.timedelta(hours=2)
    )
    ReportJob.objects.filter(pk=busy.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=30
    )
    report_build_task.apply_async(args=[busy.pk])
    report_build_task.apply_async(args=[stale.pk])
    taken = wait_for([stale.pk])[stale.pk]
    assert taken.status == JobStatus.SUCCEEDED and taken.attempts == 2
    assert ReportFile.objects.filter(job=taken).count() == 2
    # The busy job's message came first (one worker, in order) and left it alone.
    busy.refresh_from_db()
    assert (busy.status, busy.progress, busy.attempts) == (JobStatus.RUNNING, 30, 1)


def test_build_all_reports_through_the_worker(year_2022, live_worker):
    out = io.StringIO()
    call_command("build_all_reports", "--user", "admin", "--force", stdout=out)
    text = out.getvalue()
    for kind in ReportKind:
        assert str(kind.label) in text
    assert text.count("Hoàn thành") == 4
    assert "4 báo cáo, 4 thành công, 0 không thành công" in text
    assert " 2023 " not in text  # 2023 is not frozen: not built without --draft


def test_build_all_reports_sync_with_drafts(
    year_2022, seed_year_2023, settings, tmp_path, monkeypatch
):
    from emulation.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setitem(reports.BUILDERS, ReportKind.MINUTES, MINUTES_BUILDER)
    out = io.StringIO()
    with pytest.raises(Exception, match="không tạo được"):
        call_command(
            "build_all_reports",
            "--sync",
            "--draft",
            "--kind",
            "year_report",
            "--kind",
            "minutes",
            stdout=out,
        )
    text = out.getvalue()
    assert app.conf.task_always_eager is False  # restored
    lines = [line for line in text.splitlines() if " 2022 " in line or " 2023 " in line]
    assert len(lines) == 4
    # 2022 (frozen): official; 2023 (not frozen): drafts; 2023's minutes fail (no vote yet).
    assert any("2023" in line and "(dự thảo)" in line and "Hoàn thành" in line for line in lines)
    assert any("2023" in line and "Lỗi" in line for line in lines)
    assert "bỏ phiếu" in text
    assert (
        ReportJob.objects.filter(cluster_year=seed_year_2023, kind="year_report", draft=True)
        .get()
        .files.count()
        == 2
    )
