"""Provinces as dated units, the 2025 merger lineage, and yearly statistics.

A province of 2022 and the province of the same name in 2026 are different
units (Resolution 202/2025/QH15): each row is one unit with the dates it
existed, so history shows every year as it was.
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProvinceKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    MUNICIPALITY = "municipality", _("Thành phố trực thuộc Trung ương")


# Resolution 202/2025/QH15: the 34 units replaced the 63 on this day.
REORGANISATION_2025 = dt.date(2025, 7, 1)
LAST_DAY_BEFORE_REORGANISATION_2025 = REORGANISATION_2025 - dt.timedelta(days=1)


class ProvinceQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date):
        """Units that existed on ``day``."""
        return self.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )

    def in_force_in_year(self, year: int):
        """Units that existed on at least one day of ``year``."""
        return self.filter(valid_from__lte=dt.date(year, 12, 31)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=dt.date(year, 1, 1))
        )

    def before_reorganisation_2025(self):
        """The 63 units in force on 30/06/2025, the last day before Resolution 202/2025/QH15."""
        return self.in_force_on(LAST_DAY_BEFORE_REORGANISATION_2025)

    def after_reorganisation_2025(self):
        """The 34 units in force on 01/07/2025, the first day after Resolution 202/2025/QH15."""
        return self.in_force_on(REORGANISATION_2025)

    def of_kind(self, kind: str):
        """Units of one kind: province (tỉnh) or municipality (thành phố trực thuộc TW)."""
        return self.filter(kind=kind)

    def search(self, term: str):
        """Units whose name contains ``term`` or whose code is ``term``.

        SQLite compares non-ASCII letters case-sensitively, so the usual spellings
        ("đắk lắk", "Đắk Lắk") are tried explicitly; PostgreSQL needs none of that.
        """
        term = " ".join(term.split())
        if not term:
            return self
        condition = Q(code=term.zfill(2)) if term.isdigit() else Q()
        for variant in {term, term.lower(), term.title()}:
            condition |= Q(name__icontains=variant)
        return self.filter(condition)

    def for_list(self):
        """Ordered as the reference list shows them: by code, older unit first."""
        return self.order_by("code", "valid_from")


class Province(models.Model):
    """A province-level unit (tỉnh or thành phố trực thuộc Trung ương) between two dates.

    ``code`` is the official code of the administrative-unit list; a code can be
    reused by a later unit (the 2025 Gia Lai took Bình Định's seat), so a unit is
    identified by its code together with the day it came into force.
    """

    code = models.CharField(_("mã đơn vị hành chính"), max_length=3, db_index=True)
    name = models.CharField(_("tên"), max_length=100, help_text=_("Ví dụ: Đắk Lắk."))
    kind = models.CharField(_("loại đơn vị"), max_length=16, choices=ProvinceKind.choices)
    valid_from = models.DateField(_("hiệu lực từ ngày"))
    valid_until = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)
    legal_basis = models.CharField(
        _("căn cứ pháp lý"),
        max_length=300,
        blank=True,
        help_text=_("Văn bản thành lập hoặc sắp xếp đơn vị."),
    )

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = _("tỉnh, thành phố")
        ordering = ["-valid_from", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="province_code_from_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="province_valid_range",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày có hiệu lực."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.period_label})"

    @property
    def full_name(self) -> str:
        if self.kind == ProvinceKind.MUNICIPALITY:
            return _("Thành phố %(name)s") % {"name": self.name}
        return _("Tỉnh %(name)s") % {"name": self.name}

    @property
    def period_label(self) -> str:
        start = self.valid_from.strftime("%d/%m/%Y")
        if self.valid_until is None:
            return _("từ %(start)s") % {"start": start}
        end = self.valid_until.strftime("%d/%m/%Y")
        return f"{start} – {end}"

    def in_force_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Lineage(models.Model):
    """One edge of a reorganisation: ``predecessor`` went (wholly or in part) into ``successor``."""

    predecessor = models.ForeignKey(
        Province,
        verbose_name=_("đơn vị trước sắp xếp"),
        on_delete=models.PROTECT,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        Province,
        verbose_name=_("đơn vị sau sắp xếp"),
        on_delete=models.PROTECT,
        related_name="predecessor_links",
    )
    effective_date = models.DateField(_("ngày có hiệu lực"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    whole = models.BooleanField(
        _("nhập toàn bộ"),
        default=True,
        help_text=_("Bỏ chọn nếu chỉ một phần đơn vị cũ được nhập vào đơn vị mới."),
    )

    class Meta:
        verbose_name = _("quan hệ sắp xếp")
        verbose_name_plural = _("quan hệ sắp xếp đơn vị hành chính")
        ordering = ["effective_date", "successor__code", "predecessor__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="lineage_pair_unique"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="lineage_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor.name} → {self.successor.name}"


class ProvinceStatistic(models.Model):
    """Published yearly figures of a unit, each row naming its source.

    Figures are stored only where a published source gives them; nothing is
    estimated or back-filled to make sums agree.
    """

    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh, thành phố"),
        on_delete=models.CASCADE,
        related_name="statistics",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    area_km2 = models.DecimalField(
        _("diện tích tự nhiên (km²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    population = models.PositiveIntegerField(_("dân số (người)"), null=True, blank=True)
    district_units = models.PositiveSmallIntegerField(
        _("số đơn vị hành chính cấp huyện"), null=True, blank=True
    )
    commune_units = models.PositiveSmallIntegerField(
        _("số đơn vị hành chính cấp xã"), null=True, blank=True
    )
    source = models.CharField(_("nguồn số liệu"), max_length=300)

    class Meta:
        verbose_name = _("số liệu thống kê")
        verbose_name_plural = _("số liệu thống kê theo năm")
        ordering = ["province__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="statistic_province_year"),
        ]

    def __str__(self) -> str:
        return f"{self.province.name} {self.year}"
