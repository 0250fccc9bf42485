"""The secret-ballot vote (bình xét, suy tôn) and next year's leadership.

Secrecy by construction: ``BallotParticipation`` records *who* took part;
``BallotChoice`` records *what* was chosen, with a random UUID key, no voter
reference and no timestamp. Both are written in one transaction; at close the
choices are rewritten in random order (see docs/BALLOT_SECRECY.md) so that
neither keys, physical order nor transaction ids tie a choice to a voter.
Counts exist only after close, on ``BallotCandidate.votes``.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .cluster import ClusterYear


class Honour(models.TextChoices):
    """Honours a cluster vote proposes (codes shared with the awards catalogue)."""

    GOVERNMENT_FLAG = "GOVERNMENT_FLAG", _("Cờ thi đua của Chính phủ")
    PM_CERTIFICATE = "PM_CERTIFICATE", _("Bằng khen của Thủ tướng Chính phủ")
    OTHER = "OTHER", _("Hình thức khác")


class BallotRule(models.Model):
    """Dated defaults for ballots: seats per honour, quorum and pass threshold.

    Seats for a cluster of n members: max(minimum, floor(ratio × n)). The rule
    in force on a ballot's opening day applies; laws change, so these are data.
    """

    effective_from = models.DateField(_("áp dụng từ ngày"), unique=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    flag_ratio = models.DecimalField(
        _("tỷ lệ Cờ thi đua của Chính phủ"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.2"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    flag_minimum = models.PositiveSmallIntegerField(_("số Cờ tối thiểu"), default=1)
    certificate_ratio = models.DecimalField(
        _("tỷ lệ Bằng khen của Thủ tướng"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.2"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    certificate_minimum = models.PositiveSmallIntegerField(_("số Bằng khen tối thiểu"), default=1)
    quorum = models.DecimalField(
        _("tỷ lệ có mặt tối thiểu"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.667"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    pass_ratio = models.DecimalField(
        _("tỷ lệ phiếu cần vượt"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )

    class Meta:
        verbose_name = _("quy định bỏ phiếu")
        verbose_name_plural = _("quy định bỏ phiếu theo thời kỳ")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.effective_from:%d/%m/%Y}"


class BallotStatus(models.TextChoices):
    # Being set up by the coordinator: questions, seats, candidates.
    DRAFT = "draft", _("Đang chuẩn bị")
    # Members cast ballots; nobody sees counts.
    OPEN = "open", _("Đang bỏ phiếu")
    # Closed with quorum: the tally is published.
    CLOSED = "closed", _("Đã kết thúc")
    # Closed without quorum: no honours (không đủ số lượng).
    NO_QUORUM = "no_quorum", _("Không đủ số lượng")


BALLOT_TRANSITIONS = {
    BallotStatus.DRAFT: {BallotStatus.OPEN},
    BallotStatus.OPEN: {BallotStatus.CLOSED, BallotStatus.NO_QUORUM},
}


class CandidateMode(models.TextChoices):
    ALL = "all", _("Tất cả các tỉnh thành viên")
    TOP = "top", _("Các tỉnh xếp hạng cao nhất")


class Ballot(models.Model):
    """A secret ballot of a year's review conference; a run-off has a parent."""

    cluster_year = models.ForeignKey(
        ClusterYear, verbose_name=_("năm thi đua"), on_delete=models.PROTECT, related_name="ballots"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("vòng trước"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runoffs",
    )
    round = models.PositiveSmallIntegerField(_("vòng"), default=1)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=BallotStatus.choices, default=BallotStatus.DRAFT
    )
    candidate_mode = models.CharField(
        _("ứng viên"), max_length=8, choices=CandidateMode.choices, default=CandidateMode.ALL
    )
    top_n = models.PositiveSmallIntegerField(_("số tỉnh xếp hạng cao nhất"), null=True, blank=True)
    quorum = models.DecimalField(_("tỷ lệ có mặt tối thiểu"), max_digits=4, decimal_places=3)
    pass_ratio = models.DecimalField(_("tỷ lệ phiếu cần vượt"), max_digits=4, decimal_places=3)
    electorate = models.PositiveSmallIntegerField(_("số tỉnh được bỏ phiếu"), default=0)
    meeting_place = models.CharField(_("địa điểm họp"), max_length=200, blank=True)
    meeting_date = models.DateField(_("ngày họp"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người mở"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("mở lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đóng"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    ballots_cast = models.PositiveSmallIntegerField(
        _("số phiếu bầu"), null=True, blank=True, help_text=_("Ghi khi đóng phiếu.")
    )

    class Meta:
        verbose_name = _("cuộc bỏ phiếu")
        verbose_name_plural = _("các cuộc bỏ phiếu bình xét")
        ordering = ["cluster_year", "round", "pk"]

    def __str__(self) -> str:
        return f"{self.cluster_year} – {self._meta.verbose_name} ({self.round})"

    @property
    def is_final(self) -> bool:
        return self.status in (BallotStatus.CLOSED, BallotStatus.NO_QUORUM)


class BallotQuestion(models.Model):
    """One honour voted on in a ballot, with its seats (e.g. Cờ thi đua của Chính phủ: 2)."""

    ballot = models.ForeignKey(
        Ballot, verbose_name=_("cuộc bỏ phiếu"), on_delete=models.CASCADE, related_name="questions"
    )
    honour = models.CharField(_("hình thức khen thưởng"), max_length=20, choices=Honour.choices)
    title = models.CharField(_("nội dung"), max_length=300)
    seats = models.PositiveSmallIntegerField(
        _("số lượng được chọn"), validators=[MinValueValidator(1)]
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("câu hỏi bỏ phiếu")
        verbose_name_plural = _("câu hỏi bỏ phiếu")
        ordering = ["ballot", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class BallotCandidate(models.Model):
    """A member standing in a question; ``votes`` and ``elected`` are written only at close."""

    question = models.ForeignKey(
        BallotQuestion,
        verbose_name=_("câu hỏi"),
        on_delete=models.CASCADE,
        related_name="candidates",
    )
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rank = models.PositiveSmallIntegerField(_("thứ hạng"), null=True, blank=True)
    verified_total = models.DecimalField(
        _("tổng điểm thẩm định"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    votes = models.PositiveSmallIntegerField(_("số phiếu"), null=True, blank=True)
    elected = models.BooleanField(_("được suy tôn"), default=False)

    class Meta:
        verbose_name = _("ứng viên")
        verbose_name_plural = _("ứng viên")
        ordering = ["question", "rank", "province__name"]
        constraints = [
            models.UniqueConstraint(fields=["question", "province"], name="candidate_unique"),
            models.CheckConstraint(
                condition=Q(elected=False) | Q(votes__isnull=False),
                name="candidate_elected_counted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province.name} – {self.question}"


class BallotParticipation(models.Model):
    """Who took part: one row per member province and ballot, never linked to a choice.

    The random key and the absence of a timestamp keep it from being matched to
    the choices written in the same transaction.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(
        Ballot,
        verbose_name=_("cuộc bỏ phiếu"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người bỏ phiếu"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tỉnh đã bỏ phiếu")
        verbose_name_plural = _("các tỉnh đã bỏ phiếu")
        constraints = [
            # A province votes once, even with two simultaneous requests.
            models.UniqueConstraint(fields=["ballot", "province"], name="one_ballot_per_province"),
        ]

    def __str__(self) -> str:
        return f"{self.province.name} – {self.ballot}"


class BallotChoice(models.Model):
    """What was chosen: a candidate ticked on one ballot paper. No voter, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(
        BallotQuestion, verbose_name=_("câu hỏi"), on_delete=models.PROTECT, related_name="+"
    )
    candidate = models.ForeignKey(
        BallotCandidate, verbose_name=_("ứng viên"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("lựa chọn trên phiếu")
        verbose_name_plural = _("lựa chọn trên phiếu")

    def __str__(self) -> str:
        return str(self.id)


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đã đề xuất")
    DECIDED = "decided", _("Hội đồng TĐKT Trung ương đã quyết định")
    REJECTED = "rejected", _("Không được chấp thuận")


class LeadershipProposal(models.Model):
    """The conference's proposal of next year's leader and deputies, and the Council's decision."""

    cluster_year = models.OneToOneField(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.PROTECT,
        related_name="leadership_proposal",
    )
    leader = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("Cụm trưởng đề xuất"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deputy = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("Cụm phó đề xuất"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    second_deputy = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("Cụm phó thứ hai"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rotation_note = models.TextField(_("gợi ý luân phiên"), blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề xuất"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("đề xuất lúc"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi quyết định"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("ghi quyết định lúc"), null=True, blank=True)
    decision_reference = models.CharField(
        _("quyết định của Hội đồng"),
        max_length=300,
        blank=True,
        help_text=_("Số, ngày văn bản của Hội đồng Thi đua - Khen thưởng Trung ương."),
    )

    class Meta:
        verbose_name = _("đề xuất Cụm trưởng, Cụm phó năm sau")
        verbose_name_plural = _("đề xuất Cụm trưởng, Cụm phó năm sau")

    def __str__(self) -> str:
        return f"{self.cluster_year}: {self.leader.name}"
