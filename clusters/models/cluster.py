"""Clusters, their years, members and leadership.

Every year owns its members and leadership: copying a year copies rows, it
never links them, so later edits cannot rewrite an archived year.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Cluster(models.Model):
    """A Cụm thi đua organised by the Central Council (Hội đồng TĐKT Trung ương)."""

    code = models.SlugField(_("mã cụm"), max_length=40, unique=True)
    name = models.CharField(_("tên cụm"), max_length=200, unique=True)
    short_name = models.CharField(_("tên ngắn"), max_length=80, blank=True)
    description = models.TextField(_("giới thiệu"), blank=True)
    established_year = models.PositiveSmallIntegerField(_("năm thành lập"), null=True, blank=True)
    dissolved_year = models.PositiveSmallIntegerField(
        _("năm giải thể hoặc tổ chức lại"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("cụm thi đua")
        verbose_name_plural = _("cụm thi đua")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Phase(models.TextChoices):
    """The year's state machine; only services move it (see ARCHITECTURE.md)."""

    # The coordinator prepares the calendar, members and criteria table.
    SETUP = "setup", _("Chuẩn bị")
    # Members enter their targets and sign the pledge (ký kết giao ước).
    PLEDGE = "pledge", _("Ký kết giao ước")
    # The competition year runs.
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    # Members enter results, evidence and self-scores.
    RESULTS = "results", _("Nhập kết quả, tự chấm điểm")
    # The leader and deputies or assigned peers verify and re-score.
    VERIFICATION = "verification", _("Thẩm định, chấm chéo")
    # The year-end conference: ranking, secret-ballot vote, proposals.
    REVIEW = "review", _("Bình xét, suy tôn")
    # Nothing of the year changes except by an audited correction.
    CLOSED = "closed", _("Đã kết thúc")


class ClusterYearQuerySet(models.QuerySet):
    def with_cluster(self):
        """Joins the cluster, which every list shows."""
        return self.select_related("cluster")

    def open(self):
        """Years not yet closed."""
        return self.exclude(phase=Phase.CLOSED)


class ClusterYear(models.Model):
    """One competition year of a cluster (năm thi đua của cụm).

    The ``reported_*`` fields keep the overview as the cluster itself reported
    it (e.g. in its year-end review); they are shown beside the sum of the
    members' published statistics and never adjusted to agree with them.
    """

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cụm thi đua"), on_delete=models.PROTECT, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("năm thi đua"))
    phase = models.CharField(
        _("giai đoạn"), max_length=16, choices=Phase.choices, default=Phase.SETUP
    )
    reported_area_km2 = models.DecimalField(
        _("diện tích tự nhiên theo báo cáo của cụm (km²)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    reported_population = models.PositiveBigIntegerField(
        _("dân số theo báo cáo của cụm"), null=True, blank=True
    )
    reported_population_is_minimum = models.BooleanField(
        _("dân số ghi là “trên”"),
        default=False,
        help_text=_("Chọn khi báo cáo ghi “dân số trên …” thay cho một con số chính xác."),
    )
    reported_district_units = models.PositiveSmallIntegerField(
        _("số đơn vị hành chính cấp huyện theo báo cáo"), null=True, blank=True
    )
    reported_commune_units = models.PositiveSmallIntegerField(
        _("số đơn vị hành chính cấp xã theo báo cáo"), null=True, blank=True
    )
    overview_source = models.CharField(_("nguồn số liệu tổng quan"), max_length=300, blank=True)

    objects = ClusterYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("năm thi đua của cụm")
        verbose_name_plural = _("năm thi đua của cụm")
        ordering = ["cluster__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year"], name="cluster_year_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2100), name="cluster_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} – {self.year}"


class Membership(models.Model):
    """A province's membership of a cluster in one year (thành viên cụm)."""

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )

    class Meta:
        verbose_name = _("thành viên cụm")
        verbose_name_plural = _("thành viên cụm")
        ordering = ["province__name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "province"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.province.name} – {self.cluster_year}"


class LeadershipRole(models.TextChoices):
    # Runs the cluster that year; its officers are the coordinators.
    LEADER = "leader", _("Cụm trưởng")
    # Shares the leader's rights where the Council names two leading provinces.
    CO_LEADER = "co_leader", _("Đồng Cụm trưởng")
    # Assists; often next year's leader. Up to two per year.
    DEPUTY = "deputy", _("Cụm phó")


COORDINATING_ROLES = (LeadershipRole.LEADER, LeadershipRole.CO_LEADER)


class LeadershipQuerySet(models.QuerySet):
    def in_rank_order(self):
        """Leader first, then co-leader, then deputies; by province name within a role."""
        rank = models.Case(
            models.When(role=LeadershipRole.LEADER, then=0),
            models.When(role=LeadershipRole.CO_LEADER, then=1),
            default=2,
        )
        return self.order_by(rank, "province__name")


class Leadership(models.Model):
    """Leader or deputy of a cluster for one year (Cụm trưởng / Cụm phó)."""

    cluster_year = models.ForeignKey(
        ClusterYear,
        verbose_name=_("năm thi đua"),
        on_delete=models.CASCADE,
        related_name="leaderships",
    )
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.PROTECT,
        related_name="leaderships",
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=LeadershipRole.choices)
    decided_by = models.CharField(
        _("căn cứ"),
        max_length=300,
        blank=True,
        help_text=_("Biên bản hội nghị cụm hoặc quyết định của Hội đồng TĐKT Trung ương."),
    )

    objects = LeadershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("cụm trưởng, cụm phó")
        verbose_name_plural = _("cụm trưởng, cụm phó")
        ordering = ["cluster_year", "role", "province__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster_year", "province"], name="leadership_one_role_per_province"
            ),
            # One leader per year; a co-leader is recorded with its own role.
            models.UniqueConstraint(
                fields=["cluster_year"],
                condition=Q(role="leader"),
                name="leadership_one_leader",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.province.name} ({self.cluster_year.year})"
