"""The honours catalogue (hình thức khen thưởng) and its dated rule sets.

Laws change (2024, 2025, and again later), so everything a rule check reads —
required documents, quotas, deadlines, eligibility — is data with effective
dates, edited in Django admin. A nomination is judged by the rule set of its
honour in force on 31 December of its cluster-year: the year whose
achievements are honoured, whatever the day the dossier is sent or decided
(the 2022 flags, voted in March 2023, follow the rules of 2022).
"""

import datetime as dt
import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HonourLevel(models.TextChoices):
    # Decided by the Prime Minister / Government on the Central Council's proposal.
    STATE = "state", _("Cấp Nhà nước")
    # Decided by the province's People's Committee.
    PROVINCIAL = "provincial", _("Cấp tỉnh")


class Recipients(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")
    BOTH = "both", _("Tập thể và cá nhân")


class SubjectKind(models.TextChoices):
    """Who a nomination honours."""

    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class HonourQuerySet(models.QuerySet):
    def active(self):
        """Honours that may be proposed today (retired ones stay for history)."""
        return self.filter(is_active=True)


class Honour(models.Model):
    """A form of commendation (Cờ thi đua của Chính phủ, Bằng khen của Thủ tướng…).

    ``code`` is shared with ``clusters.models.Honour`` for the honours a
    cluster vote proposes (GOVERNMENT_FLAG, PM_CERTIFICATE), so a ballot's
    question finds its catalogue entry without a mapping table.
    """

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên hình thức khen thưởng"), max_length=200)
    level = models.CharField(_("cấp khen thưởng"), max_length=16, choices=HonourLevel.choices)
    recipients = models.CharField(
        _("đối tượng được tặng"), max_length=16, choices=Recipients.choices
    )
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=400, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)

    objects = HonourQuerySet.as_manager()

    class Meta:
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = _("danh mục hình thức khen thưởng")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def accepts(self, subject_kind: str) -> bool:
        """Whether this honour may be given to a collective / an individual."""
        return self.recipients == Recipients.BOTH or self.recipients == subject_kind


class DeadlineKind(models.TextChoices):
    # No submission deadline in the rules.
    NONE = "none", _("Không quy định")
    # N days after the cluster's vote closed (bình xét, suy tôn).
    DAYS_AFTER_BALLOT = "days_after_ballot", _("Số ngày sau khi kết thúc bỏ phiếu bình xét")
    # A fixed day of the year after the competition year (e.g. 31/03 of year N+1).
    FIXED_DAY = "fixed_day", _("Ngày cố định của năm sau năm thi đua")


class HonourRuleSetQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date):
        """Rule sets in force on ``day``."""
        return self.filter(effective_from__lte=day).filter(
            Q(effective_until__isnull=True) | Q(effective_until__gte=day)
        )


def judging_day(year: int) -> dt.date:
    """The day whose rules judge a nomination of ``year``: 31 December of that year."""
    return dt.date(year, 12, 31)


