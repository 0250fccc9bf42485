"""Reads that span models or take a user; each owns its joins and prefetches."""

from .cluster import (
    Overview,
    ProvinceYearCard,
    cluster_detail,
    cluster_list,
    cluster_year_overview,
    cluster_year_page,
    national_cluster_years,
    officer_cluster_years,
)

__all__ = [
    "Overview",
    "ProvinceYearCard",
    "cluster_detail",
    "cluster_list",
    "cluster_year_overview",
    "cluster_year_page",
    "national_cluster_years",
    "officer_cluster_years",
]
