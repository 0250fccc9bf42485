"""Results (kết quả), self-scores, evidence (minh chứng) and each member's submission."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .cluster import ClusterYear
from .pledge import Criterion


class SubmissionStatus(models.TextChoices):
    # The officer enters results; drafts save as they go.
    DRAFT = "draft", _("Đang nhập")
    # Submitted and locked; only the coordinator can return it.
    SUBMITTED = "submitted", _("Đã nộp")
    # Returned by the coordinator with a reason; editable again.
    RETURNED = "returned", _("Bị trả lại")


# Allowed moves of a submission; every move goes through one service.
SUBMISSION_TRANSITIONS = {
    SubmissionStatus.DRAFT: {SubmissionStatus.SUBMITTED},
    SubmissionStatus.SUBMITTED: {SubmissionStatus.RETURNED},
    SubmissionStatus.RETURNED: {SubmissionStatus.SUBMITTED},
}


class Submission(models.Model):
    """A member's results for one year as a whole: drafted, submitted, returned."""

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    class Meta:
        verbose_name = _("bản nộp kết quả")
        verbose_name_plural = _("bản nộp kết quả")
        ordering = ["cluster_year", "province__name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "province"], name="submission_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.province.name} – {self.cluster_year} ({self.get_status_display()})"

    @property
    def is_locked(self) -> bool:
        return self.status == SubmissionStatus.SUBMITTED

    def can_move_to(self, status: str) -> bool:
        return status in SUBMISSION_TRANSITIONS.get(self.status, set())


class SubmissionEvent(models.Model):
    """A move of a submission: who, when, from, to, and the reason given."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("bản nộp"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("từ"), max_length=16, choices=SubmissionStatus.choices)
    to_status = models.CharField(_("sang"), max_length=16, choices=SubmissionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    comment = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("lịch sử bản nộp")
        verbose_name_plural = _("lịch sử bản nộp")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.submission}: {self.from_status} → {self.to_status}"


class Result(models.Model):
    """A member's result for one criterion: achieved value, self-score and explanation.

    ``revision`` is the optimistic lock: a save names the revision it was
    based on and is refused if someone saved in between ("đã có người cập nhật").
    """

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="results"
    )
    achieved_value = models.DecimalField(
        _("kết quả đạt được"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    self_score = models.DecimalField(
        _("điểm tự chấm"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    suggested_score = models.DecimalField(
        _("điểm gợi ý"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    override_reason = models.TextField(
        _("lý do chấm khác điểm gợi ý"),
        blank=True,
    )
    explanation = models.TextField(_("giải trình"), blank=True)
    revision = models.PositiveIntegerField(_("lần sửa"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("kết quả")
        verbose_name_plural = _("kết quả")
        ordering = ["province__name", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["province", "criterion"], name="result_unique"),
        ]
        indexes = [models.Index(fields=["cluster_year", "province"], name="result_year_province")]

    def __str__(self) -> str:
        return f"{self.province.name} – {self.criterion.code}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # Random names: the original name is kept in the row, never in the path.
    cy = instance.result.cluster_year_id
    return f"evidence/{cy}/{instance.result.province_id}/{uuid.uuid4().hex}"


class EvidenceQuerySet(models.QuerySet):
    def current(self):
        """Files not replaced or removed."""
        return self.filter(superseded_at__isnull=True)


class Evidence(models.Model):
    """A file attached to a result, stored privately with its SHA-256.

    Replacing or removing a file never deletes it: the row is marked
    superseded and stays in history (Law 06/2022, Chapter VII: awards obtained
    with false declarations are revoked, so evidence must stay traceable).
    """

    result = models.ForeignKey(
        Result, verbose_name=_("kết quả"), on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("tệp"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("thay thế/gỡ lúc"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("được thay bằng"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["result", "uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(superseded_by__isnull=True) | Q(superseded_at__isnull=False),
                name="evidence_superseded_consistent",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