class HonourRuleSet(models.Model):
    """The rules of one honour for a period: documents, quotas, deadline, eligibility.

    Periods of one honour do not overlap (checked in ``clean``; admin calls it).
    """

    honour = models.ForeignKey(
        Honour,
        verbose_name=_("hình thức khen thưởng"),
        on_delete=models.PROTECT,
        related_name="rule_sets",
    )
    effective_from = models.DateField(_("áp dụng từ ngày"))
    effective_until = models.DateField(_("áp dụng đến ngày"), null=True, blank=True)
    legal_basis = models.CharField(
        _("căn cứ pháp lý"),
        max_length=500,
        help_text=_("Luật, nghị định, văn bản hướng dẫn áp dụng trong thời kỳ này."),
    )
    eligibility = models.TextField(
        _("điều kiện, tiêu chuẩn"),
        blank=True,
        help_text=_("Hiển thị trên trang đề nghị để cán bộ và chuyên viên đối chiếu."),
    )
    ballot_only = models.BooleanField(
        _("chỉ đề nghị qua bình xét của Cụm"),
        default=False,
        help_text=_(
            "Chọn khi hình thức này chỉ được đề nghị theo kết quả bỏ phiếu bình xét, suy tôn của Cụm."
        ),
    )
    deadline_kind = models.CharField(
        _("cách tính hạn nộp hồ sơ"),
        max_length=20,
        choices=DeadlineKind.choices,
        default=DeadlineKind.NONE,
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("số ngày sau khi bỏ phiếu"), null=True, blank=True
    )
    deadline_month = models.PositiveSmallIntegerField(
        _("tháng của hạn cố định"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    deadline_day = models.PositiveSmallIntegerField(
        _("ngày của hạn cố định"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    deadline_hard = models.BooleanField(
        _("quá hạn thì không được gửi"),
        default=False,
        help_text=_("Bỏ chọn: hồ sơ quá hạn vẫn gửi được, chuyên viên ghi lý do khi chấp nhận."),
    )
    review_days = models.PositiveSmallIntegerField(
        _("thời hạn thẩm định (ngày)"),
        default=20,
        help_text=_("Số ngày Ban Thi đua - Khen thưởng Trung ương thẩm định kể từ khi nhận hồ sơ."),
    )
    max_state_honours_per_subject = models.PositiveSmallIntegerField(
        _("số hình thức cấp Nhà nước tối đa cho một đối tượng trong năm"),
        null=True,
        blank=True,
        help_text=_(
            "Để trống nếu không giới hạn. Không tính khen thưởng đột xuất, theo niên hạn, quá trình cống hiến."
        ),
    )

    objects = HonourRuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("quy định theo thời kỳ")
        verbose_name_plural = _("quy định theo thời kỳ")
        ordering = ["honour__position", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["honour", "effective_from"], name="honour_rule_set_start_unique"
            ),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gte=models.F("effective_from")),
                name="honour_rule_set_range",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu áp dụng."),
            ),
        ]

    def __str__(self) -> str:
        end = self.effective_until.strftime("%d/%m/%Y") if self.effective_until else "…"
        return f"{self.honour.name} ({self.effective_from:%d/%m/%Y} – {end})"

    def clean(self):
        errors = {}
        if self.deadline_kind == DeadlineKind.DAYS_AFTER_BALLOT and self.deadline_days is None:
            errors["deadline_days"] = _("Vui lòng nhập số ngày.")
        if self.deadline_kind == DeadlineKind.FIXED_DAY:
            if self.deadline_month is None or self.deadline_day is None:
                errors["deadline_day"] = _("Vui lòng nhập ngày và tháng của hạn nộp.")
            else:
                try:
                    dt.date(2001, self.deadline_month, self.deadline_day)
                except ValueError:
                    errors["deadline_day"] = _("Ngày và tháng không hợp lệ.")
        if errors:
            raise ValidationError(errors)
        if self.honour_id and self.effective_from:
            end = self.effective_until or dt.date.max
            overlapping = (
                HonourRuleSet.objects.filter(honour_id=self.honour_id)
                .exclude(pk=self.pk)
                .filter(
                    Q(effective_until__isnull=True) | Q(effective_until__gte=self.effective_from),
                    effective_from__lte=end,
                )
            )
            if overlapping.exists():
                raise ValidationError(
                    _("Thời kỳ áp dụng trùng với một quy định khác của cùng hình thức khen thưởng.")
                )

    def deadline_for(self, *, year: int, ballot_closed_on: dt.date | None) -> dt.date | None:
        """The submission deadline for a nomination of ``year`` (None when none applies)."""
        if self.deadline_kind == DeadlineKind.DAYS_AFTER_BALLOT:
            if ballot_closed_on is None or self.deadline_days is None:
                return None
            return ballot_closed_on + dt.timedelta(days=self.deadline_days)
        if (
            self.deadline_kind == DeadlineKind.FIXED_DAY
            and self.deadline_month
            and self.deadline_day
        ):
            return dt.date(year + 1, self.deadline_month, self.deadline_day)
        return None


class GeneratedDocument(models.TextChoices):
    """Documents the portal writes itself and attaches to the dossier."""

    NONE = "", _("Không")
    # The draft tờ trình listing the cluster's proposals (awards.documents).
    SUBMISSION_LETTER = "submission_letter", _("Dự thảo tờ trình của Cụm")
    # The minutes of the vote (clusters.documents.minutes, when available).
    BALLOT_MINUTES = "ballot_minutes", _("Biên bản họp bình xét từ kết quả bỏ phiếu")


class RequiredDocument(models.Model):
    """One line of a rule set's dossier checklist (tờ trình, biên bản, báo cáo thành tích…)."""

    rule_set = models.ForeignKey(
        HonourRuleSet,
        verbose_name=_("quy định"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    code = models.SlugField(
        _("mã tài liệu"),
        max_length=40,
        help_text=_("Mã ổn định, ví dụ submission_letter, meeting_minutes, achievement_report."),
    )
    title = models.CharField(_("tên tài liệu"), max_length=200)
    description = models.CharField(_("hướng dẫn"), max_length=400, blank=True)
    required = models.BooleanField(_("bắt buộc"), default=True)
    generated = models.CharField(
        _("Cổng tự tạo"),
        max_length=20,
        choices=GeneratedDocument.choices,
        default=GeneratedDocument.NONE,
        blank=True,
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tài liệu trong hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["rule_set", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="required_document_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class QuotaKind(models.TextChoices):
    # max(minimum, floor(ratio × number of members of the cluster-year))
    RATIO = "ratio", _("Tỷ lệ trên số thành viên Cụm (có tối thiểu)")
    # A fixed number.
    FIXED = "fixed", _("Số lượng cố định")


class QuotaScope(models.TextChoices):
    # The cluster's own proposals: the nominations its vote produced that year.
    CLUSTER_VOTE = "cluster_vote", _("Đề nghị của Cụm qua bình xét, trong năm")
    # What one province proposes by itself that year (manual nominations).
    PROVINCE = "province", _("Đề nghị riêng của mỗi tỉnh, trong năm")


class QuotaRule(models.Model):
    """How many nominations of an honour a cluster's vote (or a province) may send in a year.

    A rule counts only the nominations of its subject kind and scope: the
    cluster's vote-based proposals, or one province's own proposals. So the
    20 % limit on flags for leading members says nothing about the
    certificates a province proposes for workers and small collectives.
    """

    rule_set = models.ForeignKey(
        HonourRuleSet, verbose_name=_("quy định"), on_delete=models.CASCADE, related_name="quotas"
    )
    subject_kind = models.CharField(_("áp dụng cho"), max_length=16, choices=SubjectKind.choices)
    scope = models.CharField(
        _("phạm vi"), max_length=16, choices=QuotaScope.choices, default=QuotaScope.CLUSTER_VOTE
    )
    kind = models.CharField(_("cách tính"), max_length=8, choices=QuotaKind.choices)
    ratio = models.DecimalField(
        _("tỷ lệ"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    minimum = models.PositiveSmallIntegerField(_("tối thiểu"), default=0)
    fixed = models.PositiveSmallIntegerField(_("số lượng"), null=True, blank=True)
    hard = models.BooleanField(
        _("vượt chỉ tiêu thì không được gửi"),
        default=True,
        help_text=_("Bỏ chọn để chỉ cảnh báo; chuyên viên ghi lý do khi chấp nhận."),
    )
    note = models.CharField(_("ghi chú, căn cứ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu số lượng")
        verbose_name_plural = _("chỉ tiêu số lượng")
        ordering = ["rule_set", "subject_kind"]

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()}: {self.get_kind_display()}"

    def clean(self):
        if self.kind == QuotaKind.RATIO and self.ratio is None:
            raise ValidationError({"ratio": _("Vui lòng nhập tỷ lệ.")})
        if self.kind == QuotaKind.FIXED and self.fixed is None:
            raise ValidationError({"fixed": _("Vui lòng nhập số lượng.")})

    def limit_for(self, *, members: int) -> int:
        """The number of nominations allowed, for a cluster-year of ``members`` members."""
        if self.kind == QuotaKind.FIXED:
            return self.fixed or 0
        ratio = self.ratio or Decimal(0)
        return max(self.minimum, math.floor(ratio * members))
