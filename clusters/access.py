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
    """A member's results and evidence: its own officers, the year's coordinator, central roles,
    and the officers of a province assigned (actively) to score it that year."""
    if roles.reads_everything(user):
        return True
    if roles.officer_of(user, province_id):
        return True
    if not roles.is_officer(user):
        return False
    from django.db.models import Exists, Q

    from .models import PeerAssignment

    # Coordinator, or assigned scorer of that province: one query for both.
    leads = Leadership.objects.filter(
        cluster_year=cluster_year, province_id=user.province_id, role__in=COORDINATING_ROLES
    )
    scores = PeerAssignment.objects.active().filter(
        cluster_year=cluster_year, scorer_id=user.province_id, scored_id=province_id
    )
    return (
        ClusterYear.objects.filter(pk=cluster_year.pk)
        .filter(Q(Exists(leads)) | Q(Exists(scores)))
        .exists()
    )


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


def can_request_reports(user, cluster_year: ClusterYear) -> bool:
    """Coordinator of the year, Central Board reviewers and admins ask for reports."""
    return roles.is_reviewer(user) or roles.is_admin(user) or is_coordinator(user, cluster_year)


def report_job_for_user(user, pk: int):
    """A report job of a year the user may see (its files follow the year's visibility)."""
    from .models import ReportJob

    job = ReportJob.objects.select_related("cluster_year__cluster").filter(pk=pk).first()
    if job is None or not cluster_years_visible_to(user).filter(pk=job.cluster_year_id).exists():
        raise Http404
    return job


# Peer scoring (chấm chéo) and the ranking. Assignments are visible only to the
# coordinator and to the scorer (the issue); reviewers and observers see none.


def is_assigned_scorer(user, cluster_year: ClusterYear, province_id: int) -> bool:
    """An officer whose province actively scores ``province_id`` in this year (one query)."""
    from .models import PeerAssignment

    if not roles.is_officer(user):
        return False
    return (
        PeerAssignment.objects.active()
        .filter(cluster_year=cluster_year, scorer_id=user.province_id, scored_id=province_id)
        .exists()
    )


def assignments_visible_to(user, cluster_year: ClusterYear):
    """The coordinator (or an admin): all of the year's assignments; an officer: their
    province's assignments as scorer; anyone else, central roles included: none."""
    from .models import PeerAssignment

    assignments = PeerAssignment.objects.filter(cluster_year=cluster_year)
    if can_manage_cluster_year(user, cluster_year):
        return assignments
    if roles.is_officer(user):
        return assignments.filter(scorer_id=user.province_id)
    return assignments.none()


def assignment_for_scorer(user, pk: int):
    """An active assignment whose scorer is the user's province, or 404 (never 403)."""
    from .models import PeerAssignment

    if not roles.is_officer(user):
        raise Http404
    assignment = (
        PeerAssignment.objects.active()
        .select_related("cluster_year__cluster", "scorer", "scored")
        .filter(pk=pk, scorer_id=user.province_id)
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def is_ranking_frozen(cluster_year: ClusterYear) -> bool:
    """The coordinator has frozen the year's ranking (chốt kết quả xếp hạng)."""
    from .models import RankingSnapshot

    return RankingSnapshot.objects.filter(cluster_year=cluster_year).exists()


def can_see_scoreboard(user, cluster_year: ClusterYear, *, frozen: bool | None = None) -> bool:
    """The coordinator or an admin always; members and central roles only once frozen.

    Before the freeze the board shows interim standings, which nobody else
    should act on (LESSONS.md: no interim results).
    """
    if can_manage_cluster_year(user, cluster_year):
        return True
    if not (roles.reads_everything(user) or is_member(user, cluster_year)):
        return False
    return is_ranking_frozen(cluster_year) if frozen is None else frozen


def can_see_reciprocity(user, cluster_year: ClusterYear) -> bool:
    """The "có đi có lại" check names scorers: the coordinator and admins only."""
    return can_manage_cluster_year(user, cluster_year)


# -- The secret-ballot vote (bình xét, suy tôn) and next year's leadership --------------


def can_run_ballot(user, cluster_year: ClusterYear) -> bool:
    """Set up, open and close the year's vote: its coordinator, or an admin."""
    return can_manage_cluster_year(user, cluster_year)


def can_vote(user, cluster_year: ClusterYear) -> bool:
    """Cast the ballot of one's province: an officer of a member province of that year."""
    return is_member(user, cluster_year)


def ballot_for_user(user, pk: int, *, code: str | None = None, year: int | None = None):
    """A ballot of a year the user may see (and of ``code``/``year`` when given), or 404.

    Seeing a ballot shows its questions, candidates and who has voted; counts
    exist only once it is final and are read through ``selectors.ballot``.
    """
    from .models import Ballot

    ballot = Ballot.objects.select_related("cluster_year__cluster").filter(pk=pk).first()
    if ballot is None:
        raise Http404
    cluster_year = ballot.cluster_year
    if code is not None and (cluster_year.cluster.code, cluster_year.year) != (code, year):
        raise Http404
    if not cluster_years_visible_to(user).filter(pk=cluster_year.pk).exists():
        raise Http404
    return ballot


def can_propose_leadership(user, cluster_year: ClusterYear) -> bool:
    """Record the conference's proposal of next year's leader and deputies: the coordinator, an admin."""
    return can_manage_cluster_year(user, cluster_year)


def can_decide_leadership(user) -> bool:
    """Record the Central Council's decision on a proposal: an admin or a Central Board reviewer."""
    return roles.is_admin(user) or roles.is_reviewer(user)
