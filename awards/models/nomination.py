"""Nominations (đề nghị khen thưởng), their dossiers and the Central Board's review.

A nomination moves only through ``awards.services.nominations.nomination_transition``
along ``TRANSITIONS``; every move writes a ``NominationEvent``. Submitted
content is never edited by reviewers: they write ``ReviewNote`` rows and
``RuleOverride`` rows beside it. Dossier files are never deleted (Law
06/2022/QH15, Chapter VII: an award obtained with false declarations is
revoked, so what was sent must stay intact and traceable).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalogue import Honour, HonourRuleSet, SubjectKind


class NominationStatus(models.TextChoices):
    """The nomination's state machine; only the transition service moves it."""

    # The province prepares the dossier (created by hand, or from a closed vote).
    DRAFT = "draft", _("Đang chuẩn bị")
    # Sent to the Central Board; the province can no longer change it.
    SUBMITTED = "submitted", _("Đã gửi")
    # A Board reviewer is checking the dossier.
    IN_REVIEW = "in_review", _("Đang thẩm định")
    # Sent back with the required changes; the province edits it again.
    RETURNED = "returned", _("Bị trả lại")
    # Sent again after a return; waits for the Board.
    RESUBMITTED = "resubmitted", _("Đã gửi lại")
    # The Board found the dossier complete and correct.
    ACCEPTED = "accepted", _("Đã chấp nhận hồ sơ")
    # Put before the Central Council (Hội đồng TĐKT Trung ương) for decision.
    FORWARDED = "forwarded", _("Đã trình Hội đồng")
    # Decided: awarded, with the decision's number and date.
    APPROVED = "approved", _("Đã có quyết định khen thưởng")
    # Decided: not awarded, with the reason.
    NOT_APPROVED = "not_approved", _("Không được khen thưởng")
    # The award was revoked (Law 06/2022/QH15, Chapter VII), with reason and basis.
    REVOKED = "revoked", _("Đã thu hồi")


S = NominationStatus
# Allowed moves; anything else is refused by the transition service.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.IN_REVIEW, S.RETURNED}),
    S.IN_REVIEW: frozenset({S.RETURNED, S.ACCEPTED}),
    S.RETURNED: frozenset({S.RESUBMITTED}),
    S.RESUBMITTED: frozenset({S.IN_REVIEW, S.RETURNED}),
    S.ACCEPTED: frozenset({S.FORWARDED}),
    S.FORWARDED: frozenset({S.APPROVED, S.NOT_APPROVED}),
    S.APPROVED: frozenset({S.REVOKED}),
    S.NOT_APPROVED: frozenset(),
    S.REVOKED: frozenset(),
}
# Moves the province makes; every other move is the Board's.
PROVINCE_MOVES = frozenset({S.SUBMITTED, S.RESUBMITTED})
# The province may change content and files only in these states.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.RETURNED})
# The Board holds the dossier (review notes, overdue against the review time).
WITH_BOARD_STATUSES = frozenset({S.SUBMITTED, S.IN_REVIEW, S.RESUBMITTED})
DECIDED_STATUSES = frozenset({S.APPROVED, S.NOT_APPROVED, S.REVOKED})
# Bootstrap colours for the status badge.
STATUS_COLOURS = {
    S.DRAFT: "secondary",
    S.SUBMITTED: "primary",
    S.IN_REVIEW: "info",
    S.RETURNED: "warning",
    S.RESUBMITTED: "primary",
    S.ACCEPTED: "success",
    S.FORWARDED: "success",
    S.APPROVED: "success",
    S.NOT_APPROVED: "dark",
    S.REVOKED: "danger",
}


class Source(models.TextChoices):
    # One per honoured member, created when the cluster's ballot closes.
    BALLOT = "ballot", _("Theo kết quả bình xét của Cụm")
    # Proposed by the province's officer (người trực tiếp lao động, tập thể nhỏ…).
    MANUAL = "manual", _("Tỉnh đề nghị")


def overdue_condition(day) -> Q:
    """The SQL condition of ``NominationQuerySet.overdue_on`` (also used as an annotation)."""
    return Q(status=S.DRAFT, deadline__lt=day) | Q(
        status__in=WITH_BOARD_STATUSES, review_due__lt=day
    )


