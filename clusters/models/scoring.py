"""Verification and peer scoring, and frozen ranking snapshots.

Each year chooses how its results are verified (the leader and deputies verify
every member, or each member scores k peers), how peer scores are aggregated,
and the ordered tie-break rules. A frozen ``RankingSnapshot`` stores every
input, the method and its version, and a SHA-256 over the canonical inputs and
output, so the ranking can be recomputed and proved identical later.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .cluster import ClusterYear
from .pledge import Criterion


class VerificationMode(models.TextChoices):
    # Cụm trưởng and Cụm phó verify every member's results.
    LEADERSHIP = "leadership", _("Cụm trưởng, Cụm phó thẩm định tất cả các tỉnh")
    # Each member scores k other members (chấm chéo), never itself.
    PEER = "peer", _("Chấm chéo giữa các tỉnh")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Trung bình cộng")
    # Drops the highest and lowest score when four or more scorers scored.
    TRIMMED_MEAN = "trimmed_mean", _("Trung bình bỏ điểm cao nhất và thấp nhất")
    MEDIAN = "median", _("Trung vị")


class TieRule(models.TextChoices):
    """Rules that order members with equal totals, applied in the year's order."""

    # Higher points in a named criteria group (the rule's argument is the group code).
    GROUP_POINTS = "group_points", _("Điểm của nhóm tiêu chí cao hơn")
    # Fewer penalty points (closer to zero).
    FEWER_PENALTIES = "fewer_penalties", _("Ít điểm trừ hơn")
    # Higher self-assessed total.
    SELF_TOTAL = "self_total", _("Tổng điểm tự chấm cao hơn")


class ScoringSettings(models.Model):
    """How a year is verified, scored and ranked (chosen by the coordinator)."""

    cluster_year = models.OneToOneField(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.CASCADE,
        related_name="scoring_settings",
    )
    mode = models.CharField(
        _("hình thức thẩm định"),
        max_length=16,
        choices=VerificationMode.choices,
        default=VerificationMode.PEER,
    )
    scorers_per_member = models.PositiveSmallIntegerField(
        _("số tỉnh chấm mỗi tỉnh (k)"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    seed = models.PositiveIntegerField(
        _("hạt giống phân công"),
        default=1,
        help_text=_("Cùng hạt giống cho cùng một phân công."),
    )
    comment_threshold = models.DecimalField(
        _("ngưỡng chênh lệch bắt buộc ghi nhận xét"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Khi điểm thẩm định khác điểm tự chấm quá mức này, phải ghi nhận xét."),
    )
    aggregation = models.CharField(
        _("cách tổng hợp điểm chấm chéo"),
        max_length=16,
        choices=Aggregation.choices,
        default=Aggregation.MEAN,
    )
    tie_rules = models.JSONField(
        _("quy tắc xếp hạng khi bằng điểm"),
        default=list,
        blank=True,
        help_text=_('Danh sách theo thứ tự, ví dụ [["group_points", "I"], ["fewer_penalties"]].'),
    )
    reciprocity_threshold = models.DecimalField(
        _("ngưỡng cảnh báo chấm “có đi có lại” (điểm)"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    vote_quorum = models.DecimalField(
        _("tỷ lệ có mặt tối thiểu để bỏ phiếu"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.667"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    vote_pass = models.DecimalField(
        _("tỷ lệ phiếu cần đạt (trên số phiếu bầu)"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Ứng viên được chọn khi số phiếu lớn hơn tỷ lệ này nhân với số phiếu bầu."),
    )

    class Meta:
        verbose_name = _("cấu hình chấm điểm")
        verbose_name_plural = _("cấu hình chấm điểm")

    def __str__(self) -> str:
        return f"{self.cluster_year} ({self.get_mode_display()})"


class AssignmentSource(models.TextChoices):
    GENERATED = "generated", _("Phân công tự động")
    MANUAL = "manual", _("Cụm trưởng điều chỉnh")
    REASSIGNED = "reassigned", _("Phân công lại do xung đột lợi ích")


class PeerAssignmentQuerySet(models.QuerySet):
    def active(self):
        """Assignments in force (not withdrawn by a conflict or by hand)."""
        return self.filter(withdrawn_at__isnull=True)


class PeerAssignment(models.Model):
    """A scorer province assigned to verify a scored province in a year (phân công chấm chéo)."""

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.CASCADE,
        related_name="peer_assignments",
    )
    scorer = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("tỉnh chấm"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scored = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("tỉnh được chấm"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(
        _("nguồn phân công"),
        max_length=16,
        choices=AssignmentSource.choices,
        default=AssignmentSource.GENERATED,
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("rút lúc"), null=True, blank=True)
    conflict_reason = models.TextField(_("lý do xung đột lợi ích"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người rút"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PeerAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công chấm chéo")
        verbose_name_plural = _("phân công chấm chéo")
        ordering = ["cluster_year", "scorer__name", "scored__name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(scorer=F("scored")),
                name="assignment_not_self",
                violation_error_message=_("Một tỉnh không chấm chính mình."),
            ),
            # At most one active assignment per pair and year.
            models.UniqueConstraint(
                fields=["cluster_year", "scorer", "scored"],
                condition=Q(withdrawn_at__isnull=True),
                name="assignment_active_pair_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorer.name} → {self.scored.name} ({self.cluster_year.year})"


class PeerScore(models.Model):
    """A scorer's verified score and comment for one criterion of the scored province."""

    assignment = models.ForeignKey(
        PeerAssignment,
        verbose_name=_("phân công"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="peer_scores"
    )
    score = models.DecimalField(_("điểm thẩm định"), max_digits=7, decimal_places=2)
    comment = models.TextField(_("nhận xét"), blank=True)
    revision = models.PositiveIntegerField(_("lần sửa"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chấm"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("điểm chấm chéo")
        verbose_name_plural = _("điểm chấm chéo")
        ordering = ["assignment", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="peer_score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} – {self.criterion.code}: {self.score}"


class RankingSnapshot(models.Model):
    """A frozen ranking (chốt kết quả xếp hạng): inputs, method, output and their hash."""

    cluster_year = models.OneToOneField(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.PROTECT,
        related_name="ranking",
    )
    method = models.CharField(_("cách tổng hợp"), max_length=16, choices=Aggregation.choices)
    method_version = models.CharField(_("phiên bản thuật toán"), max_length=20)
    inputs = models.JSONField(_("dữ liệu đầu vào"))
    output = models.JSONField(_("kết quả xếp hạng"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chốt"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    frozen_at = models.DateTimeField(_("chốt lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("kết quả xếp hạng đã chốt")
        verbose_name_plural = _("kết quả xếp hạng đã chốt")

    def __str__(self) -> str:
        return f"{self.cluster_year} ({self.sha256[:12]}…)"
