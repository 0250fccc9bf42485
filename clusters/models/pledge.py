"""The pledge (giao ước thi đua): its text, criteria table, targets and signatures.

Each year owns its criteria table: a new year starts from a copy of the
previous year's rows, never a link to them. Criteria rows keep their identity
while they are edited, and every change after the pledge is signed is recorded
as a new ``CriteriaVersion`` holding a snapshot of the whole table, so any two
versions can be compared and the results a change touches can be listed.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .cluster import ClusterYear


class CriterionKind(models.TextChoices):
    # Measured against a number (GRDP growth %, budget revenue vs plan…).
    QUANTITATIVE = "quantitative", _("Định lượng")
    # Judged from the explanation and evidence.
    QUALITATIVE = "qualitative", _("Định tính")
    # Điểm thưởng: added on top of the content points, up to the bonus cap.
    BONUS = "bonus", _("Điểm thưởng")
    # Điểm trừ: subtracted, down to the penalty cap.
    PENALTY = "penalty", _("Điểm trừ")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Càng cao càng tốt")
    LOWER = "lower", _("Càng thấp càng tốt")


class ScoringFormula(models.TextChoices):
    """How the portal suggests a self-score from the achieved value and the target."""

    # No suggestion: the officer scores by judgement.
    MANUAL = "manual", _("Tự đánh giá")
    # Full points when the target is met; proportional to achievement below it.
    PROPORTIONAL = "proportional", _("Đạt chỉ tiêu: điểm tối đa; chưa đạt: tính theo tỷ lệ")
    # Full points when the target is met, none otherwise.
    THRESHOLD = "threshold", _("Đạt chỉ tiêu: điểm tối đa; chưa đạt: 0 điểm")


class CriteriaTable(models.Model):
    """A year's scoring table (bảng chấm điểm) with its totals and caps."""

    cluster_year = models.OneToOneField(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.CASCADE,
        related_name="criteria_table",
    )
    content_points = models.DecimalField(
        _("điểm nội dung tối đa"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("950"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Tổng điểm tối đa của các tiêu chí định lượng và định tính."),
    )
    bonus_cap = models.DecimalField(
        _("điểm thưởng tối đa"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    penalty_cap = models.DecimalField(
        _("điểm trừ tối đa"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Ghi số dương: tổng điểm trừ không vượt quá mức này."),
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("bảng tiêu chí chấm điểm")
        verbose_name_plural = _("bảng tiêu chí chấm điểm")

    def __str__(self) -> str:
        return f"{self.cluster_year} (v{self.version})"

    @property
    def total_points(self) -> Decimal:
        """Content plus bonus cap: 950 + 50 = 1.000."""
        return self.content_points + self.bonus_cap


class CriterionGroup(models.Model):
    """A group of criteria (nhóm tiêu chí), e.g. "I. Phát triển kinh tế"."""

    table = models.ForeignKey(
        CriteriaTable,
        verbose_name=_("bảng tiêu chí"),
        on_delete=models.CASCADE,
        related_name="groups",
    )
    code = models.CharField(_("mã nhóm"), max_length=10)
    title = models.CharField(_("tên nhóm"), max_length=300)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("nhóm tiêu chí")
        verbose_name_plural = _("nhóm tiêu chí")
        ordering = ["table", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="criterion_group_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class CriterionQuerySet(models.QuerySet):
    def content(self):
        """Quantitative and qualitative criteria (the content points)."""
        return self.filter(kind__in=[CriterionKind.QUANTITATIVE, CriterionKind.QUALITATIVE])

    def with_targets(self):
        """Quantitative criteria to which a target applies."""
        return self.filter(kind=CriterionKind.QUANTITATIVE, target_applies=True)


class Criterion(models.Model):
    """One line of the scoring table (tiêu chí) with its maximum points."""

    table = models.ForeignKey(
        CriteriaTable,
        verbose_name=_("bảng tiêu chí"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    group = models.ForeignKey(
        CriterionGroup,
        verbose_name=_("nhóm tiêu chí"),
        on_delete=models.PROTECT,
        related_name="criteria",
    )
    code = models.CharField(_("mã tiêu chí"), max_length=10)
    title = models.CharField(_("tên tiêu chí"), max_length=400)
    guidance = models.TextField(_("hướng dẫn chấm"), blank=True)
    kind = models.CharField(_("loại"), max_length=16, choices=CriterionKind.choices)
    unit = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    direction = models.CharField(
        _("chiều đánh giá"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    max_points = models.DecimalField(
        _("điểm tối đa"),
        max_digits=7,
        decimal_places=2,
        help_text=_("Điểm trừ ghi số âm, ví dụ −8."),
    )
    target_applies = models.BooleanField(_("có chỉ tiêu"), default=False)
    evidence_required = models.BooleanField(_("bắt buộc minh chứng"), default=True)
    formula = models.CharField(
        _("cách gợi ý điểm"),
        max_length=16,
        choices=ScoringFormula.choices,
        default=ScoringFormula.MANUAL,
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    retired = models.BooleanField(
        _("đã bỏ"),
        default=False,
        help_text=_("Tiêu chí bị bỏ sau khi ký giao ước vẫn giữ lại để đối chiếu lịch sử."),
    )

    objects = CriterionQuerySet.as_manager()

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["table", "group__position", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="criterion_code_unique"),
            # Penalty items carry negative maxima, every other kind positive ones.
            models.CheckConstraint(
                condition=(Q(kind="penalty") & Q(max_points__lt=0))
                | (~Q(kind="penalty") & Q(max_points__gt=0)),
                name="criterion_max_points_sign",
                violation_error_message=_(
                    "Điểm tối đa của điểm trừ phải là số âm; các loại khác phải là số dương."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def is_penalty(self) -> bool:
        return self.kind == CriterionKind.PENALTY

    @property
    def needs_target(self) -> bool:
        return self.kind == CriterionKind.QUANTITATIVE and self.target_applies

    def score_bounds(self) -> tuple[Decimal, Decimal]:
        """The range a score may take: [max, 0] for penalties, [0, max] otherwise."""
        if self.is_penalty:
            return self.max_points, Decimal("0")
        return Decimal("0"), self.max_points


class CriteriaVersion(models.Model):
    """A snapshot of the whole table after a change made once the pledge was signed."""

    table = models.ForeignKey(
        CriteriaTable,
        verbose_name=_("bảng tiêu chí"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("phiên bản số"))
    snapshot = models.JSONField(_("nội dung bảng"))
    reason = models.TextField(_("lý do thay đổi"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản bảng tiêu chí")
        verbose_name_plural = _("các phiên bản bảng tiêu chí")
        ordering = ["table", "number"]
        constraints = [
            models.UniqueConstraint(fields=["table", "number"], name="criteria_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.table.cluster_year} v{self.number}"


class Target(models.Model):
    """A member's own target (chỉ tiêu) for a quantitative criterion, set in the pledge phase."""

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="targets"
    )
    value = models.DecimalField(_("chỉ tiêu"), max_digits=16, decimal_places=4)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    revision = models.PositiveIntegerField(_("lần sửa"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["province__name", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["province", "criterion"], name="target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.province.name} – {self.criterion.code}: {self.value}"


class Pledge(models.Model):
    """The pledge text (giao ước thi đua) of a year, edited by the coordinator."""

    cluster_year = models.OneToOneField(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.CASCADE,
        related_name="pledge",
    )
    title = models.CharField(_("tiêu đề"), max_length=300)
    articles = models.TextField(
        _("nội dung các điều"),
        help_text=_("Mỗi điều bắt đầu bằng “Điều 1.”, “Điều 2.”… trên một dòng riêng."),
    )
    signing_place = models.CharField(_("địa điểm ký"), max_length=120, blank=True)
    signing_date = models.DateField(_("ngày ký"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("lần sửa"), default=1)
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
        verbose_name = _("giao ước thi đua")
        verbose_name_plural = _("giao ước thi đua")

    def __str__(self) -> str:
        return self.title


class PledgeSignature(models.Model):
    """A member province's signature of the pledge, given by its officer (ký kết giao ước)."""

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.CASCADE,
        related_name="signatures",
    )
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("thời điểm ký"), auto_now_add=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=150)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("chữ ký giao ước")
        verbose_name_plural = _("chữ ký giao ước")
        ordering = ["cluster_year", "signed_at"]
        constraints = [
            # One signature per member and year, enforced by the database.
            models.UniqueConstraint(
                fields=["cluster_year", "province"], name="pledge_signature_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province.name} – {self.cluster_year}"
