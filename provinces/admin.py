"""Django admin for the provinces reference data.

The shipped data comes from ``manage.py load_reference_data``; admins correct
or complete it here (e.g. add a year's published statistics with its source).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Lineage, Province, ProvinceStatistic


class PredecessorLinkInline(admin.TabularInline):
    """Units this one was formed from ("Hình thành từ")."""

    model = Lineage
    fk_name = "successor"
    extra = 0
    autocomplete_fields = ["predecessor"]
    fields = ["predecessor", "effective_date", "whole", "legal_basis"]
    verbose_name = _("đơn vị hình thành từ")
    verbose_name_plural = _("Hình thành từ")


class SuccessorLinkInline(admin.TabularInline):
    """Units this one went into ("Sáp nhập vào")."""

    model = Lineage
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    fields = ["successor", "effective_date", "whole", "legal_basis"]
    verbose_name = _("đơn vị sáp nhập vào")
    verbose_name_plural = _("Sáp nhập vào")


class ProvinceStatisticInline(admin.TabularInline):
    model = ProvinceStatistic
    extra = 0
    fields = ["year", "area_km2", "population", "district_units", "commune_units", "source"]
    ordering = ["-year"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "valid_from", "valid_until"]
    list_display_links = ["code", "name"]
    list_filter = ["kind", ("valid_until", admin.EmptyFieldListFilter)]
    search_fields = ["name", "code"]
    ordering = ["code", "valid_from"]
    date_hierarchy = "valid_from"
    inlines = [PredecessorLinkInline, SuccessorLinkInline, ProvinceStatisticInline]


@admin.register(Lineage)
class LineageAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "effective_date", "whole"]
    list_filter = ["effective_date", "whole"]
    list_select_related = ["predecessor", "successor"]
    search_fields = ["predecessor__name", "predecessor__code", "successor__name", "successor__code"]
    autocomplete_fields = ["predecessor", "successor"]


@admin.register(ProvinceStatistic)
class ProvinceStatisticAdmin(admin.ModelAdmin):
    list_display = [
        "province",
        "year",
        "area_km2",
        "population",
        "district_units",
        "commune_units",
    ]
    list_filter = ["year"]
    list_select_related = ["province"]
    search_fields = ["province__name", "province__code", "source"]
    autocomplete_fields = ["province"]