class NominationQuerySet(models.QuerySet):
    def with_related(self):
        """Joins what every list shows: year, cluster, honour, province, reviewer."""
        return self.select_related(
            "cluster_year__cluster", "honour", "province", "assigned_reviewer", "rule_set"
        )

    def proposed(self):
        """Nominations put forward: every one from a vote, manual ones once sent."""
        return self.filter(Q(source=Source.BALLOT) | ~Q(status=S.DRAFT))

    def with_board(self):
        """Waiting for the Central Board (sent, in review, sent again)."""
        return self.filter(status__in=WITH_BOARD_STATUSES)

    def overdue_on(self, day):
        """Late on ``day``: never sent by the deadline, or not reviewed within the review time.

        A returned dossier is not late against the deadline: it was sent in time
        (a late first sending is a rule-check warning instead).
        """
        return self.filter(overdue_condition(day))


class Nomination(models.Model):
    """A proposal to honour a collective or an individual for one cluster-year."""

    cluster_year = models.ForeignKey(
        "clusters.ClusterYear",
        verbose_name=_("năm thi đua"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    honour = models.ForeignKey(
        Honour,
        verbose_name=_("hình thức khen thưởng"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    rule_set = models.ForeignKey(
        HonourRuleSet,
        verbose_name=_("quy định áp dụng"),
        on_delete=models.PROTECT,
        related_name="nominations",
        help_text=_("Quy định có hiệu lực ngày 31/12 của năm thi đua."),
    )
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("tỉnh đề nghị"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    subject_kind = models.CharField(_("đối tượng"), max_length=16, choices=SubjectKind.choices)
    subject_name = models.CharField(_("tên tập thể, cá nhân"), max_length=300)
    # Normalised name (lower case, single spaces) to find the same subject again.
    subject_key = models.CharField(max_length=300, editable=False, db_index=True)
    position_or_unit = models.CharField(_("chức vụ, đơn vị công tác"), max_length=300, blank=True)
    achievements = models.TextField(_("tóm tắt thành tích"), blank=True)
    source = models.CharField(_("nguồn đề nghị"), max_length=8, choices=Source.choices)
    ballot_candidate = models.OneToOneField(
        "clusters.BallotCandidate",
        verbose_name=_("kết quả bỏ phiếu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nomination",
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=NominationStatus.choices, default=S.DRAFT
    )
    assigned_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chuyên viên thẩm định"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_nominations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    first_submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    deadline = models.DateField(_("hạn nộp hồ sơ"), null=True, blank=True)
    review_due = models.DateField(_("hạn thẩm định"), null=True, blank=True)
    return_reason = models.TextField(_("nội dung cần bổ sung, sửa đổi"), blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=100, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    not_approved_reason = models.TextField(_("lý do không khen thưởng"), blank=True)
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)
    revocation_legal_basis = models.CharField(_("căn cứ thu hồi"), max_length=400, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = _("đề nghị khen thưởng")
        ordering = ["-cluster_year__year", "honour__position", "province__name", "pk"]
        constraints = [
            # A vote honours a member once per honour and year, however many rounds it took;
            # this is what makes creating nominations from a ballot idempotent.
            models.UniqueConstraint(
                fields=["cluster_year", "honour", "province"],
                condition=Q(source="ballot"),
                name="nomination_one_per_ballot_honour",
            ),
            models.CheckConstraint(
                condition=Q(source="manual") | Q(ballot_candidate__isnull=False),
                name="nomination_ballot_has_candidate",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | (~Q(decision_number="") & Q(decision_date__isnull=False)),
                name="nomination_approved_has_decision",
            ),
        ]
        indexes = [
            # The review queue filters by status and sorts by deadline.
            models.Index(fields=["status", "deadline"], name="nomination_status_deadline"),
            models.Index(fields=["cluster_year", "honour"], name="nomination_year_honour"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} – {self.honour} ({self.cluster_year.year})"

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, frozenset())

    @property
    def is_editable(self) -> bool:
        """The province may change content and files (draft or returned)."""
        return self.status in EDITABLE_STATUSES

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")


class NominationEvent(models.Model):
    """A move of a nomination: who, when, from, to, and the comment given."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("đề nghị"), on_delete=models.CASCADE, related_name="events"
    )
    # Empty for the creation event.
    from_status = models.CharField(
        _("từ"), max_length=16, choices=NominationStatus.choices, blank=True
    )
    to_status = models.CharField(_("sang"), max_length=16, choices=NominationStatus.choices)
    # Empty when the system acted (nominations created from a closed ballot).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    comment = models.TextField(_("ghi chú"), blank=True)
    details = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("diễn biến đề nghị")
        verbose_name_plural = _("diễn biến đề nghị")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.nomination_id}: {self.from_status or '∅'} → {self.to_status}"


def dossier_path(instance: "DossierDocument", filename: str) -> str:
    # Random names: the original name is kept in the row, never in the path.
    nomination = instance.nomination
    return f"dossiers/{nomination.cluster_year_id}/{nomination.pk}/{uuid.uuid4().hex}"


class DossierDocumentQuerySet(models.QuerySet):
    def current(self):
        """Files not replaced or removed."""
        return self.filter(superseded_at__isnull=True)


class DossierDocument(models.Model):
    """A file of a dossier for one checklist line, stored privately with its SHA-256.

    Replacing or removing a file never deletes it: the row is marked
    superseded and stays in history.
    """

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("đề nghị"), on_delete=models.PROTECT, related_name="documents"
    )
    requirement_code = models.SlugField(_("mã tài liệu"), max_length=40)
    file = models.FileField(_("tệp"), upload_to=dossier_path, max_length=300)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    generated = models.BooleanField(_("do Cổng tạo"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
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

    objects = DossierDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("tài liệu hồ sơ")
        verbose_name_plural = _("tài liệu hồ sơ")
        ordering = ["nomination", "requirement_code", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(superseded_by__isnull=True) | Q(superseded_at__isnull=False),
                name="dossier_superseded_consistent",
            ),
            models.CheckConstraint(
                condition=Q(generated=True) | Q(uploaded_by__isnull=False),
                name="dossier_upload_has_uploader",
            ),
        ]
        indexes = [
            models.Index(fields=["nomination", "requirement_code"], name="dossier_nomination_code"),
        ]

    def __str__(self) -> str:
        return self.original_name


class Verdict(models.TextChoices):
    # The document is there and correct.
    VERIFIED = "verified", _("Đạt")
    # The document is missing from the dossier.
    MISSING = "missing", _("Còn thiếu")
    # The document must be corrected or replaced.
    NEEDS_CHANGE = "needs_change", _("Cần sửa, bổ sung")
    # A remark without a verdict.
    COMMENT = "comment", _("Nhận xét")


class ReviewNote(models.Model):
    """A reviewer's remark on a dossier line or file, or on the nomination as a whole.

    Reviewers never edit what the province sent; these notes sit beside it.
    """

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("đề nghị"), on_delete=models.CASCADE, related_name="notes"
    )
    # Empty for a remark on the nomination as a whole.
    requirement_code = models.SlugField(_("mã tài liệu"), max_length=40, blank=True)
    document = models.ForeignKey(
        DossierDocument,
        verbose_name=_("tệp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notes",
    )
    verdict = models.CharField(_("đánh giá"), max_length=16, choices=Verdict.choices)
    comment = models.TextField(_("nhận xét"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chuyên viên"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ý kiến thẩm định")
        verbose_name_plural = _("ý kiến thẩm định")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: {self.comment[:60]}"


class RuleOverride(models.Model):
    """A reviewer's recorded decision to let a rule-check warning pass, with the reason."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("đề nghị"), on_delete=models.CASCADE, related_name="overrides"
    )
    rule_code = models.CharField(_("mã quy tắc"), max_length=40)
    reason = models.TextField(_("lý do"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chuyên viên"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("bỏ qua cảnh báo")
        verbose_name_plural = _("bỏ qua cảnh báo")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.rule_code}: {self.reason[:60]}"


__all__ = [
    "DECIDED_STATUSES",
    "EDITABLE_STATUSES",
    "PROVINCE_MOVES",
    "STATUS_COLOURS",
    "TRANSITIONS",
    "WITH_BOARD_STATUSES",
    "DossierDocument",
    "Nomination",
    "NominationEvent",
    "NominationStatus",
    "ReviewNote",
    "RuleOverride",
    "Source",
    "SubjectKind",
    "Verdict",
]
