"""Year-end documents built by workers: one ``ReportJob`` per request, with its files.

The row is the single source of truth about a job: the page polls it for
progress, the worker claims it with a conditional UPDATE (so two workers never
build the same job), and a sweeper fails jobs whose worker died.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cluster import ClusterYear


class ReportKind(models.TextChoices):
    YEAR_REPORT = "year_report", _("Báo cáo tổng kết giao ước thi đua")
    MINUTES = "minutes", _("Biên bản họp bình xét")
    SUBMISSION = "submission", _("Tờ trình đề nghị khen thưởng")
    WORKBOOK = "workbook", _("Bảng tổng hợp điểm (Excel)")


class JobStatus(models.TextChoices):
    # Waiting for a worker (the broker may be down: it runs when it is back).
    QUEUED = "queued", _("Đang chờ xử lý")
    # Claimed by a worker; progress moves.
    RUNNING = "running", _("Đang tạo")
    SUCCEEDED = "succeeded", _("Hoàn thành")
    # Ended with an error (or its worker died); can be retried.
    FAILED = "failed", _("Lỗi")


class ReportJobQuerySet(models.QuerySet):
    def stuck(self, before):
        """Jobs running since before ``before``: their worker is presumed dead."""
        return self.filter(status=JobStatus.RUNNING, started_at__lt=before)


class ReportJob(models.Model):
    """One request for a report of a cluster-year, its progress, its files and its error."""

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.PROTECT,
        related_name="report_jobs",
    )
    kind = models.CharField(_("loại báo cáo"), max_length=16, choices=ReportKind.choices)
    draft = models.BooleanField(
        _("bản dự thảo"),
        default=False,
        help_text=_("Dự thảo khi chưa chốt kết quả xếp hạng: có dòng chữ “DỰ THẢO”."),
    )
    inputs_hash = models.CharField(_("mã băm dữ liệu đầu vào"), max_length=64, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=JobStatus.choices,
        default=JobStatus.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    step = models.CharField(_("bước hiện tại"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("yêu cầu tạo báo cáo")
        verbose_name_plural = _("yêu cầu tạo báo cáo")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["cluster_year", "kind", "inputs_hash"], name="report_job_reuse")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.cluster_year} ({self.get_status_display()})"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


def report_path(instance: "ReportFile", filename: str) -> str:
    return f"reports/{instance.job.cluster_year_id}/{instance.job_id}/{uuid.uuid4().hex}"


class ReportFile(models.Model):
    """A file a job produced (DOCX, PDF or XLSX), stored privately with its SHA-256."""

    job = models.ForeignKey(
        ReportJob, verbose_name=_("yêu cầu"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("tệp"), upload_to=report_path, max_length=300)
    filename = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("tệp báo cáo")
        verbose_name_plural = _("tệp báo cáo")
        ordering = ["job", "filename"]
        constraints = [
            # A retried job replaces its files instead of adding duplicates.
            models.UniqueConstraint(fields=["job", "filename"], name="report_file_unique"),
        ]

    def __str__(self) -> str:
        return self.filename


class NarrativeSection(models.Model):
    """A narrative section of the year-end report, written by the coordinator beforehand."""

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.CASCADE,
        related_name="narrative_sections",
    )
    title = models.CharField(_("tiêu đề mục"), max_length=300)
    body = models.TextField(_("nội dung"))
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mục nội dung báo cáo")
        verbose_name_plural = _("các mục nội dung báo cáo tổng kết")
        ordering = ["cluster_year", "position", "pk"]

    def __str__(self) -> str:
        return self.title
