"""Writes on clusters, their years, members and leadership."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from provinces.models import Province

from ..models import Cluster, ClusterYear, Leadership, Membership
from ..models.cluster import LeadershipRole

MAX_DEPUTIES = 2


@transaction.atomic
def cluster_create(*, code: str, name: str, short_name: str = "", description: str = "") -> Cluster:
    """Registers a cluster organised by the Central Council."""
    cluster = Cluster(code=code, name=name, short_name=short_name, description=description)
    cluster.full_clean()
    cluster.save()
    return cluster


@transaction.atomic
def cluster_year_create(
    *,
    cluster: Cluster,
    year: int,
    reported_area_km2: Decimal | None = None,
    reported_population: int | None = None,
    reported_population_is_minimum: bool = False,
    reported_district_units: int | None = None,
    reported_commune_units: int | None = None,
    overview_source: str = "",
) -> ClusterYear:
    """Opens a competition year of a cluster, in the setup phase."""
    cluster_year = ClusterYear(
        cluster=cluster,
        year=year,
        reported_area_km2=reported_area_km2,
        reported_population=reported_population,
        reported_population_is_minimum=reported_population_is_minimum,
        reported_district_units=reported_district_units,
        reported_commune_units=reported_commune_units,
        overview_source=overview_source,
    )
    cluster_year.full_clean()
    cluster_year.save()
    return cluster_year


def _check_in_force(province: Province, year: int) -> None:
    if not Province.objects.in_force_in_year(year).filter(pk=province.pk).exists():
        raise ValidationError(
            _("%(province)s không tồn tại trong năm %(year)s nên không thể là thành viên cụm.")
            % {"province": province.full_name, "year": year}
        )


@transaction.atomic
def membership_add(*, cluster_year: ClusterYear, province: Province) -> Membership:
    """Adds a province in force that year to the cluster-year; one cluster per province a year."""
    _check_in_force(province, cluster_year.year)
    other = (
        Membership.objects.filter(province=province, cluster_year__year=cluster_year.year)
        .exclude(cluster_year=cluster_year)
        .select_related("cluster_year__cluster")
        .first()
    )
    if other is not None:
        raise ValidationError(
            _("%(province)s đã là thành viên của %(cluster)s trong năm %(year)s.")
            % {
                "province": province.full_name,
                "cluster": other.cluster_year.cluster.name,
                "year": cluster_year.year,
            }
        )
    membership, _created = Membership.objects.get_or_create(
        cluster_year=cluster_year, province=province
    )
    return membership


@transaction.atomic
def leadership_set(
    *, cluster_year: ClusterYear, province: Province, role: str, decided_by: str = ""
) -> Leadership:
    """Names a member as leader, co-leader or deputy for the year (at most two deputies)."""
    if not cluster_year.memberships.filter(province=province).exists():
        raise ValidationError(
            _("%(province)s không phải là thành viên của cụm trong năm %(year)s.")
            % {"province": province.full_name, "year": cluster_year.year}
        )
    if role == LeadershipRole.LEADER:
        current = cluster_year.leaderships.filter(role=LeadershipRole.LEADER).exclude(
            province=province
        )
        if current.exists():
            raise ValidationError(_("Năm này đã có Cụm trưởng."))
    if role == LeadershipRole.DEPUTY:
        deputies = cluster_year.leaderships.filter(role=LeadershipRole.DEPUTY).exclude(
            province=province
        )
        if deputies.count() >= MAX_DEPUTIES:
            raise ValidationError(_("Mỗi năm có tối đa hai Cụm phó."))
    leadership, created = Leadership.objects.get_or_create(
        cluster_year=cluster_year,
        province=province,
        defaults={"role": role, "decided_by": decided_by},
    )
    if not created and (leadership.role, leadership.decided_by) != (role, decided_by):
        leadership.role = role
        leadership.decided_by = decided_by
        leadership.full_clean()
        leadership.save(update_fields=["role", "decided_by"])
    return leadership
