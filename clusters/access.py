"""Who may see and run which cluster and year. Every view and API goes through here.

Built only on the role predicates of ``accounts.roles``. The coordinator right
is derived from the year's leadership: an officer of the province that leads
(or co-leads) the cluster that year coordinates it, for that year only.
"""

from django.http import Http404

from accounts import roles

from .models import Cluster, ClusterYear
from .models.cluster import COORDINATING_ROLES, Leadership


def clusters_visible_to(user):
    """Central roles see every cluster; an officer sees the clusters their province was in."""
    if roles.reads_everything(user):
        return Cluster.objects.all()
    if roles.is_officer(user):
        return Cluster.objects.filter(years__memberships__province_id=user.province_id).distinct()
    return Cluster.objects.none()


def cluster_years_visible_to(user):
    """Years of the clusters the user may see (an officer: all years of their clusters)."""
    if roles.reads_everything(user):
        return ClusterYear.objects.all()
    if roles.is_officer(user):
        return ClusterYear.objects.filter(
            cluster__in=Cluster.objects.filter(
                years__memberships__province_id=user.province_id
            ).values("pk")
        )
    return ClusterYear.objects.none()


def cluster_for_user(user, code: str) -> Cluster:
    try:
        return clusters_visible_to(user).get(code=code)
    except Cluster.DoesNotExist:
        raise Http404 from None


def cluster_year_for_user(user, code: str, year: int) -> ClusterYear:
    try:
        return (
            cluster_years_visible_to(user)
            .select_related("cluster")
            .get(cluster__code=code, year=year)
        )
    except ClusterYear.DoesNotExist:
        raise Http404 from None


def member_cluster_year_for_user(user, code: str, year: int) -> ClusterYear:
    """The year, for an officer of one of its member provinces (entry screens); 404 otherwise."""
    cluster_year = cluster_year_for_user(user, code, year)
    if not is_member(user, cluster_year):
        raise Http404
    return cluster_year


def can_read_all_results(user, cluster_year: ClusterYear) -> bool:
    """Every member's results at once (progress board, cluster export): coordinator, central roles."""
    return roles.reads_everything(user) or is_coordinator(user, cluster_year)


def is_member(user, cluster_year: ClusterYear) -> bool:
    """An officer of a province that is a member of this cluster-year."""
    if not roles.is_officer(user):
        return False
    return cluster_year.memberships.filter(province_id=user.province_id).exists()


def is_coordinator(user, cluster_year: ClusterYear) -> bool:
    """An officer of the province leading (or co-leading) this cluster in this year."""
    if not roles.is_officer(user):
        return False
    return Leadership.objects.filter(
        cluster_year=cluster_year, province_id=user.province_id, role__in=COORDINATING_ROLES
    ).exists()


def can_manage_cluster_year(user, cluster_year: ClusterYear) -> bool:
    """Coordinator of that year, or an admin: may move phases, assign scoring, run the vote."""
    return roles.is_admin(user) or is_coordinator(user, cluster_year)


def coordinated_cluster_year_ids(user) -> set[int]:
    """Ids of the cluster-years the user coordinates (for dashboards, one query)."""
    if not roles.is_officer(user):
        return set()
    return set(
        Leadership.objects.filter(
            province_id=user.province_id, role__in=COORDINATING_ROLES
        ).values_list("cluster_year_id", flat=True)
    )


def can_read_province_results(user, cluster_year: ClusterYear, province_id: int) -> bool:
    """A member's results and evidence: its own officers, the year's coordinator, central roles."""
    if roles.reads_everything(user):
        return True
    if roles.officer_of(user, province_id):
        return True
    return is_coordinator(user, cluster_year)


def evidence_for_user(user, pk: int):
    """An evidence file the user may download, or 404 (never 403: no hint it exists)."""
    from .models import Evidence

    evidence = Evidence.objects.select_related("result__cluster_year").filter(pk=pk).first()
    if evidence is None or not can_read_province_results(
        user, evidence.result.cluster_year, evidence.result.province_id
    ):
        raise Http404
    return evidence


def submission_for_coordinator(user, pk: int):
    """A submission of a year the user coordinates (or any, for an admin); 404 otherwise."""
    from .models import Submission

    submission = Submission.objects.select_related("cluster_year", "province").filter(pk=pk).first()
    if submission is None or not can_manage_cluster_year(user, submission.cluster_year):
        raise Http404
    return submission
