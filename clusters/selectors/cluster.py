"""Reads about clusters and their years that span models or take a user.

Each selector owns its joins and prefetches so pages make a fixed number of
queries whatever the number of clusters, years or members.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Prefetch

from accounts import roles
from provinces.collation import sort_by_name
from provinces.selectors import statistics_totals

from .. import access
from ..models import Cluster, ClusterYear, Leadership, Membership
from ..models.cluster import LeadershipRole


def _leadership_prefetch():
    return Prefetch(
        "leaderships",
        queryset=Leadership.objects.select_related("province").in_rank_order(),
    )


def _membership_prefetch():
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("province").order_by("province__name"),
    )


def cluster_list(*, user):
    """Clusters the user may see, with their number of years and latest year."""
    return (
        access.clusters_visible_to(user)
        .annotate(year_count=Count("years", distinct=True), latest_year=Max("years__year"))
        .order_by("name")
    )


def cluster_detail(*, cluster: Cluster):
    """A cluster's years, newest first, each with members and leadership prefetched."""
    return (
        cluster.years.all()
        .annotate(member_count=Count("memberships", distinct=True))
        .prefetch_related(_leadership_prefetch(), _membership_prefetch())
        .order_by("-year")
    )


@dataclass(frozen=True)
class Overview:
    """The cluster's reported overview beside the sum of its members' published figures."""

    reported_area_km2: Decimal | None
    reported_population: int | None
    reported_population_is_minimum: bool
    reported_district_units: int | None
    reported_commune_units: int | None
    source: str
    members_total: int
    members: dict  # sums and counts from provinces.selectors.statistics_totals

    def differs(self, field: str) -> bool:
        reported = getattr(self, f"reported_{field}")
        summed = self.members.get(field)
        return reported is not None and summed is not None and reported != summed


def cluster_year_overview(*, cluster_year: ClusterYear, members) -> Overview:
    """Reported overview and the members' sums for the same year, computed in SQL."""
    province_ids = [m.province_id for m in members]
    return Overview(
        reported_area_km2=cluster_year.reported_area_km2,
        reported_population=cluster_year.reported_population,
        reported_population_is_minimum=cluster_year.reported_population_is_minimum,
        reported_district_units=cluster_year.reported_district_units,
        reported_commune_units=cluster_year.reported_commune_units,
        source=cluster_year.overview_source,
        members_total=len(province_ids),
        members=statistics_totals(province_ids=province_ids, year=cluster_year.year),
    )


def cluster_year_page(*, cluster_year: ClusterYear):
    """Members and leadership of one year, for its page."""
    members = sort_by_name(
        Membership.objects.filter(cluster_year=cluster_year).select_related("province"),
        lambda m: m.province.name,
    )
    leaderships = list(
        Leadership.objects.filter(cluster_year=cluster_year)
        .select_related("province")
        .in_rank_order()
    )
    return members, leaderships


@dataclass(frozen=True)
class ProvinceYearCard:
    """An officer's province in one cluster-year: the cluster and who leads it."""

    cluster_year: ClusterYear
    leaders: list
    deputies: list
    is_coordinator: bool


def officer_cluster_years(*, user) -> list[ProvinceYearCard]:
    """The cluster-years the officer's province belongs to, newest first, with leadership."""
    if not roles.is_officer(user):
        return []
    years = (
        ClusterYear.objects.filter(memberships__province_id=user.province_id)
        .select_related("cluster")
        .prefetch_related(_leadership_prefetch())
        .order_by("-year", "cluster__name")
    )
    coordinated = access.coordinated_cluster_year_ids(user)
    cards = []
    for cy in years:
        leaderships = list(cy.leaderships.all())
        cards.append(
            ProvinceYearCard(
                cluster_year=cy,
                leaders=[
                    ld
                    for ld in leaderships
                    if ld.role in (LeadershipRole.LEADER, LeadershipRole.CO_LEADER)
                ],
                deputies=[ld for ld in leaderships if ld.role == LeadershipRole.DEPUTY],
                is_coordinator=cy.pk in coordinated,
            )
        )
    return cards


def national_cluster_years(*, user):
    """Every visible cluster-year with its member count and leadership (central roles)."""
    return (
        access.cluster_years_visible_to(user)
        .select_related("cluster")
        .annotate(member_count=Count("memberships", distinct=True))
        .prefetch_related(_leadership_prefetch())
        .order_by("cluster__name", "-year")
    )
