"""The report pipeline: request, reuse, claim, build, retry, sweep, access — with a test builder."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from clusters.models import JobStatus, RankingSnapshot, ReportFile, ReportJob, ReportKind
from clusters.services import reports
from clusters.services.errors import RuleError
from clusters.services.reports import (
    BuiltFile,
    report_build,
    report_claim,
    report_jobs_requeue,
    report_jobs_sweep,
    report_request,
    report_retry,
)

pytestmark = pytest.mark.django_db

CALLS = []


def fake_build(job, progress):
    CALLS.append(job.pk)
    progress(50, "Đang dựng bảng")
    return [
        BuiltFile(
            "bao-cao.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"docx-" + str(job.pk).encode(),
        ),
        BuiltFile("bao-cao.pdf", "application/pdf", b"%PDF-1.4 test"),
    ]


def broken_build(job, progress):
    progress(10, "Bắt đầu")
    raise ValueError("thiếu dữ liệu xếp hạng")


@pytest.fixture(autouse=True)
def test_builders(monkeypatch):
    CALLS.clear()
    monkeypatch.setitem(
        reports.BUILDERS, ReportKind.YEAR_REPORT, "tests.clusters.test_report_pipeline.fake_build"
    )
    monkeypatch.setitem(
        reports.BUILDERS, ReportKind.MINUTES, "tests.clusters.test_report_pipeline.broken_build"
    )
    sent = []
    monkeypatch.setattr(reports, "_enqueue", lambda job_id: sent.append(job_id))
    return sent


@pytest.fixture
def frozen(seed_year_2023, coordinator_binh_dinh):
    RankingSnapshot.objects.create(
        cluster_year=seed_year_2023,
        method="mean",
        method_version="1",
        inputs={},
        output={"rows": []},
        sha256="0" * 64,
        frozen_by=coordinator_binh_dinh,
    )
    return seed_year_2023


def test_official_report_needs_a_frozen_ranking_unless_draft(seed_year_2023, coordinator_binh_dinh):
    with pytest.raises(RuleError, match="Chưa chốt kết quả xếp hạng"):
        report_request(
            cluster_year=seed_year_2023, kind=ReportKind.YEAR_REPORT, actor=coordinator_binh_dinh
        )
    job = report_request(
        cluster_year=seed_year_2023,
        kind=ReportKind.YEAR_REPORT,
        actor=coordinator_binh_dinh,
        draft=True,
    )
    assert job.draft and job.status == JobStatus.QUEUED


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("coordinator", True),
        ("reviewer", True),
        ("admin", True),
        ("officer", False),
        ("observer", False),
        ("outsider", False),
    ],
)
def test_who_may_request(frozen, personas, persona, allowed):
    if allowed:
        assert report_request(
            cluster_year=frozen, kind=ReportKind.YEAR_REPORT, actor=personas[persona]
        )
    else:
        with pytest.raises(PermissionDenied):
            report_request(
                cluster_year=frozen, kind=ReportKind.YEAR_REPORT, actor=personas[persona]
            )


def test_unchanged_inputs_reuse_the_job_unless_forced(
    frozen, coordinator_binh_dinh, test_builders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = report_request(
            cluster_year=frozen, kind=ReportKind.YEAR_REPORT, actor=coordinator_binh_dinh
        )
    assert test_builders == [first.pk]  # queued on commit
    again = report_request(
        cluster_year=frozen, kind=ReportKind.YEAR_REPORT, actor=coordinator_binh_dinh
    )
    assert again.pk == first.pk
    forced = report_request(
        cluster_year=frozen, kind=ReportKind.YEAR_REPORT, actor=coordinator_binh_dinh, force=True
    )
    assert forced.pk != first.pk


def test_a_change_in_the_data_gives_a_new_job(frozen, coordinator_binh_dinh):
    from clusters.services.narrative import narrative_save

    first = report_request(
        cluster_year=frozen, kind=ReportKind.YEAR_REPORT, actor=coordinator_binh_dinh
    )
    narrative_save(
        cluster_year=frozen, actor=coordinator_binh_dinh, title="Kết quả nổi bật", body="…"
    )
    second = report_request(
        cluster_year=frozen, kind=ReportKind.YEAR_REPORT, actor=coordinator_binh_dinh
    )
    assert second.pk != first.pk and second.inputs_hash != first.inputs_hash


def test_a_job_is_claimed_once(frozen, coordinator_binh_dinh):
    job = report_request(
        cluster_year=frozen, kind=ReportKind.YEAR_REPORT, actor=coordinator_binh_dinh
    )
    assert report_claim(job.pk) is True
    assert report_claim(job.pk) is False
    # A claim whose worker died long ago can be taken over (redelivered message).
    ReportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(hours=2))
    assert report_claim(job.pk) is True
    assert ReportJob.objects.get(pk=job.pk).attempts == 2


def test_build_stores_files_privately_with_hashes(frozen, coordinator_binh_dinh):
    import hashlib

    job = report_request(
        cluster_year=frozen, kind=ReportKind.YEAR_REPORT, actor=coordinator_binh_dinh
    )
    assert report_build(job.pk) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert (job.status, job.progress, job.started_at is not None, job.finished_at is not None) == (
        JobStatus.SUCCEEDED,
        100,
        True,
        True,
    )
    files = {f.filename: f for f in job.files.all()}
    assert set(files) == {"bao-cao.docx", "bao-cao.pdf"}
    content = files["bao-cao.pdf"].file.read()
    assert files["bao-cao.pdf"].sha256 == hashlib.sha256(content).hexdigest()
    assert files["bao-cao.pdf"].file.name.startswith(f"reports/{frozen.pk}/{job.pk}/")
    # A second run of the same job (a redelivery) replaces the files, never duplicates them.
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    report_build(job.pk)
    assert ReportFile.objects.filter(job=job).count() == 2


def test_failure_is_recorded_and_retry_requeues(frozen, coordinator_binh_dinh, test_builders):
    job = report_request(cluster_year=frozen, kind=ReportKind.MINUTES, actor=coordinator_binh_dinh)
    assert report_build(job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert "thiếu dữ liệu xếp hạng" in job.error
    job = report_retry(job=job, actor=coordinator_binh_dinh)
    assert job.status == JobStatus.QUEUED and job.error == ""
    with pytest.raises(RuleError):
        report_retry(job=job, actor=coordinator_binh_dinh)


def test_sweeper_fails_jobs_whose_worker_died(frozen, coordinator_binh_dinh, settings):
    job = report_request(
        cluster_year=frozen, kind=ReportKind.YEAR_REPORT, actor=coordinator_binh_dinh
    )
    report_claim(job.pk)
    assert report_jobs_sweep() == 0
    ReportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(hours=1))
    assert report_jobs_sweep() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "dừng giữa chừng" in job.error


def test_queued_jobs_are_resent(frozen, coordinator_binh_dinh, test_builders):
    job = report_request(
        cluster_year=frozen, kind=ReportKind.YEAR_REPORT, actor=coordinator_binh_dinh
    )
    ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert report_jobs_requeue() == 1 and test_builders[-1] == job.pk


def test_broker_down_leaves_the_job_queued(
    frozen, coordinator_binh_dinh, monkeypatch, django_capture_on_commit_callbacks
):
    from clusters import tasks

    monkeypatch.undo()  # use the real _enqueue, with a broker that refuses
    monkeypatch.setattr(
        tasks.report_build_task,
        "apply_async",
        lambda *a, **k: (_ for _ in ()).throw(ConnectionError("broker down")),
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = report_request(
            cluster_year=frozen, kind=ReportKind.WORKBOOK, actor=coordinator_binh_dinh, draft=True
        )
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_reports_page_progress_and_downloads_by_role(
    client, frozen, personas, coordinator_binh_dinh
):
    job = report_request(
        cluster_year=frozen, kind=ReportKind.YEAR_REPORT, actor=coordinator_binh_dinh
    )
    page = reverse("clusters:reports", args=[frozen.cluster.code, 2023])
    client.force_login(coordinator_binh_dinh)
    html = client.get(page).content.decode()
    assert "Yêu cầu tạo báo cáo" in html and 'hx-trigger="every 2s"' in html
    report_build(job.pk)
    status_html = client.get(reverse("clusters:report_job", args=[job.pk])).content.decode()
    assert "every 2s" not in status_html and "bao-cao.docx" in status_html
    file_url = reverse("clusters:report_file", args=[job.files.get(filename="bao-cao.pdf").pk])
    for persona, expected in (
        ("officer", 200),
        ("reviewer", 200),
        ("observer", 200),
        ("outsider", 404),
    ):
        client.force_login(personas[persona])
        assert client.get(file_url).status_code == expected, persona
    client.force_login(personas["officer"])
    assert "Yêu cầu tạo báo cáo" not in client.get(page).content.decode()
    client.logout()
    assert client.get(file_url).status_code == 302


def test_request_through_the_page(client, frozen, coordinator_binh_dinh, seed_year_2022):
    client.force_login(coordinator_binh_dinh)
    url = reverse("clusters:report_request", args=[frozen.cluster.code, 2023])
    client.post(url, {"kind": ReportKind.YEAR_REPORT})
    assert ReportJob.objects.filter(cluster_year=frozen).count() == 1
    # 2022 has no frozen ranking: refused with a message, nothing created.
    response = client.post(
        reverse("clusters:report_request", args=[frozen.cluster.code, 2022]),
        {"kind": ReportKind.YEAR_REPORT},
        follow=True,
    )
    assert "Chưa chốt kết quả xếp hạng" in response.content.decode()
    assert not ReportJob.objects.filter(cluster_year=seed_year_2022).exists()
