"""Reads about provinces that span models: a unit's page and members' sums.

Each selector owns its joins and prefetches, so a page makes the same number of
queries whatever the number of statistics rows or lineage links.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Prefetch, Sum

from .models import Lineage, Province, ProvinceStatistic

# The figures a statistics row may carry, as named on ProvinceStatistic.
STATISTIC_FIELDS = ("area_km2", "population", "district_units", "commune_units")


def province_detail(*, province_id: int) -> Province:
    """One unit with its statistics (newest year first) and its lineage both ways.

    ``province.statistics.all()``, ``province.predecessor_links.all()`` (each with
    ``.predecessor``) and ``province.successor_links.all()`` (each with
    ``.successor``) are prefetched. Raises ``Province.DoesNotExist``; callers get
    the id from ``access.province_for_user``, which already answered 404.
    """
    return Province.objects.prefetch_related(
        Prefetch("statistics", queryset=ProvinceStatistic.objects.order_by("-year")),
        Prefetch(
            "predecessor_links",
            queryset=Lineage.objects.select_related("predecessor").order_by(
                "effective_date", "predecessor__code", "predecessor__valid_from"
            ),
        ),
        Prefetch(
            "successor_links",
            queryset=Lineage.objects.select_related("successor").order_by(
                "effective_date", "successor__code", "successor__valid_from"
            ),
        ),
    ).get(pk=province_id)


def statistics_totals(*, province_ids: Iterable[int], year: int) -> dict:
    """Sums of the units' published figures for ``year``, computed in one SQL query.

    Returns a dict with, for each of ``area_km2``, ``population``,
    ``district_units`` and ``commune_units``, the sum (``None`` when no unit has
    the figure) and ``<field>_count``, how many units had it; plus ``provinces``
    (units asked about) and ``provinces_with_statistics`` (units with a row for
    the year). A sum over 7 of 10 members must be read with its count: nothing
    is estimated for the missing ones.
    """
    ids = sorted(set(province_ids))
    aggregates = {"provinces_with_statistics": Count("province", distinct=True)}
    for field in STATISTIC_FIELDS:
        # Aliases must not shadow the field names, hence the prefixes.
        aggregates[f"sum_{field}"] = Sum(field)
        aggregates[f"count_{field}"] = Count(field)  # COUNT(col) skips NULLs
    row = ProvinceStatistic.objects.filter(province_id__in=ids, year=year).aggregate(**aggregates)
    totals = {"provinces": len(ids), "provinces_with_statistics": row["provinces_with_statistics"]}
    for field in STATISTIC_FIELDS:
        totals[field] = row[f"sum_{field}"]
        totals[f"{field}_count"] = row[f"count_{field}"]
    return totals
